"""The edge in front of a small ASGI newsroom that answers the way Django does, and counts its renders."""

import asyncio
import gzip

import pytest

from manchette.edge import fragments
from manchette.edge.app import EdgeCache
from manchette.edge.machine import MachineRenders
from manchette.edge.store import PageStore
from manchette.edge.versions import Versions

PAGE = b"<h1>Le conseil communal adopte le budget</h1>" * 40
SHARED = [
    (b"Content-Type", b"text/html; charset=utf-8"),
    (b"Cache-Control", b"public, max-age=0, s-maxage=300"),
    (b"Vary", b"Cookie"),
    (b"Surrogate-Key", b"page-7 list-page-3"),
]


class Newsroom:
    def __init__(self, status=200, headers=SHARED, body=PAGE, delay=0.0, during=None):
        self.status = status
        self.headers = headers
        self.body = body
        self.delay = delay
        self.during = during
        self.renders = 0
        self.request_bodies = []
        self.request_headers = []

    async def __call__(self, scope, receive, send):
        self.renders += 1
        message = await receive()
        self.request_bodies.append(message.get("body", b""))
        self.request_headers.append(dict(scope["headers"]))
        await asyncio.sleep(self.delay)
        if self.during is not None:
            self.during()
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
def versions(tmp_path):
    return Versions(tmp_path / "edge-versions")


@pytest.fixture
def edge(versions, tmp_path):
    """make(app): an edge in front of APP, as in one server process; several share this machine's files."""

    def make(app, **store):
        store = PageStore(store.get("entries", 100), store.get("bytes", 10**7))
        return EdgeCache(app, store=store, versions=versions, machine=MachineRenders(tmp_path / "edge-renders"))

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


def test_invalidating_a_key_a_page_shows_makes_it_a_miss_and_no_other(edge, versions):
    newsroom = Newsroom()
    other = Newsroom(headers=[*SHARED[:3], (b"Surrogate-Key", b"page-8")])
    app = edge(lambda scope, receive, send: (other if scope["path"] == "/autre/" else newsroom)(scope, receive, send))
    get(app), get(app, "/autre/")
    versions.invalidate(["list-page-3"])
    assert (get(app).cache, get(app, "/autre/").cache) == (b"MISS", b"HIT")
    assert get(app).cache == b"HIT"
    versions.invalidate(["page-99"])
    assert get(app).cache == b"HIT"
    versions.invalidate_all()
    assert (get(app).cache, get(app, "/autre/").cache) == (b"MISS", b"MISS")
    assert (newsroom.renders, other.renders) == (3, 2)


def test_a_page_rendered_while_one_of_its_keys_is_invalidated_is_not_kept(edge, versions):
    newsroom = Newsroom(during=lambda: versions.invalidate(["page-7"]))
    app = edge(newsroom)
    assert get(app).body == PAGE, "the reader who asked gets it"
    newsroom.during = None
    assert get(app).cache == b"MISS"
    assert get(app).cache == b"HIT"


@pytest.mark.parametrize("cookie", [b"messages=xyz", b"manchette_equipe=1; sessionid=abc"])
def test_a_cookie_asking_for_a_page_of_ones_own_always_goes_to_django(edge, cookie):
    newsroom = Newsroom()
    app = edge(newsroom)
    get(app)
    answers = [get(app, headers=[(b"cookie", cookie)]) for _ in range(2)]
    assert newsroom.renders == 3
    assert all(answer.cache is None for answer in answers)
    assert newsroom.request_headers[-1][b"cookie"] == cookie


