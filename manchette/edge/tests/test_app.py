"""The edge in front of a small ASGI newsroom that answers the way Django does, and counts its renders."""

import asyncio
import gzip

import pytest

from manchette.edge.app import EdgeCache
from manchette.edge.generation import Generation
from manchette.edge.store import PageStore

PAGE = b"<h1>Le conseil communal adopte le budget</h1>" * 40
SHARED = [
    (b"Content-Type", b"text/html; charset=utf-8"),
    (b"Cache-Control", b"public, max-age=0, s-maxage=300"),
    (b"Vary", b"Cookie"),
]


class Newsroom:
    def __init__(self, status=200, headers=SHARED, body=PAGE, delay=0.0):
        self.status = status
        self.headers = headers
        self.body = body
        self.delay = delay
        self.renders = 0
        self.request_bodies = []

    async def __call__(self, scope, receive, send):
        self.renders += 1
        message = await receive()
        self.request_bodies.append(message.get("body", b""))
        await asyncio.sleep(self.delay)
        headers = [*self.headers, (b"Content-Length", str(len(self.body)).encode())]
        await send({"type": "http.response.start", "status": self.status, "headers": headers})
        # Django sends long bodies in several messages.
        half = len(self.body) // 2
        await send({"type": "http.response.body", "body": self.body[:half], "more_body": True})
        await send({"type": "http.response.body", "body": self.body[half:], "more_body": False})


class Answer:
    def __init__(self, messages):
        start = messages[0]
        self.status = start["status"]
        self.headers = {name.lower(): value for name, value in start["headers"]}
        self.body = b"".join(m.get("body", b"") for m in messages[1:])

    @property
    def cache(self):
        return self.headers.get(b"x-cache")


@pytest.fixture
def edge(tmp_path):
    def make(app, **store):
        generation = Generation(tmp_path / "edge-generation")
        return EdgeCache(app, store=PageStore(store.get("entries", 100), store.get("bytes", 10**7)), generation=generation)

    return make


async def call(app, path="/monde/", method="GET", headers=(), query=b"", body=b""):
    messages = []

    async def receive():
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message):
        messages.append(message)

    scope = {
        "type": "http", "method": method, "path": path, "query_string": query,
        "headers": [(b"host", b"journal.example"), *headers],
    }
    await app(scope, receive, send)
    return Answer(messages)


def get(app, *args, **kwargs):
    return asyncio.run(call(app, *args, **kwargs))


def test_the_second_anonymous_request_is_answered_from_memory(edge):
    newsroom = Newsroom()
    app = edge(newsroom)
    first, second = get(app), get(app)
    assert (first.cache, second.cache) == (b"MISS", b"HIT")
    assert first.body == second.body == PAGE
    assert second.headers[b"content-length"] == str(len(PAGE)).encode()
    assert second.headers[b"cache-control"] == b"public, max-age=0, s-maxage=300"
    assert newsroom.renders == 1


def test_path_query_string_and_host_are_distinct_pages(edge):
    newsroom = Newsroom()
    app = edge(newsroom)
    get(app, "/monde/")
    get(app, "/monde/", query=b"page=2")
    get(app, "/belgique/")
    asyncio.run(call(app, "/monde/", headers=[(b"host", b"autre.example")]))
    assert newsroom.renders == 4
    assert get(app, "/monde/", query=b"page=2").cache == b"HIT"


def test_a_bump_makes_every_kept_page_a_miss(edge, tmp_path):
    newsroom = Newsroom()
    app = edge(newsroom)
    get(app)
    Generation(tmp_path / "edge-generation").bump()
    assert get(app).cache == b"MISS"
    assert get(app).cache == b"HIT"
    assert newsroom.renders == 2


@pytest.mark.parametrize("cookie", [b"sessionid=abc", b"csrftoken=x; sessionid=abc", b"messages=xyz"])
def test_a_cookie_that_personalises_the_page_always_goes_to_django(edge, cookie):
    newsroom = Newsroom()
    app = edge(newsroom)
    get(app)
    answers = [get(app, headers=[(b"cookie", cookie)]) for _ in range(2)]
    assert newsroom.renders == 3
    assert all(answer.cache is None for answer in answers)


def test_other_cookies_do_not_prevent_sharing(edge):
    newsroom = Newsroom()
    app = edge(newsroom)
    get(app)
    assert get(app, headers=[(b"cookie", b"csrftoken=x; mysessionid=1")]).cache == b"HIT"


