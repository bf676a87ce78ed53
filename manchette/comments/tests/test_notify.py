"""Reply notifications: an e-mail through Django's SMTP backend to a real SMTP server, once per reply, to readers
who asked for it; and the one-click way out, without logging in."""

import pytest
from django.test import Client
from django.utils import timezone

from manchette.comments import notify
from manchette.comments.models import Status
from manchette.news.models import Discussion
from manchette.testing.smtp import body

from .conftest import json_post
from .test_live import approve


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def asker(make_reader):
    return make_reader("Claire Dubois", email="claire@example.com", notify=True)


@pytest.fixture
def replier(client, make_reader):
    client.force_login(make_reader("Paul Martin"))
    return client


def reply(client, parent, text="Je ne suis pas d’accord."):
    return json_post(client, f"/commentaires/{parent.article_id}/ecrire/", {"text": text, "parent": parent.pk})


def test_a_reply_is_mailed_to_whoever_asked_with_a_one_click_way_out(replier, asker, article, make_comment,
                                                                       smtp_server, django_capture_on_commit_callbacks):
    mine = make_comment(article, asker, text="Le tram est une réussite.")
    with django_capture_on_commit_callbacks(execute=True):
        answer = reply(replier, mine, "Je ne suis pas d’accord : il est en retard.")
    [message] = smtp_server.wait_for(1)
    assert message.envelope_to == ["claire@example.com"]
    assert "Paul Martin vous a répondu sur «\u00a0Le tram de Liège roule enfin\u00a0»" in message["Subject"]
    text = body(message, "plain")
    assert "Je ne suis pas d’accord : il est en retard." in text
    assert f"{article.url}#commentaire-{answer.json()['id']}" in text
    link = str(message["List-Unsubscribe"]).strip().strip("<>")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link in text
    # One click, no login: the e-mails stop, and the page says so.
    path = link.split("://", 1)[1].split("/", 1)[1]
    page = Client().get("/" + path)
    assert page.status_code == 200 and "Vous ne recevrez plus d’e-mail" in page.content.decode()
    asker.profile.refresh_from_db()
    assert asker.profile.notify_replies is False


def test_the_mail_clients_one_click_post_turns_it_off_too(asker):
    link = notify.unsubscribe_url(asker)
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    answer = Client(enforce_csrf_checks=True).post(path, {"List-Unsubscribe": "One-Click"})
    assert answer.status_code == 200
    asker.profile.refresh_from_db()
    assert asker.profile.notify_replies is False


def test_a_forged_or_altered_link_does_nothing(asker, client):
    link = notify.unsubscribe_url(asker)
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    for bad in (path[:-3] + "xyz/", "/commentaires/desabonnement/1/", "/commentaires/desabonnement/x/"):
        assert client.get(bad).status_code == 404
    asker.profile.refresh_from_db()
    assert asker.profile.notify_replies is True


def test_nobody_is_mailed_who_did_not_ask_or_answered_themself(replier, asker, make_reader, article, make_comment,
                                                                smtp_server, django_capture_on_commit_callbacks):
    quiet = make_reader("Luc Petit", notify=False)
    theirs = make_comment(article, quiet)
    mine = make_comment(article, asker)
    asker_client = Client()
    asker_client.force_login(asker)
    with django_capture_on_commit_callbacks(execute=True):
        reply(replier, theirs)
        reply(asker_client, mine, "Je précise ma pensée.")
    assert smtp_server.messages == []


def test_a_premoderated_reply_is_mailed_once_when_approved(replier, asker, published_article, make_comment,
                                                            smtp_server, django_capture_on_commit_callbacks):
    article = published_article(slug="modere", discussion=Discussion.PREMODERATED)
    mine = make_comment(article, asker)
    with django_capture_on_commit_callbacks(execute=True):
        reply_id = reply(replier, mine).json()["id"]
    assert smtp_server.messages == [], "not published yet"
    from manchette.comments.models import Comment

    waiting = Comment.objects.get(pk=reply_id)
    with django_capture_on_commit_callbacks(execute=True):
        approve(waiting)
    smtp_server.wait_for(1)
    # Sent back to the queue by an edit, approved again: told once only.
    with django_capture_on_commit_callbacks(execute=True):
        waiting.refresh_from_db()
        waiting.status = Status.PENDING
        waiting.edited_at = timezone.now()
        waiting.save()
        approve(waiting)
    assert len(smtp_server.messages) == 1
