"""Whether this server process can serve readers: what `/sante/pret/` answers, for a load balancer or an
orchestrator that asks every second.

Each check says `ok`, `erreur` (with a few French words), or `sans objet` when the configuration does not
use what it checks (Redis without REDIS_URL, the bus with SQLite alone, the worker with a tasks backend that
needs none):

- base: the database answers a `SELECT 1`;
- redis: Redis answers a PING (REDIS_URL);
- bus: the listeners that carry other machines' invalidations (edge/bus.py) run and are subscribed;
- migrations: none left to apply. Once they are all applied the answer is kept for the life of the process:
  migrations are applied before servers start, never taken back under them;
- worker: a `manchette worker` started or ran the periodic tick within HEALTH_WORKER_STALE_SECONDS: the clock
  named « tick » (periodic/jobs.py) moves when a worker starts and then every minute, whichever worker runs it.

Checks run at once, in threads of their own, and the answer waits at most HEALTH_CHECK_TIMEOUT_SECONDS. A
check still running from an earlier request (a database that hangs) is not started again: it stays timed out,
and a hung dependency holds one thread, not one per request. The answer names no host, address or error
message: the log says what failed.
"""

import concurrent.futures
import logging
import threading
import time
from dataclasses import dataclass

import redis
from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext
from django_tasks import task_backends
from django_tasks_db.backend import DatabaseBackend

from manchette.edge import invalidation
from manchette.live import log as live_log
from manchette.periodic.models import Clock

logger = logging.getLogger(__name__)

OK = "ok"
FAILED = "erreur"
NOT_USED = "sans objet"
# The clock the periodic tick claims (periodic/jobs.py): when a worker was last seen.
TICK = "tick"


@dataclass(frozen=True)
class Result:
    status: str
    detail: str = ""
    seconds: float | None = None  # how long the check took, once it ran
    extra: dict | None = None

    def as_json(self):
        answer = {"statut": self.status}
        if self.detail:
            answer["detail"] = self.detail
        if self.seconds is not None:
            answer["ms"] = round(self.seconds * 1000, 1)
        return {**answer, **(self.extra or {})}


def failed(detail):
    return Result(FAILED, detail)


# The checks


def database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return Result(OK)


_redis_clients = {}


def redis_server():
    url = settings.REDIS_URL
    if not url:
        return Result(NOT_USED)
    client = _redis_clients.get(url)
    if client is None:
        timeout = settings.HEALTH_CHECK_TIMEOUT_SECONDS
        # No retries: a Redis that does not answer at once is what this check is for.
        client = _redis_clients[url] = redis.Redis.from_url(
            url, socket_timeout=timeout, socket_connect_timeout=timeout, retry=None,
        )
    client.ping()
    return Result(OK)


def bus():
    buses = [found for found in (invalidation.bus(), live_log.signal.bus()) if found is not None]
    if not buses:
        return Result(NOT_USED)
    if not all(found.listening for found in buses):
        return failed(_("écoute non démarrée dans ce processus"))
    if not all(found.connected for found in buses):
        return failed(_("écoute déconnectée"))
    return Result(OK)


_migrations_applied = False


def migrations():
    global _migrations_applied
    if not _migrations_applied:
        executor = MigrationExecutor(connection)
        left = len(executor.migration_plan(executor.loader.graph.leaf_nodes()))
        if left:
            return failed(ngettext(
                "%(count)d migration à appliquer", "%(count)d migrations à appliquer", left,
            ) % {"count": left})
        _migrations_applied = True
    return Result(OK)


def worker():
    if not isinstance(task_backends["default"], DatabaseBackend):
        return Result(NOT_USED)
    ran_at = Clock.objects.filter(name=TICK).values_list("ran_at", flat=True).first()
    if ran_at is None:
        return failed(_("aucun worker n’a encore démarré"))
    age = max(0, int((timezone.now() - ran_at).total_seconds()))
    if age > settings.HEALTH_WORKER_STALE_SECONDS:
        return Result(FAILED, _("aucun worker vu depuis %(seconds)d\u00a0s") % {"seconds": age}, extra={"vu_il_y_a_s": age})
    return Result(OK, extra={"vu_il_y_a_s": age})


CHECKS = {"base": database, "redis": redis_server, "bus": bus, "migrations": migrations, "worker": worker}

# What a check that raised says; the log has the error itself.
FAILURES = {"base": gettext_noop("la base de données ne répond pas"), "redis": gettext_noop("Redis ne répond pas")}
UNCHECKED = gettext_noop("vérification impossible")


# Running them


def _run(name, check):
    start = time.monotonic()
    try:
        result = check()
    except (DatabaseError, redis.RedisError, OSError) as error:
        logger.warning("Readiness: %s failed: %s", name, error)
        result = failed(_(FAILURES.get(name, UNCHECKED)))
    except Exception:
        logger.exception("Readiness: %s failed", name)
        result = failed(_(UNCHECKED))
    finally:
        # Each check thread opens its own connection: handed back (to the pool, with PostgreSQL) at once,
        # and a broken one is not kept for the next check.
        connection.close()
    if result.status == NOT_USED:
        return result
    return Result(result.status, result.detail, time.monotonic() - start, result.extra)


_pool = concurrent.futures.ThreadPoolExecutor(len(CHECKS), thread_name_prefix="health")
_running = {}
_lock = threading.Lock()


def readiness(checks=CHECKS):
    """{check name: Result}, within HEALTH_CHECK_TIMEOUT_SECONDS."""
    timeout = settings.HEALTH_CHECK_TIMEOUT_SECONDS
    with _lock:
        futures = {}
        for name, check in checks.items():
            earlier = _running.get(name)
            if earlier is not None and not earlier.done():
                futures[name] = None
            else:
                futures[name] = _running[name] = _pool.submit(_run, name, check)
    deadline = time.monotonic() + timeout
    results = {}
    for name, future in futures.items():
        try:
            if future is None:
                raise concurrent.futures.TimeoutError
            results[name] = future.result(max(0, deadline - time.monotonic()))
        except concurrent.futures.TimeoutError:
            results[name] = failed(_("pas de réponse en %(seconds)g\u00a0s") % {"seconds": timeout})
    return results


def ready(results):
    return all(result.status != FAILED for result in results.values())