@pytest.mark.parametrize("cookie", [b"sessionid=abc", b"csrftoken=x; sessionid=abc; manchette_lecteur=e30:1:x"])
def test_a_logged_in_reader_gets_the_shared_page_rendered_for_nobody(edge, cookie):
    newsroom = Newsroom()
    app = edge(newsroom)
    first, second = get(app, headers=[(b"cookie", cookie)]), get(app)
    assert (first.cache, second.cache, newsroom.renders) == (b"MISS", b"HIT", 1)
    assert get(app, headers=[(b"cookie", cookie)]).cache == b"HIT"
    seen = newsroom.request_headers[0].get(b"cookie", b"")
    assert b"sessionid" not in seen and b"manchette_lecteur" not in seen
    assert first.body == second.body


def test_a_page_that_answers_each_reader_differently_is_asked_again_with_their_cookies(edge):
    personal = [*SHARED[:1], (b"Cache-Control", b"private"), (b"X-Manchette-Personal", b"1")]
    newsroom = Newsroom(headers=personal)
    app = edge(newsroom)
    reader = [(b"cookie", b"sessionid=abc")]
    answer = get(app, headers=reader)
    assert newsroom.renders == 2 and answer.body == PAGE
    assert b"cookie" not in newsroom.request_headers[0] and newsroom.request_headers[1][b"cookie"] == b"sessionid=abc"
    assert b"x-manchette-personal" not in answer.headers
    get(app, headers=reader)
    assert newsroom.renders == 3, "from then on that URL goes to Django with the reader's cookies at once"
    assert newsroom.request_headers[2][b"cookie"] == b"sessionid=abc"


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


def test_a_conditional_request_for_the_kept_copy_gets_a_304(edge):
    app = edge(Newsroom(headers=[*SHARED, (b"Last-Modified", b"Fri, 04 Dec 2026 10:00:00 GMT")]))
    first = get(app)
    tag = first.headers[b"etag"]
    assert tag.startswith(b'"') and tag.endswith(b'"')
    for condition in ([(b"if-none-match", tag)], [(b"if-none-match", b'"autre", W/' + tag)], [(b"if-modified-since", b"Fri, 04 Dec 2026 10:00:00 GMT")]):
        answer = get(app, headers=condition)
        assert (answer.status, answer.body, answer.headers[b"etag"]) == (304, b"", tag)
        assert b"content-length" not in answer.headers and answer.headers[b"cache-control"] == b"public, max-age=0, s-maxage=300"
    for condition in ([(b"if-none-match", b'"autre"')], [(b"if-modified-since", b"Thu, 03 Dec 2026 10:00:00 GMT")], [(b"if-modified-since", b"n'importe quoi")]):
        assert get(app, headers=condition).status == 200


def test_the_gzip_copy_has_its_own_etag(edge):
    app = edge(Newsroom())
    plain = get(app).headers[b"etag"]
    zipped = get(app, headers=[(b"accept-encoding", b"gzip")]).headers[b"etag"]
    assert plain != zipped
    assert get(app, headers=[(b"accept-encoding", b"gzip"), (b"if-none-match", plain)]).status == 200
    assert get(app, headers=[(b"accept-encoding", b"gzip"), (b"if-none-match", zipped)]).status == 304


PARAGRAPHS = b"<p>Les \xc3\xa9lus ont longuement d\xc3\xa9battu du projet.</p>" * 30


