"""Notices of illegal content (Art. 16): what the form requires and refuses, the floods it stops, where the link
is shown, and the decisions on a notice — in the DSA queue, or by a removal made elsewhere — told to its sender."""

import pytest
from django.test import Client
from django.utils import timezone

from manchette.comments import moderation
from manchette.comments.models import Comment, Report, Status
from manchette.dsa.models import Notice
from manchette.testing.smtp import body

from .conftest import NOTICE, csrf_post, logged_in


def notify(data=None, comment=None, client=None, **extra):
    return (client or Client()).post(f"/contenu-illicite/{comment.pk}/", {**NOTICE, **(data or {})}, **extra)


def nothing_saved():
    return not Notice.objects.exists() and not Report.objects.exists()


def test_the_link_is_beside_each_published_comment_but_not_a_deleted_one(comment, author, article):
    reply = Comment.objects.create(article=article, author=author, parent=comment, text="Et je persiste.", status=Status.APPROVED,
                                   published_at=timezone.now())
    html = Client().get(f"/commentaires/{article.pk}/").content.decode()
    assert html.count("Signaler un contenu illicite") == 2
    assert f'href="/contenu-illicite/{reply.pk}/"' in html
    Comment.objects.filter(pk=reply.pk).update(status=Status.DELETED, text="")
    Comment.objects.filter(pk=comment.pk).update(status=Status.DELETED, text="", reply_count=1)
    Comment.objects.filter(pk=reply.pk).update(status=Status.APPROVED, text="Et je persiste.")
    html = Client().get(f"/commentaires/{article.pk}/").content.decode()
    assert f'href="/contenu-illicite/{comment.pk}/"' not in html and f'href="/contenu-illicite/{reply.pk}/"' in html


def test_the_form_shows_the_comment_and_its_exact_address(comment):
    page = Client().get(f"/contenu-illicite/{comment.pk}/")
    html = page.content.decode()
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    assert "Tous les élus de ce parti" in html and f"#commentaire-{comment.pk}" in html
    assert "Négationnisme" in html and "Matériel d’abus sexuels sur enfants" in html and "bonne foi" in html


@pytest.mark.parametrize("changes, field, message", [
    ({"ground": ""}, "ground", "Choisissez le motif légal"),
    ({"ground": "meurtre"}, "ground", "Choisissez un motif de la liste"),
    ({"explanation": ""}, "explanation", "Expliquez en quoi ce contenu est illicite"),
    ({"explanation": "C’est illégal."}, "explanation", "30 caractères au moins"),
    ({"explanation": "\u200b\u202e   \u2066"}, "explanation", "Expliquez en quelques phrases"),
    ({"explanation": NOTICE["explanation"] + "\x00"}, "explanation", "caractère nul n’est pas autorisé"),
    ({"explanation": "Trop long. " * 400}, "explanation", "3000 au plus"),
    ({"name": ""}, "name", "Indiquez votre nom"),
    ({"name": "x" * 151}, "name", "150 au plus"),
    ({"email": ""}, "email", "Indiquez votre adresse e-mail"),
    ({"email": "pas-une-adresse"}, "email", "n’est pas valable"),
    ({"good_faith": ""}, "good_faith", "Cochez la déclaration de bonne foi"),
])
def test_an_incomplete_notice_is_refused_and_nothing_is_saved(comment, changes, field, message):
    response = notify(changes, comment)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert nothing_saved()


