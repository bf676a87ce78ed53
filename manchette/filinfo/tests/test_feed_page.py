"""The full feed page: tabs as links, cursor paging with items arriving and leaving between requests."""

import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from manchette.filinfo import feed
from manchette.filinfo.models import FeedEntry
from manchette.live.models import Event

from .factories import publish_dispatch

PAGE_SIZE = 3


def soup(response):
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content, "html.parser")


def keys(page):
    return [li["data-key"] for li in page.select(".filinfo__list--full > li")]


def older_link(page):
    link = page.select_one('.pagination a[rel="next"]')
    return link["href"] if link else None


def read_back(client, url):
    """Every page from URL back to the oldest, following « Plus anciens »: the keys of each page."""
    pages = []
    while url:
        page = soup(client.get(url))
        pages.append(keys(page))
        url = older_link(page)
    return pages


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(feed, "FEED_PAGE_SIZE", PAGE_SIZE)


def newest_first():
    return list(FeedEntry.objects.order_by("-published_at", "-id").values_list("key", flat=True))


def test_feed_page_shows_dispatches_and_articles_newest_first(client, published_article):
    published_article(title="Un article du jour", slug="jour", first_published_at=timezone.now() - datetime.timedelta(hours=2))
    publish_dispatch("Une dépêche de l’agence", source="Agence Test", important=True)
    page = soup(client.get("/fil-info/"))
    entries = page.select(".filinfo__list--full > li")
    assert [e.h2.text for e in entries] == ["Une dépêche de l’agence", "Un article du jour"]
    assert entries[0].select_one(".filinfo__source").text == "Source\u202f: Agence Test"
    assert entries[0].select_one(".filinfo__text").text.startswith("Plusieurs quartiers")
    assert entries[1].select_one(".kicker").text == "Belgique"
    assert entries[0].time["datetime"] and entries[0].select_one(".filinfo__hour").text
    assert page.select_one("h1").text == "Le fil info"
    root = page.select_one("[data-filinfo]")
    assert root["data-live-since"] == str(Event.objects.latest("id").id)
    assert root["data-refresh"] == "/fil-info/"
    feed_list = page.select_one(".filinfo__list--full")
    assert feed_list["data-mode"] == "insert" and feed_list["data-html"] == "page" and feed_list.has_attr("data-complete")
    assert [a["href"] for a in page.select(".feeds a")] == ["/fil-info/rss/", "/fil-info/atom/"]
    assert page.select_one('link[type="application/rss+xml"][href="/fil-info/rss/"]')


def test_tabs_are_links_and_la_une_lists_important_items_only(client, home):
    publish_dispatch("Importante", important=True)
    publish_dispatch("Ordinaire")
    tous = soup(client.get("/fil-info/"))
    une = soup(client.get("/fil-info/", {"onglet": "une"}))
    assert [a.text for a in tous.select(".filinfo-tabs a")] == ["La Une", "Tous"]
    assert tous.select_one('.filinfo-tabs a[aria-current="page"]').text == "Tous"
    assert une.select_one('.filinfo-tabs a[aria-current="page"]').text == "La Une"
    assert [h.text for h in tous.select(".filinfo__title")] == ["Ordinaire", "Importante"]
    assert [h.text for h in une.select(".filinfo__title")] == ["Importante"]
    assert une.select_one(".filinfo__list--full")["data-list"] == "une"
    assert une.select_one('link[rel="canonical"]')["href"].endswith("/fil-info/?onglet=une")


def test_paging_back_in_time_has_no_gap_and_no_repeat_while_the_feed_moves(client, home, small_pages):
    for n in range(8):
        publish_dispatch(f"Dépêche {n}")
    # Two share their time to the microsecond: the id decides, on every page.
    tied = FeedEntry.objects.order_by("id")[3:5]
    FeedEntry.objects.filter(pk__in=[e.pk for e in tied]).update(published_at=tied[0].published_at)
    expected = newest_first()

    first = soup(client.get("/fil-info/"))
    seen = keys(first)
    assert seen == expected[:PAGE_SIZE]
    url = older_link(first)
    # Meanwhile: two new items at the top, one shown item withdrawn, one not yet shown withdrawn.
    publish_dispatch("Arrivée pendant la lecture 1")
    publish_dispatch("Arrivée pendant la lecture 2")
    for key in (expected[1], expected[5]):
        FeedEntry.objects.get(key=key).dispatch.unpublish()
    while url:
        page = soup(client.get(url))
        seen += keys(page)
        url = older_link(page)
    assert len(seen) == len(set(seen)), "an item shown twice"
    assert seen == [key for key in expected if key != expected[5]], "gap or disorder"


