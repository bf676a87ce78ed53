"""A warning before a suspension: « Avertir » from a reader's page or a comment of the queue e-mails the reader
(by the worker's task, received here by SMTP), is recorded as a decision « warn », and the sanction form says
whether and when the reader was warned, asking for confirmation when they never were."""

import datetime

import pytest
from django.utils import timezone

from manchette.comments import warning
from manchette.comments.models import Decision, Sanction, Status
from manchette.comments.tests.clients import client_of
from manchette.testing.smtp import body

QUEUE = "/admin/moderation/"


@pytest.fixture
def moderator_client(staff):
    return client_of(staff["moderator"])


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def test_a_warning_is_mailed_and_recorded(
    moderator_client, staff, article, make_reader, make_comment, smtp_server, immediate_tasks,
    django_capture_on_commit_callbacks,
):
    author = make_reader("Paul Martin", email="paul@example.com")
    comment = make_comment(article, author, text="Vous êtes tous des vendus !", status=Status.PENDING)
    with django_capture_on_commit_callbacks(execute=True):
        response = moderator_client.post(f"{QUEUE}lecteur/{author.pk}/avertir/", {
            "avertissement-motif": "insulte", "avertissement-precisions": "Restez courtois.", "commentaire": str(comment.pk), "next": QUEUE,
        }, follow=True)
    assert response.redirect_chain[-1][0] == QUEUE
    assert "Avertissement envoyé par e-mail à Paul Martin." in response.content.decode()
    decision = Decision.objects.get(action=Decision.Action.WARN)
    assert decision.author == author and decision.moderator == staff["moderator"] and decision.comment == comment
    assert decision.reason == "Propos insultants ou agressifs\u00a0: Restez courtois." and decision.comment_number == comment.pk
    [message] = smtp_server.wait_for(1)
    assert message.envelope_to == ["paul@example.com"]
    assert message["Subject"].endswith("Un avertissement de la modération")
    text = body(message, "plain")
    assert "Bonjour Paul Martin," in text and "Motif\u00a0: Propos insultants ou agressifs\u00a0: Restez courtois." in text
    assert f"sur l’article «\u00a0{article.title}\u00a0»" in text and "Vous êtes tous des vendus !" in text
    assert "votre droit de commenter pourra être suspendu" in text
    # The comment stays where it was: a warning decides nothing about it.
    comment.refresh_from_db()
    assert comment.status == Status.PENDING


def test_a_warning_from_the_reader_s_page(moderator_client, make_reader, smtp_server, immediate_tasks, django_capture_on_commit_callbacks):
    author = make_reader("Paul Martin", email="paul@example.com")
    page = moderator_client.get(f"{QUEUE}lecteur/{author.pk}/").content.decode()
    assert "Jamais averti" in page and f'action="{QUEUE}lecteur/{author.pk}/avertir/"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = moderator_client.post(f"{QUEUE}lecteur/{author.pk}/avertir/", {"avertissement-motif": "", "avertissement-precisions": "Trop de messages hors sujet."})
    assert response.status_code == 302 and response["Location"] == f"{QUEUE}lecteur/{author.pk}/"
    [message] = smtp_server.wait_for(1)
    text = body(message, "plain")
    assert "Motif\u00a0: Trop de messages hors sujet." in text and "À propos de votre commentaire" not in text
    assert Decision.objects.get(action=Decision.Action.WARN).comment is None


def test_the_same_warning_clicked_twice_is_sent_once(staff, make_reader, smtp_server, immediate_tasks, django_capture_on_commit_callbacks):
    author = make_reader("Paul Martin")
    with django_capture_on_commit_callbacks(execute=True):
        first = warning.warn(author, staff["moderator"], "Hors sujet")
        again = warning.warn(author, staff["editor"], "Hors sujet")
    assert first is not None and again is None
    assert Decision.objects.filter(action=Decision.Action.WARN).count() == 1
    smtp_server.wait_for(1)
    # Another reason, or the same one later, is a new warning.
    assert warning.warn(author, staff["moderator"], "Insultes") is not None
    Decision.objects.filter(action=Decision.Action.WARN).update(created_at=timezone.now() - warning.REPEAT_WINDOW * 2)
    assert warning.warn(author, staff["moderator"], "Hors sujet") is not None


