"""Real `manchette serve` processes (uvicorn) on this test run's database: a correction published here shows
at once on each of them, through the shared counter on one machine and through Redis between machines."""

import time
import urllib.request

import pytest
import redis
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

from manchette.edge.bus import CHANNEL
from manchette.news.tests.factories import ArticleFactory, SectionFactory, publish
from manchette.testing.servers import START_TIMEOUT

pytestmark = pytest.mark.django_db(transaction=True)

PATH = "/belgique/budget/"
TITLE = "Le conseil communal adopte le budget"
CORRECTED = "Le conseil communal adopte le budget rectifié"


@pytest.fixture
def serve(servers):
    """serve(n, **env): the URLs of N new `manchette serve` processes, on the test's data dir unless ENV says
    otherwise."""
    return lambda count, **env: [servers(**env).url for _ in range(count)]


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


def test_a_page_links_its_static_files_by_hashed_names_served_compressed_for_a_year(article, serve, tmp_path):
    import brotli

    from .test_files import collect_static

    static = tmp_path / "static"
    manifest = collect_static(static)
    (server,) = serve(1, STATIC_ROOT=str(static))
    css = f"/static/{manifest['manchette/site.css']}"
    assert f'href="{css}"' in Answer(server + PATH).text
    request = urllib.request.Request(server + css, headers={"Accept-Encoding": "gzip, deflate, br"})
    with urllib.request.urlopen(request, timeout=30) as response:
        headers, body = response.headers, response.read()
    assert (headers["Content-Encoding"], headers["Vary"]) == ("br", "Accept-Encoding")
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert headers["Content-Type"].startswith("text/css") and headers["Content-Length"] == str(len(body))
    assert brotli.decompress(body) == (static / "manchette" / "site.css").read_bytes()
