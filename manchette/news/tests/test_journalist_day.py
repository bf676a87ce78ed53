"""A journalist's day: the dashboard, signing their own articles, picking authors, the edit link on the site."""

from django.urls import reverse
from wagtail.models import Page

from manchette.news.models import Article

from .factories import ArticleFactory, AuthorFactory, SectionFactory
from .test_newsroom import article_form


def test_dashboard_has_the_new_article_button_drafts_and_review(client, staff):
    section = SectionFactory(slug="bruxelles")
    journalist = staff["journalist"]
    client.force_login(journalist)
    page = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Nouvel article" in page and reverse("newsroom_new_article") in page
    assert "Aucun brouillon en cours." in page

    add_url = reverse("wagtailadmin_pages:add", args=("news", "article", section.pk))
    # No action button: « Enregistrer le brouillon ».
    client.post(add_url, article_form("no-action", slug="brouillon-tram", title="Brouillon du tram"))
    client.post(add_url, article_form("action-submit", slug="soumis-tram", title="Article soumis"))
    page = client.get(reverse("wagtailadmin_home")).content.decode()
    mine = page.split("Mes brouillons")[1].split("En attente de relecture")
    assert "Brouillon du tram" in mine[0] and "Article soumis" not in mine[0]
    assert "Article soumis" in mine[1]

    # The editor sees what awaits review, whoever wrote it; the choice of section lists where one may write.
    client.force_login(staff["editor"])
    page = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Article soumis" in page.split("En attente de relecture")[1]
    client.force_login(journalist)
    choices = client.get(reverse("newsroom_new_article")).content.decode()
    assert reverse("wagtailadmin_pages:add", args=("news", "article", section.pk)) in choices


def test_the_journalist_signs_a_new_article_by_default(client, staff):
    section = SectionFactory(slug="bruxelles")
    me = AuthorFactory(name="Léa Martin", user=staff["journalist"])
    other = AuthorFactory(name="Zoé Colin")
    client.force_login(staff["journalist"])
    html = client.get(reverse("wagtailadmin_pages:add", args=("news", "article", section.pk))).content.decode()
    # A searchable list of check boxes, the journalist's own checked; no Ctrl-click <select multiple>.
    assert 'data-authors-chooser' in html and "data-authors-search" in html
    assert '<select name="authors"' not in html
    checked = [chunk for chunk in html.split('name="authors"')[1:] if chunk.split(">")[0].endswith("checked")]
    assert len(checked) == 1 and f'value="{me.pk}"' in checked[0]
    assert f'value="{other.pk}"' in html

    # An editor without an author's card signs nothing by default.
    client.force_login(staff["editor"])
    html = client.get(reverse("wagtailadmin_pages:add", args=("news", "article", section.pk))).content.decode()
    assert not [chunk for chunk in html.split('name="authors"')[1:] if chunk.split(">")[0].endswith("checked")]

    client.force_login(staff["journalist"])
    data = article_form("action-submit")
    data["authors"] = [me.pk, other.pk]
    client.post(reverse("wagtailadmin_pages:add", args=("news", "article", section.pk)), data)
    article = Article.objects.get(slug="tram-jette")
    assert {author.pk for author in article.get_latest_revision_as_object().authors.all()} == {me.pk, other.pk}


def test_staff_get_the_edit_link_readers_never(client, staff, home):
    section = SectionFactory(slug="belgique")
    article = ArticleFactory(parent=section, slug="un-article")
    url = article.url
    assert "wagtail-userbar" not in client.get(url).content.decode()
    client.force_login(staff["journalist"])
    html = client.get(url).content.decode()
    assert "wagtail-userbar" in html
    assert reverse("wagtailadmin_pages:edit", args=(article.pk,)) in html
    assert "Modifier cette page" in html
    assert Page.objects.filter(pk=article.pk).exists()


def test_newsroom_pages_with_garbage(client, staff):
    """The guide and « Nouvel article » read nothing from the request: hostile queries and posts change nothing."""
    SectionFactory(slug="bruxelles")
    for url in (reverse("newsroom_guide"), reverse("newsroom_new_article")):
        assert client.get(url).status_code == 302  # to the login page
        client.force_login(staff["moderator"])
        assert client.get(url).status_code in (200, 302, 403)
        client.force_login(staff["journalist"])
        for query in ("?page=%00", "?x=" + "y" * 10_000, "?%C3%A9t%C3%A9=1"):
            assert client.get(url + query).status_code == 200
        assert client.post(url, {"x": "\x00"}).status_code == 405
        client.logout()
