"""Google's NewsArticle rules, as a checklist every article and dispatch page's JSON-LD is held to.

Source: Google Search Central, « Article (Article, NewsArticle, BlogPosting) structured data »,
https://developers.google.com/search/docs/appearance/structured-data/article — read for this checklist:
Google requires no property but recommends these, and says what each must hold:

- headline: the article's title;
- image: at least one, an absolute URL Google can crawl; « images must be at least 50K pixels when multiplying
  width and height », in 16x9, 4x3 or 1x1 (Google Discover also asks for 1,200 px of width for large previews);
- datePublished, dateModified: ISO 8601, with a time zone (« if you don't specify it, Google defaults to … »);
- author: each a Person or an Organization (never a plain string) with its name alone in `name`, and `url`,
  « a link to a web page that uniquely identifies the author »;
- publisher (the older AMP rules, still read by news surfaces): an Organization with a name and a logo.

Where a value cannot exist (an agency's dispatch: we know no page of the agency's own), the exception is
named in ALLOWED_GAPS, with the reason.
"""

import datetime
import json

import pytest
from bs4 import BeautifulSoup

from manchette.filinfo.tests.factories import publish_dispatch

from .factories import ArticleFactory, AuthorFactory, ImageFactory, SectionFactory

SOURCE = "https://developers.google.com/search/docs/appearance/structured-data/article"
ARTICLE_TYPES = {"Article", "NewsArticle", "BlogPosting", "OpinionNewsArticle", "ReportageNewsArticle"}
RATIOS = {(16, 9), (4, 3), (1, 1)}
# (page, property) left out on purpose, and why.
ALLOWED_GAPS = {
    ("agency dispatch", "author.url"): "an agency's dispatch names the agency; no page of the agency's is known",
}


def is_absolute(url):
    return isinstance(url, str) and url.startswith(("https://", "http://"))


def is_zoned_iso(value):
    try:
        moment = datetime.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return False
    return moment.tzinfo is not None


def ratio(width, height):
    return next((r for r in RATIOS if abs(width / height - r[0] / r[1]) < 0.01), None)


def images(data):
    found = data.get("image")
    found = found if isinstance(found, list) else [found] if found else []
    return [image for image in found if isinstance(image, dict)]


def authors(data):
    found = data.get("author")
    return found if isinstance(found, list) else [found] if found else []


# Each item: the property, what it must hold, and the check on the JSON-LD document.
CHECKLIST = (
    ("@type", "a kind of Article", lambda d: d.get("@type") in ARTICLE_TYPES),
    ("headline", "the title, not empty", lambda d: isinstance(d.get("headline"), str) and d["headline"].strip() != ""),
    ("image", "at least one image object with an absolute URL", lambda d: bool(images(d)) and all(is_absolute(i.get("url")) for i in images(d))),
    ("image.size", "width × height ≥ 50,000 pixels, width ≥ 1,200", lambda d: all(
        i.get("width", 0) * i.get("height", 0) >= 50_000 and i.get("width", 0) >= 1200 for i in images(d)) and bool(images(d))),
    ("image.ratio", "16x9, 4x3 or 1x1", lambda d: bool(images(d)) and all(ratio(i["width"], i["height"]) for i in images(d))),
    ("datePublished", "ISO 8601 with a time zone", lambda d: is_zoned_iso(d.get("datePublished"))),
    ("dateModified", "ISO 8601 with a time zone, not before datePublished", lambda d: is_zoned_iso(d.get("dateModified"))
        and datetime.datetime.fromisoformat(d["dateModified"]) >= datetime.datetime.fromisoformat(d["datePublished"])),
    ("author", "at least one, each a Person or an Organization", lambda d: bool(authors(d)) and all(
        isinstance(a, dict) and a.get("@type") in ("Person", "Organization") for a in authors(d))),
    ("author.name", "the name alone", lambda d: all(
        isinstance(a.get("name"), str) and a["name"].strip() and " et " not in a["name"] for a in authors(d))),
    ("author.url", "a page that identifies the author", lambda d: all(is_absolute(a.get("url")) for a in authors(d))),
    ("publisher", "an organisation with a name", lambda d: isinstance(d.get("publisher"), dict)
        and d["publisher"].get("@type") in ("Organization", "NewsMediaOrganization") and d["publisher"].get("name")),
    ("publisher.logo", "a logo image with an absolute URL", lambda d: is_absolute((d.get("publisher", {}).get("logo") or {}).get("url"))),
)


