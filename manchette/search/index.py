"""Keeping the index equal to the set of live articles and of the dispatches readers see: on publish (a
correction is published too), unpublish (by hand or by expiry), delete, and in bulk."""

from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from manchette.filinfo.models import Dispatch
from manchette.news.models import Article
from manchette.news.richtext import plain_text

from .models import ArticleIndex, DispatchIndex
from .text import document

INDEXED_FIELDS = ("id", "title", "lead", "body")


def entry_for(article):
    return ArticleIndex(
        article_id=article.pk,
        title=document(article.title),
        lead=document(article.lead),
        body=document(plain_text(article.body)),
    )


def index_article(article):
    """Index an article if it is live, otherwise make sure it is not in the index."""
    if not article.live:
        remove_article(article.pk)
        return
    entry = entry_for(article)
    ArticleIndex.objects.update_or_create(
        article_id=entry.article_id,
        defaults={"title": entry.title, "lead": entry.lead, "body": entry.body},
    )


def remove_article(article_id):
    ArticleIndex.objects.filter(article_id=article_id).delete()


def on_published(sender, instance, **kwargs):
    index_article(instance)


def on_unpublished_or_deleted(sender, instance, **kwargs):
    remove_article(instance.pk)


def visible_dispatches():
    """The dispatches readers may see: live (filinfo shows those alone), not past their expiry date.

    Wagtail unpublishes an expired dispatch when its worker runs; until then it is already left out here.
    """
    return Dispatch.objects.filter(live=True).filter(Q(expire_at__isnull=True) | Q(expire_at__gt=timezone.now()))


def dispatch_entry_for(dispatch):
    return DispatchIndex(dispatch_id=dispatch.pk, title=document(dispatch.title), text=document(dispatch.text))


def index_dispatch(dispatch):
    """Index a dispatch as it is published, or take it out of the index if readers may not see it."""
    if not visible_dispatches().filter(pk=dispatch.pk).exists():
        remove_dispatch(dispatch.pk)
        return
    entry = dispatch_entry_for(dispatch)
    DispatchIndex.objects.update_or_create(
        dispatch_id=entry.dispatch_id, defaults={"title": entry.title, "text": entry.text}
    )


def remove_dispatch(dispatch_id):
    DispatchIndex.objects.filter(dispatch_id=dispatch_id).delete()


def on_dispatch_published(sender, instance, **kwargs):
    index_dispatch(instance)


def on_dispatch_gone(sender, instance, **kwargs):
    remove_dispatch(instance.pk)


@dataclass
class Indexed:
    articles: int
    dispatches: int


def reindex_all(batch_size=500, progress=None):
    """Rebuild the whole index: the live articles (`progress` wraps their iterator: tqdm), then the dispatches."""
    articles = reindex_articles(batch_size, progress)
    return Indexed(articles=articles, dispatches=reindex_dispatches(batch_size))


def reindex_dispatches(batch_size=500):
    """Rebuild the dispatches' index from those readers may see."""
    dispatches = visible_dispatches().only("id", "title", "text").order_by("pk").iterator(chunk_size=batch_size)
    with transaction.atomic():
        DispatchIndex.objects.all().delete()
        DispatchIndex.objects.bulk_create((dispatch_entry_for(d) for d in dispatches), batch_size=batch_size)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE search_dispatchindex")
        else:
            cursor.execute("INSERT INTO search_dispatch_fts(search_dispatch_fts) VALUES ('optimize')")
    return DispatchIndex.objects.count()


def reindex_articles(batch_size=500, progress=None):
    """Rebuild the articles' index from the live articles; `progress` wraps the article iterator (tqdm)."""
    live = Article.objects.live().only(*INDEXED_FIELDS).order_by("pk")
    articles = live.iterator(chunk_size=batch_size)
    if progress is not None:
        articles = progress(articles, total=live.count())
    with transaction.atomic():
        ArticleIndex.objects.all().delete()
        batch = []
        for article in articles:
            batch.append(entry_for(article))
            if len(batch) >= batch_size:
                ArticleIndex.objects.bulk_create(batch)
                batch = []
        ArticleIndex.objects.bulk_create(batch)
    _after_bulk_load()
    return ArticleIndex.objects.count()


def _after_bulk_load():
    """Leave the database ready to search fast: fresh planner statistics, or merged FTS5 segments."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE search_articleindex")
        else:
            cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")
