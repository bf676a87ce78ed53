"""RSS and Atom of the fil info, and the dispatches in the sitemap."""

import xml.etree.ElementTree as ET

from django.conf import settings

from .factories import publish_dispatch

ATOM = "{http://www.w3.org/2005/Atom}"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def test_rss_lists_dispatches_and_articles_newest_first(client, published_article):
    article = published_article(title="Un article du fil", slug="fil")
    dispatch = publish_dispatch("Une dépêche : tout va bien", source="Agence Test")
    response = client.get("/fil-info/rss/")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/rss+xml")
    assert response["Cache-Control"] == "public, max-age=0, s-maxage=10"
    channel = ET.fromstring(response.content).find("channel")
    assert channel.findtext("title") == f"Le fil info — {settings.SITE_NAME}"
    assert channel.findtext("link") == settings.SITE_URL + "/fil-info/"
    assert channel.findtext("language") == "fr-be"
    items = channel.findall("item")
    assert [i.findtext("title") for i in items] == ["Une dépêche\u202f: tout va bien", "Un article du fil"]
    assert items[0].findtext("link") == settings.SITE_URL + dispatch.get_absolute_url()
    assert items[0].findtext("description").startswith("Plusieurs quartiers")
    assert items[1].findtext("link") == settings.SITE_URL + article.url
    assert items[1].findtext("category") == "Belgique"
    assert items[0].findtext("pubDate")


def test_atom_carries_updates_and_sources(client, home):
    publish_dispatch("Dépêche d’agence", source="Agence Test")
    response = client.get("/fil-info/atom/")
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.find(f"{ATOM}link[@rel='self']").get("href") == settings.SITE_URL + "/fil-info/atom/"
    entry = root.find(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == "Dépêche d’agence"
    assert entry.find(f"{ATOM}author").findtext(f"{ATOM}name") == "Agence Test"
    assert entry.findtext(f"{ATOM}updated") and entry.findtext(f"{ATOM}published")


def test_sitemap_lists_dispatch_permalinks_not_articles(client, published_article):
    published_article(slug="pas-ici")
    dispatches = [publish_dispatch(f"Dépêche {n}") for n in range(3)]
    index = ET.fromstring(client.get("/sitemap.xml").content)
    locations = [e.findtext(f"{SM}loc") for e in index.iter(f"{SM}sitemap")]
    assert f"{settings.SITE_URL}/sitemap-depeches.xml" in locations
    sitemap = ET.fromstring(client.get("/sitemap-depeches.xml").content)
    urls = {u.findtext(f"{SM}loc"): u.findtext(f"{SM}lastmod") for u in sitemap.iter(f"{SM}url")}
    assert set(urls) == {settings.SITE_URL + d.get_absolute_url() for d in dispatches}
    assert all(urls.values())
