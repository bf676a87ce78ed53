"""Work that comes back: each app registers its periodic jobs when Django starts (`every`) and what a worker must
do when it starts (`at_start`); `manchette worker` runs `wake()`, then a `tick` task every minute runs each job
that fell due, once across all workers (a Clock row per job, claimed by one UPDATE), and plans the next tick.

A job that fails is logged and tried again at its next turn: it never stops the others.
"""

import logging
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from .models import Clock

log = logging.getLogger(__name__)

TICK_SECONDS = 60
_JOBS = {}  # name: (seconds, function)
_AT_START = []


def every(seconds, name=None):
    """Decorator: run the function every SECONDS (at most once a tick), under NAME (its qualified name)."""
    def register(function):
        _JOBS[name or f"{function.__module__}.{function.__qualname__}"] = (seconds, function)
        return function
    return register


def at_start(function):
    if function not in _AT_START:
        _AT_START.append(function)
    return function


def registered():
    return dict(_JOBS)


def claim(name, seconds, now=None):
    """True for one caller per SECONDS, whichever worker asks."""
    now = now or timezone.now()
    Clock.objects.get_or_create(name=name, defaults={"ran_at": now - timedelta(days=365)})
    return bool(Clock.objects.filter(name=name, ran_at__lte=now - timedelta(seconds=seconds)).update(ran_at=now))


def run_due(now=None):
    """Each registered job whose turn came, in the order they were registered; the names of those run."""
    ran = []
    for name, (seconds, function) in list(_JOBS.items()):
        # A minute's job claimed a few seconds early still runs once a tick.
        if not claim(name, max(seconds - 5, 1), now):
            continue
        ran.append(name)
        try:
            function()
        except Exception:
            log.exception("tâche périodique %s en échec", name)
    return ran


def _waiting(a_task):
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path=a_task.module_path, status="READY")


@task()
def tick():
    if claim("tick", TICK_SECONDS - 5):
        run_due()
    plan_tick()


def plan_tick():
    """The next tick, unless one is already waiting."""
    soon = timezone.now() + timedelta(seconds=TICK_SECONDS)
    if not _waiting(tick).filter(Q(run_after__isnull=True) | Q(run_after__lte=soon + timedelta(seconds=5))).exists():
        tick.using(run_after=soon).enqueue()


def wake():
    """When a worker starts: what each app does then, what fell due while no worker ran, then every minute."""
    for function in list(_AT_START):
        try:
            function()
        except Exception:
            log.exception("reprise %s en échec", getattr(function, "__name__", function))
    Clock.objects.update_or_create(name="tick", defaults={"ran_at": timezone.now()})
    run_due()
    plan_tick()


def worker_seen(within_seconds):
    """Whether a worker ran a tick (or started) in the last WITHIN_SECONDS."""
    since = timezone.now() - timedelta(seconds=within_seconds)
    return Clock.objects.filter(name="tick", ran_at__gte=since).exists()


def forget_old_tasks():
    """The results of background tasks finished a week ago."""
    from django.core.management import call_command

    call_command("prune_db_task_results", min_age_days=7, verbosity=0)
