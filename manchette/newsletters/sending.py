"""Sending an edition: once to each subscriber, by as many workers as run, through crashes.

start() freezes the edition and makes one Delivery per recipient, in one transaction. Workers then take
deliveries in small batches (claim(): each row goes to one worker, marked SENDING with its name), send them over
one reused SMTP connection, and record the outcome of the batch. A worker that dies leaves its claimed rows
SENDING: once it is seen dead (its process gone from this machine) or silent (NEWSLETTER_CLAIM_TIMEOUT), another
worker puts them back in the queue and counts them in Edition.maybe_twice — some of them may have been accepted by
the SMTP server before the worker could record it; no other message can go twice, and none is lost.

A 4xx answer or an unreachable server puts messages back with a delay that grows with each attempt; a 5xx answer
marks the address bounced (suppressions.py). NEWSLETTER_RATE_LIMIT caps what all workers send together, counted
over sliding windows from the deliveries' own send times.
"""

import logging
import os
import secrets
import smtplib
import socket
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, F, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from manchette.processes import alive

from . import message, suppressions
from .models import Delivery, DeliveryStatus, Edition, EditionStatus, SendWorker, Subscription, Suppression, email_hash

log = logging.getLogger(__name__)


class CannotSend(Exception):
    pass


class RelayDown(Exception):
    """The SMTP server cannot take messages now (unreachable, or a 4xx for the whole connection)."""


# --- Starting ---------------------------------------------------------------------------------------------------

def start(edition, user=None):
    """Freezes EDITION and queues one delivery per confirmed, active subscriber of its list; the send tasks run
    once the transaction commits. CannotSend (with a French message) when it is not a draft or a programmed one."""
    from . import compose, tasks

    with transaction.atomic():
        edition = Edition.objects.select_for_update().select_related("newsletter").get(pk=edition.pk)
        if edition.status not in (EditionStatus.DRAFT, EditionStatus.SCHEDULED):
            raise CannotSend(_("Cette édition a déjà été envoyée ou est en cours d’envoi."))
        if not edition.newsletter.active:
            raise CannotSend(_("Cette newsletter est désactivée."))
        compose.freeze(edition)
        now = timezone.now()
        edition.status = EditionStatus.SENDING
        edition.started_at = edition.progress_at = now
        edition.error = ""
        edition.recipients = _make_deliveries(edition)
        if user is not None and edition.created_by_id is None:
            edition.created_by = user
        edition.save()
        transaction.on_commit(lambda: tasks.start_senders(edition.pk))
    return edition


def _make_deliveries(edition):
    """One queued delivery per subscriber with an active subscription who confirmed their address, made in the
    database (INSERT … SELECT): 100,000 of them cost no Python objects."""
    delivery, subscription = Delivery._meta, Subscription._meta
    subscriber = Subscription._meta.get_field("subscriber").related_model._meta
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {delivery.db_table} (edition_id, subscriber_id, status, attempts, error) "
            f"SELECT %s, s.subscriber_id, %s, 0, '' FROM {subscription.db_table} s "
            f"JOIN {subscriber.db_table} r ON r.id = s.subscriber_id "
            f"WHERE s.newsletter_id = %s AND s.active AND r.confirmed_at IS NOT NULL",
            [edition.pk, DeliveryStatus.QUEUED, edition.newsletter_id],
        )
    return Delivery.objects.filter(edition=edition).count()


# --- Workers and their claims -----------------------------------------------------------------------------------

_me = None


def me():
    """This process as a sending worker (one row per process, refreshed as it works)."""
    global _me
    if _me is None or _me.pid != os.getpid():
        host = socket.gethostname()
        _me = SendWorker.objects.create(id=f"{host}:{os.getpid()}:{secrets.token_hex(4)}", host=host, pid=os.getpid())
    return _me


def heartbeat(worker):
    SendWorker.objects.filter(pk=worker.pk).update(seen_at=timezone.now())


def dead_workers():
    """Workers whose claims may be taken over: silent too long, or gone from this machine."""
    silent = timezone.now() - timedelta(seconds=settings.NEWSLETTER_CLAIM_TIMEOUT)
    host = socket.gethostname()
    dead = []
    for worker in SendWorker.objects.all():
        if worker.seen_at < silent or (worker.host == host and worker.pid != os.getpid() and not alive(worker.pid)):
            dead.append(worker.pk)
    return dead


