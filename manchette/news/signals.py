"""What news shows readers, declared to the edge cache; and the pages a CDN in front must purge on publishing.

Wagtail purges a page itself from a CDN on publishing; the pages listing it (its sections, the front page)
follow here. Deleting a live page goes through page_unpublished: Wagtail unpublishes it first.
"""

from django.conf import settings
from taggit.models import Tag
from wagtail.contrib.frontend_cache.utils import PurgeBatch
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from manchette.edge import fragments, keys, readers

from . import context
from .models import Article, Author, EditorsPick, FrontPageLead, NewsImage, Story

# Shown on pages.
READER_FACING_MODELS = (Author, Story, NewsImage, Tag, FrontPageLead, EditorsPick)


def article_lists(article):
    """The lists an article is in beyond its sections': its tags', its authors', its story's."""
    # .all(), not values_list(): on a page being published they are modelcluster's in-memory relations.
    found = {keys.list_of(f"tag-{tag.pk}") for tag in article.tags.all()}
    found.update(keys.list_of(f"author-{author.pk}") for author in article.authors.all())
    if article.story_id:
        found.add(keys.list_of(f"story-{article.story_id}"))
    return found


def redirect_keys(redirect):
    # A redirect answers a URL that was a 404, maybe kept.
    return [*readers.default_keys(redirect), keys.path(redirect.old_path)]


def page_changed(instance, **kwargs):
    purge_listings(instance)


def purge_listings(page):
    """Purges from a CDN the pages that list PAGE: its sections and the front page."""
    if not settings.WAGTAILFRONTENDCACHE:
        return
    batch = PurgeBatch()
    batch.add_pages(page.get_ancestors().filter(depth__gt=1).live())
    batch.purge()


def register():
    readers.watch(*READER_FACING_MODELS)
    readers.watch(Redirect, keys=redirect_keys)
    # A site's name, host or root page: everything it serves may change.
    readers.watch(Site, keys=lambda site: readers.EVERYTHING)
    # A page restricted or opened again leaves or enters every list above it (visibility.py).
    readers.watch(PageViewRestriction, keys=lambda restriction: readers.EVERYTHING)
    readers.watch_pages(Article, lists=article_lists)
    fragments.register("une", context.headlines_block)
    fragments.register("meilleur", context.best_of_block)
    fragments.register("aussi-en", context.also_in_block)
    fragments.register("plus-lus", context.most_read_block)
    page_published.connect(page_changed, dispatch_uid="news-purge-published")
    page_unpublished.connect(page_changed, dispatch_uid="news-purge-unpublished")
    post_page_move.connect(page_changed, dispatch_uid="news-purge-moved")
