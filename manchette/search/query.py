"""Turning a reader's words into the matching articles and dispatches, newest first or most relevant first.

A search keeps the MAX_RESULTS most recent matches (live pages and visible dispatches together) and orders
those: that bounds the work for a word found in most articles, on both databases, to a date-ordered walk
and MAX_RESULTS rankings. Matching and ordering read the index and wagtailcore_page only (see models.py),
or filinfo_dispatch for dispatches; the articles shown are then loaded through visible_articles() and the
dispatches through the fil info's entries, so an index row that outlived what it indexed shows nothing.

Articles and dispatches are ranked each in their own index with the same weights (title, then lead or a
dispatch's text, then body), and the two lists merged by score: on PostgreSQL ts_rank() scores one
document alone, so they compare exactly; on SQLite bm25() weighs a word by its rarity in its own index,
which only shades the comparison.
"""

import datetime
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import F, FloatField, Func, Value
from django.db.models.expressions import RawSQL
from wagtail.models import Page

from manchette.filinfo.models import FeedEntry
from manchette.news.models import visible_articles, with_cards

from .index import visible_dispatches
from .text import terms

MAX_QUERY_LENGTH = 200
MAX_TERMS = 20
MAX_RESULTS = 1000
# On PostgreSQL, words in at least this share of the articles are searched by walking the newest pages.
COMMON_SHARE = 0.2
BY_DATE = "date"
BY_RELEVANCE = "pertinence"
ORDERS = (BY_DATE, BY_RELEVANCE)
NEWEST_FIRST = ("-first_published_at", "-pk")
# bm25 weights of the FTS5 columns title, lead, body, and of a dispatch's title and text.
SQLITE_WEIGHTS = (10.0, 4.0, 1.0)
SQLITE_DISPATCH_WEIGHTS = (10.0, 4.0)
# ts_rank weights of D, C, B, A: body (C) 0.2, lead (B) 0.4, title (A) 1.0.
POSTGRESQL_WEIGHTS = [0.1, 0.2, 0.4, 1.0]
# Divide the rank by 1 + log(document length) so that long articles do not win by length alone.
POSTGRESQL_NORMALIZATION = 1


class Bm25(Func):
    """FTS5's bm25() of the matched row; lower is better."""

    function = "bm25"
    output_field = FloatField()


ARTICLE = "article"
DISPATCH = "dispatch"
# Before every real date: an item without one (never published through Wagtail) sorts last.
NO_DATE = datetime.datetime.min.replace(tzinfo=datetime.UTC)


@dataclass(frozen=True)
class Hit:
    kind: str  # ARTICLE or DISPATCH
    pk: int
    published_at: datetime.datetime = field(default=NO_DATE, compare=False)


@dataclass
class Results:
    hits: list
    # More items match than the MAX_RESULTS most recent kept in hits.
    truncated: bool = False

    @property
    def ids(self):
        """The articles' ids, in order."""
        return [hit.pk for hit in self.hits if hit.kind == ARTICLE]


def query_terms(query):
    """The distinct stems of a query, in order, at most MAX_TERMS: only [a-z0-9] ever reaches SQL."""
    return list(dict.fromkeys(terms(query[:MAX_QUERY_LENGTH])))[:MAX_TERMS]


def _fts5_expression(stems):
    # Each stem is quoted, so FTS5 reads it as a plain string, never as an operator (AND, NEAR, *, -).
    return " ".join(f'"{stem}"' for stem in stems)


def _tsquery(stems):
    # The stems are [a-z0-9] only: plainto_tsquery reads them as words joined by AND.
    return SearchQuery(" ".join(stems), config="simple", search_type="plain")


def _found_in_most_articles(stems):
    """PostgreSQL's estimate that the words are in COMMON_SHARE of the articles or more.

    Frequent words are in the planner's statistics, so this is reliable where it matters; rare or
    unknown words come out rare, whatever their exact count.
    """
    sql = "EXPLAIN (FORMAT JSON) SELECT 1 FROM search_articleindex WHERE document @@ plainto_tsquery('simple', %s)"
    with connection.cursor() as cursor:
        cursor.execute(sql, [" ".join(stems)])
        estimate = cursor.fetchone()[0][0]["Plan"]["Plan Rows"]
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = 'search_articleindex'::regclass")
        total = cursor.fetchone()[0]
    return total > 0 and estimate >= COMMON_SHARE * total


def matching(pages, stems):
    """PAGES narrowed to those whose index entry holds every stem."""
    if connection.vendor != "postgresql":
        return pages.filter(search_fts__document__match=_fts5_expression(stems))
    if _found_in_most_articles(stems):
        # The planner walks the newest pages and tests each: a few hundred rows to find MAX_RESULTS.
        return pages.filter(search_tsvector__document=_tsquery(stems))
    # Otherwise only the GIN index may answer (see migration 0001): it costs per match, not per article.
    matches = RawSQL("SELECT search_matches(plainto_tsquery('simple', %s))", [" ".join(stems)])
    return pages.filter(pk__in=matches)


