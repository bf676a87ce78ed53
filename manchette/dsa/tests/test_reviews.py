"""Reviews (Art. 20): asked by the author from their account or through the signed link, once, within six months;
decided by another moderator than the one who removed the comment (any one for an automatic decision); refused
for forged or expired links, someone else's decision, incomplete forms and floods."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from manchette.comments import moderation
from manchette.comments.models import Comment, Decision, Status
from manchette.dsa import statements
from manchette.dsa.models import Review, Statement
from manchette.testing.smtp import body

from .conftest import logged_in

EXPLANATION = "Je n’insultais personne : je reprenais les mots du ministre pour les critiquer."


@pytest.fixture
def removed(comment, moderators, django_capture_on_commit_callbacks):
    """COMMENT removed by the first moderator: its statement."""
    with django_capture_on_commit_callbacks(execute=True):
        moderation.reject([comment], moderators[0], moderation.reason_text("insulte"))
    return Statement.objects.get()


def link(statement):
    return f"/contenu-illicite/reexamen/lien/{statements.review_token(statement)}/"


def test_the_author_asks_from_their_account(removed, author, make_reader):
    url = f"/contenu-illicite/reexamen/{removed.pk}/"
    assert Client().get(url).status_code == 302  # to the login page
    assert logged_in(make_reader("Paul Martin")).get(url).status_code == 404  # someone else's decision
    client = logged_in(author)
    page = client.get(url)
    assert page.status_code == 200 and removed.reference in page.content.decode()
    assert client.post(url, {"explanation": EXPLANATION}).status_code == 200
    again = client.post(url, {"explanation": EXPLANATION})
    assert again.status_code == 200 and "un modérateur va l’examiner" in again.content.decode()
    assert Review.objects.count() == 1


@pytest.mark.parametrize("token", ["x", "1:abc:def", "", "%00"])
def test_a_forged_link_is_refused(removed, token):
    response = Client().post(f"/contenu-illicite/reexamen/lien/{token}/" if token else "/contenu-illicite/reexamen/lien/x:y/",
                             {"explanation": EXPLANATION})
    assert response.status_code == 404 and not Review.objects.exists()


def test_a_link_for_another_statement_cannot_be_made_by_changing_the_number(removed):
    token = statements.review_token(removed)
    forged = f"{removed.pk + 1}{token[len(str(removed.pk)):]}"
    assert Client().get(f"/contenu-illicite/reexamen/lien/{forged}/").status_code == 404


def test_after_six_months_the_link_and_the_account_page_refuse(removed, author):
    Statement.objects.filter(pk=removed.pk).update(created_at=timezone.now() - datetime.timedelta(days=statements.COMPLAINT_DAYS + 1))
    for client, url in ((Client(), link(removed)), (logged_in(author), f"/contenu-illicite/reexamen/{removed.pk}/")):
        response = client.post(url, {"explanation": EXPLANATION})
        assert response.status_code == 403 and "délai de six mois" in response.content.decode()
    assert not Review.objects.exists()


def test_an_expired_signature_is_refused(removed, monkeypatch):
    token = statements.review_token(removed)
    later = datetime.datetime.now().timestamp() + (statements.COMPLAINT_DAYS + 1) * 86400
    monkeypatch.setattr("time.time", lambda: later)
    with pytest.raises(statements.Expired):
        statements.read_review_token(token)


@pytest.mark.parametrize("explanation, message", [
    ("", "Expliquez pourquoi cette décision devrait être revue."),
    ("Pas juste.", "30 caractères au moins"),
    ("x" * 3001, "3000 au plus"),
])
def test_an_incomplete_request_is_refused(removed, explanation, message):
    response = Client().post(link(removed), {"explanation": explanation})
    assert response.status_code == 400 and message in response.content.decode()
    assert not Review.objects.exists()


def test_a_flood_of_requests_is_stopped(removed, settings):
    settings.DSA_RATE_PER_ADDRESS = "2/600"
    for _ in range(2):
        assert Client().post(link(removed), {"explanation": "Trop court"}).status_code == 400
    response = Client().post(link(removed), {"explanation": EXPLANATION})
    assert response.status_code == 429 and response["Retry-After"]
    assert not Review.objects.exists()


def test_the_deciding_moderator_is_refused_and_another_upholds(removed, author, moderators, smtp_server,
                                                              django_capture_on_commit_callbacks):
    Client().post(link(removed), {"explanation": EXPLANATION})
    review = Review.objects.get()
    first, second = moderators
    response = logged_in(first).post(f"/admin/dsa/reexamens/{review.pk}/", {"action": "maintenir", "motif": "Je confirme."})
    assert response.status_code == 403
    assert Review.objects.get().status == Review.Status.OPEN and not Decision.objects.filter(action="review").exists()
    client = logged_in(second)
    incomplete = client.post(f"/admin/dsa/reexamens/{review.pk}/", {"action": "maintenir", "motif": "  "}, follow=True)
    assert "Indiquez le motif du réexamen" in incomplete.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/admin/dsa/reexamens/{review.pk}/", {"action": "maintenir", "motif": "Les mots restent insultants."})
    review.refresh_from_db()
    assert review.status == Review.Status.UPHELD and review.decided_by == second
    assert Comment.objects.get(pk=removed.comment_number).status == Status.REJECTED
    assert Decision.objects.get(action="review").reason == "Décision maintenue\u00a0: Les mots restent insultants."
    [outcome] = smtp_server.wait_for(1)
    assert "est maintenue" in outcome["Subject"] and "organe de règlement extrajudiciaire" in body(outcome)
    # Decided once: a second click changes nothing, and the author's link now says the outcome.
    again = client.post(f"/admin/dsa/reexamens/{review.pk}/", {"action": "annuler", "motif": "Finalement non."}, follow=True)
    assert "déjà réexaminée" in again.content.decode()
    assert Review.objects.get().status == Review.Status.UPHELD
    assert "Décision maintenue" in Client().get(link(removed)).content.decode()


def test_any_moderator_reviews_an_automatic_decision(comment, moderators, django_capture_on_commit_callbacks):
    from manchette.comments import audit

    with django_capture_on_commit_callbacks(execute=True):
        Comment.objects.filter(pk=comment.pk).update(status=Status.REJECTED, rejection_reason="Mot interdit")
        audit.record(Decision.Action.REJECT, comment=comment, reason="Mot interdit", rule="mot-interdit", automated=True)
    statement = Statement.objects.get()
    assert statement.moderator is None
    review = Review.objects.create(statement=statement, explanation=EXPLANATION)
    response = logged_in(moderators[0]).post(f"/admin/dsa/reexamens/{review.pk}/", {"action": "annuler", "motif": "Faux positif."})
    assert response.status_code == 302
    assert Review.objects.get().status == Review.Status.REVERSED
    assert Comment.objects.get(pk=comment.pk).status == Status.APPROVED


def test_a_purged_comment_cannot_be_put_back(removed, moderators):
    Comment.objects.filter(pk=removed.comment_number).update(text="", purged_at=timezone.now())
    review = Review.objects.create(statement=removed, explanation=EXPLANATION)
    response = logged_in(moderators[1]).post(f"/admin/dsa/reexamens/{review.pk}/", {"action": "annuler", "motif": "À tort."}, follow=True)
    assert "ne peut plus être publié" in response.content.decode()
    assert Review.objects.get().status == Review.Status.OPEN
    assert Comment.objects.get(pk=removed.comment_number).status == Status.REJECTED
