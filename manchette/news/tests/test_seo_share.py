"""Every article has a share image (its own, else its section's, else the site's), and opinion pieces say so."""

import json

from bs4 import BeautifulSoup
from django.conf import settings
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from PIL import Image

from manchette.news import seo

from .factories import ArticleFactory, ImageFactory, SectionFactory


def head(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return BeautifulSoup(response.content, "html.parser").head


def og_image(soup):
    return soup.find("meta", property="og:image")["content"]


def news_article(soup):
    documents = [json.loads(script.string) for script in soup.find_all("script", type="application/ld+json")]
    [article] = [doc for doc in documents if doc["@type"] in ("NewsArticle", "OpinionNewsArticle")]
    return article


def test_the_default_share_image_is_a_16_9_png_of_1200_pixels():
    path = finders.find(seo.DEFAULT_SHARE)
    with Image.open(path) as image:
        assert (image.format, image.size) == ("PNG", seo.DEFAULT_SHARE_SIZE)


def test_an_article_without_image_shares_its_sections_then_the_sites(client, home):
    monde = SectionFactory(title="Monde", slug="monde", share_image=ImageFactory(description="Le globe"))
    europe = SectionFactory(title="Europe", slug="europe", parent=monde)
    own = ImageFactory(description="Leur propre image")
    belgique = SectionFactory(title="Belgique", slug="belgique")

    with_own = ArticleFactory(parent=europe, hero_image=own)
    soup = head(client, with_own.url)
    assert soup.find("meta", property="og:image:alt")["content"] == "Leur propre image"

    from_section = ArticleFactory(parent=europe)
    soup = head(client, from_section.url)
    url = og_image(soup)
    assert url.startswith(settings.SITE_URL + settings.MEDIA_URL) and url.endswith(".fill-1200x675.format-jpeg.jpg")
    assert soup.find("meta", property="og:image:alt")["content"] == "Le globe"
    assert news_article(soup)["image"] == {"@type": "ImageObject", "url": url, "width": 1200, "height": 675}

    from_site = ArticleFactory(parent=belgique)
    soup = head(client, from_site.url)
    assert og_image(soup) == settings.SITE_URL + static(seo.DEFAULT_SHARE)
    assert news_article(soup)["image"]["url"] == settings.SITE_URL + static(seo.DEFAULT_SHARE)


def test_a_section_page_shares_its_image_or_the_sites(client, home):
    monde = SectionFactory(title="Monde", slug="monde", share_image=ImageFactory())
    belgique = SectionFactory(title="Belgique", slug="belgique")
    assert ".fill-1200x675." in og_image(head(client, monde.url))
    assert og_image(head(client, belgique.url)) == settings.SITE_URL + static(seo.DEFAULT_SHARE)


def test_a_dispatch_without_article_shares_the_sites_image(client, home):
    from manchette.filinfo.tests.factories import publish_dispatch

    dispatch = publish_dispatch("Une dépêche sans image")
    soup = head(client, dispatch.get_absolute_url())
    assert og_image(soup) == settings.SITE_URL + static(seo.DEFAULT_SHARE)
    assert news_article(soup)["image"]["width"] == 1200


def test_opinion_pieces_are_opinion_news_articles(client, home):
    opinions = SectionFactory(title="Opinions", slug="opinions")
    chroniques = SectionFactory(title="Chroniques", slug="chroniques", parent=opinions)
    news = SectionFactory(title="Belgique", slug="belgique")
    assert news_article(head(client, ArticleFactory(parent=chroniques).url))["@type"] == "OpinionNewsArticle"
    assert news_article(head(client, ArticleFactory(parent=opinions).url))["@type"] == "OpinionNewsArticle"
    assert news_article(head(client, ArticleFactory(parent=news).url))["@type"] == "NewsArticle"
