"""Publishing puts an item in the fil info; unpublishing, deleting or withdrawing takes it out.

Wagtail sends unpublishing by expiry (the worker) or by the admin's bulk action with `sender=Page`: every
page is listened to, and articles picked out. A change above articles (a section unpublished or published
again, a view restriction added or removed) changes which of them readers may see (news/visibility.py):
the feed is then made to match again.
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from wagtail.models import PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move, published, unpublished

from manchette.news.models import Article

from . import events
from .models import Dispatch


def tell_rebuild():
    events.rebuild(tell=True)


def item_published(instance, **kwargs):
    events.show(instance)


def item_gone(instance, **kwargs):
    events.withdraw(events.entry_key(instance))


def page_published_here(instance, **kwargs):
    if instance.specific_class is Article:
        events.show(instance.specific)
    elif instance.numchild:
        transaction.on_commit(tell_rebuild)


def page_gone(instance, **kwargs):
    if instance.specific_class is Article:
        events.withdraw(events.entry_key(instance))
    elif instance.numchild:
        transaction.on_commit(tell_rebuild)


def page_moved(instance, **kwargs):
    # The article's URL changed, or the pages under it moved below a section readers may not see.
    if instance.specific_class is Article:
        events.show(instance.specific)
    elif instance.numchild:
        transaction.on_commit(tell_rebuild)


def restriction_changed(**kwargs):
    transaction.on_commit(tell_rebuild)


def register():
    published.connect(item_published, sender=Dispatch, dispatch_uid="filinfo-published-Dispatch")
    unpublished.connect(item_gone, sender=Dispatch, dispatch_uid="filinfo-unpublished-Dispatch")
    page_published.connect(page_published_here, dispatch_uid="filinfo-page-published")
    page_unpublished.connect(page_gone, dispatch_uid="filinfo-page-unpublished")
    for model in (Article, Dispatch):
        post_delete.connect(item_gone, sender=model, dispatch_uid=f"filinfo-deleted-{model.__name__}")
    post_page_move.connect(page_moved, dispatch_uid="filinfo-page-moved")
    for signal in (post_save, post_delete):
        signal.connect(restriction_changed, sender=PageViewRestriction, dispatch_uid=f"filinfo-restriction-{signal is post_save}")