def news_article(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    soup = BeautifulSoup(response.content, "html.parser")
    documents = [json.loads(script.string) for script in soup.find_all("script", type="application/ld+json")]
    [article] = [doc for doc in documents if doc.get("@type") in ARTICLE_TYPES]
    return article


@pytest.fixture
def pages(home):
    monde = SectionFactory(title="Monde", slug="monde")
    opinions = SectionFactory(title="Opinions", slug="opinions")
    anne, marc = AuthorFactory(name="Anne Lambert"), AuthorFactory(name="Marc Dupont")
    linked = ArticleFactory(parent=monde, title="Lié à une dépêche", hero_image=ImageFactory(), authors=[anne])
    return {
        "article with image": ArticleFactory(parent=monde, hero_image=ImageFactory(), authors=[anne, marc]).url,
        "article without image": ArticleFactory(parent=monde, authors=[marc]).url,
        "article without author": ArticleFactory(parent=monde).url,
        "opinion piece": ArticleFactory(parent=opinions, authors=[anne]).url,
        "newsroom dispatch": publish_dispatch("De la rédaction").get_absolute_url(),
        "agency dispatch": publish_dispatch("D’agence", source="Belga", article=linked).get_absolute_url(),
    }


def test_every_article_and_dispatch_meets_googles_news_article_checklist(client, pages):
    failures = []
    for page, url in pages.items():
        data = news_article(client, url)
        for name, rule, check in CHECKLIST:
            if (page, name) not in ALLOWED_GAPS and not check(data):
                failures.append(f"{page}: {name} — {rule} ({SOURCE})")
    assert failures == []


def test_the_checklist_catches_what_it_is_about():
    """Each rule fails on a document that breaks it: the checklist is not vacuous."""
    good = {
        "@type": "NewsArticle", "headline": "Titre",
        "image": {"url": "https://exemple.be/a.jpg", "width": 1200, "height": 675},
        "datePublished": "2024-03-12T14:05:00+01:00", "dateModified": "2024-03-12T15:00:00+01:00",
        "author": [{"@type": "Person", "name": "Anne", "url": "https://exemple.be/auteur/anne/"}],
        "publisher": {"@type": "NewsMediaOrganization", "name": "Le Quotidien", "logo": {"url": "https://exemple.be/logo.png"}},
    }
    assert [name for name, _, check in CHECKLIST if not check(good)] == []
    broken = {
        "@type": {**good, "@type": "WebPage"},
        "headline": {**good, "headline": " "},
        "image": {**good, "image": None},
        "image.size": {**good, "image": {"url": "https://exemple.be/a.jpg", "width": 200, "height": 200}},
        "image.ratio": {**good, "image": {"url": "https://exemple.be/a.jpg", "width": 1200, "height": 500}},
        "datePublished": {**good, "datePublished": "2024-03-12T14:05:00"},
        "dateModified": {**good, "dateModified": "2024-03-12T13:00:00+01:00"},
        "author": {**good, "author": "Anne"},
        "author.name": {**good, "author": [{"@type": "Person", "name": "Anne et Marc", "url": "https://exemple.be/"}]},
        "author.url": {**good, "author": [{"@type": "Person", "name": "Anne"}]},
        "publisher": {**good, "publisher": {"@type": "Person", "name": "X"}},
        "publisher.logo": {**good, "publisher": {"@type": "Organization", "name": "X"}},
    }
    for name, _, check in CHECKLIST:
        assert not check(broken[name]), name

