import datetime
import json

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.db import connection
from django.templatetags.static import static
from django.test.utils import CaptureQueriesContext

from manchette.news import seo
from manchette.news.models import HERO_RENDITIONS, NewsRendition

from .factories import ArticleFactory, AuthorFactory, ImageFactory, SectionFactory


def head(response):
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser").head


def meta(soup, key):
    tags = soup.find_all("meta", attrs={"property": key}) or soup.find_all("meta", attrs={"name": key})
    return [tag["content"] for tag in tags]


def json_ld(soup):
    scripts = soup.find_all("script", type="application/ld+json")
    return {doc["@type"]: doc for doc in (json.loads(script.string) for script in scripts)}


@pytest.fixture
def article(home):
    monde = SectionFactory(title="Monde", slug="monde")
    europe = SectionFactory(title="Europe", slug="europe", parent=monde, intro="")
    authors = [
        AuthorFactory(name="Anne Lambert", slug="anne-lambert"), AuthorFactory(name="Marc Dupont", slug="marc-dupont"),
    ]
    return ArticleFactory(
        parent=europe, title="Sommet à Bruxelles", slug="sommet", authors=authors,
        tags=["Union européenne", "Diplomatie"], hero_image=ImageFactory(description="La salle du sommet"),
    )


def test_article_head_has_canonical_description_and_open_graph(client, article):
    soup = head(client.get(article.url))
    url = f"{settings.SITE_URL}/monde/europe/sommet/"
    assert soup.find("link", rel="canonical")["href"] == url
    assert meta(soup, "description") == [article.lead]
    assert meta(soup, "og:type") == ["article"]
    assert meta(soup, "og:title") == ["Sommet à Bruxelles"]
    assert meta(soup, "og:description") == [article.lead]
    assert meta(soup, "og:url") == [url]
    assert meta(soup, "og:site_name") == [settings.SITE_NAME]
    assert meta(soup, "og:locale") == ["fr_BE"]
    [image] = meta(soup, "og:image")
    assert image.startswith(settings.SITE_URL + settings.MEDIA_URL) and image.endswith(".fill-1200x675.format-jpeg.jpg")
    assert (meta(soup, "og:image:width"), meta(soup, "og:image:height")) == (["1200"], ["675"])
    assert meta(soup, "og:image:alt") == ["La salle du sommet"]
    assert meta(soup, "twitter:card") == ["summary_large_image"]
    assert meta(soup, "article:section") == ["Europe"]
    assert sorted(meta(soup, "article:tag")) == ["Diplomatie", "Union européenne"]
    assert meta(soup, "article:author") == [
        f"{settings.SITE_URL}/auteur/anne-lambert/", f"{settings.SITE_URL}/auteur/marc-dupont/"
    ]
    [published] = meta(soup, "article:published_time")
    assert abs(datetime.datetime.fromisoformat(published) - article.first_published_at) < datetime.timedelta(seconds=1)
    assert meta(soup, "article:modified_time")


def test_article_json_ld_is_a_complete_news_article(client, article):
    documents = json_ld(head(client.get(article.url)))
    data = documents["NewsArticle"]
    url = f"{settings.SITE_URL}/monde/europe/sommet/"
    assert data["@context"] == "https://schema.org"
    assert data["headline"] == "Sommet à Bruxelles"
    assert data["description"] == article.lead
    assert data["mainEntityOfPage"] == {"@type": "WebPage", "@id": url}
    assert data["inLanguage"] == "fr-BE"
    assert data["articleSection"] == "Europe"
    assert data["keywords"] in ("Union européenne, Diplomatie", "Diplomatie, Union européenne")
    published = datetime.datetime.fromisoformat(data["datePublished"])
    assert abs(published - article.first_published_at) < datetime.timedelta(seconds=1)
    assert datetime.datetime.fromisoformat(data["dateModified"]) >= published
    assert data["author"] == [
        {"@type": "Person", "name": "Anne Lambert", "url": f"{settings.SITE_URL}/auteur/anne-lambert/"},
        {"@type": "Person", "name": "Marc Dupont", "url": f"{settings.SITE_URL}/auteur/marc-dupont/"},
    ]
    publisher = data["publisher"]
    assert publisher["@type"] == "NewsMediaOrganization" and publisher["name"] == settings.SITE_NAME
    assert publisher["logo"]["url"] == f"{settings.SITE_URL}{static(seo.LOGO)}"  # its hashed name
    assert finders.find(seo.LOGO)
    assert data["image"]["url"].endswith(".fill-1200x675.format-jpeg.jpg")
    assert (data["image"]["width"], data["image"]["height"]) == (1200, 675)


