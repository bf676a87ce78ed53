"""The RGPD purge of rejected comments' text keeps the decisions taken about them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from manchette.comments import moderation, retention
from manchette.comments.models import Comment, Decision, Flag, Status
from manchette.periodic import jobs

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator(django_user_model):
    return django_user_model.objects.create_superuser("moderatrice", "moderatrice@example.com", "motdepasse-solide-42")


def rejected_days_ago(make_comment, article, reader, moderator, days, text="Un texte refusé."):
    comment = make_comment(article, reader, text=text, status=Status.PENDING)
    moderation.reject([comment], moderator, "Propos insultants", notify=False)
    Comment.objects.filter(pk=comment.pk).update(moderated_at=timezone.now() - timedelta(days=days))
    Flag.objects.create(comment=comment, rule="mot-interdit", label="Mot interdit", matched="texte", action="reject")
    return comment


def test_text_of_comments_rejected_past_the_period_is_erased_and_decisions_kept(
    settings, make_comment, article, reader, moderator,
):
    settings.COMMENTS_REJECTED_RETENTION_DAYS = 30
    old = rejected_days_ago(make_comment, article, reader, moderator, 31, "Vieux texte refusé")
    recent = rejected_days_ago(make_comment, article, reader, moderator, 29, "Texte refusé récent")
    approved = make_comment(article, reader, text="Publié il y a longtemps", created_at=timezone.now() - timedelta(days=400))

    assert retention.purge_rejected() == 1

    for comment in (old, recent, approved):
        comment.refresh_from_db()
    assert old.text == "" and old.purged_at is not None and old.status == Status.REJECTED
    assert old.rejection_reason == "Propos insultants"
    assert Flag.objects.get(comment=old).matched == ""
    assert recent.text == "Texte refusé récent" and recent.purged_at is None
    assert Flag.objects.get(comment=recent).matched == "texte"
    assert approved.text == "Publié il y a longtemps"
    decision = Decision.objects.get(comment=old, action=Decision.Action.REJECT)
    assert decision.moderator == moderator and decision.reason == "Propos insultants"
    assert retention.purge_rejected() == 0


def test_a_purged_comment_cannot_be_published_again(settings, make_comment, article, reader, moderator):
    settings.COMMENTS_REJECTED_RETENTION_DAYS = 1
    comment = rejected_days_ago(make_comment, article, reader, moderator, 2)
    retention.purge_rejected()
    outcome = moderation.approve([comment], moderator)
    assert not outcome.changed and len(outcome.skipped) == 1
    assert Comment.objects.get(pk=comment.pk).status == Status.REJECTED


def test_the_purge_is_a_periodic_job():
    assert jobs.registered()["comments-retention"][1] is retention.purge_rejected
