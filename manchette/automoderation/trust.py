"""Readers' trust, earned and lost: a reader whose comments moderators keep approving skips pre-moderation and
has their links shown as links; a reader whose comments keep being refused goes back to pre-moderation, even on
open articles. A moderator's choice (models.Trust) overrides what the history says, both ways.

What counts, from the settings:
- trusted: at least COMMENTS_TRUST_APPROVED comments a moderator approved (or chose for « Choix de la rédaction »:
  `moderated_at` is set), and no comment refused in the last COMMENTS_TRUST_QUIET_DAYS days. A comment published
  without moderation on an open article counts for nothing: nobody read it, and five harmless ones must not buy a
  spammer his links.
- pre-moderated: COMMENTS_DISTRUST_REJECTED, "3/10", three refused among their last ten decided comments
  (published or refused, by a moderator or by the rules).
Staff are not set apart: their comments on the site are a reader's, and a moderator sets their level by hand if
the newsroom wants.

The history is read in one query on indexed columns (comment_author: author, status), once per submission.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Max, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from manchette.comments import audit
from manchette.comments.models import Comment, Decision, Status
from manchette.comments.moderation import REASON_MAX_LENGTH, one_line

from .models import Trust

TRUSTED, PREMODERATED = Trust.Level.TRUSTED.value, Trust.Level.PREMODERATED.value
# Decision.rule of a moderator's choice, by level (None: back to what the history says).
RULES = {TRUSTED: "confiance", PREMODERATED: "premoderation", None: "automatique"}


def distrust():
    """(refused, among the last N decided) from COMMENTS_DISTRUST_REJECTED ("3/10"; "3" alone: among 10)."""
    raw = str(getattr(settings, "COMMENTS_DISTRUST_REJECTED", "3/10"))
    count, _slash, window = raw.partition("/")
    return int(count), int(window or 10)


@dataclass
class Standing:
    """A reader's trust now, and why: the moderator's choice (`chosen`, a Trust level) or the figures."""

    level: str | None = None
    chosen: str | None = None
    approved: int = 0
    refused_lately: int = 0
    window: int = 0
    last_refusal: object = None

    @property
    def trusted(self):
        return self.level == TRUSTED

    @property
    def premoderated(self):
        return self.level == PREMODERATED


def standing(user, now=None):
    """USER's Standing, in one query: their moderator-approved comments, their last refusal, the refusals among
    their last decided comments, and a moderator's choice if any."""
    if user is None or getattr(user, "pk", None) is None:
        return Standing()
    now = now or timezone.now()
    refused, window = distrust()
    last_decided = (
        Comment.objects.filter(author=user.pk, status__in=[Status.APPROVED, Status.REJECTED])
        .order_by("-created_at", "-pk").values("pk")[:max(window, 0)]
    )
    row = get_user_model().objects.filter(pk=user.pk).aggregate(
        approved=Count("comments", filter=Q(comments__status=Status.APPROVED, comments__moderated_at__isnull=False)),
        last_refusal=Max(Coalesce("comments__moderated_at", "comments__created_at"), filter=Q(comments__status=Status.REJECTED)),
        refused_lately=Count("comments", filter=Q(comments__status=Status.REJECTED, comments__pk__in=last_decided)),
        chosen=Max("moderation_trust__level"),
    )
    found = Standing(chosen=row["chosen"], approved=row["approved"], refused_lately=row["refused_lately"],
                     window=window, last_refusal=row["last_refusal"])
    found.level = found.chosen or earned(found, refused, now)
    return found


def earned(found, refused, now):
    """The level FOUND's figures give, without a moderator's choice."""
    if refused > 0 and found.refused_lately >= refused:
        return PREMODERATED
    needed = settings.COMMENTS_TRUST_APPROVED
    quiet_since = now - timedelta(days=settings.COMMENTS_TRUST_QUIET_DAYS)
    if needed > 0 and found.approved >= needed and (found.last_refusal is None or found.last_refusal < quiet_since):
        return TRUSTED
    return None


def standing_of(submission):
    """The author's Standing for SUBMISSION, read once whatever asks for it while the comment is checked."""
    if not hasattr(submission, "standing"):
        submission.standing = standing(submission.user, submission.now)
    return submission.standing


def check(submission, verdict):
    found = standing_of(submission)
    verdict.trusted = found.trusted
    verdict.premoderated = found.premoderated


def level_label(level):
    return str(Trust.Level(level).label) if level else _("Automatique, selon son historique")


def set_level(user, level, by, reason=""):
    """A moderator's choice for USER: TRUSTED, PREMODERATED, or None (their history decides again), with REASON;
    recorded as a Decision (action « trust ») in the same transaction. False when it was so already (nothing
    recorded)."""
    if level not in RULES:
        raise ValueError(level)
    reason = one_line(reason)
    with transaction.atomic():
        # One choice at a time per reader: two moderators clicking together find each other.
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        current = Trust.objects.filter(user=user).first()
        if (current.level if current else None) == level:
            return False
        if level is None:
            current.delete()
        else:
            Trust.objects.update_or_create(user=user, defaults={
                "level": level, "reason": reason[:300], "set_by": by, "set_at": timezone.now(),
            })
        told = f"{level_label(level)}\u00a0: {reason}" if reason else level_label(level)
        audit.record(Decision.Action.TRUST, author=user, moderator=by, reason=told[:REASON_MAX_LENGTH], rule=RULES[level])
    return True