def test_child_sexual_abuse_material_may_be_notified_anonymously_without_an_acknowledgement(comment, smtp_server,
                                                                                             django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = notify({"ground": "abus_enfants", "name": "", "email": ""}, comment)
    assert response.status_code == 200
    notice = Notice.objects.get()
    assert notice.name == notice.email == "" and notice.ground == "abus_enfants"
    assert smtp_server.messages == []


def test_a_logged_in_reader_is_remembered_and_the_acknowledgement_names_the_reference(comment, make_reader, smtp_server,
                                                                                         django_capture_on_commit_callbacks):
    reader = make_reader("Paul Martin")
    with django_capture_on_commit_callbacks(execute=True):
        response = notify({"email": " Paul.Martin@Example.com "}, comment, client=logged_in(reader))
    assert response.status_code == 200
    notice = Notice.objects.get()
    assert notice.sender == reader and notice.email == "paul.martin@example.com"
    [ack] = smtp_server.wait_for(1)
    assert notice.reference in body(ack) and "Incitation à la haine" in body(ack)
    assert ack["Reply-To"] == "redaction@manchette.example"


def test_the_same_address_cannot_notify_the_same_comment_twice_while_it_waits(comment):
    assert notify(comment=comment).status_code == 200
    again = notify(comment=comment)
    assert again.status_code == 409 and "déjà signalé" in again.content.decode()
    assert Notice.objects.count() == 1 and Report.objects.count() == 1


@pytest.mark.parametrize("status", [Status.PENDING, Status.REJECTED, Status.DELETED])
def test_only_a_comment_readers_see_can_be_notified(comment, status):
    Comment.objects.filter(pk=comment.pk).update(status=status)
    assert Client().get(f"/contenu-illicite/{comment.pk}/").status_code == 404
    assert notify(comment=comment).status_code == 404
    assert nothing_saved()


def test_a_notice_without_the_csrf_token_is_refused(comment):
    response = notify(comment=comment, client=Client(enforce_csrf_checks=True))
    assert response.status_code == 403 and nothing_saved()
    assert csrf_post(Client(enforce_csrf_checks=True), f"/contenu-illicite/{comment.pk}/", NOTICE).status_code == 200


def test_a_flood_from_one_address_is_stopped(comment, settings):
    settings.DSA_RATE_PER_ADDRESS = "3/600"
    for number in range(3):
        assert notify({"email": f"lecteur{number}@example.org"}, comment).status_code == 200
    response = notify({"email": "lecteur9@example.org"}, comment)
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert "Trop d’envois" in response.content.decode()
    # Refused forms count too: a flood of garbage costs the flooder.
    assert notify({"ground": ""}, comment, REMOTE_ADDR="10.0.0.9").status_code == 400
    assert Notice.objects.count() == 3
    assert notify({"email": "ailleurs@example.org"}, comment, REMOTE_ADDR="10.0.0.8").status_code == 200


def test_keeping_the_comment_tells_the_sender_and_clears_the_queue(comment, moderators, smtp_server,
                                                                   django_capture_on_commit_callbacks):
    notify(comment=comment)
    notify({"email": "autre@example.org", "name": "Anne Autre"}, comment)
    first, notice = Notice.objects.order_by("pk")[:2]
    client = logged_in(moderators[0])
    refused = client.post(f"/admin/dsa/{first.pk}/", {"action": "maintenir", "precisions": " "}, follow=True)
    assert "Indiquez le motif de la décision" in refused.content.decode()
    assert Notice.objects.filter(status=Notice.Status.OPEN).count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/dsa/{first.pk}/", {"action": "maintenir", "precisions": "Une opinion politique, dure mais licite."})
    assert response.status_code == 302
    assert set(Notice.objects.values_list("status", flat=True)) == {Notice.Status.KEPT}
    assert Comment.objects.get(pk=comment.pk).status == Status.APPROVED
    assert list(moderation.queue()) == []
    mails = smtp_server.wait_for(2)
    assert {m.envelope_to[0] for m in mails} == {"marc.lambert@example.org", "autre@example.org"}
    assert all("nous maintenons ce contenu en ligne" in body(m) and "Une opinion politique" in body(m) for m in mails)
    # A second click on the other notice (decided with the first) changes nothing.
    response = client.post(f"/admin/dsa/{notice.pk}/", {"action": "retirer-charte", "motif": "spam"}, follow=True)
    assert "déjà traité" in response.content.decode()
    assert Comment.objects.get(pk=comment.pk).status == Status.APPROVED


def test_a_removal_in_the_comments_queue_decides_the_notice(comment, moderators, smtp_server, django_capture_on_commit_callbacks):
    notify(comment=comment)
    notice = Notice.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        moderation.reject([comment], moderators[0], moderation.reason_text("haine"))
    notice.refresh_from_db()
    assert notice.status == Notice.Status.REMOVED and notice.decided_by == moderators[0]
    assert notice.decision.comment_id == comment.pk and notice.decided_ground == ""
    decision = smtp_server.to("marc.lambert@example.org")[0]
    assert "nous avons retiré ce contenu" in body(decision) and "contraire à notre charte" in body(decision)


def test_a_comment_its_author_deleted_meanwhile_closes_the_notice(comment, moderators, smtp_server, django_capture_on_commit_callbacks):
    notify(comment=comment)
    notice = Notice.objects.get()
    Comment.objects.filter(pk=comment.pk).update(status=Status.DELETED, text="")
    with django_capture_on_commit_callbacks(execute=True):
        logged_in(moderators[1]).post(f"/admin/dsa/{notice.pk}/", {"action": "retirer-illicite", "motif_legal": "haine"})
    notice.refresh_from_db()
    assert notice.status == Notice.Status.GONE and notice.decision is None
    assert "déjà été retiré par son auteur" in body(smtp_server.wait_for(1)[0])


def test_the_dsa_queue_is_for_moderators_only(comment, staff):
    notify(comment=comment)
    notice = Notice.objects.get()
    journalist = logged_in(staff["journalist"])
    assert journalist.get("/admin/dsa/").status_code == 403
    assert journalist.post(f"/admin/dsa/{notice.pk}/", {"action": "retirer-charte", "motif": "spam"}).status_code == 403
    assert Notice.objects.get().status == Notice.Status.OPEN
    assert Client().get("/admin/dsa/").status_code == 302  # to the login page
    page = logged_in(staff["editor"]).get("/admin/dsa/?etat=traites")
    assert page.status_code == 200 and "Aucun signalement traité" in page.content.decode()


def test_with_desks_enforced_a_moderator_decides_only_on_their_sections(comment, moderators, home, settings):
    from manchette.comments.models import DeskAssignment
    from manchette.news.tests.factories import SectionFactory

    settings.COMMENTS_DESKS_ENFORCED = True
    DeskAssignment.objects.create(moderator=moderators[0], section=SectionFactory(parent=home, title="Sports", slug="sports"))
    notify(comment=comment)
    notice = Notice.objects.get()
    response = logged_in(moderators[0]).post(f"/admin/dsa/{notice.pk}/", {"action": "retirer-charte", "motif": "spam"})
    assert response.status_code == 403 and "pas dans vos pupitres" in response.content.decode()
    assert Notice.objects.get().status == Notice.Status.OPEN
    assert Comment.objects.get(pk=comment.pk).status == Status.APPROVED
    # A moderator without desks acts everywhere.
    assert logged_in(moderators[1]).post(f"/admin/dsa/{notice.pk}/", {"action": "retirer-charte", "motif": "spam"}).status_code == 302
    assert Comment.objects.get(pk=comment.pk).status == Status.REJECTED
