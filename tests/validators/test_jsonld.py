"""JSON-LD against a checklist of Google's rules for news articles.

Source: Google Search Central, "Article (Article, NewsArticle, BlogPosting) structured data"
(https://developers.google.com/search/docs/appearance/structured-data/article), read in 2025. Google requires no
property; it recommends these, which the checklist below demands of every news page:

- headline: the article's title;
- image: one or more images, absolute URLs Google can crawl, each of at least 50,000 pixels (width × height);
- datePublished and dateModified: ISO 8601 with a time zone, the modification not before the publication;
- author: a Person or an Organization (or a list), each with its name only (no "Par", no role), and for a person
  a url (a page that identifies the author, here the author's page on the site).

Google's general guidelines (https://developers.google.com/search/docs/appearance/structured-data/sd-policies)
add that markup describes the page it is on: the article's url is the page's canonical URL. The issue adds that
opinion pieces are OpinionNewsArticle and that an author's page describes the author (Google's ProfilePage:
https://developers.google.com/search/docs/appearance/structured-data/profile-page, mainEntity with a name).
"""

import datetime
import io
import json
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from PIL import Image

from .conftest import PAGE_TYPES

NEWS_TYPES = {"NewsArticle", "OpinionNewsArticle", "ReportageNewsArticle", "AnalysisNewsArticle",
              "BackgroundNewsArticle", "ReviewNewsArticle", "AskPublicNewsArticle"}
NEWS_PAGES = {
    "article with image": "NewsArticle", "article without image": "NewsArticle",
    "opinion article": "OpinionNewsArticle", "dispatch": "NewsArticle", "article (logged in)": None,
}
MIN_PIXELS = 50_000
BYLINE_WORDS = ("par ", "by ", "de ")


def blocks(response):
    """Every JSON-LD object of the page (a @graph's members and a list's items flattened)."""
    page = BeautifulSoup(response.body, "html.parser")
    found = []
    for script in page.find_all("script", type="application/ld+json"):
        data = json.loads(script.string)
        for item in data if isinstance(data, list) else [data]:
            found.extend({"@context": item.get("@context"), **member} for member in item.get("@graph", [item]))
    return found


def types(item):
    kind = item.get("@type", [])
    return set(kind if isinstance(kind, list) else [kind])


def canonical(response):
    link = BeautifulSoup(response.body, "html.parser").find("link", rel="canonical")
    return link and link.get("href")


def as_list(value):
    return value if isinstance(value, list) else [value] if value is not None else []


def parse_date(value):
    try:
        parsed = datetime.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None
    return parsed if parsed.tzinfo is not None else None


def image_problems(site, image):
    url = image.get("url") if isinstance(image, dict) else image
    if not isinstance(url, str) or urlsplit(url).scheme not in {"http", "https"}:
        return [f"image {url!r} is not an absolute URL"]
    if not url.startswith(site.url + "/"):
        return []  # a CDN's: not this test's to fetch
    response = site.get(url.removeprefix(site.url))
    if response.status != 200 or not response.content_type.startswith("image/"):
        return [f"image {url} answered {response.status} {response.content_type}"]
    width, height = Image.open(io.BytesIO(response.body)).size
    problems = [] if width * height >= MIN_PIXELS else [f"image {url} has {width}×{height} pixels, under {MIN_PIXELS:,}"]
    if isinstance(image, dict) and "width" in image and (image.get("width"), image.get("height")) != (width, height):
        problems.append(f"image {url} says {image.get('width')}×{image.get('height')}, is {width}×{height}")
    return problems


def checklist(site, item, page_url):
    problems = []
    if not (isinstance(item.get("headline"), str) and item["headline"].strip()):
        problems.append("no headline")
    images = as_list(item.get("image"))
    if not images:
        problems.append("no image")
    for image in images:
        problems.extend(image_problems(site, image))
    published, modified = parse_date(item.get("datePublished")), parse_date(item.get("dateModified"))
    if published is None:
        problems.append(f"datePublished {item.get('datePublished')!r} is not ISO 8601 with a time zone")
    if modified is None:
        problems.append(f"dateModified {item.get('dateModified')!r} is not ISO 8601 with a time zone")
    if published and modified and modified < published:
        problems.append(f"dateModified {modified} before datePublished {published}")
    authors = as_list(item.get("author"))
    if not authors:
        problems.append("no author")
    for author in authors:
        if not isinstance(author, dict) or not types(author) & {"Person", "Organization", "NewsMediaOrganization"}:
            problems.append(f"author {author!r} is not a Person or an Organization")
            continue
        name = author.get("name")
        if not (isinstance(name, str) and name.strip()) or name.lower().startswith(BYLINE_WORDS):
            problems.append(f"author name {name!r}: the name only")
        if "Person" in types(author) and not str(author.get("url", "")).startswith(site.url + "/"):
            problems.append(f"author {name!r} has no url on the site ({author.get('url')!r})")
    if item.get("url") and item["url"] != page_url:
        problems.append(f"url {item['url']} is not the page's canonical URL {page_url}")
    return problems


@pytest.mark.parametrize("name", list(NEWS_PAGES))
def test_news_page_follows_google_article_checklist(site, name):
    response = site.page(name)
    articles = [item for item in blocks(response) if types(item) & NEWS_TYPES]
    assert len(articles) == 1, f"{name}: {len(articles)} news article(s) in its JSON-LD"
    article = articles[0]
    problems = []
    expected = NEWS_PAGES[name]
    if expected and expected not in types(article):
        problems.append(f"@type {article.get('@type')!r}, not {expected}")
    page_url = canonical(response)
    if page_url != site.url + site.pages[name]:
        problems.append(f"canonical URL {page_url!r}, not {site.url + site.pages[name]}")
    problems.extend(checklist(site, article, page_url))
    if problems:
        pytest.fail(f"{name} ({site.pages[name]}), Google's NewsArticle checklist:\n  - " + "\n  - ".join(problems),
                    pytrace=False)


def test_author_page_describes_the_author(site):
    response = site.page("author")
    items = blocks(response)
    people = [item.get("mainEntity") if "ProfilePage" in types(item) else item for item in items]
    named = [person for person in people if isinstance(person, dict) and types(person) & {"Person"} and person.get("name")]
    assert named, f"no ProfilePage (mainEntity) or Person with a name in {site.pages['author']}'s JSON-LD: {items}"


@pytest.mark.parametrize("name", PAGE_TYPES)
def test_json_ld_is_schema_org(site, name):
    """On every page, what JSON-LD there is parses and speaks schema.org."""
    for item in blocks(site.page(name)):
        assert item.get("@context") in {"https://schema.org", "http://schema.org", "https://schema.org/"}, item
        assert item.get("@type"), item
