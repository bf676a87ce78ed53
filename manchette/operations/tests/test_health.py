"""/sante/ and /sante/pret/ in this process, on the test's database: each check with what it checks there, then
taken away (the worker's clock, a migration, a private Redis stopped or frozen). The real server, with a private
PostgreSQL and Redis stopped in turn, is test_health_server.py."""

import os
import signal
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from manchette.edge import invalidation
from manchette.live import log as live_log
from manchette.operations import health
from manchette.periodic.models import Clock

pytestmark = pytest.mark.django_db(transaction=True)


def eventually(condition, seconds=10):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "not within the time allowed"
        time.sleep(0.05)


@pytest.fixture
def listening():
    """The buses' listeners running, as in a server process (none with SQLite alone)."""
    buses = [bus for bus in (invalidation.bus(), live_log.signal.bus()) if bus is not None]
    for bus in buses:
        bus.listen()
    eventually(lambda: all(bus.connected for bus in buses))


@pytest.fixture
def worker_seen():
    """A worker started a moment ago (periodic/jobs.py moves this clock when one starts, then every minute)."""
    return Clock.objects.update_or_create(name=health.TICK, defaults={"ran_at": timezone.now()})[0]


@pytest.fixture(autouse=True)
def fresh_process(monkeypatch):
    """What a process keeps between requests, as in a process just started."""
    monkeypatch.setattr(health, "_migrations_applied", False)


def readiness(client):
    response = client.get("/sante/pret/")
    return response.status_code, response.json()


def checks(client):
    return {name: entry["statut"] for name, entry in readiness(client)[1]["verifications"].items()}


def test_liveness_says_ok_and_is_kept_nowhere(client):
    response = client.get("/sante/")
    assert response.status_code == 200
    assert response.json() == {"statut": "ok"}
    assert {"no-store", "private"} <= {part.strip() for part in response["Cache-Control"].split(",")}
    assert not response.cookies
    assert client.head("/sante/").status_code == 200
    assert client.post("/sante/").status_code == 405


def test_ready_when_everything_answers(client, listening, worker_seen):
    status, answer = readiness(client)
    assert status == 200, answer
    assert answer["statut"] == "ok"
    entries = answer["verifications"]
    assert list(entries) == ["base", "redis", "bus", "migrations", "worker"]
    # This test process has no REDIS_URL; its bus is PostgreSQL's on PostgreSQL, none with SQLite alone.
    assert entries["redis"] == {"statut": "sans objet"}
    expected_bus = "sans objet" if invalidation.bus() is None else "ok"
    assert entries["bus"]["statut"] == expected_bus
    for name in ("base", "migrations", "worker"):
        assert entries[name]["statut"] == "ok"
        assert 0 <= entries[name]["ms"] < 1000
    assert 0 <= entries["worker"]["vu_il_y_a_s"] <= 5


def test_the_answer_names_no_database_address_or_secret(client, settings, listening, worker_seen):
    body = client.get("/sante/pret/").content.decode()
    database = settings.DATABASES["default"]
    for secret in (settings.SECRET_KEY, str(database["NAME"]), str(database.get("HOST") or "127.0.0.1"), "postgres"):
        assert secret not in body


def test_no_worker_ever_started(client, listening):
    status, answer = readiness(client)
    assert status == 503
    assert answer["statut"] == "indisponible"
    assert answer["verifications"]["worker"] == {
        "statut": "erreur", "detail": "aucun worker n’a encore démarré", "ms": answer["verifications"]["worker"]["ms"],
    }


def test_a_worker_not_seen_for_too_long(client, settings, listening, worker_seen):
    settings.HEALTH_WORKER_STALE_SECONDS = 180
    worker_seen.ran_at = timezone.now() - timedelta(seconds=600)
    worker_seen.save()
    status, answer = readiness(client)
    assert status == 503
    worker = answer["verifications"]["worker"]
    assert worker["statut"] == "erreur"
    assert 600 <= worker["vu_il_y_a_s"] <= 605
    assert worker["detail"] == f"aucun worker vu depuis {worker['vu_il_y_a_s']}\u00a0s"
    worker_seen.ran_at = timezone.now() - timedelta(seconds=170)
    worker_seen.save()
    status, answer = readiness(client)
    assert status == 200, answer


def test_the_worker_check_has_no_object_without_a_database_queue(client, settings, listening):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    status, answer = readiness(client)
    assert answer["verifications"]["worker"] == {"statut": "sans objet"}
    assert status == 200, answer


@pytest.fixture
def recorded():
    """The record of an applied migration, and Django's recorder; the record is there again after the test."""
    recorder = MigrationRecorder(connection)
    migration = recorder.migration_qs.filter(app="periodic").order_by("-id").first()
    yield recorder, (migration.app, migration.name)
    recorder.record_applied(migration.app, migration.name)


def test_migrations_left_to_apply_then_applied_then_kept_for_the_process(client, recorded, listening, worker_seen):
    recorder, migration = recorded
    recorder.record_unapplied(*migration)  # as before `manchette migrate`
    status, answer = readiness(client)
    assert status == 503
    assert answer["verifications"]["migrations"]["statut"] == "erreur"
    assert answer["verifications"]["migrations"]["detail"] == "1 migration à appliquer"
    recorder.record_applied(*migration)
    assert checks(client)["migrations"] == "ok"
    # Once all were applied, this process does not ask again: a poll a second costs no migration graph.
    recorder.record_unapplied(*migration)
    assert checks(client)["migrations"] == "ok"


def test_redis_when_configured_then_stopped(client, settings, redis_server):
    settings.REDIS_URL = redis_server.url
    assert checks(client)["redis"] == "ok"
    redis_server.stop()
    status, answer = readiness(client)
    assert status == 503
    assert answer["verifications"]["redis"]["statut"] == "erreur"
    assert answer["verifications"]["redis"]["detail"] == "Redis ne répond pas"
    assert str(redis_server.port) not in str(answer)
    redis_server.start()
    eventually(lambda: checks(client)["redis"] == "ok")


def test_a_frozen_redis_costs_the_answer_its_timeout_and_no_more(client, settings, redis_server):
    settings.REDIS_URL = redis_server.url
    settings.HEALTH_CHECK_TIMEOUT_SECONDS = 0.5
    assert checks(client)["redis"] == "ok"
    os.kill(redis_server.process.pid, signal.SIGSTOP)
    try:
        for _ in range(3):
            start = time.monotonic()
            status, answer = readiness(client)
            assert time.monotonic() - start < 2
            assert status == 503
            assert answer["verifications"]["redis"]["statut"] == "erreur"
    finally:
        os.kill(redis_server.process.pid, signal.SIGCONT)
    eventually(lambda: checks(client)["redis"] == "ok")
