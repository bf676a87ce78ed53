"""/sante/ and /sante/pret/ from a real `manchette serve`, on a private PostgreSQL and a private Redis that the
tests stop, freeze and start again in turn (never the machine's own), with a real `manchette worker` that comes
and goes. The site says https://journal.example and redirects http to https: a probe asking with that host by
http is answered all the same, never from a cache."""

import http.client
import json
import sys
import time
from pathlib import Path

from manchette.testing import servers
from manchette.testing.pytest_plugin import server_fixture, serving_env

HOST = "journal.example"
TIMEOUT = 1  # HEALTH_CHECK_TIMEOUT_SECONDS of the server
STALE = 10  # HEALTH_WORKER_STALE_SECONDS of the server
MIGRATE_TIMEOUT = 300


class Site:
    def __init__(self, folder):
        self.folder = folder
        self.postgres = servers.PostgresServer(folder).start()
        self.redis = servers.RedisServer(folder).start()
        data = folder / "data"
        data.mkdir()
        self.env = serving_env(
            DATABASE_URL=self.postgres.url, REDIS_URL=self.redis.url, MANCHETTE_DATA_DIR=data,
            SITE_URL=f"https://{HOST}", SECURE_SSL_REDIRECT="true",
            HEALTH_CHECK_TIMEOUT_SECONDS=TIMEOUT, HEALTH_WORKER_STALE_SECONDS=STALE,
        )
        self.env.pop("SQLITE_PATH", None)
        self.run([sys.executable, "-m", "manchette.cli", "migrate", "--verbosity", "0"], "migrate")
        self.server = servers.ManchetteServer(self.env, folder).start()
        self.worker = None

    def run(self, command, name):
        process = servers.launch(command, self.folder / f"{name}.log", self.env)
        try:
            assert process.wait(MIGRATE_TIMEOUT) == 0, (self.folder / f"{name}.log").read_text()
        finally:
            servers.stop(process)

    def start_worker(self):
        command = [sys.executable, "-m", "manchette.cli", "worker", "--interval", "0.5", "--no-startup-delay"]
        self.worker = servers.launch(command, self.folder / "worker.log", self.env)

    def stop_worker(self):
        if self.worker is not None:
            servers.stop(self.worker)
            self.worker = None

    def close(self):
        self.stop_worker()
        self.server.stop()
        self.redis.stop()
        self.postgres.remove()

    def ask(self, path, host=HOST, method="GET"):
        connection = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=30)
        try:
            connection.request(method, path, headers={"Host": host, "User-Agent": "kube-probe/1.31"})
            response = connection.getresponse()
            return response.status, response.headers, response.read()
        finally:
            connection.close()

    def readiness(self):
        status, _, body = self.ask("/sante/pret/")
        return status, json.loads(body)

    def checks(self):
        return {name: entry["statut"] for name, entry in self.readiness()[1]["verifications"].items()}

    def until(self, condition, seconds=30):
        """Polls CONDITION(checks) as a load balancer would, until it holds."""
        deadline = time.monotonic() + seconds
        while True:
            seen = self.checks()
            if condition(seen):
                return seen
            assert time.monotonic() < deadline, f"not within {seconds} s: {seen}"
            time.sleep(0.2)

    def threads(self):
        return len(list(Path(f"/proc/{self.server.process.pid}/task").iterdir()))


@server_fixture(scope="module")
def site(tmp_path_factory):
    site = Site(tmp_path_factory.mktemp("health"))
    yield site
    site.close()


def test_health_is_answered_through_the_server_and_never_kept(site):
    status, headers, body = site.ask("/sante/")
    assert (status, json.loads(body)) == (200, {"statut": "ok"})
    for _ in range(2):
        status, headers, body = site.ask("/sante/pret/")
        assert headers["X-Cache"] == "MISS"
        assert {"no-store", "private"} <= {part.strip() for part in headers["Cache-Control"].split(",")}
        assert headers["Content-Type"] == "application/json"
        assert "Set-Cookie" not in headers
    answer = json.loads(body)
    assert {name: answer["verifications"][name]["statut"] for name in ("base", "redis", "bus", "migrations")} == {
        "base": "ok", "redis": "ok", "bus": "ok", "migrations": "ok",
    }, answer
    text = body.decode()
    for secret in (site.env["SECRET_KEY"], str(site.postgres.port), str(site.redis.port), "postgres", "127.0.0.1"):
        assert secret not in text
    # The site's other pages are still sent to https, and another host is still refused.
    assert site.ask("/")[0] == 301
    assert site.ask("/sante/", host="evil.example")[0] == 400


def test_the_worker_comes_and_goes(site):
    site.start_worker()
    try:
        site.until(lambda checks: checks["worker"] == "ok", seconds=120)
        status, answer = site.readiness()
        assert status == 200, answer
        assert answer["statut"] == "ok"
    finally:
        site.stop_worker()
    site.until(lambda checks: checks["worker"] == "erreur", seconds=STALE + 20)
    status, answer = site.readiness()
    assert status == 503
    worker = answer["verifications"]["worker"]
    assert worker["vu_il_y_a_s"] > STALE
    assert worker["detail"] == f"aucun worker vu depuis {worker['vu_il_y_a_s']}\u00a0s"


def test_the_database_stopped_then_back(site):
    site.postgres.stop()
    try:
        site.until(lambda checks: checks["base"] == "erreur")
        start = time.monotonic()
        status, answer = site.readiness()
        assert time.monotonic() - start < TIMEOUT + 2
        assert status == 503
        assert answer["verifications"]["base"]["detail"] in ("la base de données ne répond pas", f"pas de réponse en {TIMEOUT}\u00a0s")
        # The process itself still answers.
        assert site.ask("/sante/")[0] == 200
    finally:
        site.postgres.start()
    site.until(lambda checks: checks["base"] == checks["migrations"] == "ok", seconds=60)


def test_a_frozen_database_holds_one_thread_and_the_answer_its_timeout(site):
    site.until(lambda checks: checks["base"] == "ok")
    before = site.threads()
    site.postgres.freeze()
    try:
        for _ in range(6):
            start = time.monotonic()
            status, answer = site.readiness()
            assert time.monotonic() - start < TIMEOUT + 2
            assert status == 503
            assert answer["verifications"]["base"] == {"statut": "erreur", "detail": f"pas de réponse en {TIMEOUT}\u00a0s"}
        # One thread per check at most, however many polls come while the database hangs.
        assert site.threads() <= before + 5
    finally:
        site.postgres.thaw()
    site.until(lambda checks: checks["base"] == "ok", seconds=60)


def test_redis_stopped_then_back(site):
    site.redis.stop()
    try:
        # The cache's Redis, and the bus whose listener carries other machines' invalidations.
        site.until(lambda checks: checks["redis"] == checks["bus"] == "erreur")
        status, answer = site.readiness()
        assert status == 503
        assert answer["verifications"]["redis"]["detail"] == "Redis ne répond pas"
        assert answer["verifications"]["bus"]["detail"] == "écoute déconnectée"
    finally:
        site.redis.start()
    site.until(lambda checks: checks["redis"] == checks["bus"] == "ok")
