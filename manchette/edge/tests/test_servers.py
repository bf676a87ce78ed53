"""Real `manchette serve` processes (uvicorn) on this test run's database: a correction published here shows
at once on each of them, through the shared counter on one machine and through Redis between machines."""

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client

from manchette.edge.bus import CHANNEL
from manchette.news.tests.factories import ArticleFactory, SectionFactory, publish

from .processes import START_TIMEOUT, free_port, stop, wait_for_port

pytestmark = pytest.mark.django_db(transaction=True)

REPO = Path(__file__).resolve().parents[3]
PATH = "/belgique/budget/"
TITLE = "Le conseil communal adopte le budget"
CORRECTED = "Le conseil communal adopte le budget rectifié"


def database_env():
    """What points a subprocess at the database this test runs on."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return {"SQLITE_PATH": db["NAME"], "DATABASE_URL": ""}
    credentials = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    host = quote(db["HOST"] or "127.0.0.1", safe="")  # a socket folder is a percent-encoded host
    return {"DATABASE_URL": f"postgres://{credentials}@{host}:{db['PORT'] or 5432}/{quote(db['NAME'])}"}


@pytest.fixture
def serve(tmp_path):
    """serve(n, **env) starts N `manchette serve` processes, on the shared data dir unless ENV says otherwise."""
    processes = []

    def start(count, **extra):
        env = {key: value for key, value in os.environ.items() if key not in {"STATIC_ROOT", "MEDIA_ROOT"}}
        env.update({"MANCHETTE_DATA_DIR": str(settings.DATA_DIR), "DEBUG": "false", **database_env(), **extra})
        for folder in ("static", "media"):
            # The server serves these folders; --no-prepare does not create them.
            Path(env["MANCHETTE_DATA_DIR"], folder).mkdir(parents=True, exist_ok=True)
        started = []
        for _ in range(count):
            port = free_port()
            log_path = tmp_path / f"serve-{port}.log"
            with log_path.open("w") as log:
                process = subprocess.Popen(
                    [sys.executable, "-m", "manchette.cli", "serve", "--no-prepare", "--workers", "1", "--port", str(port)],
                    cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                    start_new_session=True,
                )
            processes.append(process)
            started.append((port, process, log_path))
        for port, process, log_path in started:
            wait_for_port(port, process, log_path.read_text)
        return [f"http://127.0.0.1:{port}" for port, _, _ in started]

    yield start
    for process in processes:
        stop(process)


class Answer:
    def __init__(self, url, cookie=None):
        request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
        with urllib.request.urlopen(request, timeout=30) as response:
            self.cache = response.headers.get("X-Cache")
            self.cache_control = response.headers.get("Cache-Control")
            self.text = response.read().decode()


@pytest.fixture
def article(home):
    return ArticleFactory(parent=SectionFactory(title="Belgique", slug="belgique"), slug="budget", title=TITLE)


def correct(article):
    article.title = CORRECTED
    publish(article)


def assert_cached(server):
    first, second = Answer(server + PATH), Answer(server + PATH)
    assert (first.cache, second.cache) == ("MISS", "HIT")
    assert TITLE in second.text and CORRECTED not in second.text


def test_a_correction_shows_at_once_on_every_server_process(article, serve):
    servers = serve(2)
    for server in servers:
        assert_cached(server)
    correct(article)
    for server in servers:
        answer = Answer(server + PATH)
        assert answer.cache == "MISS"
        assert CORRECTED in answer.text
        assert Answer(server + PATH).cache == "HIT"


def test_a_logged_in_reader_is_never_served_from_the_cache(article, serve):
    client = Client()
    client.force_login(get_user_model().objects.create_user("lecteur", password="motdepasse-lecteur"))
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    (server,) = serve(1)
    assert_cached(server)
    for _ in range(2):
        answer = Answer(server + PATH, cookie=cookie)
        assert answer.cache is None
        assert answer.cache_control == "private, no-cache"
    assert Answer(server + PATH).cache == "HIT", "the logged-in page did not replace the shared one"


def wait_for_listeners(url, count):
    client = redis.Redis.from_url(url)
    deadline = time.monotonic() + START_TIMEOUT
    while dict(client.pubsub_numsub(CHANNEL))[CHANNEL.encode()] < count:
        assert time.monotonic() < deadline, "the servers never subscribed to the invalidation channel"
        time.sleep(0.05)


def test_a_correction_reaches_other_machines_through_redis(article, serve, redis_server, tmp_path, settings):
    redis_url = redis_server.url
    # Each server has a data dir of its own, as on separate machines: only Redis tells them.
    servers = [serve(1, MANCHETTE_DATA_DIR=str(tmp_path / name), REDIS_URL=redis_url)[0] for name in ("a", "b")]
    wait_for_listeners(redis_url, 2)
    for server in servers:
        assert_cached(server)
    settings.REDIS_URL = redis_url
    correct(article)
    for server in servers:
        deadline = time.monotonic() + 5
        while CORRECTED not in (answer := Answer(server + PATH)).text:
            assert time.monotonic() < deadline, "the other machine still serves the old title"
            time.sleep(0.02)
        assert answer.cache == "MISS"
