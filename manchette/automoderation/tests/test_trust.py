"""Readers' trust, earned from the comments moderators approved and lost to refusals, and a moderator's choice
that overrides both; what it changes where readers post (pre-moderation, links)."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from manchette.automoderation import trust
from manchette.automoderation.models import Trust
from manchette.comments import posting, screening
from manchette.comments.models import Comment, Decision, Status
from manchette.comments.tests.conftest import json_post
from manchette.news.models import Discussion


@pytest.fixture(autouse=True)
def thresholds(settings):
    settings.COMMENTS_TRUST_APPROVED = 3
    settings.COMMENTS_TRUST_QUIET_DAYS = 30
    settings.COMMENTS_DISTRUST_REJECTED = "3/10"


@pytest.fixture
def history(make_comment, article, reader):
    """HISTORY(*statuses, days_ago=1): the reader's comments decided by a moderator that many days ago, oldest first."""
    def make(*statuses, days_ago=1, by_moderator=True, author=None):
        moment = timezone.now() - datetime.timedelta(days=days_ago)
        for n, status in enumerate(statuses):
            at = moment + datetime.timedelta(seconds=n)
            make_comment(article, author or reader, text=f"Avis n° {n}", status=status, created_at=at,
                         moderated_at=at if by_moderator or status == Status.REJECTED else None)

    return make


def level(user):
    return trust.standing(user).level


def test_a_reader_becomes_trusted_after_enough_comments_a_moderator_approved(history, reader):
    history(Status.APPROVED, Status.APPROVED)
    assert level(reader) is None
    history(Status.APPROVED)
    found = trust.standing(reader)
    assert found.trusted and found.chosen is None and found.approved == 3


def test_comments_published_without_a_moderator_earn_nothing(history, reader):
    history(*[Status.APPROVED] * 10, by_moderator=False)
    assert trust.standing(reader).approved == 0 and level(reader) is None


def test_a_recent_refusal_keeps_trust_away_until_the_quiet_days_are_over(history, reader, settings):
    history(Status.REJECTED, days_ago=10)
    history(*[Status.APPROVED] * 5)
    assert level(reader) is None
    settings.COMMENTS_TRUST_QUIET_DAYS = 7
    assert level(reader) == trust.TRUSTED


def test_refusals_among_the_last_decided_comments_bring_pre_moderation_back(history, reader, make_reader):
    history(*[Status.APPROVED] * 8, days_ago=40)
    assert level(reader) == trust.TRUSTED
    history(Status.REJECTED, Status.APPROVED, Status.REJECTED, days_ago=2)
    assert level(reader) is None  # two refusals: trust lost (a recent one), not yet pre-moderated
    history(Status.REJECTED, days_ago=1)
    found = trust.standing(reader)
    assert found.premoderated and found.refused_lately == 3 and found.window == 10


def test_only_the_last_decided_comments_count_against_a_reader(history, reader, settings):
    history(Status.REJECTED, Status.REJECTED, Status.REJECTED, days_ago=90)
    history(*[Status.APPROVED] * 10, days_ago=60)
    assert trust.standing(reader).refused_lately == 0
    assert level(reader) == trust.TRUSTED
    settings.COMMENTS_DISTRUST_REJECTED = "3/13"
    assert level(reader) == trust.PREMODERATED


def test_zero_turns_automatic_levels_off(history, reader, settings):
    history(*[Status.APPROVED] * 5, days_ago=60)
    settings.COMMENTS_TRUST_APPROVED = 0
    assert level(reader) is None
    history(*[Status.REJECTED] * 5)
    settings.COMMENTS_DISTRUST_REJECTED = "0/10"
    assert level(reader) is None


