"""Publishing puts an item in the fil info; unpublishing, deleting or withdrawing takes it out."""

from django.db.models.signals import post_delete
from wagtail.signals import post_page_move, published, unpublished

from manchette.news.models import Article

from . import events
from .models import Dispatch


def item_published(instance, **kwargs):
    events.show(instance)


def item_gone(instance, **kwargs):
    events.withdraw(events.entry_key(instance))


def article_moved(instance, **kwargs):
    # The article's URL changed: open pages and the feed must link to the new one.
    if instance.specific_class is Article and instance.live:
        events.show(instance.specific)


def register():
    for model in (Article, Dispatch):
        published.connect(item_published, sender=model, dispatch_uid=f"filinfo-published-{model.__name__}")
        unpublished.connect(item_gone, sender=model, dispatch_uid=f"filinfo-unpublished-{model.__name__}")
        post_delete.connect(item_gone, sender=model, dispatch_uid=f"filinfo-deleted-{model.__name__}")
    post_page_move.connect(article_moved, dispatch_uid="filinfo-article-moved")
