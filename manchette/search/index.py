"""Keeping the index equal to the set of live articles: on publish, unpublish, delete, and in bulk."""

from django.db import connection, transaction

from manchette.news.models import Article
from manchette.news.richtext import plain_text

from .models import ArticleIndex
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


def reindex_all(batch_size=500, progress=None):
    """Rebuild the whole index from the live articles; `progress` wraps the article iterator (tqdm)."""
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
