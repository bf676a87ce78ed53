"""Sitemaps against sitemaps.org's XSD, and the Google News sitemap against Google's rules.

sitemaps.org's sitemap.xsd comes from the npm `sitemap` package (node_modules/sitemap/schema/sitemap.xsd). It
has no sitemap index, so the schema these tests build includes it and adds the index as the protocol defines it
(https://www.sitemaps.org/protocol.html#index), reusing its loc and lastmod types; it imports the Google News
extension from schemas/sitemap-news.xsd (Google's documented tags, see that file). Google's rules beyond the
schema (https://developers.google.com/search/docs/crawling-indexing/sitemaps/news-sitemap): at most 1,000 news
URLs, only articles published in the last two days, the publication's name as the articles give it.
"""

import datetime
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from lxml import etree

from .conftest import HERE, NODE_MODULES

SITEMAP_XSD = NODE_MODULES / "sitemap" / "schema" / "sitemap.xsd"
NEWS_XSD = HERE / "schemas" / "sitemap-news.xsd"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
NS = {"s": SITEMAP_NS, "news": NEWS_NS}

SCHEMA = f"""<?xml version="1.0" encoding="UTF-8"?>
<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" targetNamespace="{SITEMAP_NS}" xmlns="{SITEMAP_NS}"
            elementFormDefault="qualified">
  <xsd:include schemaLocation="{SITEMAP_XSD.as_uri()}"/>
  <xsd:import namespace="{NEWS_NS}" schemaLocation="{NEWS_XSD.as_uri()}"/>
  <xsd:element name="sitemapindex">
    <xsd:complexType>
      <xsd:sequence>
        <xsd:element name="sitemap" maxOccurs="50000">
          <xsd:complexType>
            <xsd:sequence>
              <xsd:element name="loc" type="tLoc"/>
              <xsd:element name="lastmod" type="tLastmod" minOccurs="0"/>
            </xsd:sequence>
          </xsd:complexType>
        </xsd:element>
      </xsd:sequence>
    </xsd:complexType>
  </xsd:element>
</xsd:schema>
"""

NEWS_LIMIT = 1000
NEWS_MAX_AGE = datetime.timedelta(days=2)
CHECKED_PER_SITEMAP = 25  # the URLs of each sitemap fetched to see that they answer (the news sitemap: all)


@pytest.fixture(scope="session")
def schema():
    if not SITEMAP_XSD.exists():
        pytest.fail(f"{SITEMAP_XSD} is missing: run `bash scripts/install.sh` (npm ci).")
    return etree.XMLSchema(etree.fromstring(SCHEMA.encode(), base_url=str(HERE / "sitemaps.xsd")))


def fetch_xml(site, url):
    path = urlsplit(url)
    assert f"{path.scheme}://{path.netloc}" == site.url, f"{url} is not on the site ({site.url}, SITE_URL)"
    response = site.get(path.path + (f"?{path.query}" if path.query else ""))
    assert response.status == 200, f"{url} answered {response.status}"
    assert response.content_type.split(";")[0] in {"application/xml", "text/xml"}, response.content_type
    return etree.fromstring(response.body)


def assert_valid(schema, document, url):
    if not schema.validate(document):
        errors = "\n".join(f"  - line {error.line}: {error.message}" for error in schema.error_log)
        pytest.fail(f"{url} is not valid against sitemaps.org's schema:\n{errors}", pytrace=False)


def assert_urls_answer(site, locations, url):
    broken = []
    for location in locations:
        response = site.get(urlsplit(location).path)
        if response.status != 200:
            broken.append(f"{location}: {response.status}")
    assert not broken, f"URLs of {url} that do not answer 200:\n" + "\n".join(broken)


@pytest.fixture(scope="session")
def index(site, schema):
    url = site.url + "/sitemap.xml"
    document = fetch_xml(site, url)
    assert_valid(schema, document, url)
    return [loc.text for loc in document.iterfind("s:sitemap/s:loc", NS)]


def test_robots_txt_names_both_sitemaps(site):
    robots = site.get("/robots.txt").text
    assert f"Sitemap: {site.url}/sitemap.xml" in robots
    assert f"Sitemap: {site.url}/sitemap-news.xml" in robots


def test_sitemap_index_is_valid_and_names_sitemaps(index):
    assert index, "the sitemap index names no sitemap"


def test_every_sitemap_is_valid(site, schema, index):
    for url in index:
        document = fetch_xml(site, url)
        assert_valid(schema, document, url)
        assert document.tag == f"{{{SITEMAP_NS}}}urlset", f"{url}: {document.tag}"
        locations = [loc.text for loc in document.iterfind("s:url/s:loc", NS)]
        assert locations, f"{url} lists no URL"
        assert len(set(locations)) == len(locations), f"{url} lists a URL twice"
        assert_urls_answer(site, locations[:CHECKED_PER_SITEMAP], url)


def test_news_sitemap_follows_google_news_rules(site, schema):
    url = site.url + "/sitemap-news.xml"
    document = fetch_xml(site, url)
    assert_valid(schema, document, url)
    entries = document.findall("s:url", NS)
    assert 0 < len(entries) <= NEWS_LIMIT, f"{len(entries)} URLs in the news sitemap (Google reads at most {NEWS_LIMIT})"
    now = datetime.datetime.now(datetime.UTC)
    names, problems = set(), []
    for entry in entries:
        location = entry.findtext("s:loc", namespaces=NS)
        news = entry.findall("news:news", NS)
        if len(news) != 1:
            problems.append(f"{location}: {len(news)} news:news")
            continue
        names.add(news[0].findtext("news:publication/news:name", namespaces=NS))
        language = news[0].findtext("news:publication/news:language", namespaces=NS)
        if language != "fr":
            problems.append(f"{location}: language {language!r}, not the ISO 639 code of French (fr)")
        published = datetime.datetime.fromisoformat(news[0].findtext("news:publication_date", namespaces=NS))
        if published.tzinfo is None:
            problems.append(f"{location}: publication date without a time zone")
        elif not now - NEWS_MAX_AGE <= published <= now + datetime.timedelta(minutes=5):
            problems.append(f"{location}: published {published.isoformat()}, not in the last two days")
    assert not problems, "\n".join(problems)
    # The publication's name must be the one its articles give (JSON-LD publisher, Open Graph site name).
    assert len(names) == 1, names
    page = BeautifulSoup(site.page("article with image").text, "html.parser")
    site_name = page.find("meta", property="og:site_name")
    assert site_name is not None and names == {site_name["content"]}, (names, site_name)
    assert_urls_answer(site, [entry.findtext("s:loc", namespaces=NS) for entry in entries], url)
