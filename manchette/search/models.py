"""The search index: one row of stemmed text per live article and per visible dispatch, and the database's
full-text view of each.

ArticleIndex is written the same way on every database. Migration 0001 adds what each database
searches with: on SQLite an FTS5 table kept in sync by triggers (read through Fts5Entry), on PostgreSQL
a generated, GIN-indexed tsvector column on the same table (read through TsEntry).

Both views join straight to wagtailcore_page, not news_article: matching, counting and sorting touch
only the page's narrow row (live, publication date); an article's wide row is read for shown results only.

Dispatches (manchette/filinfo) have an index of their own, built the same way (DispatchIndex, migration
0002): their ids are not page ids, and their rows join filinfo_dispatch, whose live flag and dates say
whether and when readers see them.
"""

from django.contrib.postgres.search import SearchVectorField
from django.db import models

FTS5_TABLE = "search_fts"
DISPATCH_FTS5_TABLE = "search_dispatch_fts"


class ArticleIndex(models.Model):
    article = models.OneToOneField(
        "news.Article", primary_key=True, on_delete=models.CASCADE, related_name="search_index"
    )
    title = models.TextField()
    lead = models.TextField()
    body = models.TextField()


class Fts5Column(models.TextField):
    """FTS5's hidden column named after its table: the left-hand side of MATCH."""


@Fts5Column.register_lookup
class Fts5Match(models.Lookup):
    lookup_name = "match"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} MATCH {rhs}", [*lhs_params, *rhs_params]


class Fts5Entry(models.Model):
    """SQLite only: the FTS5 table, one row per ArticleIndex row, rowid = article id."""

    page = models.OneToOneField(
        "wagtailcore.Page", primary_key=True, db_column="rowid", db_constraint=False,
        on_delete=models.DO_NOTHING, related_name="search_fts",
    )
    document = Fts5Column(db_column=FTS5_TABLE)

    class Meta:
        managed = False
        db_table = FTS5_TABLE


class TsEntry(models.Model):
    """PostgreSQL only: the generated, GIN-indexed tsvector column of ArticleIndex (title A, lead B, body C)."""

    page = models.OneToOneField(
        "wagtailcore.Page", primary_key=True, db_column="article_id", db_constraint=False,
        on_delete=models.DO_NOTHING, related_name="search_tsvector",
    )
    document = SearchVectorField()

    class Meta:
        managed = False
        db_table = "search_articleindex"


class DispatchIndex(models.Model):
    """One row per dispatch readers may see: its title and text, stemmed (text.py)."""

    dispatch = models.OneToOneField(
        "filinfo.Dispatch", primary_key=True, on_delete=models.CASCADE, related_name="search_index"
    )
    title = models.TextField()
    text = models.TextField()


class DispatchFts5Entry(models.Model):
    """SQLite only: the FTS5 table over DispatchIndex, rowid = dispatch id."""

    dispatch = models.OneToOneField(
        "filinfo.Dispatch", primary_key=True, db_column="rowid", db_constraint=False,
        on_delete=models.DO_NOTHING, related_name="search_fts",
    )
    document = Fts5Column(db_column=DISPATCH_FTS5_TABLE)

    class Meta:
        managed = False
        db_table = DISPATCH_FTS5_TABLE


class DispatchTsEntry(models.Model):
    """PostgreSQL only: the generated, GIN-indexed tsvector column of DispatchIndex (title A, text B)."""

    dispatch = models.OneToOneField(
        "filinfo.Dispatch", primary_key=True, db_column="dispatch_id", db_constraint=False,
        on_delete=models.DO_NOTHING, related_name="search_tsvector",
    )
    document = SearchVectorField()

    class Meta:
        managed = False
        db_table = "search_dispatchindex"