class Site:
    """A page showing two blocks the edge puts in place, each with its own keys; counts the renders of each."""

    def __init__(self):
        self.renders = {}
        self.headlines = b"<ul><li>Premier titre</li></ul>"

    def marker(self, path):
        return b"<!--edge:" + fragments.token().encode() + b" " + path + b"-->"

    async def __call__(self, scope, receive, send):
        await receive()
        path = scope["path"]
        self.renders[path] = self.renders.get(path, 0) + 1
        edge_asks = dict(scope["headers"]).get(fragments.EDGE_HEADER.encode()) == fragments.token().encode()
        if path == "/_fragments/une/":
            body, keys, extra = self.headlines, b"list-news.frontpagelead", []
        elif path == "/_fragments/fil-info/":
            body, keys, extra = b"<ol><li>Depeche</li></ol>", b"list-filinfo", []
        else:
            blocks = self.marker(b"/_fragments/une/") + self.marker(b"/_fragments/fil-info/") if edge_asks else b"[blocs]"
            body, keys, extra = b"<main>Article " + path.encode() + PARAGRAPHS + b"</main>" + blocks, b"page-" + path.encode().strip(b"/"), []
            if edge_asks:
                extra = [(b"X-Manchette-Fragments", b"1")]
        headers = [*SHARED[:3], (b"Surrogate-Key", keys), *extra, (b"Content-Length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def test_blocks_many_pages_share_are_rendered_once_and_put_in_place(edge, versions):
    site = Site()
    app = edge(site)
    first = get(app, "/a/")
    assert first.body == b"<main>Article /a/" + PARAGRAPHS + b"</main><ul><li>Premier titre</li></ul><ol><li>Depeche</li></ol>"
    assert set(first.headers[b"surrogate-key"].split()) == {b"page-a", b"list-news.frontpagelead", b"list-filinfo"}
    assert b"x-manchette-fragments" not in first.headers
    get(app, "/b/")
    assert site.renders == {"/a/": 1, "/_fragments/une/": 1, "/_fragments/fil-info/": 1, "/b/": 1}
    zipped = get(app, "/a/", headers=[(b"accept-encoding", b"gzip")])
    assert zipped.headers[b"content-encoding"] == b"gzip" and gzip.decompress(zipped.body) == first.body
    # A reader may ask for a block by its URL: it is kept as a page, and pages still put it in place.
    assert get(app, "/_fragments/une/", headers=[(b"accept-encoding", b"gzip")]).body
    site.headlines = b"<ul><li>Premier titre</li></ul>" * 30
    versions.invalidate(["list-news.frontpagelead"])
    get(app, "/_fragments/une/", headers=[(b"accept-encoding", b"gzip")])
    assert gzip.decompress(get(app, "/b/", headers=[(b"accept-encoding", b"gzip")]).body).count(b"Premier titre") == 30
    site.headlines = b"<ul><li>Premier titre</li></ul>"
    versions.invalidate(["list-news.frontpagelead"])
    get(app, "/a/"), get(app, "/b/")
    site.renders = {"/a/": 1, "/_fragments/une/": 1, "/_fragments/fil-info/": 1, "/b/": 1}
    assert get(app, "/a/").cache == get(app, "/b/").cache == b"HIT"

    site.headlines = b"<ul><li>Nouveau titre</li></ul>"
    versions.invalidate(["list-news.frontpagelead"])
    again = [get(app, "/a/"), get(app, "/b/")]
    assert all(b"Nouveau titre" in answer.body and b"Depeche" in answer.body for answer in again)
    assert [answer.cache for answer in again] == [b"ASSEMBLED", b"ASSEMBLED"]
    assert site.renders == {"/a/": 1, "/_fragments/une/": 2, "/_fragments/fil-info/": 1, "/b/": 1}, "only the block is rendered again"
    assert get(app, "/a/").cache == b"HIT"

    versions.invalidate(["page-a"])
    assert b"Nouveau titre" in get(app, "/a/").body
    assert site.renders["/a/"] == 2 and site.renders["/_fragments/une/"] == 2


def test_a_reader_cannot_ask_django_for_markers(edge):
    site = Site()
    app = edge(site)
    forged = get(app, "/c/", headers=[(fragments.EDGE_HEADER.encode(), b"devine")])
    assert b"<!--edge:" not in forged.body


def test_a_page_is_rendered_once_per_machine_not_once_per_process(edge):
    newsroom = Newsroom(delay=0.05)
    first_process, second_process = edge(newsroom), edge(newsroom)

    async def both():
        return await asyncio.gather(call(first_process), call(second_process))

    answers = asyncio.run(both())
    assert newsroom.renders == 1, "the second process waited for the first one's render"
    assert sorted(a.cache for a in answers) == [b"HIT", b"MISS"] and answers[0].body == answers[1].body == PAGE
    assert get(second_process).cache == b"HIT"


def test_a_render_from_another_process_is_checked_like_any_other(edge, versions):
    newsroom = Newsroom()
    first_process, second_process = edge(newsroom), edge(newsroom)
    get(first_process)
    versions.invalidate(["page-7"])
    assert get(second_process).cache == b"MISS", "the machine's copy shows what changed"
    assert get(first_process).cache == b"HIT", "and the new render serves the other process"
    assert newsroom.renders == 2


def test_pages_and_blocks_rendered_in_one_process_are_put_together_in_another(edge):
    site = Site()
    first_process, second_process = edge(site), edge(site)
    get(first_process, "/a/")
    answer = get(second_process, "/a/")
    assert answer.cache == b"ASSEMBLED" and b"Premier titre" in answer.body
    assert site.renders == {"/a/": 1, "/_fragments/une/": 1, "/_fragments/fil-info/": 1}


class Thread(Site):
    """A page whose comment thread (a block registered with grace) takes a while to render."""

    def __init__(self, delay):
        super().__init__()
        self.delay = delay
        self.thread = b"<ol><li>Premier commentaire</li></ol>"

    async def __call__(self, scope, receive, send):
        if scope["path"] != "/_fragments/commentaires/":
            return await super().__call__(scope, receive, send)
        await receive()
        self.renders["/_fragments/commentaires/"] = self.renders.get("/_fragments/commentaires/", 0) + 1
        body = self.thread
        await asyncio.sleep(self.delay)
        headers = [*SHARED[:3], (b"Surrogate-Key", b"list-comments-7"), (b"Content-Length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    def marker(self, path):
        marker = super().marker
        return marker(path) + (marker(b"/_fragments/commentaires/") if path == b"/_fragments/une/" else b"")


@pytest.fixture
def graced_thread():
    fragments.register("commentaires", lambda request, arg: "", grace=True)
    yield
    fragments.register("commentaires", lambda request, arg: "")


def test_readers_who_come_while_a_graced_block_is_rendered_again_get_its_last_rendering(edge, versions, graced_thread):
    site = Thread(delay=0.2)
    app = edge(site)
    assert b"Premier commentaire" in get(app, "/a/").body
    site.thread = b"<ol><li>Second commentaire</li><li>Premier commentaire</li></ol>"
    versions.invalidate(["list-comments-7"])

    async def crowd():
        first = asyncio.ensure_future(call(app, "/a/"))
        await asyncio.sleep(0.02)
        started = asyncio.get_running_loop().time()
        others = await asyncio.gather(*(call(app, "/a/") for _ in range(5)))
        waited = asyncio.get_running_loop().time() - started
        return await first, others, waited

    first, others, waited = asyncio.run(crowd())
    assert b"Second commentaire" in first.body, "the reader who set the render off waits for it"
    assert all(b"Second commentaire" not in a.body and b"Premier commentaire" in a.body for a in others)
    assert all(a.cache == b"ASSEMBLED" for a in others) and waited < 0.1, "the others did not wait"
    assert site.renders["/_fragments/commentaires/"] == 2
    after = get(app, "/a/")
    assert b"Second commentaire" in after.body, "the next reader after the render gets the new block"


def test_a_block_without_grace_makes_everyone_wait_for_its_new_rendering(edge, versions):
    site = Thread(delay=0.1)
    fragments.register("commentaires", lambda request, arg: "")
    app = edge(site)
    get(app, "/a/")
    site.thread = b"<ol><li>Second commentaire</li></ol>"
    versions.invalidate(["list-comments-7"])

    async def crowd():
        first = asyncio.ensure_future(call(app, "/a/"))
        await asyncio.sleep(0.02)
        return [await first, *await asyncio.gather(*(call(app, "/a/") for _ in range(3)))]

    assert all(b"Second commentaire" in a.body for a in asyncio.run(crowd()))
