from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from manchette.periodic import jobs
from manchette.periodic.models import Clock

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def registry(monkeypatch):
    monkeypatch.setattr(jobs, "_JOBS", {})
    monkeypatch.setattr(jobs, "_AT_START", [])
    return jobs


def test_a_job_runs_once_per_period_whichever_worker_asks(registry):
    ran = []
    registry.every(3600, "hourly")(lambda: ran.append(1))
    now = timezone.now()
    assert registry.run_due(now) == ["hourly"]
    assert registry.run_due(now) == []  # a second worker, the same minute
    assert registry.run_due(now + timedelta(minutes=30)) == []
    assert registry.run_due(now + timedelta(hours=1)) == ["hourly"]
    assert ran == [1, 1]


def test_a_failing_job_does_not_stop_the_others_and_comes_back(registry):
    ran = []

    def broken():
        raise RuntimeError("boum")

    registry.every(60, "broken")(broken)
    registry.every(60, "fine")(lambda: ran.append(1))
    now = timezone.now()
    assert registry.run_due(now) == ["broken", "fine"]
    assert ran == [1]
    assert registry.run_due(now + timedelta(seconds=60)) == ["broken", "fine"]


def test_wake_runs_start_hooks_and_due_jobs_then_plans_a_single_tick(registry):
    calls = []
    registry.at_start(lambda: calls.append("start"))
    registry.every(60, "minute")(lambda: calls.append("job"))
    registry.wake()
    registry.wake()
    assert calls == ["start", "job", "start"]
    waiting = DBTaskResult.objects.filter(task_path=jobs.tick.module_path, status="READY")
    assert waiting.count() == 1
    assert registry.worker_seen(60)


def test_a_worker_not_seen_for_long_is_said_so(registry):
    assert not registry.worker_seen(120)
    Clock.objects.create(name="tick", ran_at=timezone.now() - timedelta(minutes=10))
    assert not registry.worker_seen(120)
    Clock.objects.filter(name="tick").update(ran_at=timezone.now())
    assert registry.worker_seen(120)


def test_the_apps_register_their_jobs():
    names = set(jobs.registered())
    assert {"prune-tasks", "newsletters", "comments-retention", "dsa-retention", "automoderation-training"} <= names
