"""A new article's first autosave racing the journalist's « Soumettre à … »: never a 500, never a lost submission.

Wagtail 8 autosaves a new page by posting the create form in the background, and only sends the form to the new
draft's edit view once that request has come back. A click before then posts the same create form again.
"""

import datetime
import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail import hooks
from wagtail.admin.forms.pages import WagtailAdminPageForm

from manchette.news.models import Article

from .factories import SectionFactory
from .test_newsroom import article_form

REVIEW_TASK = "Validation par un éditeur"
DRAFT_LEAD = "Après six ans de travaux"
FINAL_LEAD = "Après six ans de travaux, la ligne est inaugurée ce lundi."


def submit_form():
    """What « Soumettre à … » posts: the whole form, finished, and the action's button."""
    return article_form("action-submit", lead=FINAL_LEAD)


def autosave_form(**overrides):
    """What the editor's autosave posts: the form as it stood, without any action button."""
    return {key: value for key, value in article_form("action-submit", **overrides).items() if key != "action-submit"}


def autosave(client, url, **overrides):
    return client.post(url, autosave_form(**overrides), headers={"Accept": "application/json"})


@pytest.fixture
def new_article(client, staff):
    """The journalist's fresh create form for an article in « Bruxelles »: its URL and the section."""
    section = SectionFactory(slug="bruxelles")
    client.force_login(staff["journalist"])
    url = reverse("wagtailadmin_pages:add", args=("news", "article", section.pk))
    assert client.get(url).status_code == 200
    return url, section


def assert_submitted_once(section):
    """One article in the section, in review with the content the journalist submitted, unseen by readers."""
    article = Article.objects.child_of(section).get()
    assert article.current_workflow_task_state.task.name == REVIEW_TASK
    assert article.get_latest_revision_as_object().lead == FINAL_LEAD
    assert not article.live
    return article


def test_a_submit_sent_before_the_first_autosave_returned_submits_the_draft_it_made(client, new_article):
    url, section = new_article
    saved = autosave(client, url, lead=DRAFT_LEAD)
    assert saved.status_code == 200 and saved.json()["success"]

    # The editor has not had the autosave's answer yet: the click still posts the create form.
    response = client.post(url, submit_form(), follow=True)
    assert response.status_code == 200
    assert "soumise pour modération" in response.content.decode()
    assert assert_submitted_once(section).pk == saved.json()["pk"]
    client.logout()
    assert client.get("/bruxelles/tram-jette/").status_code == 404


def autosave_in_another_tab(url, user, answers):
    """A thread posting the autosave from its own connection, as the server's other worker would."""

    def run():
        try:
            other_tab = Client()
            other_tab.force_login(user)
            answers["autosave"] = autosave(other_tab, url, lead=DRAFT_LEAD)
        finally:
            connection.close()

    return threading.Thread(target=run)


@pytest.mark.django_db(transaction=True)
def test_a_submit_arriving_while_the_autosave_is_saving_is_applied_to_its_draft(
    client, new_article, staff
):
    url, section = new_article
    answers = {}
    autosaving = autosave_in_another_tab(url, staff["journalist"], answers)
    created, go_on = threading.Event(), threading.Event()

    def hold_the_autosave(request, page):
        # The autosave is still in its request, its page made and its answer not sent, when the submit comes in.
        if threading.current_thread() is autosaving:
            created.set()
            go_on.wait(timeout=30)

    with hooks.register_temporarily("after_create_page", hold_the_autosave):
        autosaving.start()
        assert created.wait(timeout=30), answers
        threading.Timer(1, go_on.set).start()
        response = client.post(url, submit_form())
        autosaving.join()

    assert answers["autosave"].status_code == 200, answers["autosave"].content
    assert response.status_code == 302
    assert assert_submitted_once(section).pk == answers["autosave"].json()["pk"]


@pytest.mark.django_db(transaction=True)
def test_an_autosave_landing_between_the_submits_validation_and_its_save_is_no_500(
    client, new_article, staff, monkeypatch
):
    """The interleaving that gave a 500: the submit is validated, the autosave commits, then the submit saves."""
    url, section = new_article
    answers = {}
    autosaving = autosave_in_another_tab(url, staff["journalist"], answers)
    form_save = WagtailAdminPageForm.save

    def save_after_the_autosave(form, *args, **kwargs):
        if "action-submit" in form.data and autosaving.ident is None:
            autosaving.start()
            # On PostgreSQL the autosave commits now. On SQLite the submit already holds the write lock, so the
            # autosave waits for it: the submit goes on after a while and the autosave comes second.
            autosaving.join(timeout=3)
        return form_save(form, *args, **kwargs)

    monkeypatch.setattr(WagtailAdminPageForm, "save", save_after_the_autosave)
    response = client.post(url, submit_form())
    autosaving.join()

    assert response.status_code == 302
    assert answers["autosave"].status_code in (200, 400), answers["autosave"].content
    assert_submitted_once(section)


def test_an_autosave_arriving_after_the_submit_does_not_overwrite_it(client, new_article):
    url, section = new_article
    assert client.post(url, submit_form()).status_code == 302

    late = autosave(client, url, lead=DRAFT_LEAD)
    assert late.status_code == 400 and late.json()["error_code"] == "validation_error"
    assert_submitted_once(section)


def published(article, user):
    article.save_revision(user=user).publish()  # by the newsroom: a journalist cannot publish


def in_review(article, user):
    article.get_workflow().start(article, user)


def saved_yesterday(article, user):
    Article.objects.filter(pk=article.pk).update(latest_revision_created_at=timezone.now() - datetime.timedelta(days=1))


@pytest.mark.parametrize(
    ("owner", "then"),
    [("editor", None), ("journalist", published), ("journalist", in_review), ("journalist", saved_yesterday)],
    ids=["someone-elses-draft", "own-published-article", "own-draft-in-review", "own-draft-saved-yesterday"],
)
def test_a_page_that_is_not_the_forms_fresh_draft_is_never_taken_over(
    client, new_article, staff, owner, then
):
    url, section = new_article
    user = staff[owner]
    other = Article(
        title="Un autre article", slug="tram-jette", lead="Déjà là.", body="<p>Déjà là.</p>", live=False, owner=user
    )
    section.add_child(instance=other)
    other.save_revision(user=user)
    if then:
        then(other, user)

    response = client.post(url, submit_form())
    assert response.status_code == 200
    assert "est déjà utilisé" in response.content.decode()
    other = Article.objects.child_of(section).get()
    assert other.get_latest_revision_as_object().title == "Un autre article"
