import datetime
import xml.etree.ElementTree as ET

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from manchette.news import feeds, seo

from .factories import ArticleFactory, AuthorFactory, ImageFactory, SectionFactory

ATOM = "{http://www.w3.org/2005/Atom}"
DC = "{http://purl.org/dc/elements/1.1/}"


@pytest.fixture
def newsroom(home):
    monde = SectionFactory(title="Monde", slug="monde")
    europe = SectionFactory(title="Europe", slug="europe", parent=monde)
    sport = SectionFactory(title="Sport", slug="sport")
    now = timezone.now()
    authors = [AuthorFactory(name="Anne Lambert"), AuthorFactory(name="Marc Dupont")]
    main = ArticleFactory(
        parent=monde, title="Sommet à Bruxelles", authors=authors, tags=["Europe", "Diplomatie"],
        first_published_at=now - datetime.timedelta(hours=3), last_published_at=now - datetime.timedelta(hours=1),
    )
    nested = ArticleFactory(
        parent=europe, title="Élections en Pologne", first_published_at=now - datetime.timedelta(hours=2)
    )
    other = ArticleFactory(parent=sport, title="Victoire des Diables rouges")
    withdrawn = ArticleFactory(parent=monde, title="Article retiré")
    withdrawn.unpublish()
    draft = ArticleFactory(parent=monde, title="Brouillon secret", live=False, first_published_at=None)
    return {"monde": monde, "sport": sport, "main": main, "nested": nested, "other": other,
            "withdrawn": withdrawn, "draft": draft}


def rss_items(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    return ET.fromstring(response.content).find("channel").findall("item")


def test_site_rss_lists_visible_articles_newest_first_and_nothing_unpublished(client, newsroom):
    channel = ET.fromstring(client.get("/rss/").content).find("channel")
    assert channel.findtext("title") == settings.SITE_NAME
    assert channel.findtext("link") == settings.SITE_URL + "/"
    assert channel.findtext("language") == "fr-be"
    assert "actualité" in channel.findtext("description")
    titles = [item.findtext("title") for item in channel.findall("item")]
    assert titles == ["Victoire des Diables rouges", "Élections en Pologne", "Sommet à Bruxelles"]


def test_rss_item_carries_link_lead_dates_authors_and_tags(client, newsroom):
    main = newsroom["main"]
    item = next(i for i in rss_items(client.get("/rss/")) if i.findtext("title") == main.title)
    assert item.findtext("link") == f"{settings.SITE_URL}/monde/{main.slug}/"
    assert item.findtext("description") == main.lead
    assert item.findtext(f"{DC}creator") == "Anne Lambert et Marc Dupont"
    assert sorted(c.text for c in item.findall("category")) == ["Diplomatie", "Europe"]
    published = datetime.datetime.strptime(item.findtext("pubDate"), "%a, %d %b %Y %H:%M:%S %z")
    assert abs(published - main.first_published_at) < datetime.timedelta(seconds=1)


def test_section_feed_includes_sub_sections_only(client, newsroom):
    titles = {item.findtext("title") for item in rss_items(client.get("/monde/rss/"))}
    assert titles == {"Sommet à Bruxelles", "Élections en Pologne"}
    channel = ET.fromstring(client.get("/monde/rss/").content).find("channel")
    assert channel.findtext("title") == f"Monde — {settings.SITE_NAME}"
    assert channel.findtext("link") == f"{settings.SITE_URL}/monde/"


def test_atom_feeds_have_entries_self_link_and_updated_dates(client, newsroom):
    for url, expected in (("/atom/", 3), ("/monde/atom/", 2)):
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/atom+xml")
        feed = ET.fromstring(response.content)
        assert feed.find(f"{ATOM}link[@rel='self']").get("href") == settings.SITE_URL + url
        entries = feed.findall(f"{ATOM}entry")
        assert len(entries) == expected
        assert all(entry.findtext(f"{ATOM}updated") and entry.findtext(f"{ATOM}published") for entry in entries)
    main = newsroom["main"]
    entry = next(e for e in ET.fromstring(client.get("/atom/").content).findall(f"{ATOM}entry")
                 if e.findtext(f"{ATOM}title") == main.title)
    assert entry.find(f"{ATOM}author").findtext(f"{ATOM}name") == "Anne Lambert et Marc Dupont"
    updated = datetime.datetime.fromisoformat(entry.findtext(f"{ATOM}updated"))
    assert abs(updated - main.last_published_at) < datetime.timedelta(seconds=1)


def test_unpublished_and_draft_articles_never_reach_a_feed(client, newsroom):
    for url in ("/rss/", "/atom/", "/monde/rss/", "/monde/atom/"):
        body = client.get(url).content.decode()
        assert "Article retiré" not in body and "Brouillon secret" not in body
        assert newsroom["withdrawn"].slug not in body and newsroom["draft"].slug not in body


def test_feed_keeps_the_newest_articles_only(client, newsroom, monkeypatch):
    monkeypatch.setattr(feeds, "FEED_LENGTH", 2)
    titles = [item.findtext("title") for item in rss_items(client.get("/rss/"))]
    assert titles == ["Victoire des Diables rouges", "Élections en Pologne"]


def test_hero_image_becomes_an_enclosure_once_its_share_rendition_exists(client, newsroom):
    image = ImageFactory()
    article = ArticleFactory(parent=newsroom["sport"], title="Photo du jour", hero_image=image)

    def enclosure():
        item = next(i for i in rss_items(client.get("/rss/")) if i.findtext("title") == article.title)
        return item.find("enclosure")

    assert enclosure() is None  # a feed does not render images itself
    rendition = image.get_rendition(seo.SHARE_SPEC)
    found = enclosure()
    assert found.get("url") == settings.SITE_URL + rendition.url
    assert found.get("type") == "image/jpeg"


def test_feed_titles_are_text_escaped_once(client, home):
    section = SectionFactory(title="Culture", slug="culture")
    ArticleFactory(
        parent=section, title="« Rock & Roll » </title><script>x</script>", lead="Un lead <b>brut</b> & sobre."
    )
    item = rss_items(client.get("/rss/"))[0]
    assert item.findtext("title") == "«\u202fRock & Roll\u202f» </title><script>x</script>"
    assert item.findtext("description") == "Un lead &lt;b&gt;brut&lt;/b&gt; &amp; sobre."


def test_feed_query_count_does_not_grow_with_items(client, newsroom):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/rss/").status_code == 200
        return len(captured)

    ArticleFactory(parent=newsroom["sport"], hero_image=ImageFactory())
    before = queries()
    for n in range(3):
        ArticleFactory(
            parent=newsroom["sport"], authors=[AuthorFactory()], tags=[f"mot-{n}"], hero_image=ImageFactory()
        )
    assert queries() == before


def test_unknown_section_feed_is_404(client, home):
    assert client.get("/nulle-part/rss/").status_code == 404