def take_over(edition_id):
    """Puts back in the queue what dead workers had claimed; counted as maybe sent twice."""
    dead = dead_workers()
    orphaned = Q(worker__isnull=True) | Q(worker_id__in=dead)
    with transaction.atomic():
        count = Delivery.objects.filter(orphaned, edition_id=edition_id, status=DeliveryStatus.SENDING).update(
            status=DeliveryStatus.QUEUED, worker=None)
        if count:
            Edition.objects.filter(pk=edition_id).update(maybe_twice=F("maybe_twice") + count)
            log.warning("édition %s : %s envois repris à un worker arrêté", edition_id, count)
    if dead:
        SendWorker.objects.filter(pk__in=dead, seen_at__lt=timezone.now() - timedelta(days=1)).delete()
    return count


def claim(edition_id, worker, size):
    """Up to SIZE queued deliveries of the edition, now this worker's: [(pk, email, key)]."""
    now = timezone.now()
    with transaction.atomic():
        ready = Delivery.objects.filter(edition_id=edition_id, status=DeliveryStatus.QUEUED).filter(
            Q(not_before__isnull=True) | Q(not_before__lte=now)).order_by("pk")
        if connection.features.has_select_for_update_skip_locked:
            ready = ready.select_for_update(skip_locked=True)
        ids = list(ready.values_list("pk", flat=True)[:size])
        if not ids:
            return []
        # On SQLite the transaction holds the write lock from its start (IMMEDIATE); on PostgreSQL the rows are
        # locked: either way no other worker takes them.
        Delivery.objects.filter(pk__in=ids, status=DeliveryStatus.QUEUED).update(status=DeliveryStatus.SENDING, worker=worker)
    return list(Delivery.objects.filter(pk__in=ids, worker=worker, status=DeliveryStatus.SENDING)
                .order_by("pk").values_list("pk", "subscriber__email", "subscriber__key", "subscriber_id"))


def _still_wanted(edition, batch):
    """The pks in BATCH whose subscriber still wants this list and is not suppressed (checked just before sending:
    leaving takes effect before the next message)."""
    active = set(Subscription.objects.filter(
        newsletter_id=edition.newsletter_id, active=True, subscriber_id__in=[row[3] for row in batch],
    ).values_list("subscriber_id", flat=True))
    hashes = {row[0]: email_hash(row[1]) for row in batch}
    suppressed = set(Suppression.objects.filter(email_hash__in=hashes.values()).values_list("email_hash", flat=True))
    return {row[0] for row in batch if row[3] in active and hashes[row[0]] not in suppressed}


# --- The SMTP connection ----------------------------------------------------------------------------------------

