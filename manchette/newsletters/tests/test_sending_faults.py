"""A worker killed (SIGKILL) in the middle of an edition, started again beside a second one: every subscriber
gets the edition, and a message arrives twice only where the report counts it as maybe sent twice."""

import collections
import os
import signal
import subprocess
import sys
import time

import pytest
from django.utils import timezone

from manchette.newsletters import sending
from manchette.newsletters.models import Edition, EditionItem, EditionStatus, Newsletter, Subscriber, Subscription
from manchette.testing.pytest_plugin import serving_env, smtp_env

pytestmark = [pytest.mark.server, pytest.mark.django_db(transaction=True), pytest.mark.timeout(240)]

SUBSCRIBERS = 1500


def start_worker(env, log_path):
    log = open(log_path, "ab")  # noqa: SIM115 — closed with the process
    command = [sys.executable, "-m", "manchette.cli", "worker", "--interval", "0.2", "--no-startup-delay"]
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    process.log = log
    return process


def stop(process, sig=signal.SIGTERM):
    if process.poll() is None:
        os.killpg(process.pid, sig)
    process.wait(timeout=30)
    process.log.close()


def wait_until(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"{what} : toujours pas au bout de {timeout} s")


def test_killing_a_worker_mid_edition_loses_nothing_and_duplicates_only_what_the_report_counts(
        smtp_server, published_article, tmp_path):
    newsletter = Newsletter.objects.create(name="La Une du matin", slug="une", description="L’essentiel.")
    subscribers = Subscriber.objects.bulk_create(
        Subscriber(email=f"lecteur{n}@example.org", confirmed_at=timezone.now()) for n in range(SUBSCRIBERS))
    Subscription.objects.bulk_create(Subscription(subscriber=s, newsletter=newsletter) for s in subscribers)
    edition = Edition.objects.create(newsletter=newsletter, subject="Édition du jour")
    EditionItem.objects.create(edition=edition, article=published_article(title="Le pont rouvre", slug="pont"), sort_order=0)

    env = serving_env(**smtp_env(smtp_server), NEWSLETTER_SLICE_SECONDS=3, NEWSLETTER_BATCH_SIZE=50,
                      NEWSLETTER_PARALLEL_SENDS=2, NEWSLETTER_CLAIM_TIMEOUT=60)
    sending.start(edition)
    first = start_worker(env, tmp_path / "worker-1.log")
    try:
        wait_until(lambda: len(smtp_server.messages) >= SUBSCRIBERS // 4, 120, "le premier quart")
        stop(first, signal.SIGKILL)
        received_at_kill = len(smtp_server.messages)
        assert received_at_kill < SUBSCRIBERS, "le worker a fini avant d’être tué : rien n’a été éprouvé"
        assert Edition.objects.get(pk=edition.pk).status == EditionStatus.SENDING

        # Started again, with a second worker beside it: they share the rest without overlapping.
        second = start_worker(env, tmp_path / "worker-2.log")
        third = start_worker(env, tmp_path / "worker-3.log")
        try:
            wait_until(lambda: Edition.objects.get(pk=edition.pk).status == EditionStatus.SENT, 180, "la fin de l’envoi")
        finally:
            stop(second)
            stop(third)
    finally:
        stop(first, signal.SIGKILL)

    edition.refresh_from_db()
    received = collections.Counter(m.envelope_to[0] for m in smtp_server.messages)
    missing = {s.email for s in subscribers} - set(received)
    duplicates = sum(count - 1 for count in received.values())
    assert not missing
    assert duplicates <= edition.maybe_twice
    assert sending.report(edition)["sent"] == SUBSCRIBERS
