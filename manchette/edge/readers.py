"""What readers see, declared by the apps that own it: the registry the edge cache consults to invalidate.

An app declares the models whose changes readers see from its AppConfig.ready(), with `watch(Model, …)`:
once a save or a delete of one of them commits, no cached page may show what it showed before. Wagtail pages
of every type are watched here: publishing, unpublishing, moving, or creating a page already live (demo
loader, scripts). A draft saved as a revision reaches no reader and changes nothing.

Today any watched change makes every cached page stale (invalidation.bump); this registry is where each
model will say which pages it touches.
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished, post_page_move

from .invalidation import bump

_watched = set()


def watch(*models):
    _watched.update(models)


def watched():
    return frozenset(_watched)


def changed():
    """Once the current transaction commits, every cached page is stale."""
    transaction.on_commit(bump)


def saved(sender, instance, created, **kwargs):
    # Pages reach readers through page_published, except one created live at once.
    if sender in _watched or (created and isinstance(instance, Page) and instance.live):
        changed()


def deleted(sender, **kwargs):
    if sender in _watched:
        changed()


def page_changed(**kwargs):
    changed()


def connect():
    """Called once, by the edge app: every save and delete is checked against what apps declared."""
    post_save.connect(saved, dispatch_uid="edge-readers-saved")
    post_delete.connect(deleted, dispatch_uid="edge-readers-deleted")
    for signal, name in ((page_published, "published"), (page_unpublished, "unpublished"), (post_page_move, "moved")):
        signal.connect(page_changed, dispatch_uid=f"edge-readers-page-{name}")
