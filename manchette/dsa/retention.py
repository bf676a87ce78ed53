"""How long the notice-and-action records are kept: DSA_RETENTION_DAYS after the decision (default 400), never
less than the six months in which the decision may be contested (Art. 20(1)), so `purge_expired` (scheduled by
the site) never takes what a review or a dispute may still need.

400 days: the six months of complaints, the time a review or an out-of-court settlement (Art. 21) takes once
asked at the last day, and a whole calendar year behind the annual transparency report (Art. 15), which counts
the year's notices and decisions. Notices still open and statements whose review is still open are kept.
"""

import datetime
import logging

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from .models import Notice, Review, Statement
from .statements import COMPLAINT_DAYS

logger = logging.getLogger(__name__)


def retention_days():
    return max(int(settings.DSA_RETENTION_DAYS), COMPLAINT_DAYS)


def purge_expired(now=None):
    """Delete the notices decided, and the statements (with their review) made, more than the retention period
    ago; a statement whose review was decided since is kept until the period has run from that review.
    Returns {"notices": n, "statements": n, "reviews": n}."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=retention_days())
    notices, _ = Notice.objects.exclude(status=Notice.Status.OPEN).filter(decided_at__lt=cutoff).delete()
    expired = Statement.objects.filter(created_at__lt=cutoff).filter(
        Q(review__isnull=True) | Q(review__status__in=[Review.Status.UPHELD, Review.Status.REVERSED], review__decided_at__lt=cutoff)
    )
    _, deleted = expired.delete()
    counts = {"notices": notices, "statements": deleted.get("dsa.Statement", 0), "reviews": deleted.get("dsa.Review", 0)}
    if any(counts.values()):
        logger.info("DSA : conservation échue, supprimés %s", counts)
    return counts