def test_a_moderator_overrides_the_history_both_ways_and_each_choice_is_recorded(history, reader, staff):
    moderator = staff["moderator"]
    history(*[Status.APPROVED] * 5, days_ago=60)
    assert trust.set_level(reader, trust.PREMODERATED, moderator, "Insistance douteuse")
    found = trust.standing(reader)
    assert found.premoderated and found.chosen == trust.PREMODERATED
    assert not trust.set_level(reader, trust.PREMODERATED, moderator), "the same choice again changes nothing"

    history(*[Status.REJECTED] * 4)
    assert trust.set_level(reader, trust.TRUSTED, moderator)
    assert level(reader) == trust.TRUSTED
    assert trust.set_level(reader, None, moderator, "Retour à la normale")
    assert level(reader) == trust.PREMODERATED and not Trust.objects.exists()

    decisions = Decision.objects.filter(action=Decision.Action.TRUST).order_by("pk")
    assert [(d.author, d.moderator, d.rule, d.reason) for d in decisions] == [
        (reader, moderator, "premoderation", "Prémodéré\u00a0: Insistance douteuse"),
        (reader, moderator, "confiance", "De confiance"),
        (reader, moderator, "automatique", "Automatique, selon son historique\u00a0: Retour à la normale"),
    ]


def test_the_history_is_read_in_one_query_once_per_submission(history, reader, article, django_assert_num_queries):
    history(Status.APPROVED, Status.REJECTED)
    submission = screening.Submission(user=reader, article=article, text="Bonjour")
    with django_assert_num_queries(1):
        verdict = screening.Verdict()
        trust.check(submission, verdict)
        trust.check(submission, verdict)
        assert trust.standing_of(submission) is submission.standing


def test_a_trusted_reader_skips_pre_moderation_and_their_links_are_links(
        history, reader, client, published_article, make_reader):
    history(*[Status.APPROVED] * 3)
    article = published_article(slug="premodere", discussion=Discussion.PREMODERATED)
    client.force_login(reader)
    text = "Le rapport complet\u00a0: https://www.example.be/rapport-2024.pdf."
    answer = json_post(client, f"/commentaires/{article.pk}/ecrire/", {"text": text})
    assert answer.status_code == 201 and answer.json()["statut"] == "approved"
    comment = Comment.objects.get(article=article)
    assert comment.links_shown and not comment.flags.exists()
    thread = BeautifulSoup(client.get(f"/_fragments/commentaires/{article.pk}/").content, "html.parser")
    link = thread.select_one(f"#commentaire-{comment.pk} .comment__text a")
    assert link["href"] == "https://www.example.be/rapport-2024.pdf"
    assert link["rel"] == ["nofollow", "ugc", "noopener"] and link.text == link["href"]


def test_a_reader_not_yet_trusted_waits_and_their_link_stays_text(
        reader, client, published_article, make_reader, staff):
    article = published_article(slug="premodere", discussion=Discussion.PREMODERATED)
    client.force_login(reader)
    answer = json_post(client, f"/commentaires/{article.pk}/ecrire/", {"text": "À lire\u00a0: https://www.example.be/x"})
    assert answer.json()["statut"] == "pending"
    comment = Comment.objects.get(article=article)
    assert not comment.links_shown
    from manchette.comments import moderation

    moderation.approve([comment], staff["moderator"])
    thread = BeautifulSoup(client.get(f"/_fragments/commentaires/{article.pk}/").content, "html.parser")
    shown = thread.select_one(f"#commentaire-{comment.pk} .comment__text")
    assert "https://www.example.be/x" in shown.text and shown.select("a") == []


def test_a_pre_moderated_reader_waits_even_on_an_open_article(history, reader, article, client, staff):
    assert trust.set_level(reader, trust.PREMODERATED, staff["moderator"])
    client.force_login(reader)
    answer = json_post(client, f"/commentaires/{article.pk}/ecrire/", {"text": "Un avis posé."})
    assert answer.status_code == 201 and answer.json()["statut"] == "pending"
    assert Comment.objects.get(text="Un avis posé.").status == Status.PENDING


def test_trust_is_read_again_when_a_comment_is_edited(history, reader, article, staff):
    comment = posting.post(reader, article, "Premier jet.")
    assert comment.status == Status.APPROVED
    trust.set_level(reader, trust.PREMODERATED, staff["moderator"])
    edited = posting.edit(reader, comment, "Second jet.", mode=Discussion.OPEN)
    assert edited.status == Status.PENDING and not edited.links_shown


def test_an_unknown_level_is_refused(reader, staff):
    with pytest.raises(ValueError):
        trust.set_level(reader, "admin", staff["moderator"])
    assert not Decision.objects.exists()