def test_each_tab_pages_on_its_own(client, home, small_pages):
    for n in range(7):
        publish_dispatch(f"Dépêche {n}", important=n % 2 == 0)
    important = list(FeedEntry.objects.filter(important=True).order_by("-published_at", "-id").values_list("key", flat=True))
    pages = read_back(client, "/fil-info/?onglet=une")
    assert pages == [important[:3], important[3:]]
    assert read_back(client, "/fil-info/") == [newest_first()[i:i + 3] for i in range(0, 7, 3)]


def test_older_pages_link_back_and_are_not_indexed(client, home, small_pages):
    for n in range(4):
        publish_dispatch(f"Dépêche {n}")
    first = soup(client.get("/fil-info/?onglet=une"))
    assert older_link(first) is None and first.select_one(".pagination") is None
    first = soup(client.get("/fil-info/"))
    assert first.select_one('meta[name="robots"]') is None
    older = older_link(first)
    assert set(parse_qs(urlsplit(older).query)) == {"avant"}
    second = soup(client.get(older))
    assert second.select_one('meta[name="robots"]')["content"] == "noindex, follow"
    assert [a.text for a in second.select(".pagination a")] == ["« Revenir aux plus récents"]
    assert second.select_one(".pagination a")["href"] == "/fil-info/"
    feed_list = second.select_one(".filinfo__list--full")
    # New items belong on the first page: an older one only follows corrections and withdrawals.
    assert feed_list["data-mode"] == "update" and feed_list.has_attr("data-complete")
    assert second.select_one('link[rel="canonical"]')["href"].endswith(older)


def test_cursor_keeps_the_tab(client, home, small_pages):
    for n in range(5):
        publish_dispatch(f"Dépêche {n}", important=True)
    older = older_link(soup(client.get("/fil-info/?onglet=une")))
    assert parse_qs(urlsplit(older).query)["onglet"] == ["une"]
    latest = soup(client.get(older)).select_one(".pagination a")["href"]
    assert latest == "/fil-info/?onglet=une"


@pytest.mark.parametrize(
    "query",
    [
        "avant=", "avant=abc", "avant=12", "avant=-5-3", "avant=1.5-3", "avant=" + "9" * 40 + "-1",
        "avant=1795550446107626-" + "9" * 30, "avant=%00", "avant=1795550446107626-12%27%20OR%201=1",
        "onglet=autre", "onglet=", "onglet=UNE", "onglet=une&avant=x",
    ],
)
def test_bad_cursor_or_tab_is_a_french_404(client, home, query):
    publish_dispatch("Une dépêche")
    response = client.get(f"/fil-info/?{query}")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


def test_a_cursor_beyond_the_oldest_item_is_an_empty_page(client, home):
    publish_dispatch("Une dépêche")
    page = soup(client.get("/fil-info/?avant=1-1"))
    assert keys(page) == [] and not page.select_one("[data-empty]").has_attr("hidden")


def test_feed_page_is_shared_briefly(client, home, settings):
    assert client.get("/fil-info/")["Cache-Control"] == "public, max-age=0, s-maxage=10"
    settings.EDGE_CACHE_MAX_AGE = 5
    assert client.get("/fil-info/")["Cache-Control"] == "public, max-age=0, s-maxage=5"


def test_feed_page_query_count_is_fixed(client, home, published_article):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/fil-info/").status_code == 200
        return len(queries)

    publish_dispatch("Seule", article=published_article(slug="un"))
    baseline = count()
    for n in range(6):
        publish_dispatch(f"Dépêche {n}", article=published_article(slug=f"lie-{n}"), source="Agence Test")
    assert count() == baseline
