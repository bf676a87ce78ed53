"""Retention (DSA_RETENTION_DAYS): notices, statements and reviews go once the period has run from their
decision; open ones stay, the six months of complaints are a floor, and the moderation decisions stay."""

import datetime

import pytest
from django.utils import timezone

from manchette.comments import moderation
from manchette.comments.models import Decision
from manchette.dsa import retention
from manchette.dsa.models import Notice, Review, Statement

from .test_notices import notify


def ago(days):
    return timezone.now() - datetime.timedelta(days=days)


@pytest.fixture
def decided(comment, moderators, django_capture_on_commit_callbacks):
    """A notice about COMMENT, and the removal that decided it: (notice, statement)."""
    notify(comment=comment)
    with django_capture_on_commit_callbacks(execute=True):
        moderation.reject([comment], moderators[0], "Hors sujet")
    return Notice.objects.get(), Statement.objects.get()


def test_what_is_older_than_the_period_goes_and_the_decisions_stay(decided, settings):
    settings.DSA_RETENTION_DAYS = 400
    _, statement = decided
    assert retention.purge_expired() == {"notices": 0, "statements": 0, "reviews": 0}
    Notice.objects.update(decided_at=ago(401))
    Statement.objects.update(created_at=ago(401))
    assert retention.purge_expired() == {"notices": 1, "statements": 1, "reviews": 0}
    assert not Notice.objects.exists() and not Statement.objects.exists()
    assert Decision.objects.filter(action=Decision.Action.REJECT, comment_number=statement.comment_number).exists()


def test_open_notices_and_reviews_stay_and_a_review_extends_its_statement(decided, comment, settings):
    settings.DSA_RETENTION_DAYS = 400
    _, statement = decided
    Notice.objects.create(reference="DSA-OUVE-RT00", comment_number=comment.pk, url="/", ground="haine", explanation="x" * 40)
    Notice.objects.update(created_at=ago(900))
    Notice.objects.filter(status=Notice.Status.REMOVED).update(decided_at=ago(399))
    Statement.objects.update(created_at=ago(500))
    review = Review.objects.create(statement=statement, explanation="x" * 40, created_at=ago(450))
    assert retention.purge_expired() == {"notices": 0, "statements": 0, "reviews": 0}
    Review.objects.filter(pk=review.pk).update(status=Review.Status.UPHELD, decided_at=ago(10))
    assert retention.purge_expired()["statements"] == 0
    Review.objects.filter(pk=review.pk).update(decided_at=ago(401))
    Notice.objects.filter(status=Notice.Status.REMOVED).update(decided_at=ago(401))
    assert retention.purge_expired() == {"notices": 1, "statements": 1, "reviews": 1}
    assert list(Notice.objects.values_list("status", flat=True)) == [Notice.Status.OPEN]


def test_the_complaint_period_is_a_floor(decided, settings):
    settings.DSA_RETENTION_DAYS = 30
    Notice.objects.update(decided_at=ago(100))
    Statement.objects.update(created_at=ago(100))
    assert retention.retention_days() == 184
    assert retention.purge_expired() == {"notices": 0, "statements": 0, "reviews": 0}
    Statement.objects.update(created_at=ago(185))
    assert retention.purge_expired()["statements"] == 1