@pytest.mark.parametrize(
    "status, headers",
    [
        (200, [*SHARED, (b"Set-Cookie", b"csrftoken=abc; Path=/")]),
        (200, [(b"Content-Type", b"text/html"), (b"Cache-Control", b"private, no-cache")]),
        (200, [(b"Content-Type", b"text/html")]),
        (200, [(b"Content-Type", b"text/html"), (b"Cache-Control", b"public, s-maxage=0")]),
        (200, [(b"Content-Type", b"text/html"), (b"Cache-Control", b"public, s-maxage=60"), (b"Vary", b"Accept-Language")]),
        (500, SHARED),
        (302, SHARED),
    ],
)
def test_answers_not_marked_shareable_are_never_kept(edge, status, headers):
    newsroom = Newsroom(status=status, headers=headers)
    app = edge(newsroom)
    answers = [get(app), get(app)]
    assert newsroom.renders == 2
    assert [a.cache for a in answers] == [b"MISS", b"MISS"]
    assert answers[1].body == PAGE


def test_a_shareable_not_found_is_kept(edge):
    newsroom = Newsroom(status=404)
    app = edge(newsroom)
    get(app, "/nulle-part/")
    answer = get(app, "/nulle-part/")
    assert (answer.status, answer.cache, newsroom.renders) == (404, b"HIT", 1)


def test_private_paths_and_other_methods_go_to_django(edge):
    newsroom = Newsroom()
    app = edge(newsroom)
    for _ in range(2):
        assert get(app, "/admin/pages/").cache is None
    answer = get(app, method="POST", body=b"email=lecteur%40example.be")
    assert answer.cache is None
    assert newsroom.request_bodies[-1] == b"email=lecteur%40example.be"
    assert newsroom.renders == 3


def test_head_is_answered_from_the_get_entry_without_a_body(edge):
    newsroom = Newsroom()
    app = edge(newsroom)
    get(app, method="HEAD")
    assert newsroom.renders == 1 and get(app).cache == b"MISS", "Django's HEAD answer has no body to keep"
    head = get(app, method="HEAD")
    assert (head.cache, head.body) == (b"HIT", b"")
    assert head.headers[b"content-length"] == str(len(PAGE)).encode()


@pytest.mark.parametrize(
    "accept, compressed",
    [(b"gzip, deflate, br", True), (b"br;q=1.0, gzip;q=0.8", True), (b"gzip;q=0", False), (b"identity", False)],
)
def test_clients_that_take_gzip_get_the_copy_made_when_stored(edge, accept, compressed):
    app = edge(Newsroom())
    for _ in range(2):
        answer = get(app, headers=[(b"accept-encoding", accept)])
        assert answer.headers[b"vary"] == b"Cookie, Accept-Encoding"
        if compressed:
            assert answer.headers[b"content-encoding"] == b"gzip"
            assert gzip.decompress(answer.body) == PAGE
        else:
            assert b"content-encoding" not in answer.headers
            assert answer.body == PAGE


def test_concurrent_misses_wait_for_one_render(edge):
    newsroom = Newsroom(delay=0.05)
    app = edge(newsroom)

    async def crowd():
        return await asyncio.gather(*(call(app) for _ in range(20)))

    answers = asyncio.run(crowd())
    assert newsroom.renders == 1
    assert sorted(a.cache for a in answers) == [b"HIT"] * 19 + [b"MISS"]
    assert all(a.body == PAGE for a in answers)


def test_concurrent_requests_for_a_page_that_cannot_be_kept_all_get_it(edge):
    newsroom = Newsroom(headers=[(b"Content-Type", b"text/html")], delay=0.02)
    app = edge(newsroom)

    async def crowd():
        return await asyncio.gather(*(call(app) for _ in range(5)))

    answers = asyncio.run(crowd())
    assert newsroom.renders == 5
    assert all(a.body == PAGE and a.cache == b"MISS" for a in answers)


def test_a_stream_passes_through_as_it_comes(edge):
    """Server-sent events: the first event reaches the reader while the stream is still open."""

    async def scenario():
        more = asyncio.Event()
        received = []

        async def stream(scope, receive, send):
            headers = [(b"Content-Type", b"text/event-stream"), (b"Cache-Control", b"public, s-maxage=60")]
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            await send({"type": "http.response.body", "body": b"data: premier\n\n", "more_body": True})
            await more.wait()
            await send({"type": "http.response.body", "body": b"data: second\n\n", "more_body": False})

        async def send(message):
            received.append(message)

        async def receive():
            return {"type": "http.request", "body": b"", "more_body": False}

        scope = {"type": "http", "method": "GET", "path": "/direct/", "query_string": b"", "headers": []}
        task = asyncio.create_task(edge(stream)(scope, receive, send))
        while len(received) < 2:
            await asyncio.sleep(0.001)
        assert received[1]["body"] == b"data: premier\n\n"
        assert not task.done()
        more.set()
        await task
        return received

    received = asyncio.run(scenario())
    assert [m.get("body") for m in received[1:]] == [b"data: premier\n\n", b"data: second\n\n"]
