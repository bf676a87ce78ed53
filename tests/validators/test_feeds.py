"""Every RSS and Atom feed through the W3C feed validator: zero errors and zero warnings.

The validator is the W3C's own (validator.w3.org/feed), from ../shared/reference/feedvalidator/ as its README
says: `compatibility.AA` keeps the errors and warnings the web service reports. The site-wide and fil info feeds
are named here; every other feed is found where readers find it, in the pages' <link rel="alternate">.
"""

import sys
from urllib.parse import urljoin

import pytest
from bs4 import BeautifulSoup

from .conftest import REFERENCE

FEEDVALIDATOR = REFERENCE / "feedvalidator"
FEED_TYPES = {"application/rss+xml", "application/atom+xml"}
FEEDS = ["/rss/", "/atom/", "/fil-info/rss/", "/fil-info/atom/"]


@pytest.fixture(scope="session")
def validate():
    """validate(url, body) → the validator's errors and warnings, as text."""
    if not (FEEDVALIDATOR / "feedvalidator").is_dir():
        pytest.fail(f"the W3C feed validator is missing from {FEEDVALIDATOR} (see its README)")
    sys.path.insert(0, str(FEEDVALIDATOR))
    try:
        import feedvalidator
        from feedvalidator import compatibility
        from feedvalidator.formatter.text_plain import Formatter
    finally:
        sys.path.remove(str(FEEDVALIDATOR))

    def run(url, body):
        events = feedvalidator.validateString(body, firstOccurrenceOnly=1, base=url)["loggedEvents"]
        return list(Formatter(compatibility.AA(events)))

    return run


def linked_feeds(site):
    """{absolute feed URL: the page types that link to it}, from every fetched page's <link rel="alternate">."""
    found = {}
    for name, response in site.html.items():
        page = BeautifulSoup(response.body, "html.parser")
        for link in page.find_all("link", rel="alternate"):
            if link.get("type") in FEED_TYPES and link.get("href"):
                found.setdefault(urljoin(site.url + site.pages[name], link["href"]), []).append(name)
    return found


def check(site, validate, url):
    assert url.startswith(site.url + "/"), f"{url} is not on the site ({site.url})"
    response = site.get(url.removeprefix(site.url))
    assert response.status == 200, f"{url} answered {response.status}"
    kind = response.content_type.split(";")[0]
    assert kind in FEED_TYPES, f"{url}: {response.content_type}"
    return [f"{url}: {line}" for line in validate(url, response.body)]


def test_the_validator_flags_a_broken_feed(validate):
    """Proof that the validator's findings reach the tests: an Atom entry without author (RFC 4287)."""
    feed = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><id>http://example.com/atom/</id>
<link href="http://example.com/atom/" rel="self"/><updated>2025-01-01T00:00:00Z</updated>
<entry><title>E</title><id>http://example.com/1</id><link href="http://example.com/1"/>
<updated>2025-01-01T00:00:00Z</updated><summary>S</summary></entry></feed>"""
    assert any("author" in line for line in validate("http://example.com/atom/", feed))


@pytest.mark.parametrize("path", FEEDS)
def test_feed_is_valid(site, validate, path):
    problems = check(site, validate, site.url + path)
    if problems:
        pytest.fail("W3C feed validator:\n" + "\n".join(problems), pytrace=False)


def test_every_linked_feed_is_valid(site, validate):
    feeds = linked_feeds(site)
    # Sections link to their own feeds; a story's page, once there, too.
    section = site.url + site.pages["section"]
    assert any(url.startswith(section) for url in feeds), f"the section page links to no feed of its own: {list(feeds)}"
    problems = []
    for url in sorted(set(feeds) - {site.url + path for path in FEEDS}):
        problems.extend(check(site, validate, url))
    if problems:
        pytest.fail("W3C feed validator:\n" + "\n".join(problems), pytrace=False)