def test_warnings_refused(moderator_client, staff, article, make_reader, make_comment):
    author, other = make_reader("Paul Martin"), make_reader("Anne Leroy")
    url = f"{QUEUE}lecteur/{author.pk}/avertir/"
    response = moderator_client.post(url, {"avertissement-motif": "", "avertissement-precisions": "  "}, follow=True)
    assert "Indiquez le motif de l’avertissement." in response.content.decode()
    theirs = make_comment(article, other)
    assert moderator_client.post(url, {"avertissement-motif": "charte", "commentaire": str(theirs.pk)}).status_code == 404
    assert moderator_client.post(url, {"avertissement-motif": "charte", "commentaire": "12a"}).status_code == 400
    assert moderator_client.post(f"{QUEUE}lecteur/999999/avertir/", {"avertissement-motif": "charte"}).status_code == 404
    mine = moderator_client.post(f"{QUEUE}lecteur/{staff['moderator'].pk}/avertir/", {"avertissement-motif": "charte"}, follow=True)
    assert "Vous ne pouvez pas vous avertir vous-même." in mine.content.decode()
    assert moderator_client.get(url).status_code == 405
    journalist = client_of(staff["journalist"])
    assert journalist.post(url, {"avertissement-motif": "charte"}).status_code == 403
    assert not Decision.objects.filter(action=Decision.Action.WARN).exists()


def test_a_sanction_without_a_warning_asks_for_confirmation(moderator_client, staff, article, make_reader, make_comment):
    author = make_reader("Paul Martin")
    make_comment(article, author, status=Status.PENDING)
    url = f"{QUEUE}lecteur/{author.pk}/"
    page = moderator_client.get(url).content.decode()
    assert "Ce lecteur n’a jamais été averti\u00a0: la sanction demande votre confirmation." in page
    assert 'name="without_warning"' in page
    ban = {"kind": "exclusion", "reason": "Spam répété"}
    response = moderator_client.post(url, ban)
    assert response.status_code == 400 and "Ce lecteur n’a jamais été averti\u00a0: avertissez-le d’abord" in response.content.decode()
    assert not Sanction.objects.exists()
    # From the queue, the same refusal comes back as a message there; the queue's row asks for the confirmation too.
    queue = moderator_client.get(QUEUE).content.decode()
    assert "Jamais averti\u00a0: sanctionner sans avertissement préalable" in queue
    response = moderator_client.post(url, {**ban, "next": QUEUE}, follow=True)
    assert response.redirect_chain[-1][0] == QUEUE and "avertissez-le d’abord" in response.content.decode()
    assert not Sanction.objects.exists()
    assert moderator_client.post(url, {**ban, "without_warning": "on"}).status_code == 302
    assert Sanction.objects.get(user=author).reason == "Spam répété"


def test_a_warned_reader_is_sanctioned_without_more_ado(moderator_client, staff, article, make_reader, make_comment):
    author = make_reader("Paul Martin")
    make_comment(article, author, status=Status.PENDING)
    warned = warning.warn(author, staff["editor"], "Hors sujet")
    Decision.objects.filter(pk=warned.pk).update(created_at=timezone.make_aware(datetime.datetime(2026, 3, 2, 14, 5)))
    url = f"{QUEUE}lecteur/{author.pk}/"
    page = moderator_client.get(url).content.decode()
    assert "Ce lecteur a été averti le lundi 2 mars 2026, 14:05." in page and 'name="without_warning"' not in page
    queue = moderator_client.get(QUEUE).content.decode()
    assert "averti le 2 mars 2026" in queue and "Averti le 2 mars 2026, 14:05." in queue
    until = (timezone.localdate() + datetime.timedelta(days=7)).isoformat()
    response = moderator_client.post(url, {"kind": "suspension", "until": until, "reason": "Hors sujet, encore"})
    assert response.status_code == 302 and Sanction.objects.get(user=author).reason == "Hors sujet, encore"


def test_last_warnings_costs_one_query(staff, make_reader, django_assert_num_queries):
    readers = [make_reader(f"Lecteur {i}") for i in range(3)]
    warning.warn(readers[0], staff["moderator"], "Hors sujet")
    warning.warn(readers[0], staff["moderator"], "Insultes")
    with django_assert_num_queries(1):
        found = warning.last_warnings({reader.pk for reader in readers} | {None})
    assert set(found) == {readers[0].pk}
