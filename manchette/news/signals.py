"""Whatever changes what readers see makes every cached page stale, once the change has committed.

The edge cache (manchette/edge) is invalidated as a whole: a correction must show at once on the article,
the front page, its sections and the fil info, and one render per page afterwards is cheap. A CDN or
Varnish in front is told which URLs to purge (Wagtail purges the page itself; the pages listing it follow).
Deleting a live page goes through page_unpublished: Wagtail unpublishes it first.
"""

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.urls import reverse
from taggit.models import Tag
from wagtail.contrib.frontend_cache.utils import PurgeBatch
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Page, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from manchette.edge.invalidation import bump

from .models import Author, EditorsPick, FrontPageLead, NewsImage, Story

# Shown on pages, or deciding which page answers a URL (a redirect can replace a kept 404).
READER_FACING_MODELS = (Author, Story, NewsImage, Tag, FrontPageLead, EditorsPick, Redirect, Site)


def invalidate(**kwargs):
    transaction.on_commit(bump)


def page_changed(instance, **kwargs):
    invalidate()
    purge_listings(instance)


def page_saved(instance, created, **kwargs):
    # Pages reach readers through page_published, except one created live at once (demo loader, scripts).
    if created and isinstance(instance, Page) and instance.live:
        invalidate()


def purge_listings(page):
    """Purges from a CDN the pages that list PAGE: its sections, the front page and the fil info."""
    if not settings.WAGTAILFRONTENDCACHE:
        return
    batch = PurgeBatch()
    batch.add_pages(page.get_ancestors().filter(depth__gt=1).live())
    site = page.get_site()
    if site is not None:
        batch.add_url(site.root_url + reverse("filinfo:feed"))
    batch.purge()


def register():
    page_published.connect(page_changed, dispatch_uid="edge-page-published")
    page_unpublished.connect(page_changed, dispatch_uid="edge-page-unpublished")
    post_page_move.connect(page_changed, dispatch_uid="edge-page-moved")
    post_save.connect(page_saved, dispatch_uid="edge-page-created")
    for model in READER_FACING_MODELS:
        post_save.connect(invalidate, sender=model, dispatch_uid=f"edge-saved-{model._meta.label}")
        post_delete.connect(invalidate, sender=model, dispatch_uid=f"edge-deleted-{model._meta.label}")
