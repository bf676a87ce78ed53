"""Statements of reasons (Art. 17): one for every removal whoever made it — a moderator, a sanction's sweep of the
queue, an automatic check at posting —, saying whether automation detected or decided, e-mailed to the author
instead of the old rejection e-mail; kept when the author has no address; shown and exported in their account."""

import json

import pytest
from django.utils import timezone

from manchette.comments import moderation, screening
from manchette.comments.models import Comment, Decision, Report, Status
from manchette.dsa.models import Statement
from manchette.testing.smtp import body

from .conftest import logged_in


def refuse_parasites(submission, verdict):
    if "parasite" in submission.text.lower():
        verdict.add("mot-interdit", "Mot interdit", screening.REJECT, matched="parasites")


@pytest.fixture
def banned_word():
    screening.register(refuse_parasites)
    yield
    screening.unregister(refuse_parasites)


def test_a_comment_refused_by_a_check_gets_a_statement_saying_automation_decided(
        article, author, banned_word, smtp_server, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in(author).post(f"/commentaires/{article.pk}/ecrire/", {"text": "Ces parasites nous ruinent."},
                                          headers={"accept": "application/json"})
    assert response.json()["statut"] == Status.REJECTED
    statement = Statement.objects.get()
    assert statement.automated_detection and statement.automated_decision and statement.moderator is None
    assert not statement.published and statement.basis == Statement.Basis.TERMS
    assert "règle automatique « mot-interdit »" in statement.ground
    [message] = smtp_server.wait_for(1)
    assert "n’a pas été publié" in message["Subject"]
    text = body(message)
    assert "Détection : votre commentaire a été repéré par un contrôle automatique." in text
    assert "Décision : elle a été prise automatiquement, sans intervention humaine." in text
    assert "refusé automatiquement à son envoi" in text and "Mot interdit" in text
    assert statement.sent_at is not None


def test_a_moderator_s_removal_after_readers_reports_is_explained_once_without_the_old_e_mail(
        comment, author, moderators, make_reader, smtp_server, django_capture_on_commit_callbacks):
    for name in ("Paul Martin", "Luc Petit"):
        Report.objects.create(comment=comment, reporter=make_reader(name), reason=Report.Reason.HATE)
    with django_capture_on_commit_callbacks(execute=True):
        moderation.reject([comment], moderators[0], moderation.reason_text("haine", "Restez courtois."))
        moderation.reject([comment], moderators[0], moderation.reason_text("haine"))  # a second click: no decision
    statement = Statement.objects.get()
    assert statement.published and not statement.automated_detection and not statement.automated_decision
    assert "2 lecteurs l’avaient signalé" in statement.facts and "Un modérateur l’a retiré du site" in statement.facts
    [message] = smtp_server.wait_for(1)
    assert message.envelope_to == ["jeanne@example.com"]
    text = body(message)
    assert "Charte de participation : Propos haineux ou discriminatoires : Restez courtois." in text
    assert "aucun moyen automatisé n’a servi à repérer votre commentaire" in text
    assert "Décision : elle a été prise par un modérateur." in text


def test_a_check_that_held_the_comment_counts_as_automated_detection(
        comment, moderators, smtp_server, django_capture_on_commit_callbacks):
    comment.flags.create(rule="lien", label="Lien vers un site", matched="http://exemple.com", action="hold")
    with django_capture_on_commit_callbacks(execute=True):
        moderation.reject([comment], moderators[0], "Publicité ou spam")
    statement = Statement.objects.get()
    assert statement.automated_detection and not statement.automated_decision
    assert "Un contrôle automatique l’avait repéré : Lien vers un site." in statement.facts
    assert "repéré par un contrôle automatique" in body(smtp_server.wait_for(1)[0])


def test_a_sanction_s_sweep_of_the_queue_explains_each_removal(
        article, author, moderators, smtp_server, django_capture_on_commit_callbacks):
    for text in ("Premier avis.", "Second avis."):
        Comment.objects.create(article=article, author=author, text=text, status=Status.PENDING)
    with django_capture_on_commit_callbacks(execute=True):
        moderation.sanction(author, moderators[0], None, "Insultes répétées", reject_pending=True)
    assert Statement.objects.count() == 2
    assert len(smtp_server.wait_for(2)) == 2
    assert all("n’a pas été publié" in message["Subject"] for message in smtp_server.messages)


def test_an_author_without_an_address_still_has_a_statement(comment, author, moderators, smtp_server,
                                                            django_capture_on_commit_callbacks):
    author.email = ""
    author.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        moderation.reject([comment], moderators[0], "Hors sujet")
    statement = Statement.objects.get()
    assert statement.email == "" and statement.sent_at is None and smtp_server.messages == []


def test_other_decisions_make_no_statement(comment, moderators, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        moderation.feature(comment, moderators[0])
        moderation.approve([comment], moderators[0])
    assert not Statement.objects.exists()
    assert Decision.objects.filter(action=Decision.Action.FEATURE).exists()


def test_the_author_finds_their_statements_in_their_account_and_their_data(comment, author, moderators,
                                                                          django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        moderation.reject([comment], moderators[0], "Hors sujet")
    statement = Statement.objects.get()
    client = logged_in(author)
    page = client.get("/compte/").content.decode()
    assert "Décisions de modération" in page and f"/contenu-illicite/reexamen/{statement.pk}/" in page
    data = json.loads(client.get("/compte/donnees/").content)
    [exported] = data["decisions_de_moderation"]["exposes_des_motifs"]
    assert exported["reference"] == statement.reference and exported["motif"].startswith("Charte de participation")
    Statement.objects.filter(pk=statement.pk).update(created_at=timezone.now() - timezone.timedelta(days=200))
    assert "délai de réexamen écoulé" in client.get("/compte/").content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_statement_is_the_worker_s_job_and_not_sent_for_a_comment_published_again(comment, article, make_reader, moderators,
                                                                                        smtp_server, settings):
    """With the site's task backend (the database), the click only queues the e-mail; `manchette worker` sends it,
    unless the comment was published again meanwhile (the statement stays recorded, unsent)."""
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    kept = Comment.objects.create(article=article, author=make_reader("Paul Martin"), text="Un avis.", status=Status.PENDING)
    moderation.reject([kept, comment], moderators[0], "Hors sujet")
    assert DBTaskResult.objects.filter(task_path="manchette.dsa.statements.send_statement").count() == 2
    assert smtp_server.messages == []
    moderation.approve([kept], moderators[0])
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    [message] = smtp_server.wait_for(1)
    assert message.envelope_to == ["jeanne@example.com"] and "Hors sujet" in body(message)
    assert Statement.objects.get(comment=kept).sent_at is None
