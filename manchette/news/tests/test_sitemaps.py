import datetime
import xml.etree.ElementTree as ET

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from manchette.news import sitemaps

from .factories import ArticleFactory, SectionFactory

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


def parse(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    return ET.fromstring(response.content)


def locations(response):
    return [url.findtext(f"{SM}loc") for url in parse(response).iter(f"{SM}url")]


def absolute(page):
    return settings.SITE_URL + page.url


@pytest.fixture
def newsroom(home):
    now = timezone.now()
    monde = SectionFactory(title="Monde", slug="monde")
    europe = SectionFactory(title="Europe", slug="europe", parent=monde)
    hidden = SectionFactory(title="En préparation", slug="en-preparation", live=False)
    fresh = ArticleFactory(parent=europe, title="Élections en Pologne")
    corrected = ArticleFactory(
        parent=monde, title="Sommet à Bruxelles",
        first_published_at=now - datetime.timedelta(days=3), last_published_at=now - datetime.timedelta(minutes=10),
    )
    withdrawn = ArticleFactory(parent=monde, title="Article retiré")
    withdrawn.unpublish()
    draft = ArticleFactory(parent=monde, title="Brouillon secret", live=False, first_published_at=None)
    return {"home": home, "monde": monde, "europe": europe, "hidden": hidden, "fresh": fresh,
            "corrected": corrected, "withdrawn": withdrawn, "draft": draft}


def test_index_lists_each_sitemap_on_site_url(client, newsroom):
    index = parse(client.get("/sitemap.xml"))
    entries = {e.findtext(f"{SM}loc"): e.findtext(f"{SM}lastmod") for e in index.iter(f"{SM}sitemap")}
    assert set(entries) == {
        f"{settings.SITE_URL}/sitemap-articles.xml", f"{settings.SITE_URL}/sitemap-rubriques.xml",
        f"{settings.SITE_URL}/sitemap-depeches.xml", f"{settings.SITE_URL}/sitemap-sujets.xml",
    }
    latest = newsroom["corrected"].last_published_at
    # No dispatch in this newsroom: that sitemap has no date.
    assert entries.pop(f"{settings.SITE_URL}/sitemap-depeches.xml") is None
    assert all(abs(datetime.datetime.fromisoformat(lastmod) - latest) < datetime.timedelta(seconds=1)
               for lastmod in entries.values())


def test_index_names_every_page_of_a_long_sitemap(client, newsroom, monkeypatch):
    monkeypatch.setattr(sitemaps.SiteSitemap, "limit", 1)
    locs = [e.findtext(f"{SM}loc") for e in parse(client.get("/sitemap.xml")).iter(f"{SM}sitemap")]
    articles = f"{settings.SITE_URL}/sitemap-articles.xml"
    assert [loc for loc in locs if loc.startswith(articles)] == [articles, f"{articles}?p=2"]
    first, second = locations(client.get("/sitemap-articles.xml")), locations(client.get("/sitemap-articles.xml?p=2"))
    assert first + second == [absolute(newsroom["fresh"]), absolute(newsroom["corrected"])]


def test_article_sitemap_lists_published_articles_with_last_publication(client, newsroom):
    root = parse(client.get("/sitemap-articles.xml"))
    entries = {url.findtext(f"{SM}loc"): url.findtext(f"{SM}lastmod") for url in root.iter(f"{SM}url")}
    corrected = newsroom["corrected"]
    assert set(entries) == {absolute(newsroom["fresh"]), absolute(corrected)}
    assert entries[absolute(corrected)] == timezone.localtime(corrected.last_published_at).isoformat(timespec="seconds")


def test_page_sitemap_lists_front_page_and_live_sections(client, newsroom):
    root = parse(client.get("/sitemap-rubriques.xml"))
    entries = {url.findtext(f"{SM}loc"): url.findtext(f"{SM}lastmod") for url in root.iter(f"{SM}url")}
    assert set(entries) == {f"{settings.SITE_URL}/", absolute(newsroom["monde"]), absolute(newsroom["europe"])}
    # A section was last modified when an article under it (sub-sections included) last was.
    expected = timezone.localtime(newsroom["corrected"].last_published_at).isoformat(timespec="seconds")
    assert entries[absolute(newsroom["monde"])] == expected
    assert entries[f"{settings.SITE_URL}/"] == expected
    fresh = timezone.localtime(newsroom["fresh"].last_published_at).isoformat(timespec="seconds")
    assert entries[absolute(newsroom["europe"])] == fresh


def test_unpublished_content_never_reaches_a_sitemap(client, newsroom):
    for url in ("/sitemap-articles.xml", "/sitemap-rubriques.xml", "/sitemap-news.xml"):
        body = client.get(url).content.decode()
        for key in ("withdrawn", "draft", "hidden"):
            assert newsroom[key].slug not in body


def test_news_sitemap_covers_the_last_48_hours(client, newsroom):
    root = parse(client.get("/sitemap-news.xml"))
    urls = list(root.iter(f"{SM}url"))
    assert [url.findtext(f"{SM}loc") for url in urls] == [absolute(newsroom["fresh"])]  # three days old: absent
    news = urls[0].find(f"{NEWS}news")
    publication = news.find(f"{NEWS}publication")
    assert publication.findtext(f"{NEWS}name") == settings.SITE_NAME
    assert publication.findtext(f"{NEWS}language") == "fr"
    assert news.findtext(f"{NEWS}title") == "Élections en Pologne"
    published = datetime.datetime.fromisoformat(news.findtext(f"{NEWS}publication_date"))
    assert abs(published - newsroom["fresh"].first_published_at) < datetime.timedelta(seconds=1)


def test_news_sitemap_stops_at_its_limit(client, newsroom, monkeypatch):
    monkeypatch.setattr(sitemaps, "NEWS_LIMIT", 1)
    monkeypatch.setattr(sitemaps.NewsSitemap, "limit", 1)
    ArticleFactory(parent=newsroom["monde"], title="Encore plus récent", first_published_at=timezone.now())
    assert len(locations(client.get("/sitemap-news.xml"))) == 1
    assert client.get("/sitemap-news.xml?p=2").status_code == 404


@pytest.mark.parametrize("url", ["/sitemap-articles.xml?p=9", "/sitemap-articles.xml?p=abc", "/sitemap-inconnu.xml"])
def test_bad_sitemap_pages_are_404(client, newsroom, url):
    assert client.get(url).status_code == 404


def test_sitemap_query_count_does_not_grow_with_articles(client, newsroom):
    def queries(url):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    before = {url: queries(url) for url in ("/sitemap.xml", "/sitemap-articles.xml", "/sitemap-rubriques.xml")}
    for _ in range(3):
        ArticleFactory(parent=newsroom["europe"])
    assert {url: queries(url) for url in before} == before
