"""The whole notice-and-action procedure, each step through its real view, with every transaction committed as in
production and every e-mail received by a real SMTP server: an anonymous reader's notice (Art. 16) and its
acknowledgement, the comment in the moderators' queue, its removal as illegal, the statement of reasons to its
author (Art. 17), the decision to the notifier, the author's request for a review and its reversal by another
moderator than the one who removed it (Art. 20)."""

import re

import pytest
from django.test import Client

from manchette.comments import moderation
from manchette.comments.models import Comment, Decision, Report, Status
from manchette.dsa.models import Notice, Review, Statement
from manchette.testing.smtp import body

from .conftest import NOTICE, csrf_post, logged_in


@pytest.mark.django_db(transaction=True)
def test_from_a_notice_to_a_reversed_removal(comment, author, moderators, smtp_server):
    first, second = moderators
    thread = Client().get(f"/commentaires/{comment.article_id}/").content.decode()
    assert f'href="/contenu-illicite/{comment.pk}/"' in thread and "Signaler un contenu illicite" in thread

    # Anyone may notify, without an account; the form carries its CSRF token.
    reader = Client(enforce_csrf_checks=True)
    response = csrf_post(reader, f"/contenu-illicite/{comment.pk}/", NOTICE)
    assert response.status_code == 200, response.content.decode()
    notice = Notice.objects.get()
    assert notice.reference in response.content.decode()
    assert notice.url.endswith(f"#commentaire-{comment.pk}") and notice.sender is None and notice.good_faith
    [ack] = smtp_server.wait_for(1)
    assert ack.envelope_to == ["marc.lambert@example.org"]
    assert notice.reference in ack["Subject"] and "accusé de réception" in ack["Subject"]
    assert "Bonjour Marc Lambert" in body(ack) and notice.url in body(ack)

    # It counts as an open report in the comments' queue.
    assert list(moderation.queue("signales")) == [comment]
    assert Report.objects.get(comment=comment, resolved_at__isnull=True).reporter is None

    # The first moderator removes it as illegal from the DSA queue.
    queue = logged_in(first).get("/admin/dsa/")
    assert queue.status_code == 200 and notice.reference in queue.content.decode()
    response = logged_in(first).post(f"/admin/dsa/{notice.pk}/", {
        "action": "retirer-illicite", "motif_legal": "haine", "precisions": "Appel à s’en prendre à des élus.",
    })
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.status == Status.REJECTED and comment.moderated_by == first
    assert list(moderation.queue("signales")) == []
    notice.refresh_from_db()
    assert notice.status == Notice.Status.REMOVED and notice.decided_by == first and notice.decided_ground == "haine"

    messages = smtp_server.wait_for(3)
    [statement_mail] = smtp_server.to("jeanne@example.com")
    [decision_mail] = [m for m in smtp_server.to("marc.lambert@example.org") if m is not ack]
    statement = Statement.objects.get()
    assert statement.notice == notice and statement.moderator == first and statement.basis == Statement.Basis.LAW
    text = body(statement_mail)
    assert "« Le budget communal adopté »" in statement_mail["Subject"] and "a été retiré" in statement_mail["Subject"]
    assert "Bonjour Jeanne Dupont" in text and statement.reference in text
    assert "Incitation à la haine" in text and "loi du 30 juillet 1981" in text
    assert "aucun moyen automatisé n’a servi à repérer votre commentaire" in text
    assert "elle a été prise par un modérateur" in text
    assert notice.reference in text  # the facts: it came from this notice
    assert "organe de règlement extrajudiciaire" in text and "juridictions" in text
    assert "Tous les élus de ce parti" in text
    # The old rejection e-mail is not sent besides: three messages in all.
    assert len(messages) == 3
    assert "nous avons retiré ce contenu" in body(decision_mail) and "loi du 30 juillet 1981" in body(decision_mail)

    # The author follows the signed link of the statement, without logging in, and asks for a review.
    link = re.search(r"http://\S+/contenu-illicite/reexamen/lien/\S+/", text)[0]
    path = link.split("://", 1)[1].split("/", 1)[1]
    response = csrf_post(Client(enforce_csrf_checks=True), f"/{path}", {
        "explanation": "Je parlais de chasser ces élus aux prochaines élections, par le vote, pas d’autre chose.",
    })
    assert response.status_code == 200 and "Votre demande est enregistrée" in response.content.decode()
    review = Review.objects.get()
    assert review.statement == statement and review.status == Review.Status.OPEN

    # The moderator who removed it may not review it; another one reverses it.
    refused = logged_in(first).post(f"/admin/dsa/reexamens/{review.pk}/", {"action": "annuler", "motif": "Je me suis trompé."})
    assert refused.status_code == 403 and "un autre modérateur" in refused.content.decode()
    assert Review.objects.get().status == Review.Status.OPEN and Comment.objects.get(pk=comment.pk).status == Status.REJECTED
    page = logged_in(first).get("/admin/dsa/reexamens/").content.decode()
    assert "Vous avez pris cette décision" in page
    response = logged_in(second).post(f"/admin/dsa/reexamens/{review.pk}/", {
        "action": "annuler", "motif": "Une image électorale, pas un appel à la violence.",
    })
    assert response.status_code == 302
    assert Comment.objects.get(pk=comment.pk).status == Status.APPROVED
    review.refresh_from_db()
    assert review.status == Review.Status.REVERSED and review.decided_by == second
    recorded = Decision.objects.get(action=Decision.Action.REVIEW)
    assert recorded.moderator == second and recorded.comment_id == comment.pk and recorded.author == author
    assert recorded.reason.startswith("Décision annulée")

    smtp_server.wait_for(4)
    outcome = smtp_server.to("jeanne@example.com")[-1]
    assert "est rétabli" in outcome["Subject"] and "de nouveau publié" in body(outcome)
    assert "Une image électorale" in body(outcome)
