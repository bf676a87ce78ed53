"""The newsroom's path through Wagtail: a journalist submits, an editor approves; preview and revisions."""

from django.urls import reverse
from wagtail.models import Page
from wagtail.test.utils.form_data import nested_form_data, rich_text

from manchette.news.models import Article

from .factories import SectionFactory


def article_form(action, **overrides):
    data = {
        "title": "Le tram arrive enfin à Jette",
        "slug": "tram-jette",
        "lead": "Après six ans de travaux, la ligne est inaugurée ce lundi.",
        "body": rich_text("<p>Les premiers voyageurs ont été accueillis à l’aube par le bourgmestre.</p>"),
        "hero_caption": "",
        "tags": "mobilité, tram",
        "comments": {"TOTAL_FORMS": 0, "INITIAL_FORMS": 0, "MIN_NUM_FORMS": 0, "MAX_NUM_FORMS": 1000},
        action: "1",
    }
    data.update(overrides)
    return nested_form_data(data)


def test_journalist_submits_and_editor_approves(client, staff):
    section = SectionFactory(slug="bruxelles")
    client.force_login(staff["journalist"])
    add_url = reverse("wagtailadmin_pages:add", args=("news", "article", section.pk))
    response = client.post(add_url, article_form("action-submit"))
    assert response.status_code == 302

    article = Article.objects.get(slug="tram-jette")
    assert not article.live
    assert client.get("/bruxelles/tram-jette/").status_code == 404
    state = article.current_workflow_task_state
    assert state is not None and state.task.name == "Validation par un éditeur"

    # A journalist cannot publish on their own, even by forging the publish action.
    client.post(reverse("wagtailadmin_pages:edit", args=(article.pk,)), article_form("action-publish"))
    assert not Article.objects.get(pk=article.pk).live

    client.force_login(staff["editor"])
    approve = reverse("wagtailadmin_pages:workflow_action", args=(article.pk, "approve", state.pk))
    assert client.post(approve, {"comment": "Parfait."}).status_code in (200, 302)
    article.refresh_from_db()
    assert article.live
    client.logout()
    response = client.get("/bruxelles/tram-jette/")
    assert response.status_code == 200 and "Le tram arrive enfin à Jette" in response.content.decode()


def test_body_is_sanitised_on_save_whatever_the_source(home):
    section = SectionFactory()
    article = Article(title="Piège", slug="piege", lead="Chapô.", body='<p onclick="x()">Texte<script>alert(1)</script></p>')
    section.add_child(instance=article)
    assert Article.objects.get(pk=article.pk).body == "<p>Texte</p>"


def test_preview_shows_the_real_page_for_a_draft(client, staff):
    section = SectionFactory(slug="culture")
    client.force_login(staff["editor"])
    client.post(reverse("wagtailadmin_pages:add", args=("news", "article", section.pk)), article_form("action-draft"))
    article = Article.objects.get(slug="tram-jette")
    preview_url = reverse("wagtailadmin_pages:preview_on_edit", args=(article.pk,))
    assert client.post(preview_url, article_form("action-draft", title="Titre en préparation")).json()["is_valid"]
    response = client.get(preview_url)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Titre en préparation" in body and "Temps de lecture" in body
    client.logout()
    assert client.get("/culture/tram-jette/").status_code == 404


def test_revisions_can_be_reverted(client, staff):
    section = SectionFactory(slug="sciences")
    client.force_login(staff["editor"])
    client.post(reverse("wagtailadmin_pages:add", args=("news", "article", section.pk)), article_form("action-publish"))
    article = Article.objects.get(slug="tram-jette")
    first_revision = article.latest_revision
    client.post(reverse("wagtailadmin_pages:edit", args=(article.pk,)), article_form("action-publish", title="Titre corrigé"))
    assert Page.objects.get(pk=article.pk).title == "Titre corrigé"

    first_revision.as_object().save_revision(user=staff["editor"]).publish(user=staff["editor"])
    assert Page.objects.get(pk=article.pk).title == "Le tram arrive enfin à Jette"
    compare = reverse("wagtailadmin_pages:revisions_compare", args=(article.pk, first_revision.pk, "latest"))
    assert client.get(compare).status_code == 200
