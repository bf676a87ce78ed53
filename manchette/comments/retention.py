"""How long a refused comment's words are kept (RGPD: no longer than needed).

A rejected comment's text, and what the automatic checks quoted of it, are erased COMMENTS_REJECTED_RETENTION_DAYS
after the decision; the comment's row stays, with `purged_at`, and so do its decisions (audit.py) and the reason
given, which never copy the text. The default (190 days) keeps the text through the six months in which its author
may contest the decision (the Digital Services Act, art. 20), so that the moderator who reviews it can read it.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import Comment, Flag, Status

BATCH = 500


def purge_rejected(now=None):
    """Erase the text of the comments rejected before the retention period; the number erased."""
    now = now or timezone.now()
    limit = now - timedelta(days=settings.COMMENTS_REJECTED_RETENTION_DAYS)
    expired = Comment.objects.filter(status=Status.REJECTED, purged_at__isnull=True).filter(
        moderated_at__lt=limit,
    ) | Comment.objects.filter(status=Status.REJECTED, purged_at__isnull=True, moderated_at__isnull=True, created_at__lt=limit)
    done = 0
    while True:
        ids = list(expired.order_by("pk").values_list("pk", flat=True)[:BATCH])
        if not ids:
            return done
        with transaction.atomic():
            # A comment approved again meanwhile keeps its text: the status is checked again in the update.
            done += Comment.objects.filter(pk__in=ids, status=Status.REJECTED).update(text="", purged_at=now)
            Flag.objects.filter(comment_id__in=ids, comment__status=Status.REJECTED).update(matched="")
