"""The moderators' side: the actions (moderation.py) and the admin's queue, author page and sanctions."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from manchette.accounts.models import Profile
from manchette.comments import events, moderation, thread
from manchette.comments.models import Comment, Report, Sanction, Status, active_sanction
from manchette.live.models import Event
from manchette.testing.smtp import body

QUEUE = "/admin/moderation/"


@pytest.fixture
def reader(django_user_model):
    def make(name="Jeanne Dupont", email=None, joined_days_ago=30):
        email = email or f"{name.split()[0].lower()}{django_user_model.objects.count()}@example.com"
        user = django_user_model.objects.create_user(email, email, "motdepasse-solide")
        user.date_joined = timezone.now() - datetime.timedelta(days=joined_days_ago)
        user.save(update_fields=["date_joined"])
        Profile.objects.create(user=user, display_name=name)
        return user

    return make


@pytest.fixture
def article(published_article):
    return published_article(title="Le budget communal adopté", slug="budget-communal")


@pytest.fixture
def moderator_client(staff):
    client = Client()
    client.force_login(staff["moderator"])
    return client


def comment(article, author, text="Un avis mesuré sur le budget.", status=Status.PENDING, **fields):
    return Comment.objects.create(article=article, author=author, text=text, status=status, **fields)


def test_a_moderator_approves_a_pending_comment_and_open_pages_are_told(moderator_client, staff, article, reader):
    pending = comment(article, reader())
    response = moderator_client.post(f"{QUEUE}{pending.pk}/", {"action": "publier", "vu": "", "next": QUEUE})
    assert response.status_code == 302 and response["Location"] == QUEUE
    pending.refresh_from_db()
    assert pending.status == Status.APPROVED
    assert pending.published_at is not None and pending.moderated_by == staff["moderator"]
    # events.comment_changed ran in the transaction: the article's live topic has the comment, to show.
    event = Event.objects.get(topic=thread.topic(article.pk), key=events.event_key(pending.pk))
    assert event.action == events.UPSERT and "Un avis mesuré" in event.data


def test_the_moderator_is_told_what_happened(moderator_client, article, reader):
    pending = comment(article, reader())
    url = f"{QUEUE}{pending.pk}/"
    assert "1 commentaire publié." in moderator_client.post(url, {"action": "publier"}, follow=True).content.decode()
    again = moderator_client.post(url, {"action": "publier"}, follow=True).content.decode()
    assert "1 commentaire l’était déjà\u00a0: rien n’a changé." in again
    chosen = moderator_client.post(url, {"action": "choisir"}, follow=True).content.decode()
    assert "Commentaire mis en avant («\u00a0Choix de la rédaction\u00a0»)." in chosen
    refused = moderator_client.post(url, {"action": "refuser", "motif": "spam"}, follow=True).content.decode()
    assert "1 commentaire refusé\u00a0; son auteur en est averti par e-mail." in refused


def test_approving_twice_changes_nothing(staff, article, reader):
    pending = comment(article, reader())
    first = moderation.approve([pending], staff["moderator"])
    assert [c.pk for c in first.changed] == [pending.pk]
    moderated_at = Comment.objects.get(pk=pending.pk).moderated_at
    events_before = Event.objects.count()
    again = moderation.approve([pending], staff["editor"])
    assert again.changed == [] and [c.pk for c in again.unchanged] == [pending.pk]
    pending.refresh_from_db()
    assert pending.moderated_at == moderated_at and pending.moderated_by == staff["moderator"]
    assert Event.objects.count() == events_before


def test_a_reported_comment_kept_has_its_reports_resolved(staff, article, reader):
    published = comment(article, reader(), status=Status.APPROVED, published_at=timezone.now())
    report = Report.objects.create(comment=published, reporter=reader("Paul Martin"), reason=Report.Reason.OFF_TOPIC)
    outcome = moderation.approve([published], staff["moderator"])
    assert [c.pk for c in outcome.changed] == [published.pk]
    report.refresh_from_db()
    assert report.resolved_at is not None
    assert Comment.objects.get(pk=published.pk).status == Status.APPROVED


def test_reply_count_follows_a_reply_published_then_rejected(staff, article, reader):
    parent = comment(article, reader(), status=Status.APPROVED, published_at=timezone.now())
    reply = comment(article, reader("Paul Martin"), parent=parent, text="Je ne suis pas d’accord.")
    moderation.approve([reply], staff["moderator"])
    assert Comment.objects.get(pk=parent.pk).reply_count == 1
    moderation.reject([reply], staff["moderator"], "Hors sujet")
    assert Comment.objects.get(pk=parent.pk).reply_count == 0


def test_reject_keeps_the_reason_and_mails_the_author(
    moderator_client, article, reader, smtp_server, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    author = reader("Jeanne Dupont", email="jeanne@example.com")
    pending = comment(article, author, text="Tous des incapables !")
    Report.objects.create(comment=pending, reporter=reader("Paul Martin"), reason=Report.Reason.ABUSE)
    with django_capture_on_commit_callbacks(execute=True):
        response = moderator_client.post(
            f"{QUEUE}{pending.pk}/", {"action": "refuser", "motif": "insulte", "precisions": "Restez courtois."}
        )
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == Status.REJECTED
    assert pending.rejection_reason == "Propos insultants ou agressifs : Restez courtois."
    assert not Report.objects.filter(comment=pending, resolved_at__isnull=True).exists()
    [message] = smtp_server.wait_for(1)
    assert message.envelope_to == ["jeanne@example.com"]
    assert "« Le budget communal adopté »" in message["Subject"]
    text = body(message, "plain")
    assert "Bonjour Jeanne Dupont" in text
    assert "Propos insultants ou agressifs : Restez courtois." in text
    assert "Tous des incapables !" in text
    assert article.full_url in text


@pytest.mark.django_db(transaction=True)
def test_the_rejection_mail_is_the_worker_s_job(staff, article, reader, smtp_server):
    """With the site's task backend (the database), the click only queues the mail (the statement of reasons
    manchette/dsa sends in place of comments' own notice); `manchette worker` sends it, unless the comment was
    published again meanwhile."""
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    kept, rejected = comment(article, reader("Paul Martin")), comment(article, reader("Jeanne Dupont", email="jeanne@example.com"))
    moderation.reject([kept, rejected], staff["moderator"], "Hors sujet")
    tasks = DBTaskResult.objects.filter(task_path="manchette.dsa.statements.send_statement")
    assert tasks.count() == 2 and smtp_server.messages == []
    moderation.approve([kept], staff["moderator"])
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    [message] = smtp_server.wait_for(1)
    assert message.envelope_to == ["jeanne@example.com"] and "Hors sujet" in body(message, "plain")


def test_reject_needs_a_reason(moderator_client, article, reader):
    pending = comment(article, reader())
    response = moderator_client.post(f"{QUEUE}{pending.pk}/", {"action": "refuser", "motif": "", "precisions": "  "}, follow=True)
    assert "Indiquez le motif du refus." in response.content.decode()
    assert Comment.objects.get(pk=pending.pk).status == Status.PENDING


def test_a_comment_deleted_by_its_author_meanwhile_is_reported_not_overwritten(moderator_client, article, reader):
    gone = comment(article, reader(), status=Status.DELETED, text="")
    response = moderator_client.post(f"{QUEUE}{gone.pk}/", {"action": "publier"}, follow=True)
    assert "supprimé par son auteur entre-temps" in response.content.decode()
    assert Comment.objects.get(pk=gone.pk).status == Status.DELETED


def test_a_comment_edited_since_the_moderator_read_it_is_not_approved(moderator_client, article, reader):
    pending = comment(article, reader())
    seen = moderation.version(pending)
    Comment.objects.filter(pk=pending.pk).update(text="Autre chose, écrit après.", edited_at=timezone.now())
    response = moderator_client.post(f"{QUEUE}{pending.pk}/", {"action": "publier", "vu": seen}, follow=True)
    assert "modifié par son auteur entre-temps" in response.content.decode()
    assert Comment.objects.get(pk=pending.pk).status == Status.PENDING


def test_feature_and_unfeature(moderator_client, staff, article, reader):
    published = comment(article, reader(), status=Status.APPROVED, published_at=timezone.now())
    moderator_client.post(f"{QUEUE}{published.pk}/", {"action": "choisir"})
    assert Comment.objects.get(pk=published.pk).featured
    moderator_client.post(f"{QUEUE}{published.pk}/", {"action": "retirer"})
    assert not Comment.objects.get(pk=published.pk).featured
    pending = comment(article, reader("Paul Martin"))
    outcome = moderation.feature(pending, staff["moderator"], True)
    assert outcome.skipped and not Comment.objects.get(pk=pending.pk).featured
    reply = comment(article, reader("Luc Petit"), parent=published, status=Status.APPROVED, published_at=timezone.now())
    outcome = moderation.feature(reply, staff["moderator"], True)
    assert "Une réponse ne peut pas" in outcome.skipped[0][1] and not Comment.objects.get(pk=reply.pk).featured


def test_bulk_actions(moderator_client, article, reader):
    comments = [comment(article, reader(f"Lecteur {i}"), text=f"Avis {i}") for i in range(3)]
    ids = [str(c.pk) for c in comments]
    response = moderator_client.post(f"{QUEUE}lot/", {"action": "publier", "ids": ids[:2]})
    assert response.status_code == 302
    assert [Comment.objects.get(pk=c.pk).status for c in comments] == [Status.APPROVED, Status.APPROVED, Status.PENDING]
    response = moderator_client.post(f"{QUEUE}lot/", {"action": "refuser", "ids": ids, "motif": "spam"})
    assert {Comment.objects.get(pk=c.pk).status for c in comments} == {Status.REJECTED}


def test_a_bulk_action_with_an_unknown_id_does_nothing(moderator_client, article, reader):
    pending = comment(article, reader())
    response = moderator_client.post(f"{QUEUE}lot/", {"action": "publier", "ids": [str(pending.pk), "999999"]})
    assert response.status_code == 404
    assert Comment.objects.get(pk=pending.pk).status == Status.PENDING
    for ids in (["abc"], ["٣"], ["1" * 19], [str(pending.pk)] * 501):
        response = moderator_client.post(f"{QUEUE}lot/", {"action": "publier", "ids": ids})
        assert response.status_code == 400 and "commentaires" in response.content.decode()
    assert Comment.objects.get(pk=pending.pk).status == Status.PENDING


def test_a_bulk_action_failing_half_way_applies_nothing(staff, article, reader, monkeypatch):
    comments = [comment(article, reader(f"Lecteur {i}")) for i in range(3)]
    told = []
    real = events.comment_changed

    def fails_on_the_second(changed):
        told.append(changed.pk)
        if len(told) == 2:
            raise RuntimeError("le cache ne répond plus")
        real(changed)

    monkeypatch.setattr(events, "comment_changed", fails_on_the_second)
    with pytest.raises(RuntimeError):
        moderation.approve(comments, staff["moderator"])
    assert {c.status for c in Comment.objects.filter(pk__in=[c.pk for c in comments])} == {Status.PENDING}
    assert not Event.objects.filter(topic=thread.topic(article.pk)).exists()


def test_unknown_comments_and_actions(moderator_client, article, reader):
    assert moderator_client.post(f"{QUEUE}999999/", {"action": "publier"}).status_code == 404
    assert moderator_client.post(f"{QUEUE}99999999999999999999/", {"action": "publier"}).status_code == 404
    pending = comment(article, reader())
    response = moderator_client.post(f"{QUEUE}{pending.pk}/", {"action": "supprimer"})
    assert response.status_code == 400 and "Action inconnue" in response.content.decode()
    assert moderator_client.get(f"{QUEUE}{pending.pk}/").status_code == 405
    assert moderator_client.post(f"{QUEUE}sanction/999999/lever/").status_code == 404
    assert moderator_client.get(f"{QUEUE}lecteur/999999/").status_code == 404


def test_only_moderators_reach_the_queue_and_its_actions(client, staff, article, reader):
    author = reader()
    pending = comment(article, author)
    ban = Sanction.objects.create(user=author, reason="Insultes répétées")
    posts = [
        (f"{QUEUE}{pending.pk}/", {"action": "publier"}),
        (f"{QUEUE}{pending.pk}/", {"action": "refuser", "motif": "spam"}),
        (f"{QUEUE}{pending.pk}/", {"action": "choisir"}),
        (f"{QUEUE}lot/", {"action": "publier", "ids": [str(pending.pk)]}),
        (f"{QUEUE}lecteur/{author.pk}/", {"kind": "exclusion", "reason": "Spam"}),
        (f"{QUEUE}sanction/{ban.pk}/lever/", {}),
        (f"{QUEUE}999999/", {"action": "publier"}),  # a 403 before any 404: no telling which ids exist
    ]
    pages = [QUEUE, f"{QUEUE}lecteur/{author.pk}/", f"{QUEUE}lecteur/999999/"]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"], url
    for url, data in posts:
        response = client.post(url, data)
        assert response.status_code == 302 and "login" in response["Location"], url
    client.force_login(staff["journalist"])
    for url in pages:
        assert client.get(url).status_code == 403, url
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    pending.refresh_from_db()
    assert pending.status == Status.PENDING and not pending.featured
    assert Sanction.objects.filter(user=author).count() == 1 and active_sanction(author) == ban
    # The menu item is the moderators' alone; editors moderate too (setup_newsroom).
    assert QUEUE not in client.get("/admin/").content.decode()
    client.force_login(staff["moderator"])
    assert QUEUE in client.get("/admin/").content.decode()
    client.force_login(staff["editor"])
    assert client.get(QUEUE).status_code == 200


def test_actions_need_the_csrf_token(staff, article, reader):
    pending = comment(article, reader())
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff["moderator"])
    assert client.post(f"{QUEUE}{pending.pk}/", {"action": "publier"}).status_code == 403
    assert client.post(f"{QUEUE}lot/", {"action": "publier", "ids": [str(pending.pk)]}).status_code == 403
    assert Comment.objects.get(pk=pending.pk).status == Status.PENDING


def test_the_queue_shows_pending_and_reported_comments_oldest_first(moderator_client, article, reader, published_article):
    now = timezone.now()
    author = reader("Jeanne Dupont", joined_days_ago=400)
    comment(article, author, status=Status.APPROVED, published_at=now, created_at=now - datetime.timedelta(days=9))
    comment(article, author, status=Status.REJECTED, created_at=now - datetime.timedelta(days=8), rejection_reason="Spam")
    Sanction.objects.create(user=author, until=now + datetime.timedelta(days=3), reason="Insultes")
    parent = comment(article, reader("Paul Martin"), text="Le premier avis.", status=Status.APPROVED, published_at=now)
    comment(article, author, text="Un avis récent.", created_at=now - datetime.timedelta(hours=1))
    comment(article, author, text="Un avis ancien.", parent=parent, created_at=now - datetime.timedelta(hours=5))
    reported = comment(article, reader("Luc Petit"), text="Un avis signalé.", status=Status.APPROVED, published_at=now,
                       created_at=now - datetime.timedelta(days=2))
    Report.objects.create(comment=reported, reporter=author, reason=Report.Reason.HATE, details="Propos inacceptables",
                          created_at=now - datetime.timedelta(hours=3))
    comment(article, author, text="Supprimé par son auteur.", status=Status.DELETED)
    html = moderator_client.get(QUEUE).content.decode()
    assert html.index("Un avis ancien.") < html.index("Un avis signalé.") < html.index("Un avis récent.")
    assert "Supprimé par son auteur." not in html and "Le premier avis." in html  # the parent, quoted
    assert "En réponse à Paul Martin" in html
    assert "Propos haineux ou discriminatoires" in html and "Propos inacceptables" in html
    assert "1 publié" in html and "1 refusé" in html and "compte créé il y a 1" in html
    assert "suspendu jusqu’au" in html
    assert "Le budget communal adopté" in html and f"/admin/pages/{article.pk}/edit/" in html and article.url in html
    pending_only = moderator_client.get(QUEUE + "?filtre=attente").content.decode()
    assert "Un avis ancien." in pending_only and "Un avis signalé." not in pending_only
    reported_only = moderator_client.get(QUEUE + "?filtre=signales").content.decode()
    assert "Un avis signalé." in reported_only and "Un avis ancien." not in reported_only


def queue_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(QUEUE)
    assert response.status_code == 200
    return len(queries)


def fill_queue(article, reader, count, parent):
    for i in range(count):
        author = reader(f"Lecteur {Comment.objects.count()}")
        made = comment(article, author, text=f"Avis {i}", parent=parent if i % 2 else None)
        Report.objects.create(comment=made, reporter=author, reason=Report.Reason.SPAM)
        Sanction.objects.create(user=author, reason="Essai", until=timezone.now() + datetime.timedelta(days=1))


def test_the_queue_costs_the_same_queries_whatever_its_length(moderator_client, article, reader, published_article):
    parent = comment(article, reader(), status=Status.APPROVED, published_at=timezone.now())
    fill_queue(article, reader, 2, parent)
    moderator_client.get(QUEUE)  # Wagtail's first-request caches
    few = queue_queries(moderator_client)
    other = published_article(title="Un autre article", slug="autre")
    fill_queue(other, reader, 30, comment(other, reader(), status=Status.APPROVED))
    assert queue_queries(moderator_client) == few


def test_the_queue_is_paginated(moderator_client, article, reader):
    for i in range(moderation_per_page() + 3):
        comment(article, None, text=f"Avis numéro {i:03d}.")
    first = moderator_client.get(QUEUE).content.decode()
    second = moderator_client.get(QUEUE + "?p=2").content.decode()
    assert "Avis numéro 000." in first and "Avis numéro 052." not in first
    assert "Avis numéro 052." in second and "Page 2 sur 2" in second
    assert moderator_client.get(QUEUE + "?p=99999999999999999999&filtre=%00").status_code == 200


def moderation_per_page():
    from manchette.comments.admin_views import PER_PAGE

    return PER_PAGE


# --- sanctions -------------------------------------------------------------------------------------------------------

def test_a_suspended_reader_has_an_active_sanction_until_the_date(moderator_client, staff, article, reader):
    author = reader()
    pending = [comment(article, author, text=f"Avis {i}") for i in range(2)]
    last_day = timezone.localdate() + datetime.timedelta(days=3)
    response = moderator_client.post(f"{QUEUE}lecteur/{author.pk}/", {
        "kind": "suspension", "until": last_day.isoformat(), "reason": "Insultes répétées", "reject_pending": "on",
        "without_warning": "on",  # never warned: the moderator confirms (test_warning.py)
    })
    assert response.status_code == 302
    sanction = active_sanction(author)
    assert sanction.reason == "Insultes répétées" and sanction.created_by == staff["moderator"]
    assert timezone.localtime(sanction.until).date() == last_day + datetime.timedelta(days=1)
    assert active_sanction(author, now=sanction.until - datetime.timedelta(seconds=1)) == sanction
    assert active_sanction(author, now=sanction.until) is None
    assert {c.status for c in Comment.objects.filter(pk__in=[c.pk for c in pending])} == {Status.REJECTED}
    page = moderator_client.get(f"{QUEUE}lecteur/{author.pk}/").content.decode()
    assert "Suspendu jusqu’au" in page and "Insultes répétées" in page and "Avis 1" in page


def test_a_ban_then_lifting_it(moderator_client, staff, reader):
    author = reader()
    made = moderation.sanction(author, staff["moderator"], None, "Spam publicitaire")
    assert made.rejected is None
    assert active_sanction(author, now=timezone.now() + datetime.timedelta(days=3650)) == made
    response = moderator_client.post(f"{QUEUE}sanction/{made.pk}/lever/")
    assert response.status_code == 302 and response["Location"] == f"{QUEUE}lecteur/{author.pk}/"
    assert active_sanction(author) is None
    lifted_at = Sanction.objects.get(pk=made.pk).lifted_at
    assert lifted_at is not None
    assert moderation.lift(made, staff["moderator"]) is False  # twice: nothing changes
    assert Sanction.objects.get(pk=made.pk).lifted_at == lifted_at


def test_sanctions_refused(moderator_client, staff, reader):
    author = reader()
    url = f"{QUEUE}lecteur/{author.pk}/"
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    bad = [
        {"kind": "suspension", "until": yesterday, "reason": "Motif"},
        {"kind": "suspension", "until": "", "reason": "Motif"},
        {"kind": "suspension", "until": "9999-12-31", "reason": "Motif"},
        {"kind": "exclusion", "reason": "   "},
        {"kind": "autre", "reason": "Motif"},
        {"kind": "exclusion", "reason": "x" * 301},
    ]
    for data in bad:
        response = moderator_client.post(url, data)
        assert response.status_code == 400, data
    response = moderator_client.post(f"{QUEUE}lecteur/{staff['moderator'].pk}/", {"kind": "exclusion", "reason": "Essai", "without_warning": "on"})
    assert "Vous ne pouvez pas vous sanctionner vous-même." in response.content.decode()
    # From the queue (a `next`), the refusal comes back as a message there.
    response = moderator_client.post(url, {"kind": "exclusion", "reason": "", "next": QUEUE}, follow=True)
    assert response.redirect_chain[-1][0] == QUEUE and "Indiquez le motif de la sanction." in response.content.decode()
    assert not Sanction.objects.exists()
