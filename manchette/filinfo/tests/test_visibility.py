"""A draft or withdrawn dispatch, or a withdrawn article, is shown nowhere: block, page, feeds, sitemap."""

import pytest

from .factories import correct, publish_dispatch, save_dispatch

URLS = ("/", "/belgique/", "/fil-info/", "/fil-info/?onglet=une", "/fil-info/bloc/", "/fil-info/rss/", "/fil-info/atom/",
        "/sitemap-depeches.xml")


@pytest.fixture
def hidden(published_article):
    """Published items beside items no reader may see, each with a title that must not leak."""
    shown = published_article(slug="visible", title="Article visible")
    publish_dispatch("Dépêche visible", important=True)
    save_dispatch("Brouillon secret", important=True)
    withdrawn = publish_dispatch("Dépêche retirée", important=True)
    withdrawn.unpublish()
    deleted = publish_dispatch("Dépêche supprimée", important=True)
    deleted.delete()
    draft_change = publish_dispatch("Version publiée", important=True)
    draft_change.title = "Modification en préparation"
    draft_change.save_revision()
    article = published_article(slug="retire", title="Article retiré")
    article.unpublish()
    return shown


@pytest.mark.parametrize("url", URLS)
def test_nothing_hidden_leaks(client, hidden, url):
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    for secret in ("Brouillon secret", "Dépêche retirée", "Dépêche supprimée", "Modification en préparation", "Article retiré"):
        assert secret not in body, (url, secret)


@pytest.mark.parametrize("url", ["/", "/fil-info/", "/fil-info/bloc/", "/fil-info/rss/"])
def test_what_is_visible_is_listed(client, hidden, url):
    body = client.get(url).content.decode()
    assert "Dépêche visible" in body and "Version publiée" in body


def test_a_republished_dispatch_comes_back(client, home):
    dispatch = publish_dispatch("De retour")
    dispatch.unpublish()
    assert "De retour" not in client.get("/fil-info/").content.decode()
    correct(dispatch, title="De retour")
    assert "De retour" in client.get("/fil-info/").content.decode()
