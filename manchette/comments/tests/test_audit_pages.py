"""The journal of moderation decisions: all of them, per moderator (who did what, when, how many of each), per
reader (decisions on their comments, warnings, sanctions, trust), filtered by kind and dates, paginated, for
moderators only; a comment's text shown while it exists and was not purged."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from manchette.comments import audit, moderation, warning
from manchette.comments.models import Comment, Decision, Status
from manchette.comments.tests.clients import client_of

QUEUE = "/admin/moderation/"
JOURNAL = QUEUE + "journal/"


@pytest.fixture
def moderator_client(staff):
    return client_of(staff["moderator"])


@pytest.fixture
def history(staff, article, make_reader, make_comment):
    """Paul's comments: one published by the moderator, one refused by the editor, one refused automatically;
    a warning and a ban by the moderator, a trust change by the editor. Anne: one comment published by the editor."""
    paul, anne = make_reader("Paul Martin"), make_reader("Anne Leroy")
    kept = make_comment(article, paul, text="Un avis mesuré.", status=Status.PENDING)
    moderation.approve([kept], staff["moderator"])
    refused = make_comment(article, paul, text="Des insultes bien senties.", status=Status.PENDING)
    moderation.reject([refused], staff["editor"], "Propos insultants", notify=False)
    spam = make_comment(article, paul, text="Achetez mes montres.", status=Status.REJECTED, score=0.97)
    audit.record(Decision.Action.REJECT, comment=spam, reason="Mot interdit", rule="mots_interdits", automated=True)
    warning.warn(paul, staff["moderator"], "Hors sujet")
    moderation.sanction(paul, staff["moderator"], None, "Spam répété")
    audit.record(Decision.Action.TRUST, author=paul, moderator=staff["editor"], reason="Prémodéré")
    hers = make_comment(article, anne, text="Merci pour cet article.", status=Status.PENDING)
    moderation.approve([hers], staff["editor"])
    return {"paul": paul, "anne": anne, "kept": kept, "refused": refused, "spam": spam, "hers": hers}


def rows(html):
    """The rows of the journal's table (Wagtail's own dialogs have tables too)."""
    if "moderation-decisions" not in html:
        return 0
    table = html[html.index('class="listing moderation-decisions"'):]
    return table[:table.index("</table>")].count("<tr>") - 1  # the header's row


def test_the_journal_lists_every_decision_and_who_took_them(moderator_client, staff, history):
    html = moderator_client.get(JOURNAL).content.decode()
    assert "7 décisions" in html and rows(html) == 7
    assert "Publié\u00a0: <strong>2</strong>" in html and "Refusé\u00a0: <strong>2</strong>" in html
    assert "Avertissement\u00a0: <strong>1</strong>" in html and "Sanction\u00a0: <strong>1</strong>" in html
    moderator_url = f"{JOURNAL}moderateur/{staff['moderator'].pk}/"
    assert f'<a href="{moderator_url}">sacha</a>\u00a0: <strong>3</strong>' in html
    assert "Contrôles automatiques\u00a0: <strong>1</strong>" in html
    assert "Règle\u00a0: mots_interdits" in html and "Score\u00a0: 0,97" in html
    only_automatic = moderator_client.get(JOURNAL + "?par=automatique").content.decode()
    assert "1 décision" in only_automatic and "Achetez mes montres." in only_automatic


def test_one_moderator_s_decisions(moderator_client, staff, history):
    html = moderator_client.get(f"{JOURNAL}moderateur/{staff['moderator'].pk}/").content.decode()
    assert "Décisions de sacha" in html and "3 décisions" in html
    assert "Un avis mesuré." in html and "Hors sujet" in html and "Spam répété" in html
    assert "Merci pour cet article." not in html and "Des insultes bien senties." not in html
    assert "Publié\u00a0: <strong>1</strong>" in html and "Avertissement\u00a0: <strong>1</strong>" in html
    warnings_only = moderator_client.get(f"{JOURNAL}moderateur/{staff['moderator'].pk}/?decision=warn").content.decode()
    assert "1 décision" in warnings_only and "Un avis mesuré." not in warnings_only
    # The counts cover the period, whatever kind is listed.
    assert "Sanction\u00a0: <strong>1</strong>" in warnings_only


def test_one_reader_s_decisions(moderator_client, staff, history):
    paul = history["paul"]
    html = moderator_client.get(f"{JOURNAL}lecteur/{paul.pk}/").content.decode()
    assert "Décisions sur Paul Martin" in html and "6 décisions" in html
    for text in ("Un avis mesuré.", "Des insultes bien senties.", "Achetez mes montres.", "Hors sujet", "Spam répété",
                 "Confiance modifiée", "Prémodéré", "Avertissement", "Sanction"):
        assert text in html, text
    assert "Merci pour cet article." not in html
    assert f'href="{QUEUE}lecteur/{paul.pk}/"' in html
    # The reader's moderation page links here.
    assert f'href="{JOURNAL}lecteur/{paul.pk}/"' in moderator_client.get(f"{QUEUE}lecteur/{paul.pk}/").content.decode()


def test_a_purged_or_deleted_comment_s_text_is_not_shown(moderator_client, history):
    paul, refused = history["paul"], history["refused"]
    Comment.objects.filter(pk=refused.pk).update(text="", purged_at=timezone.now())
    kept = history["kept"].pk
    history["kept"].delete()
    html = moderator_client.get(f"{JOURNAL}lecteur/{paul.pk}/").content.decode()
    assert "Des insultes bien senties." not in html and "Texte effacé le" in html
    assert "Un avis mesuré." not in html and "Commentaire supprimé" in html
    # The decisions stay, with the comments' numbers.
    assert "6 décisions" in html and f"n° {refused.pk}" in html and f"n° {kept}," in html


def test_the_journal_filters_by_dates(moderator_client, history):
    Decision.objects.filter(action=Decision.Action.SANCTION).update(created_at=timezone.make_aware(datetime.datetime(2026, 1, 10, 23, 30)))
    Decision.objects.filter(action=Decision.Action.WARN).update(created_at=timezone.make_aware(datetime.datetime(2026, 1, 9, 8, 0)))
    day = moderator_client.get(JOURNAL + "?du=2026-01-10&au=2026-01-10").content.decode()
    assert "1 décision" in day and "Spam répété" in day
    both = moderator_client.get(JOURNAL + "?du=2026-01-09&au=2026-01-10").content.decode()
    assert "2 décisions" in both
    before = moderator_client.get(JOURNAL + "?au=2026-01-09").content.decode()
    assert "1 décision" in before and "Hors sujet" in before
    wrong = moderator_client.get(JOURNAL + "?du=2026-01-10&au=2026-01-09")
    assert wrong.status_code == 400 and "La fin de la période précède son début." in wrong.content.decode()
    far = moderator_client.get(JOURNAL + "?du=1850-01-01")
    assert far.status_code == 400 and "Choisissez une date entre 2000 et 2199." in far.content.decode()
    assert moderator_client.get(JOURNAL + "?decision=inconnue").status_code == 400


def test_the_journal_is_paginated_and_keeps_its_filters(moderator_client, staff, article, make_reader, make_comment):
    author = make_reader("Paul Martin")
    comments = [make_comment(article, author, text=f"Avis {i:02d}", status=Status.PENDING) for i in range(55)]
    moderation.approve(comments, staff["moderator"])
    html = moderator_client.get(JOURNAL + "?decision=approve").content.decode()
    assert "55 décisions" in html and rows(html) == 50 and "Page 1 sur 2" in html
    assert "decision=approve&amp;par=&amp;du=&amp;au=&amp;p=2" not in html  # empty choices are left out
    assert "?decision=approve&amp;p=2" in html
    second = moderator_client.get(JOURNAL + "?decision=approve&p=2").content.decode()
    assert rows(second) == 5


def test_the_journal_costs_the_same_queries_whatever_its_length(moderator_client, staff, article, make_reader, make_comment):
    def decide(count):
        for i in range(count):
            author = make_reader(f"Lecteur {Comment.objects.count()}")
            comment = make_comment(article, author, text=f"Avis {i}", status=Status.PENDING)
            moderation.reject([comment], staff["moderator"], "Hors sujet", notify=False)
            warning.warn(author, staff["editor"], "Hors sujet")

    def queries(url):
        with CaptureQueriesContext(connection) as captured:
            assert moderator_client.get(url).status_code == 200
        return len(captured)

    decide(2)
    moderator_client.get(JOURNAL)  # Wagtail's first-request caches
    few = [queries(JOURNAL), queries(f"{JOURNAL}moderateur/{staff['moderator'].pk}/")]
    decide(20)
    assert [queries(JOURNAL), queries(f"{JOURNAL}moderateur/{staff['moderator'].pk}/")] == few


def test_only_moderators_read_the_journal(client, staff, history):
    pages = [JOURNAL, f"{JOURNAL}moderateur/{staff['moderator'].pk}/", f"{JOURNAL}lecteur/{history['paul'].pk}/"]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"], url
    journalist = client_of(staff["journalist"])
    for url in [*pages, f"{JOURNAL}lecteur/999999/"]:
        assert journalist.get(url).status_code == 403, url
    editor = client_of(staff["editor"])
    assert editor.get(f"{JOURNAL}lecteur/999999/").status_code == 404
    assert editor.get(f"{JOURNAL}moderateur/999999/").status_code == 404
    assert all(editor.get(url).status_code == 200 for url in pages)
