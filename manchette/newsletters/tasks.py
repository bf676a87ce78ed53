"""The newsletters' background work, run by `manchette worker` (django-tasks, database backend).

- send_edition: one worker sends an edition for a while (sending.py), then hands over to a new task of its own,
  so that other work (scheduled publishing, e-mails to readers) is never held up for long by a big edition;
  start_senders() starts NEWSLETTER_PARALLEL_SENDS of them, one per worker that is free.
- run_periodic: every minute, once for all workers (manchette/periodic): starts the editions that fell due
  (schedule.py), restarts the sends whose tasks died with their worker, warns the editors of a send that stalls,
  reads the bounce mailbox, forgets the signups never confirmed.
- take_over_sends: when a worker starts, the sends a stopped worker left half-way.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from .models import Edition, EditionStatus

log = logging.getLogger(__name__)


@task()
def send_edition(edition_id):
    from . import sending

    wait = sending.send_for_a_while(edition_id)
    if wait is not None:
        later(edition_id, wait)
    return wait


def later(edition_id, seconds):
    if seconds > 0:
        send_edition.using(run_after=timezone.now() + timedelta(seconds=seconds)).enqueue(edition_id)
    else:
        send_edition.enqueue(edition_id)


def start_senders(edition_id):
    for _ in range(max(settings.NEWSLETTER_PARALLEL_SENDS, 1)):
        send_edition.enqueue(edition_id)


def _waiting(a_task, args=None):
    """Tasks of A_TASK (with ARGS) waiting to run."""
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(task_path=a_task.module_path, status="READY")
    if args is not None:
        waiting = waiting.filter(args_kwargs__args=list(args))
    return waiting


def resume_sends():
    """Sends with no task left to carry them (their worker was killed) get new ones; a send that made no
    progress for NEWSLETTER_STALL_MINUTES is reported to the editors once."""
    from . import alerts

    now = timezone.now()
    quiet = now - timedelta(seconds=max(3 * settings.NEWSLETTER_SLICE_SECONDS, settings.NEWSLETTER_CLAIM_TIMEOUT))
    for edition in Edition.objects.filter(status=EditionStatus.SENDING):
        if not _waiting(send_edition, [edition.pk]).exists() and (edition.progress_at is None or edition.progress_at < quiet):
            log.warning("édition %s : envoi repris", edition.pk)
            start_senders(edition.pk)
        stalled = edition.progress_at is None or edition.progress_at < now - timedelta(minutes=settings.NEWSLETTER_STALL_MINUTES)
        if stalled and Edition.objects.filter(pk=edition.pk, alerted_at__isnull=True).update(alerted_at=now):
            alerts.alert_editors(edition, "stalled")
    # A send that moves again may be reported again if it stalls later.
    Edition.objects.filter(status=EditionStatus.SENDING, alerted_at__isnull=False, progress_at__gt=now - timedelta(minutes=1)).update(alerted_at=None)


def run_periodic():
    from . import schedule

    # Each step on its own: a mailbox that cannot be read must not stop the schedule, nor the schedule the sends.
    for step in (schedule.run_due, resume_sends, _read_bounces, forget_unconfirmed):
        try:
            step()
        except Exception:
            log.exception("newsletters : %s a échoué", step.__name__)


def forget_unconfirmed():
    """Signups whose link expired, and addresses never proven that nothing waits for any more: an address typed
    into the form by someone, perhaps not its owner, is not kept."""
    from .models import Signup, Subscriber

    expired = timezone.now() - timedelta(hours=settings.NEWSLETTER_CONFIRM_HOURS)
    Signup.objects.filter(confirmed_at__isnull=True, created_at__lt=expired).delete()
    Subscriber.objects.filter(confirmed_at__isnull=True, user__isnull=True, signups__isnull=True,
                              created_at__lt=expired).delete()


def _read_bounces():
    from . import bounces

    bounces.poll()


def take_over_sends():
    """When a worker starts: the sends it must resume (a stopped worker's claims put back, their tasks again)."""
    from . import sending

    for edition in Edition.objects.filter(status=EditionStatus.SENDING):
        sending.take_over(edition.pk)
        if not _waiting(send_edition, [edition.pk]).exists():
            start_senders(edition.pk)
