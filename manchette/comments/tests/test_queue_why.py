"""The queue says why each comment waits: its automatic flags (the rule, what matched, marked in the text), its
classifier score, its open reports; it filters by flag rule and sorts by waiting time or by score."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from manchette.comments.admin_views import highlighted
from manchette.comments.models import Flag, Report, Status
from manchette.comments.tests.clients import client_of

QUEUE = "/admin/moderation/"


@pytest.fixture
def moderator_client(staff):
    return client_of(staff["moderator"])


@pytest.fixture
def waiting(article, make_reader, make_comment):
    """Three pending comments, oldest first: one flagged for a link and a suspect word, scored 0.93; one scored
    0.41 and reported; one neither flagged nor scored."""
    now = timezone.now()
    author = make_reader("Paul Martin")
    flagged = make_comment(article, author, text="Allez voir http://promo.example, c’est du Viagra pas cher.",
                           status=Status.PENDING, score=0.93, created_at=now - datetime.timedelta(minutes=30))
    Flag.objects.create(comment=flagged, rule="liens", label="Lien", matched="http://promo.example", action=Flag.Action.HOLD)
    Flag.objects.create(comment=flagged, rule="mot_suspect", label="Mot suspect", matched="viagra", action=Flag.Action.HOLD)
    scored = make_comment(article, author, text="Un avis tranché.", status=Status.PENDING, score=0.41,
                          created_at=now - datetime.timedelta(minutes=20))
    Report.objects.create(comment=scored, reporter=make_reader("Anne Leroy"), reason=Report.Reason.ABUSE, details="Agressif")
    plain = make_comment(article, author, text="Un avis sans histoire.", status=Status.PENDING,
                         created_at=now - datetime.timedelta(minutes=10))
    return flagged, scored, plain


def positions(html, *texts):
    return [html.index(text) for text in texts]


def test_each_comment_says_why_it_waits(moderator_client, waiting):
    html = moderator_client.get(QUEUE).content.decode()
    # The flags, each with its rule's label and what matched; the matches marked where they are in the text.
    assert "<strong>Lien</strong>\u00a0: <mark>http://promo.example</mark>" in html
    assert "<strong>Mot suspect</strong>\u00a0: <mark>viagra</mark>" in html
    assert "Allez voir <mark>http://promo.example</mark>, c’est du <mark>Viagra</mark> pas cher." in html
    assert "(Retenu pour modération)" in html
    # The score, the French way; the open report and its reason.
    assert "Score de rejet\u00a0: 0,93" in html and "Score de rejet\u00a0: 0,41" in html
    assert "1 signalement" in html and "Insulte ou harcèlement" in html and "Agressif" in html


def test_the_queue_sorts_by_waiting_time_or_by_score(moderator_client, waiting):
    by_wait = moderator_client.get(QUEUE).content.decode()
    # The reported comment waits since its report (just now), the others since they were posted.
    first, second, third = positions(by_wait, "Allez voir", "Un avis sans histoire.", "Un avis tranché.")
    assert first < second < third
    assert "les plus anciens en premier" in by_wait
    flagged = waiting[0]
    flagged.created_at = timezone.now()  # now the newest, but still the likeliest rejection
    flagged.save(update_fields=["created_at"])
    by_score = moderator_client.get(QUEUE + "?tri=score").content.decode()
    first, second, third = positions(by_score, "Allez voir", "Un avis tranché.", "Un avis sans histoire.")
    assert first < second < third  # unscored comments last
    assert "le score de rejet le plus haut en premier" in by_score
    assert '<option value="score" selected>' in by_score


def test_the_queue_filters_by_flag_rule(moderator_client, waiting):
    html = moderator_client.get(QUEUE).content.decode()
    assert '<option value="liens">Lien (1)</option>' in html and '<option value="mot_suspect">Mot suspect (1)</option>' in html
    only = moderator_client.get(QUEUE + "?regle=liens").content.decode()
    assert "Allez voir" in only and "Un avis tranché." not in only and "1 commentaire à traiter" in only
    # Once the last comment of a rule is dealt with, the filter stays, empty, rather than showing everything.
    flagged = waiting[0]
    flagged.status = Status.APPROVED
    flagged.save(update_fields=["status"])
    emptied = moderator_client.get(QUEUE + "?regle=liens").content.decode()
    assert "Rien à modérer pour l’instant." in emptied and '<option value="liens" selected>liens (0)</option>' in emptied
    # A rule that cannot be one is ignored.
    assert "Un avis tranché." in moderator_client.get(QUEUE + "?regle=%3Cscript%3E").content.decode()


def test_the_pages_keep_the_choices(moderator_client, article, make_reader, make_comment):
    author = make_reader("Paul Martin")
    for i in range(53):
        made = make_comment(article, author, text=f"Avis {i:02d}", status=Status.PENDING, score=i / 100)
        Flag.objects.create(comment=made, rule="liens", label="Lien", matched="x", action=Flag.Action.HOLD)
    html = moderator_client.get(QUEUE + "?tri=score&regle=liens").content.decode()
    assert "filtre=tout&amp;rubrique=toutes&amp;regle=liens&amp;tri=score&amp;p=2" in html
    second = moderator_client.get(QUEUE + "?filtre=tout&rubrique=toutes&regle=liens&tri=score&p=2").content.decode()
    assert "Avis 00" in second and "Avis 52" not in second


def test_a_purged_text_is_not_shown(moderator_client, article, make_reader, make_comment, staff):
    author = make_reader("Paul Martin")
    gone = make_comment(article, author, text="", status=Status.REJECTED, purged_at=timezone.now(),
                        rejection_reason="Propos insultants")
    html = moderator_client.get(f"{QUEUE}lecteur/{author.pk}/").content.decode()
    assert f'id="commentaire-{gone.pk}"' in html and "Texte effacé le" in html


def test_highlighting_escapes_the_text_and_marks_every_match():
    html = highlighted("<b>Achetez</b> ACHETEZ\nachetez !", ["achetez", "", "  "])
    assert html == "&lt;b&gt;<mark>Achetez</mark>&lt;/b&gt; <mark>ACHETEZ</mark><br><mark>achetez</mark> !"
    # Overlapping matches make one mark; what is not in the text (found after folding look-alikes) marks nothing.
    assert highlighted("spam spammeur", ["spam", "spamm", "v1agra"]) == "<mark>spam</mark> <mark>spamm</mark>eur"
    assert highlighted("a\r\nb", ["<"]) == "a<br>b"


def test_the_queue_costs_the_same_queries_with_flags(moderator_client, article, make_reader, make_comment):
    def fill(count):
        for i in range(count):
            made = make_comment(article, make_reader(f"Lecteur {make_comment.__hash__()}{i}{count}"), text=f"Avis {i}",
                                status=Status.PENDING, score=0.5)
            Flag.objects.create(comment=made, rule="liens", label="Lien", matched="Avis", action=Flag.Action.HOLD)
            Flag.objects.create(comment=made, rule="cris", label="Majuscules", matched="", action=Flag.Action.NOTE)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert moderator_client.get(QUEUE + "?tri=score").status_code == 200
        return len(captured)

    fill(2)
    moderator_client.get(QUEUE)  # Wagtail's first-request caches
    few = queries()
    fill(20)
    assert queries() == few