class Relay:
    """One SMTP connection, opened when first needed and reused for every message."""

    def __init__(self):
        self.smtp = None

    def open(self):
        if self.smtp is None:
            try:
                klass = smtplib.SMTP_SSL if settings.EMAIL_USE_SSL else smtplib.SMTP
                smtp = klass(settings.EMAIL_HOST, settings.EMAIL_PORT, timeout=settings.EMAIL_TIMEOUT)
                if settings.EMAIL_USE_TLS:
                    smtp.starttls()
                if settings.EMAIL_HOST_USER:
                    smtp.login(settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD)
            except (OSError, smtplib.SMTPException) as error:
                raise RelayDown(str(error) or error.__class__.__name__) from error
            self.smtp = smtp
        return self.smtp

    def send(self, sender, recipient, data):
        """None when accepted; ("bounced"|"retry", detail) when refused for this recipient; RelayDown otherwise."""
        smtp = self.open()
        try:
            refused = smtp.sendmail(sender, [recipient], data)
        except smtplib.SMTPRecipientsRefused as error:
            code, detail = next(iter(error.recipients.values()))
            return _refusal(code, detail)
        except (smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as error:
            if error.smtp_code == 421:
                self.close()
                raise RelayDown(_describe(error.smtp_code, error.smtp_error)) from error
            return _refusal(error.smtp_code, error.smtp_error)
        except (OSError, smtplib.SMTPException) as error:
            self.close()
            raise RelayDown(str(error) or error.__class__.__name__) from error
        if refused:
            code, detail = next(iter(refused.values()))
            return _refusal(code, detail)
        return None

    def close(self):
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (OSError, smtplib.SMTPException):
                pass
            self.smtp = None


def _describe(code, detail):
    if isinstance(detail, bytes):
        detail = detail.decode("utf-8", "replace")
    return f"{code} {detail}"[:300]


def _refusal(code, detail):
    return ("bounced" if 500 <= code < 600 else "retry", _describe(code, detail))


def backoff(attempts):
    """Seconds before trying again after ATTEMPTS failures: 30 s, 1 min, 2 min … up to 30 min."""
    return min(30 * 2 ** max(attempts - 1, 0), 1800)


# --- The rate limit ---------------------------------------------------------------------------------------------

def allowance(wanted):
    """(how many may be sent now, seconds to wait when none): the sliding windows of NEWSLETTER_RATE_LIMIT,
    shared by every worker through the deliveries' send times."""
    from manchette.accounts.rates import parse

    rates = parse(settings.NEWSLETTER_RATE_LIMIT)
    if not rates:
        return wanted, 0
    now = timezone.now()
    in_flight = Delivery.objects.filter(status=DeliveryStatus.SENDING).count()
    allowed, wait = wanted, 0.0
    for count, seconds in rates:
        since = now - timedelta(seconds=seconds)
        recent = Delivery.objects.filter(sent_at__gt=since)
        left = count - recent.count() - in_flight
        if left <= 0:
            oldest = recent.aggregate(first=Min("sent_at"))["first"]
            wait = max(wait, (oldest - since).total_seconds() if oldest else 1.0, 0.2)
        allowed = min(allowed, max(left, 0))
    return allowed, wait


# --- The send loop ----------------------------------------------------------------------------------------------

def send_for_a_while(edition_id, seconds=None):
    """Sends EDITION's queued deliveries for up to SECONDS (NEWSLETTER_SLICE_SECONDS); returns when to come back
    (seconds from now) or None when this worker has nothing more to do for the edition."""
    edition = Edition.objects.select_related("newsletter").filter(pk=edition_id).first()
    if edition is None or edition.status != EditionStatus.SENDING:
        return None
    worker = me()
    deadline = time.monotonic() + (settings.NEWSLETTER_SLICE_SECONDS if seconds is None else seconds)
    template = message.Template(edition)
    # Each connection waits for the server's answers (four a message) while the others send: a worker keeps
    # NEWSLETTER_SMTP_CONNECTIONS of them busy, in threads; signing releases the GIL.
    relays = [Relay() for _ in range(max(settings.NEWSLETTER_SMTP_CONNECTIONS, 1))]
    try:
        with ThreadPoolExecutor(len(relays), thread_name_prefix="smtp") as pool:
            while time.monotonic() < deadline:
                heartbeat(worker)
                take_over(edition_id)
                allowed, wait = allowance(settings.NEWSLETTER_BATCH_SIZE)
                if not allowed:
                    if time.monotonic() + wait > deadline:
                        return wait
                    time.sleep(wait)
                    continue
                batch = claim(edition_id, worker, allowed)
                if not batch:
                    return _nothing_claimed(edition_id)
                down = _send_batch(edition, template, relays, pool, batch)
                if down is not None:
                    return _relay_down(edition, down)
        return 0
    finally:
        for relay in relays:
            relay.close()


def _send_batch(edition, template, relays, pool, batch):
    """Sends BATCH over RELAYS and records what became of each message; the RelayDown that stopped it, if any."""
    wanted = _still_wanted(edition, batch)
    skipped = [row[0] for row in batch if row[0] not in wanted]
    todo = [row for row in batch if row[0] in wanted]
    shares = [todo[i::len(relays)] for i in range(len(relays))]
    results = list(pool.map(lambda pair: _send_share(template, *pair), zip(relays, shares, strict=True)))
    sent = [pk for result in results for pk in result[0]]
    bounced = [row for result in results for row in result[1]]
    retry = [row for result in results for row in result[2]]
    # What was done is recorded even when the server went away half-way; the rest goes back to the queue.
    done = set(sent) | set(skipped) | {row[0] for row in bounced} | {row[0] for row in retry}
    _record(edition, sent, skipped, bounced, retry, [row[0] for row in batch if row[0] not in done])
    return next((result[3] for result in results if result[3] is not None), None)


def _send_share(template, relay, share):
    """(sent, bounced, retry, RelayDown or None) for SHARE, sent in order over RELAY."""
    sent, bounced, retry = [], [], []
    for pk, address, key, _subscriber in share:
        sender, recipient, data = template.message(address, key, pk)
        try:
            outcome = relay.send(sender, recipient, data)
        except RelayDown as error:
            return sent, bounced, retry, error
        if outcome is None:
            sent.append(pk)
        elif outcome[0] == "bounced":
            bounced.append((pk, address, outcome[1]))
        else:
            retry.append((pk, outcome[1]))
    return sent, bounced, retry, None


@transaction.atomic
def _record(edition, sent, skipped, bounced, retry, unsent):
    now = timezone.now()
    if sent:
        Delivery.objects.filter(pk__in=sent).update(status=DeliveryStatus.SENT, sent_at=now, worker=None)
    if skipped:
        Delivery.objects.filter(pk__in=skipped).update(status=DeliveryStatus.SKIPPED, worker=None)
    for pk, address, detail in bounced:
        Delivery.objects.filter(pk=pk).update(worker=None, attempts=F("attempts") + 1)
        suppressions.bounced(address, detail, delivery_id=pk)
    for pk, detail in retry:
        delivery = Delivery.objects.get(pk=pk)
        attempts = delivery.attempts + 1
        if attempts >= settings.NEWSLETTER_MAX_ATTEMPTS:
            Delivery.objects.filter(pk=pk).update(status=DeliveryStatus.FAILED, attempts=attempts, worker=None, error=detail)
        else:
            Delivery.objects.filter(pk=pk).update(status=DeliveryStatus.QUEUED, attempts=attempts, worker=None, error=detail,
                                                  not_before=now + timedelta(seconds=backoff(attempts)))
    if unsent:
        Delivery.objects.filter(pk__in=unsent).update(status=DeliveryStatus.QUEUED, worker=None)
    Edition.objects.filter(pk=edition.pk).update(progress_at=now)


def _relay_down(edition, error):
    """The server could not take messages: the rest waits, longer after each failure in a row."""
    failures = edition_failures.get(edition.pk, 0) + 1
    edition_failures[edition.pk] = failures
    delay = backoff(failures)
    Edition.objects.filter(pk=edition.pk).update(error=_("Serveur d’envoi indisponible : %(error)s") % {"error": str(error)[:250]})
    log.warning("édition %s : serveur SMTP indisponible (%s), nouvel essai dans %s s", edition.pk, error, delay)
    return delay


edition_failures = {}


def _nothing_claimed(edition_id):
    """No delivery ready for this worker: finished, or the rest is claimed by others or waiting to be retried."""
    edition_failures.pop(edition_id, None)
    left = Delivery.objects.filter(edition_id=edition_id, status__in=[DeliveryStatus.QUEUED, DeliveryStatus.SENDING])
    if not left.exists():
        finish(edition_id)
        return None
    waiting = left.filter(status=DeliveryStatus.QUEUED).aggregate(next=Min("not_before"))["next"]
    if waiting is not None:
        return max((waiting - timezone.now()).total_seconds(), 1.0)
    # Others are sending the rest: come back to take over if one of them dies.
    return settings.NEWSLETTER_CLAIM_TIMEOUT / 2 if left.filter(status=DeliveryStatus.SENDING).exists() else None


def finish(edition_id):
    if Edition.objects.filter(pk=edition_id, status=EditionStatus.SENDING).update(
            status=EditionStatus.SENT, finished_at=timezone.now(), error=""):
        log.info("édition %s envoyée", edition_id)


# --- A test message, the report ---------------------------------------------------------------------------------

def send_test(edition, address):
    """EDITION, as subscribers will get it, to ADDRESS (the editor's), now; its links name nobody."""
    import uuid

    from . import compose

    compose.freeze(edition)
    template = message.Template(edition)
    _sender, recipient, data = template.message(address, uuid.uuid4(), 0)
    relay = Relay()
    try:
        outcome = relay.send(template.from_address, recipient, data)
    except RelayDown as error:
        raise CannotSend(_("Le serveur d’envoi ne répond pas : %(error)s") % {"error": error}) from error
    finally:
        relay.close()
    if outcome is not None:
        raise CannotSend(_("Le serveur d’envoi a refusé l’adresse : %(error)s") % {"error": outcome[1]})


def report(edition):
    """Where EDITION's send stands: counts by outcome, rate over the last 30 s, time left."""
    counts = dict(Delivery.objects.filter(edition=edition).values_list("status").annotate(n=Count("pk")))
    now = timezone.now()
    recent = Delivery.objects.filter(edition=edition, sent_at__gte=now - timedelta(seconds=30)).count()
    rate = recent / 30
    left = counts.get(DeliveryStatus.QUEUED, 0) + counts.get(DeliveryStatus.SENDING, 0)
    unsubscribed_since = 0
    if edition.started_at:
        unsubscribed_since = Subscription.objects.filter(newsletter_id=edition.newsletter_id, ended_at__gte=edition.started_at).count()
    return {
        "status": edition.status,
        "recipients": edition.recipients,
        "sent": counts.get(DeliveryStatus.SENT, 0),
        "failed": counts.get(DeliveryStatus.FAILED, 0),
        "bounced": counts.get(DeliveryStatus.BOUNCED, 0),
        "skipped": counts.get(DeliveryStatus.SKIPPED, 0),
        "left": left,
        "maybe_twice": edition.maybe_twice,
        "unsubscribed_since": unsubscribed_since,
        "rate": round(rate, 1),
        "eta_seconds": round(left / rate) if rate and left else None,
        "error": edition.error,
    }