def test_article_breadcrumb_json_ld_follows_the_sections(client, article):
    crumbs = json_ld(head(client.get(article.url)))["BreadcrumbList"]["itemListElement"]
    assert [(c["position"], c["name"], c["item"]) for c in crumbs] == [
        (1, "Accueil", f"{settings.SITE_URL}/"),
        (2, "Monde", f"{settings.SITE_URL}/monde/"),
        (3, "Europe", f"{settings.SITE_URL}/monde/europe/"),
        (4, "Sommet à Bruxelles", f"{settings.SITE_URL}/monde/europe/sommet/"),
    ]


def test_a_title_cannot_break_out_of_the_json_ld_script(client, home):
    title = "Fin </script><script>alert(1)</script><!-- & co"
    article = ArticleFactory(parent=SectionFactory(), title=title)
    response = client.get(article.url)
    html = response.content.decode()
    assert "<script>alert(1)" not in html and "<!-- & co" not in html
    documents = json_ld(head(response))
    assert documents["NewsArticle"]["headline"] == title
    assert documents["BreadcrumbList"]["itemListElement"][-1]["name"] == title


def test_article_without_image_shares_the_site_default_image(client, home):
    article = ArticleFactory(parent=SectionFactory())
    soup = head(client.get(article.url))
    assert meta(soup, "og:image") == [f"{settings.SITE_URL}{static(seo.DEFAULT_SHARE)}"]
    assert (meta(soup, "og:image:width"), meta(soup, "og:image:height")) == (["1200"], ["675"])
    assert meta(soup, "twitter:card") == ["summary_large_image"]
    assert json_ld(soup)["NewsArticle"]["image"]["url"] == f"{settings.SITE_URL}{static(seo.DEFAULT_SHARE)}"


def test_share_image_reuses_a_hero_rendition():
    assert seo.SHARE_SPEC in HERO_RENDITIONS


def test_share_image_costs_no_rendition_query_beyond_the_hero(client, article):
    # The local-memory cache outlives each test's rolled-back rows, and image ids are reused.
    NewsRendition.cache_backend.clear()
    client.get(article.url)  # renders the renditions once
    cache.clear()
    NewsRendition.cache_backend.clear()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(article.url).status_code == 200
    # The article's own card in the block its section's pages share (« Aussi en ») reads card sizes: not counted.
    rendition_reads = [q["sql"] for q in captured if "news_newsrendition" in q["sql"] and "640x360" not in q["sql"]]
    assert len(rendition_reads) == 1, "\n".join(q[:90] + q[-120:] for q in rendition_reads)


def test_draft_and_unpublished_articles_are_404(client, home):
    section = SectionFactory()
    draft = ArticleFactory(parent=section, live=False, first_published_at=None)
    withdrawn = ArticleFactory(parent=section)
    withdrawn.unpublish()
    assert client.get(f"{section.url}{draft.slug}/").status_code == 404
    assert client.get(f"{section.url}{withdrawn.slug}/").status_code == 404


def test_front_page_head_describes_the_site(client, home):
    soup = head(client.get("/"))
    assert soup.find("link", rel="canonical")["href"] == f"{settings.SITE_URL}/"
    assert meta(soup, "og:type") == ["website"]
    assert meta(soup, "og:title") == [settings.SITE_NAME]
    assert meta(soup, "description") and meta(soup, "og:description") == meta(soup, "description")
    site = json_ld(soup)["WebSite"]
    assert site["url"] == f"{settings.SITE_URL}/" and site["publisher"]["name"] == settings.SITE_NAME


def test_section_head_links_its_feeds_and_breadcrumb(client, article):
    europe = article.get_parent()
    soup = head(client.get(europe.url))
    url = f"{settings.SITE_URL}/monde/europe/"
    assert soup.find("link", rel="canonical")["href"] == url
    assert meta(soup, "og:type") == ["website"]
    assert meta(soup, "description") == ["Rubrique «\u202fEurope\u202f»\u202f: les derniers articles, en continu."]
    assert soup.find("link", type="application/rss+xml", href=url + "rss/")
    assert soup.find("link", type="application/atom+xml", href=url + "atom/")
    crumbs = json_ld(soup)["BreadcrumbList"]["itemListElement"]
    assert [c["name"] for c in crumbs] == ["Accueil", "Monde", "Europe"]


def test_later_section_pages_are_their_own_indexable_canonical(client, article, settings):
    settings.ARTICLES_PER_PAGE = 1
    ArticleFactory(parent=article.get_parent())
    soup = head(client.get(f"{article.get_parent().url}?page=2"))
    assert soup.find("link", rel="canonical")["href"] == f"{settings.SITE_URL}/monde/europe/?page=2"
    assert not any("noindex" in content for content in meta(soup, "robots"))
