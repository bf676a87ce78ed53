"""When a list's editions are due, and what happens to one that fell due: sent (on time, or late within
NEWSLETTER_GRACE_MINUTES), or skipped and reported when the worker was away for longer — a morning edition must not
go out in the afternoon. Each due time makes one Edition (unique per list and due time), so however many workers
and restarts look at it, it is sent at most once."""

import datetime
import logging
from datetime import timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .models import Edition, EditionStatus, Frequency, Newsletter

log = logging.getLogger(__name__)


def _zone():
    return ZoneInfo(settings.TIME_ZONE)


def last_due(newsletter, now):
    """The latest time NEWSLETTER fell due at or before NOW (aware), or None for a list sent by hand."""
    if newsletter.frequency == Frequency.MANUAL:
        return None
    local = now.astimezone(_zone())
    day = local.date()
    for back in range(8):
        date = day - timedelta(days=back)
        if newsletter.frequency == Frequency.WEEKLY and date.weekday() != newsletter.weekday:
            continue
        due = datetime.datetime.combine(date, newsletter.send_time, tzinfo=_zone())
        if due <= local:
            return due.astimezone(datetime.UTC)
    return None


def next_due(newsletter, now):
    """The first time NEWSLETTER falls due after NOW, or None for a list sent by hand."""
    if newsletter.frequency == Frequency.MANUAL:
        return None
    local = now.astimezone(_zone())
    for ahead in range(9):
        date = local.date() + timedelta(days=ahead)
        if newsletter.frequency == Frequency.WEEKLY and date.weekday() != newsletter.weekday:
            continue
        due = datetime.datetime.combine(date, newsletter.send_time, tzinfo=_zone())
        if due > local:
            return due.astimezone(datetime.UTC)
    return None


def default_subject(newsletter, due):
    return _("%(name)s du %(date)s") % {"name": newsletter.name,
                                        "date": date_format(due.astimezone(_zone()), "l j F Y")}


def run_due(now=None):
    """Makes and starts the editions that fell due; returns the editions started and skipped."""
    from . import alerts, sending

    now = now or timezone.now()
    grace = timedelta(minutes=settings.NEWSLETTER_GRACE_MINUTES)
    for newsletter in Newsletter.objects.filter(active=True).exclude(frequency=Frequency.MANUAL):
        due = last_due(newsletter, now)
        # Not for a time before the list existed; the edition of that time may exist already.
        if due is None or due < newsletter.created_at or Edition.objects.filter(newsletter=newsletter, due_at=due).exists():
            continue
        try:
            with transaction.atomic():
                Edition.objects.create(newsletter=newsletter, due_at=due, subject=default_subject(newsletter, due),
                                       status=EditionStatus.SCHEDULED)
        except IntegrityError:  # another worker made it first
            continue
    started, skipped = [], []
    for edition in Edition.objects.filter(status=EditionStatus.SCHEDULED, due_at__lte=now).select_related("newsletter"):
        if now - edition.due_at > grace:
            if Edition.objects.filter(pk=edition.pk, status=EditionStatus.SCHEDULED).update(status=EditionStatus.SKIPPED):
                log.warning("édition %s non envoyée : prévue le %s, heure dépassée", edition.pk, edition.due_at)
                alerts.alert_editors(edition, "skipped")
                skipped.append(edition)
            continue
        try:
            started.append(sending.start(edition))
        except sending.CannotSend as error:
            log.warning("édition %s non envoyée : %s", edition.pk, error)
            Edition.objects.filter(pk=edition.pk).update(status=EditionStatus.FAILED, error=str(error))
            alerts.alert_editors(Edition.objects.get(pk=edition.pk), "failed")
    return started, skipped
