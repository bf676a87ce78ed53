"""What readers do: post, reply, edit within five minutes, delete, report; and every refusal, with nothing saved."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.utils import timezone
from wagtail.models import PageViewRestriction

from manchette.comments.models import Comment, Report, Sanction, Status
from manchette.news.models import Discussion

from .conftest import json_post


def write_url(article):
    return f"/commentaires/{article.pk}/ecrire/"


def post(client, article, text="Enfin un tram digne de ce nom.", **data):
    return json_post(client, write_url(article), {"text": text, **data})


def test_a_reader_posts_and_the_comment_is_published_at_once(reader_client, article, reader):
    answer = post(reader_client, article)
    assert answer.status_code == 201
    comment = Comment.objects.get()
    assert (comment.author, comment.status, comment.parent) == (reader, Status.APPROVED, None)
    assert comment.published_at is not None
    assert answer.json()["statut"] == "approved" and f'id="commentaire-{comment.pk}"' in answer.json()["html"]


def test_without_javascript_the_form_has_a_page_and_leads_back_to_the_comment(reader_client, article):
    form = BeautifulSoup(reader_client.get(write_url(article)).content, "html.parser").select_one("form[data-comment-form]")
    assert form.select_one('input[name="csrfmiddlewaretoken"]')["value"], "a page of its own, with its token"
    assert not form.has_attr("data-shared-form")
    answer = reader_client.post(write_url(article), {"text": "Sans JavaScript."})
    comment = Comment.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"{article.url}#commentaire-{comment.pk}"


def test_csrf_is_required(reader, article):
    client = Client(enforce_csrf_checks=True)
    client.force_login(reader)
    assert post(client, article).status_code == 403
    assert not Comment.objects.exists()


def test_anonymous_readers_are_asked_to_log_in(client, article):
    page = client.get(write_url(article))
    assert page.status_code == 302 and page["Location"].startswith("/compte/login/?next=")
    answer = post(client, article)
    assert answer.status_code == 403 and answer.json()["erreur"] == "Connectez-vous pour commenter."
    assert not Comment.objects.exists()


def test_on_a_premoderated_article_the_comment_waits_and_only_its_author_sees_it(
        client, reader_client, published_article, make_reader):
    article = published_article(slug="modere", discussion=Discussion.PREMODERATED)
    answer = post(reader_client, article, "J’attends la validation.")
    assert answer.status_code == 201 and answer.json()["statut"] == "pending"
    assert "attend la validation" in answer.json()["message"]
    comment = Comment.objects.get()
    assert comment.status == Status.PENDING and comment.published_at is None
    assert "J’attends la validation." not in client.get(f"/_fragments/commentaires/{article.pk}/").content.decode()
    mine = reader_client.get(f"/commentaires/{article.pk}/moi/").json()
    assert "En attente de validation" in mine["en_attente"] and "J’attends la validation." in mine["en_attente"]
    other = Client()
    other.force_login(make_reader("Paul Martin"))
    assert other.get(f"/commentaires/{article.pk}/moi/").json()["en_attente"] == ""


def test_the_section_decides_when_the_article_does_not(reader_client, section, published_article):
    section.comments_default = Discussion.PREMODERATED
    section.save_revision().publish()
    article = published_article(slug="herite")
    assert post(reader_client, article).json()["statut"] == "pending"


@pytest.mark.parametrize("case", ["closed", "unpublished", "restricted", "expired"])
def test_posting_is_refused_where_readers_may_not_comment(reader_client, published_article, case):
    article = published_article(slug="refus", discussion=Discussion.CLOSED if case == "closed" else "")
    if case == "unpublished":
        article.unpublish()
    elif case == "restricted":
        PageViewRestriction.objects.create(page=article, restriction_type=PageViewRestriction.PASSWORD, password="x")
    elif case == "expired":
        type(article).objects.filter(pk=article.pk).update(expire_at=timezone.now() - datetime.timedelta(seconds=1))
    answer = post(reader_client, article)
    if case == "closed":
        assert answer.status_code == 403
        assert answer.json()["erreur"] == "Les commentaires sont fermés sur cet article."
    else:
        assert answer.status_code == 404
        assert answer.json()["erreur"] == "Cet article n’existe pas ou n’est pas public."
    assert reader_client.get(write_url(article)).status_code in (403, 404)
    assert not Comment.objects.exists()


def test_a_reply_goes_under_a_published_top_level_comment(reader_client, article, make_reader, make_comment):
    parent = make_comment(article, make_reader("Paul Martin"))
    answer = post(reader_client, article, "Je vous réponds.", parent=str(parent.pk))
    assert answer.status_code == 201 and answer.json()["parent"] == parent.pk
    parent.refresh_from_db()
    assert parent.reply_count == 1
    # The page without JavaScript: the comment answered, and the form.
    page = BeautifulSoup(reader_client.get(f"/commentaires/repondre/{parent.pk}/").content, "html.parser")
    assert page.select_one("form[data-comment-form]")["action"] == f"/commentaires/repondre/{parent.pk}/"
    reader_client.post(f"/commentaires/repondre/{parent.pk}/", {"text": "Et encore."})
    parent.refresh_from_db()
    assert parent.reply_count == 2


def test_forged_parents_are_refused(reader_client, article, published_article, make_reader, make_comment):
    other_article = published_article(slug="autre")
    author = make_reader("Paul Martin")
    elsewhere = make_comment(other_article, author)
    rejected = make_comment(article, author, status=Status.REJECTED)
    pending = make_comment(article, author, status=Status.PENDING)
    deleted = make_comment(article, author, status=Status.DELETED, text="")
    top = make_comment(article, author)
    reply = make_comment(article, author, parent=top)
    for parent in (elsewhere, rejected, pending, deleted):
        answer = post(reader_client, article, parent=str(parent.pk))
        assert answer.status_code == 404, parent.status
        assert "n’existe pas" in answer.json()["erreur"]
    for garbage in ("abc", "-1", "99999999999999999999", "1.5", "\u0663"):
        assert post(reader_client, article, parent=garbage).status_code == 404
    # One level: a reply to a reply is refused, with a reason (not re-attached where the reader did not aim).
    answer = post(reader_client, article, parent=str(reply.pk))
    assert answer.status_code == 400
    assert answer.json()["erreur"].startswith("On ne répond qu’à un commentaire")
    assert reader_client.post(f"/commentaires/repondre/{reply.pk}/", {"text": "x"}).status_code == 400
    assert Comment.objects.filter(author__profile__display_name="Claire Dubois").count() == 0


def test_an_empty_or_overlong_comment_is_refused_in_french(reader_client, article):
    answer = post(reader_client, article, "  \u200b\n ")
    assert answer.status_code == 400 and answer.json()["erreur"] == "Le commentaire est vide."
    answer = post(reader_client, article, "a" * 3001)
    assert answer.status_code == 400 and "3000 au plus" in answer.json()["erreur"]
    page = reader_client.post(write_url(article), {"text": "a" * 3001})
    assert page.status_code == 400 and "3000 au plus" in page.content.decode()
    assert "a" * 3001 in page.content.decode(), "the reader's text is given back to shorten"
    answer = post(reader_client, article, "binaire \x00\x01\x02 fin")
    assert answer.status_code == 400
    assert not Comment.objects.exists()


def test_the_same_form_sent_twice_makes_one_comment(reader_client, article):
    first = post(reader_client, article, "Double clic.")
    second = post(reader_client, article, "Double clic.")
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert Comment.objects.count() == 1
    # Another text is another comment.
    assert post(reader_client, article, "Autre chose.").status_code == 201
    assert Comment.objects.count() == 2


def test_edit_within_five_minutes_only(reader_client, article, reader, make_comment):
    fresh = make_comment(article, reader, text="Premier jet")
    answer = json_post(reader_client, f"/commentaires/modifier/{fresh.pk}/", {"text": "Version corrigée"})
    assert answer.status_code == 200
    fresh.refresh_from_db()
    assert (fresh.text, fresh.status) == ("Version corrigée", Status.APPROVED) and fresh.edited_at is not None
    old = make_comment(article, reader, text="Trop tard", created_at=timezone.now() - datetime.timedelta(minutes=6))
    answer = json_post(reader_client, f"/commentaires/modifier/{old.pk}/", {"text": "Changé"})
    assert answer.status_code == 403 and "cinq minutes" in answer.json()["erreur"]
    old.refresh_from_db()
    assert old.text == "Trop tard"


def test_an_edit_on_a_premoderated_article_goes_back_to_the_queue(reader_client, published_article, reader, make_comment):
    article = published_article(slug="modere", discussion=Discussion.PREMODERATED)
    approved = make_comment(article, reader, text="Validé")
    first_published = approved.published_at
    answer = json_post(reader_client, f"/commentaires/modifier/{approved.pk}/", {"text": "Validé puis changé"})
    assert answer.json()["statut"] == "pending"
    approved.refresh_from_db()
    assert approved.status == Status.PENDING and approved.published_at == first_published


def test_other_readers_comments_are_out_of_reach(client, article, make_reader, make_comment):
    owner = make_reader("Paul Martin")
    theirs = make_comment(article, owner, text="À moi")
    client.force_login(make_reader("Intrus Malin"))
    for action in ("modifier", "supprimer"):
        assert client.get(f"/commentaires/{action}/{theirs.pk}/").status_code == 404
        answer = json_post(client, f"/commentaires/{action}/{theirs.pk}/", {"text": "Piraté"})
        assert answer.status_code == 404 and answer.json()["erreur"] == "Ce commentaire n’existe pas ou n’est pas le vôtre."
    theirs.refresh_from_db()
    assert (theirs.text, theirs.status) == ("À moi", Status.APPROVED)
    # Reporting is for published comments only: a waiting or refused one is not there.
    for status in (Status.PENDING, Status.REJECTED, Status.DELETED):
        hidden = make_comment(article, owner, status=status)
        assert json_post(client, f"/commentaires/signaler/{hidden.pk}/", {"reason": "spam"}).status_code == 404
    assert not Report.objects.exists()


def test_delete_own_comment_its_replies_keep_their_place(client, reader_client, article, reader, make_reader, make_comment):
    mine = make_comment(article, reader, text="Je retire ceci")
    make_comment(article, make_reader("Paul Martin"), parent=mine, text="Trop tard, j’ai répondu")
    Comment.objects.filter(pk=mine.pk).update(reply_count=1)
    answer = json_post(reader_client, f"/commentaires/supprimer/{mine.pk}/")
    assert answer.status_code == 200
    mine.refresh_from_db()
    assert (mine.status, mine.text) == (Status.DELETED, "")
    html = client.get(f"/_fragments/commentaires/{article.pk}/").content.decode()
    assert "Commentaire supprimé" in html and "Je retire ceci" not in html and "Trop tard, j’ai répondu" in html
    # Deleted is deleted: neither edited nor deleted again.
    assert json_post(reader_client, f"/commentaires/modifier/{mine.pk}/", {"text": "Revenu"}).status_code == 404


def test_delete_without_javascript_asks_then_leads_back(reader_client, article, reader, make_comment):
    mine = make_comment(article, reader)
    page = BeautifulSoup(reader_client.get(f"/commentaires/supprimer/{mine.pk}/").content, "html.parser")
    assert page.select_one(f'form[action="/commentaires/supprimer/{mine.pk}/"] button')
    answer = reader_client.post(f"/commentaires/supprimer/{mine.pk}/")
    assert answer.status_code == 302 and answer["Location"] == f"{article.url}#commentaires"


def test_report_once_per_reader_with_a_reason(reader_client, article, reader, make_reader, make_comment):
    theirs = make_comment(article, make_reader("Paul Martin"))
    url = f"/commentaires/signaler/{theirs.pk}/"
    assert json_post(reader_client, url, {"reason": "n-importe-quoi"}).status_code == 400
    answer = json_post(reader_client, url, {"reason": "abuse", "details": "Insulte\u202e cachée"})
    assert answer.status_code == 201 and "modérateurs" in answer.json()["message"]
    report = Report.objects.get()
    assert (report.reporter, report.reason, report.details) == (reader, "abuse", "Insulte cachée")
    again = json_post(reader_client, url, {"reason": "spam"})
    assert again.status_code == 409 and "déjà signalé" in again.json()["erreur"]
    assert Report.objects.count() == 1
    # Without JavaScript: a page with the reasons, then a thank-you.
    page = BeautifulSoup(reader_client.get(url).content, "html.parser")
    assert len(page.select('input[name="reason"]')) == len(Report.Reason.choices)


@pytest.mark.parametrize("until, message", [
    (datetime.datetime(2031, 3, 2, 17, 30, tzinfo=datetime.UTC), "Vous ne pouvez pas commenter jusqu’au dimanche 2 mars 2031, 18:30."),
    (None, "Vous ne pouvez plus commenter\u00a0: vous en êtes exclu définitivement."),
])
def test_a_suspended_or_banned_reader_is_refused_and_told_until_when(reader_client, article, reader, until, message):
    Sanction.objects.create(user=reader, until=until, reason="Insultes répétées")
    answer = post(reader_client, article)
    assert answer.status_code == 403 and answer.json()["erreur"] == message
    me = reader_client.get(f"/commentaires/{article.pk}/moi/").json()
    assert me["peut_ecrire"] is False and me["raison"] == message
    assert not Comment.objects.exists()


def test_a_lifted_or_past_sanction_no_longer_counts(reader_client, article, reader):
    now = timezone.now()
    Sanction.objects.create(user=reader, until=now - datetime.timedelta(minutes=1), reason="Passée")
    Sanction.objects.create(user=reader, until=None, reason="Levée", lifted_at=now)
    assert post(reader_client, article).status_code == 201


def test_rate_limits_per_account_and_per_address(reader_client, client, article, make_reader, settings):
    settings.COMMENTS_RATE_PER_ACCOUNT = "3/60"
    settings.COMMENTS_RATE_PER_ADDRESS = "5/60"
    for n in range(3):
        assert post(reader_client, article, f"Message {n}").status_code == 201
    refused = post(reader_client, article, "Un de trop")
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 61
    assert "trop vite" in refused.json()["erreur"]
    assert Comment.objects.count() == 3
    # Another account from the same address: two more, then the address is over its limit.
    client.force_login(make_reader("Paul Martin"))
    assert post(client, article, "Autre compte 1").status_code == 201
    assert post(client, article, "Autre compte 2").status_code == 429
    assert Comment.objects.count() == 4
    # The bench raises them: read at each call.
    settings.COMMENTS_RATE_PER_ACCOUNT = settings.COMMENTS_RATE_PER_ADDRESS = "1000/60"
    assert post(client, article, "Limites relevées").status_code == 201


def test_the_notify_box_sets_the_readers_choice(reader_client, article, reader):
    post(reader_client, article, "Avec avis", avertir="on", avertir_choix="1")
    reader.profile.refresh_from_db()
    assert reader.profile.notify_replies is True
    assert reader_client.get(f"/commentaires/{article.pk}/moi/").json()["avertir"] is True
    post(reader_client, article, "Sans avis", avertir_choix="1")
    reader.profile.refresh_from_db()
    assert reader.profile.notify_replies is False


def test_me_tells_the_reader_what_is_theirs(reader_client, article, reader, make_reader, make_comment):
    assert Client().get(f"/commentaires/{article.pk}/moi/").json() == {
        "connecte": False, "peut_ecrire": False, "raison": None,
        "connexion": f"/compte/login/?next={article.url.replace('/', '%2F')}%23commentaires", "inscription": "/compte/signup/",
    }
    fresh = make_comment(article, reader)
    old = make_comment(article, reader, created_at=timezone.now() - datetime.timedelta(hours=1))
    make_comment(article, make_reader("Paul Martin"))
    answer = reader_client.get(f"/commentaires/{article.pk}/moi/")
    assert "no-cache" in answer["Cache-Control"] or "private" in answer["Cache-Control"]
    me = answer.json()
    assert me["nom"] == "Claire Dubois" and me["peut_ecrire"] is True
    assert sorted(me["miens"]) == sorted([fresh.pk, old.pk])
    assert list(me["modifiables"]) == [str(fresh.pk)] and 0 < me["modifiables"][str(fresh.pk)] <= 300
