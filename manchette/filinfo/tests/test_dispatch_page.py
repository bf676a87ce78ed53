"""Each dispatch's own page: breadcrumb, dates, source, linked article, canonical URL, Open Graph, JSON-LD."""

import datetime
import json

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.templatetags.static import static
from django.utils import timezone

from manchette.filinfo.models import FeedEntry
from manchette.news import seo
from manchette.news.tests.factories import ImageFactory

from .factories import correct, publish_dispatch, save_dispatch

NNBSP = "\u202f"


def soup(response):
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content, "html.parser")


def json_ld(page, kind):
    documents = [json.loads(script.string) for script in page.select('script[type="application/ld+json"]')]
    return next(document for document in documents if document["@type"] == kind)


def test_dispatch_page_shows_the_dispatch_and_its_metadata(client, published_article):
    article = published_article(title="Le tram de Liège roule enfin", slug="tram")
    dispatch = publish_dispatch(
        "Tram de Liège : premiers voyageurs ce matin", text="Les rames ont quitté le dépôt à 5 heures. Tout s’est bien passé.",
        source="Agence Test", important=True, article=article,
    )
    url = dispatch.get_absolute_url()
    assert url == f"/fil-info/{dispatch.pk}/tram-de-liege-premiers-voyageurs-ce-matin/"
    page = soup(client.get(url))
    entry = FeedEntry.objects.get(dispatch=dispatch)
    absolute = settings.SITE_URL + url

    assert page.h1.text == f"Tram de Liège{NNBSP}: premiers voyageurs ce matin"
    assert [a.text for a in page.select(".breadcrumb a")] == ["Accueil", "Le fil info"]
    assert page.select_one(".dispatch__text").text == "Les rames ont quitté le dépôt à 5 heures. Tout s’est bien passé."
    assert page.select_one(".dispatch__source").text == f"Source{NNBSP}: Agence Test"
    assert page.select_one(".dispatch__article a")["href"] == article.url
    assert page.select_one(".byline__dates").text.strip().startswith("Publié le ")
    assert "Mis à jour" not in page.select_one(".byline__dates").text
    assert page.select_one(".sidebar [data-filinfo]") is not None

    assert page.select_one('link[rel="canonical"]')["href"] == absolute
    assert page.select_one('meta[property="og:url"]')["content"] == absolute
    assert page.select_one('meta[property="og:type"]')["content"] == "article"
    assert page.select_one('meta[property="og:title"]')["content"] == f"Tram de Liège{NNBSP}: premiers voyageurs ce matin"
    assert page.select_one('meta[property="og:image"]')["content"] == settings.SITE_URL + static(seo.DEFAULT_SHARE)
    assert page.select_one('meta[property="article:published_time"]')["content"] == seo.iso(entry.published_at)

    news = json_ld(page, "NewsArticle")
    assert news["headline"] == "Tram de Liège : premiers voyageurs ce matin"
    assert news["url"] == absolute and news["mainEntityOfPage"]["@id"] == absolute
    assert news["datePublished"] == seo.iso(entry.published_at)
    assert news["dateModified"] == seo.iso(entry.updated_at)
    assert news["author"] == [{"@type": "Organization", "name": "Agence Test"}]
    assert news["publisher"]["name"] == settings.SITE_NAME
    assert news["inLanguage"] == "fr-BE" and news["image"]["url"] == settings.SITE_URL + static(seo.DEFAULT_SHARE)
    crumbs = json_ld(page, "BreadcrumbList")["itemListElement"]
    assert [c["name"] for c in crumbs] == ["Accueil", "Le fil info", dispatch.title]
    assert crumbs[1]["item"] == settings.SITE_URL + "/fil-info/" and crumbs[2]["item"] == absolute


def test_a_newsroom_dispatch_is_authored_by_the_newspaper(client, home):
    page = soup(client.get(publish_dispatch("De la rédaction").get_absolute_url()))
    assert json_ld(page, "NewsArticle")["author"][0]["name"] == settings.SITE_NAME
    assert page.select_one(".dispatch__source") is None


def test_linked_article_with_an_image_lends_it(client, published_article):
    article = published_article(slug="illustre", hero_image=ImageFactory())
    # A dispatch page only uses a share image that already exists: the article page makes it.
    assert client.get(article.url).status_code == 200
    page = soup(client.get(publish_dispatch("Illustrée", article=article).get_absolute_url()))
    assert "fill-1200x675" in page.select_one('meta[property="og:image"]')["content"]
    assert page.select_one('meta[name="twitter:card"]')["content"] == "summary_large_image"


def test_a_corrected_dispatch_says_when(client, home):
    dispatch = publish_dispatch("Premier jet")
    FeedEntry.objects.filter(dispatch=dispatch).update(published_at=timezone.now() - datetime.timedelta(hours=1))
    dispatch = correct(dispatch, text="Texte complété après vérification.")
    page = soup(client.get(dispatch.get_absolute_url()))
    assert "Mis à jour le" in page.select_one(".byline__dates").text
    assert page.select_one(".dispatch__text").text == "Texte complété après vérification."


def test_a_corrected_title_moves_the_page_and_the_old_link_follows(client, home):
    dispatch = publish_dispatch("Titre provisoire")
    old_url = dispatch.get_absolute_url()
    dispatch = correct(dispatch, title="Titre définitif")
    response = client.get(old_url)
    assert response.status_code == 301 and response["Location"] == f"/fil-info/{dispatch.pk}/titre-definitif/"
    assert client.get(f"/fil-info/{dispatch.pk}/nimporte-quoi/")["Location"] == f"/fil-info/{dispatch.pk}/titre-definitif/"


def test_a_draft_change_shows_nothing_until_published(client, home):
    dispatch = publish_dispatch("Version publiée")
    dispatch.title = "Version en préparation"
    dispatch.save_revision()
    page = soup(client.get(f"/fil-info/{dispatch.pk}/version-publiee/"))
    assert page.h1.text == "Version publiée" and "en préparation" not in str(page)


def test_draft_withdrawn_unknown_dispatches_are_404(client, home):
    draft = save_dispatch("Brouillon")
    withdrawn = publish_dispatch("Retirée")
    withdrawn.unpublish()
    for url in (f"/fil-info/{draft.pk}/brouillon/", f"/fil-info/{withdrawn.pk}/retiree/", "/fil-info/999999/rien/"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Page introuvable" in response.content.decode()


def test_a_link_to_an_unpublished_article_is_not_shown(client, published_article):
    article = published_article(slug="bientot-retire")
    dispatch = publish_dispatch("Avec un lien", article=article)
    article.unpublish()
    page = soup(client.get(dispatch.get_absolute_url()))
    assert page.select_one(".dispatch__article") is None


@pytest.mark.parametrize("number", ["99999999999999999999", "9223372036854775808", "999999999999999999", "0"])
def test_a_dispatch_number_out_of_range_is_a_404(client, home, number):
    assert client.get(f"/fil-info/{number}/depeche/").status_code == 404
