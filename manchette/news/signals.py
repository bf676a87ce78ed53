"""What news shows readers, declared to the edge cache; and the pages a CDN in front must purge on publishing.

Wagtail purges a page itself from a CDN on publishing; the pages listing it (its sections, the front page)
follow here. Deleting a live page goes through page_unpublished: Wagtail unpublishes it first.
"""

from django.conf import settings
from taggit.models import Tag
from wagtail.contrib.frontend_cache.utils import PurgeBatch
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from manchette.edge import readers

from .models import Author, EditorsPick, FrontPageLead, NewsImage, Story

# Shown on pages, or deciding which page answers a URL (a redirect can replace a kept 404).
READER_FACING_MODELS = (Author, Story, NewsImage, Tag, FrontPageLead, EditorsPick, Redirect, Site)


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
    page_published.connect(page_changed, dispatch_uid="news-purge-published")
    page_unpublished.connect(page_changed, dispatch_uid="news-purge-unpublished")
    post_page_move.connect(page_changed, dispatch_uid="news-purge-moved")