def matching_dispatches(dispatches, stems):
    """DISPATCHES narrowed to those whose index entry holds every stem (few rows: the planner's choice)."""
    if connection.vendor != "postgresql":
        return dispatches.filter(search_fts__document__match=_fts5_expression(stems))
    return dispatches.filter(search_tsvector__document=_tsquery(stems))


def _scores(queryset, stems, sqlite_weights):
    """{pk: score} of QUERYSET's rows (pages or dispatches), the higher the more relevant, on both databases."""
    if connection.vendor == "postgresql":
        score = SearchRank(
            F("search_tsvector__document"), _tsquery(stems),
            weights=POSTGRESQL_WEIGHTS, normalization=POSTGRESQL_NORMALIZATION,
        )
        return dict(queryset.annotate(score=score).values_list("pk", "score"))
    # bm25() only exists inside the full-text query (the caller's MATCH), and lower is better.
    score = Bm25(F("search_fts__document"), *(Value(weight) for weight in sqlite_weights))
    return {pk: -score for pk, score in queryset.annotate(score=score).values_list("pk", "score")}


def _by_relevance(hits, stems):
    scores = {}
    article_ids = [hit.pk for hit in hits if hit.kind == ARTICLE]
    if article_ids:
        pages = Page.objects.filter(pk__in=article_ids)
        if connection.vendor != "postgresql":
            pages = matching(pages, stems)
        scores.update(((ARTICLE, pk), score) for pk, score in _scores(pages, stems, SQLITE_WEIGHTS).items())
    dispatch_ids = [hit.pk for hit in hits if hit.kind == DISPATCH]
    if dispatch_ids:
        dispatches = visible_dispatches().filter(pk__in=dispatch_ids)
        if connection.vendor != "postgresql":
            dispatches = matching_dispatches(dispatches, stems)
        scores.update(((DISPATCH, pk), score) for pk, score in _scores(dispatches, stems, SQLITE_DISPATCH_WEIGHTS).items())
    # The best first; among equals the newest, as by date.
    return sorted(hits, key=lambda hit: (-scores.get((hit.kind, hit.pk), float("-inf")), *_newest_key(hit)))


def _newest_key(hit):
    return (-hit.published_at.timestamp(), hit.kind != ARTICLE, -hit.pk)


def search(query, order=BY_DATE):
    """The live articles and visible dispatches whose index entry holds every word of the query, as hits in
    the order asked for."""
    stems = query_terms(query)
    if not stems:
        return Results([])
    pages = matching(Page.objects.live(), stems).order_by(*NEWEST_FIRST)
    dispatches = matching_dispatches(visible_dispatches(), stems).order_by("-first_published_at", "-pk")
    hits = [
        Hit(kind, pk, published_at or NO_DATE)
        for kind, queryset in ((ARTICLE, pages), (DISPATCH, dispatches))
        for pk, published_at in queryset.values_list("pk", "first_published_at")[: MAX_RESULTS + 1]
    ]
    hits.sort(key=_newest_key)
    results = Results(hits[:MAX_RESULTS], truncated=len(hits) > MAX_RESULTS)
    if order == BY_RELEVANCE and len(results.hits) > 1:
        results.hits = _by_relevance(results.hits, stems)
    return results


def visible_in_order(ids):
    """The visible articles among IDS, as cards, in the order of IDS."""
    ids = list(ids)
    articles = with_cards(visible_articles().filter(pk__in=ids)).in_bulk()
    return [articles[pk] for pk in ids if pk in articles]


def visible_dispatches_in_order(ids):
    """The fil info's entries of the visible dispatches among IDS, in the order of IDS."""
    ids = list(ids)
    entries = {
        entry.dispatch_id: entry
        for entry in FeedEntry.objects.filter(kind=FeedEntry.DISPATCH, dispatch__in=visible_dispatches().filter(pk__in=ids))
    }
    return [entries[pk] for pk in ids if pk in entries]


def visible_items(hits):
    """What HITS show, in order: articles as cards, dispatches as the fil info's entries (`is_dispatch`)."""
    articles = {article.pk: article for article in visible_in_order(hit.pk for hit in hits if hit.kind == ARTICLE)}
    entries = {entry.dispatch_id: entry for entry in visible_dispatches_in_order(hit.pk for hit in hits if hit.kind == DISPATCH)}
    shown = ((articles if hit.kind == ARTICLE else entries).get(hit.pk) for hit in hits)
    return [item for item in shown if item is not None]


def search_articles(query, order=BY_DATE):
    """The visible articles a search finds, in order (the view pages through the hits instead)."""
    return visible_in_order(search(query, order).ids)


def search_items(query, order=BY_DATE):
    """The visible articles and dispatches a search finds, in order."""
    return visible_items(search(query, order).hits)
