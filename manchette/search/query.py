"""Turning a reader's words into the matching article ids, newest first or most relevant first.

A search keeps the MAX_RESULTS most recent matches (live pages only) and orders those: that bounds the
work for a word found in most articles, on both databases, to a date-ordered walk and MAX_RESULTS
rankings. Matching and ordering read the index and wagtailcore_page only (see models.py); the articles
shown are then loaded through visible_articles(), so an index row that outlived its article shows nothing.
"""

from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import F, FloatField, Func, Value
from django.db.models.expressions import RawSQL
from wagtail.models import Page

from manchette.news.models import visible_articles, with_cards

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
# bm25 weights of the FTS5 columns title, lead, body.
SQLITE_WEIGHTS = (10.0, 4.0, 1.0)
# ts_rank weights of D, C, B, A: body (C) 0.2, lead (B) 0.4, title (A) 1.0.
POSTGRESQL_WEIGHTS = [0.1, 0.2, 0.4, 1.0]
# Divide the rank by 1 + log(document length) so that long articles do not win by length alone.
POSTGRESQL_NORMALIZATION = 1


class Bm25(Func):
    """FTS5's bm25() of the matched row; lower is better."""

    function = "bm25"
    output_field = FloatField()


@dataclass
class Results:
    ids: list
    # More articles match than the MAX_RESULTS most recent kept in ids.
    truncated: bool = False


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


def _by_relevance(ids, stems):
    pages = Page.objects.filter(pk__in=ids)
    if connection.vendor == "postgresql":
        score = SearchRank(
            F("search_tsvector__document"), _tsquery(stems),
            weights=POSTGRESQL_WEIGHTS, normalization=POSTGRESQL_NORMALIZATION,
        )
        ranked = pages.annotate(score=score).order_by("-score", *NEWEST_FIRST)
    else:
        # bm25() only exists inside the full-text query, hence the MATCH again.
        score = Bm25(F("search_fts__document"), *(Value(weight) for weight in SQLITE_WEIGHTS))
        ranked = matching(pages, stems).annotate(score=score).order_by("score", *NEWEST_FIRST)
    return list(ranked.values_list("pk", flat=True))


def search(query, order=BY_DATE):
    """Ids of the live pages whose index entry holds every word of the query, in the order asked for."""
    stems = query_terms(query)
    if not stems:
        return Results([])
    newest = matching(Page.objects.live(), stems).order_by(*NEWEST_FIRST).values_list("pk", flat=True)
    ids = list(newest[: MAX_RESULTS + 1])
    results = Results(ids[:MAX_RESULTS], truncated=len(ids) > MAX_RESULTS)
    if order == BY_RELEVANCE and len(results.ids) > 1:
        results.ids = _by_relevance(results.ids, stems)
    return results


def visible_in_order(ids):
    """The visible articles among IDS, as cards, in the order of IDS."""
    ids = list(ids)
    articles = with_cards(visible_articles().filter(pk__in=ids)).in_bulk()
    return [articles[pk] for pk in ids if pk in articles]


def search_articles(query, order=BY_DATE):
    """The visible articles a search finds, in order (the view pages through the ids instead)."""
    return visible_in_order(search(query, order).ids)
