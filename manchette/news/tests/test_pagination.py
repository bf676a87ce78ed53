"""Deep pages are read from the far end of a list: every page must hold exactly the rows reading forward gives."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.core.paginator import Paginator
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from manchette.news.models import Article, paginate, totally_ordered, visible_articles, with_cards

from .factories import ArticleFactory, AuthorFactory, SectionFactory

PER_PAGE = 4
ARTICLES = 23  # six pages, the last one short


@pytest.fixture
def crowded(home):
    """A section whose articles share publication times in bunches (ties broken by id), one with none at all.

    They alternate between two sub-sections, so that tree order (which a database may fall back on for ties)
    is not id order."""
    section = SectionFactory(title="Faits divers", slug="faits-divers")
    parts = [SectionFactory(parent=section, slug=slug) for slug in ("nord", "sud")]
    author = AuthorFactory(slug="lea-martin")
    noon = timezone.now().replace(microsecond=0) - datetime.timedelta(days=1)
    articles = [
        ArticleFactory(
            parent=parts[n % 2], slug=f"fait-{n}", title=f"Fait divers {n}", tags=["quartier"], authors=[author],
            first_published_at=noon - datetime.timedelta(hours=n % 5),
        )
        for n in range(ARTICLES)
    ]
    # A live page without a first publication date: NULLs sort first or last depending on the database,
    # and must do so the same way in both directions.
    Article.objects.filter(pk=articles[7].pk).update(first_published_at=None)
    ArticleFactory(parent=section, slug="brouillon", title="Brouillon", live=False)
    ArticleFactory(parent=SectionFactory(slug="ailleurs"), slug="ailleurs-1", title="Ailleurs")
    return section


def forward_pages(queryset):
    """What plain OFFSET paging gives, page by page: the reference."""
    paginator = Paginator(queryset, PER_PAGE)
    return [[a.pk for a in paginator.page(n).object_list] for n in paginator.page_range]


def test_every_page_read_backwards_holds_the_rows_read_forwards(rf, crowded):
    queryset = with_cards(crowded.articles())
    expected = forward_pages(queryset)
    assert len(expected) == 6 and sum(len(page) for page in expected) == ARTICLES
    assert len({article.first_published_at for article in queryset.all()}) == 6  # five shared times and one NULL
    for number, rows in enumerate(expected, start=1):
        with CaptureQueriesContext(connection) as queries:
            page = paginate(rf.get("/", {"page": str(number)}), queryset, PER_PAGE)
            shown = [a.pk for a in page.object_list]
        assert shown == rows, f"page {number}"
        assert page.number == number and page.paginator.num_pages == 6
        listing = next(q["sql"] for q in queries.captured_queries if "ORDER BY" in q["sql"])
        backwards = '"first_published_at" ASC' in listing
        assert backwards == (number > 3), f"page {number}: {listing}"
        # Past the first page, the rows skipped are read as keys only.
        assert ("IN (SELECT" in listing) == (number > 1), f"page {number}: {listing}"


def test_a_list_or_a_partial_ordering_is_paged_forwards(crowded):
    assert totally_ordered(visible_articles())
    assert totally_ordered(Article.objects.order_by("title", "id"))
    assert not totally_ordered(list(visible_articles()))
    assert not totally_ordered(visible_articles().order_by("-first_published_at"))
    assert not totally_ordered(visible_articles()[:10])

    ties = visible_articles().order_by("-first_published_at")
    with CaptureQueriesContext(connection) as queries:
        list(paginate(RequestFactory().get("/", {"page": "6"}), ties, PER_PAGE).object_list)
    assert '"first_published_at" DESC' in queries.captured_queries[-1]["sql"]


def hrefs(response, selector):
    return [a["href"] for a in BeautifulSoup(response.content, "html.parser").select(selector)]


@pytest.mark.parametrize(
    ("url", "selector", "queryset"),
    [
        ("/faits-divers/", ".card__title a", lambda section: section.articles()),
        ("/tag/quartier/", ".card__title a", lambda _: visible_articles().filter(tagged_items__tag__slug="quartier")),
        ("/auteur/lea-martin/", ".card__title a", lambda _: visible_articles().filter(authors__slug="lea-martin")),
    ],
)
def test_every_list_shows_the_same_pages_as_reading_forwards(client, crowded, settings, url, selector, queryset):
    settings.ARTICLES_PER_PAGE = PER_PAGE
    expected = [[Article.objects.get(pk=pk).url for pk in page] for page in forward_pages(queryset(crowded))]
    assert len(expected) == 6
    shown = [hrefs(client.get(url, {"page": n}), selector) for n in range(1, len(expected) + 1)]
    assert shown == expected
    assert client.get(url, {"page": len(expected) + 1}).status_code == 404
