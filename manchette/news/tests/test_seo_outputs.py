"""What validators and search engines read besides articles: author pages and feeds, enclosures, lang, favicon."""

import json
import xml.etree.ElementTree as ET

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.core.files.storage import FileSystemStorage
from django.templatetags.static import static

from manchette.news import seo

from .factories import ArticleFactory, AuthorFactory, ImageFactory, SectionFactory, publish
from .feed_validator import problems

ATOM = "{http://www.w3.org/2005/Atom}"


def soup_of(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return BeautifulSoup(response.content, "html.parser")


def meta(soup, key):
    tags = soup.find_all("meta", attrs={"property": key}) or soup.find_all("meta", attrs={"name": key})
    return [tag["content"] for tag in tags]


def json_ld(soup):
    return {doc["@type"]: doc for doc in (json.loads(s.string) for s in soup.find_all("script", type="application/ld+json"))}


@pytest.fixture
def author(home):
    section = SectionFactory(title="Belgique", slug="belgique")
    anne = AuthorFactory(name="Anne Lambert", slug="anne-lambert", role="Cheffe du service Belgique", bio="Trente ans de politique belge.")
    for number in range(3):
        ArticleFactory(parent=section, title=f"Article {number} d’Anne", slug=f"anne-{number}", authors=[anne])
    ArticleFactory(parent=section, title="Brouillon d’Anne", slug="brouillon", authors=[anne], live=False, first_published_at=None)
    return anne


def test_author_page_has_description_open_graph_json_ld_and_feeds(client, author):
    soup = soup_of(client, "/auteur/anne-lambert/")
    url = f"{settings.SITE_URL}/auteur/anne-lambert/"
    assert soup.find("link", rel="canonical")["href"] == url
    assert meta(soup, "description") == ["Trente ans de politique belge."]
    assert meta(soup, "og:type") == ["profile"] and meta(soup, "og:title") == ["Anne Lambert"] and meta(soup, "og:url") == [url]
    assert meta(soup, "og:image") == [settings.SITE_URL + static(seo.DEFAULT_SHARE)]
    profile = json_ld(soup)["ProfilePage"]
    assert profile["url"] == url and profile["inLanguage"] == "fr-BE"
    person = profile["mainEntity"]
    assert (person["@type"], person["name"], person["url"], person["jobTitle"]) == ("Person", "Anne Lambert", url, "Cheffe du service Belgique")
    assert soup.find("link", type="application/rss+xml", href=url + "rss/")
    assert soup.find("link", type="application/atom+xml", href=url + "atom/")
    assert soup.select_one(".feeds a")["href"] == "/auteur/anne-lambert/rss/"


def test_author_without_bio_is_described_and_shows_their_photo(client, home):
    AuthorFactory(name="Marc Dupont", slug="marc-dupont", role="", bio="", photo=ImageFactory(description="Marc Dupont, souriant"))
    soup = soup_of(client, "/auteur/marc-dupont/")
    assert meta(soup, "description") == ["Les articles de Marc Dupont, du plus récent au plus ancien."]
    [image] = meta(soup, "og:image")
    assert ".fill-400x400.format-jpeg." in image and meta(soup, "og:image:alt") == ["Marc Dupont, souriant"]
    assert json_ld(soup)["ProfilePage"]["mainEntity"]["image"]["url"] == image


def test_author_feeds_list_only_their_visible_articles(client, author):
    for path in ("/auteur/anne-lambert/rss/", "/auteur/anne-lambert/atom/"):
        response = client.get(path)
        assert response.status_code == 200
        assert b"Brouillon" not in response.content
        assert problems(response.content, settings.SITE_URL + path) == [], path
    root = ET.fromstring(client.get("/auteur/anne-lambert/atom/").content)
    assert root.findtext(f"{ATOM}title") == f"Anne Lambert — {settings.SITE_NAME}"
    assert len(root.findall(f"{ATOM}entry")) == 3
    assert {e.find(f"{ATOM}author").findtext(f"{ATOM}uri") for e in root.findall(f"{ATOM}entry")} == {
        f"{settings.SITE_URL}/auteur/anne-lambert/"
    }
    assert client.get("/auteur/personne/rss/").status_code == 404


def test_site_feeds_give_every_entry_an_author_and_enclosures_their_size(client, home):
    section = SectionFactory(title="Belgique", slug="belgique")
    image = ImageFactory()
    illustrated = ArticleFactory(parent=section, title="Illustré", hero_image=image)
    ArticleFactory(parent=section, title="Sans auteur")
    client.get(illustrated.url)  # renders the share rendition the feed announces
    cache.clear()
    rss = ET.fromstring(client.get("/rss/").content)
    [enclosure] = rss.iter("enclosure")
    rendition = image.renditions.get(filter_spec=seo.SHARE_SPEC)
    assert enclosure.get("length") == str(rendition.file.size) != "0"
    assert enclosure.get("type") == "image/jpeg" and enclosure.get("url") == seo.absolute(rendition.url)
    atom = ET.fromstring(client.get("/atom/").content)
    names = {e.findtext(f"{ATOM}title"): e.find(f"{ATOM}author").findtext(f"{ATOM}name") for e in atom.findall(f"{ATOM}entry")}
    assert names["Sans auteur"] == "La rédaction"
    for path in ("/rss/", "/atom/", "/belgique/rss/", "/belgique/atom/"):
        assert problems(client.get(path).content, settings.SITE_URL + path) == [], path


def test_enclosure_sizes_are_measured_once(client, home, monkeypatch):
    section = SectionFactory()
    for _ in range(3):
        client.get(ArticleFactory(parent=section, hero_image=ImageFactory()).url)
    cache.clear()
    first = client.get("/rss/").content
    measured = []
    original = FileSystemStorage.size
    monkeypatch.setattr(FileSystemStorage, "size", lambda storage, name: measured.append(name) or original(storage, name))
    assert client.get("/rss/?encore").content.count(b"<enclosure") == first.count(b"<enclosure") == 3
    assert measured == []


def test_pages_say_fr_be_and_link_an_icon_that_exists(client, home):
    section = SectionFactory()
    article = ArticleFactory(parent=section)
    for path in ("/", section.url, article.url, "/fil-info/", "/recherche/?q=budget"):
        soup = soup_of(client, path)
        assert soup.html["lang"] == "fr-BE", path
        icons = {link["href"]: link.get("type") for link in soup.find_all("link", rel="icon")}
        assert icons == {static("manchette/favicon.ico"): None, static("manchette/favicon.svg"): "image/svg+xml"}, path
    for name in ("favicon.ico", "favicon.svg", "apple-touch-icon.png"):
        assert finders.find(f"manchette/{name}")
    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response["Location"] == static("manchette/favicon.ico")


def test_a_publication_keeps_the_enclosure_length_right(client, home):
    section = SectionFactory()
    article = ArticleFactory(parent=section, live=False, first_published_at=None, hero_image=ImageFactory())
    publish(article)
    client.get(article.url)
    assert b'length="0"' not in client.get("/rss/").content
