"""The edge keeps a page under the query parameters pages read, and Django renders it with those alone."""

import asyncio

import pytest

from manchette.edge import queries
from manchette.edge.app import EdgeCache
from manchette.edge.machine import MachineRenders
from manchette.edge.store import PageStore
from manchette.edge.versions import Versions

from .test_app import PAGE, Answer, Newsroom


@pytest.fixture
def edge(tmp_path):
    """make(app, entries=100): an edge in front of APP, as in one server process."""

    def make(app, entries=100):
        return EdgeCache(
            app, store=PageStore(entries, 10**7), versions=Versions(tmp_path / "edge-versions"),
            machine=MachineRenders(tmp_path / "edge-renders"),
        )

    return make


class Recording(Newsroom):
    """A newsroom that also notes the query string and scheme of each request it renders."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.queries = []
        self.schemes = []

    async def __call__(self, scope, receive, send):
        self.queries.append(scope["query_string"])
        self.schemes.append(scope.get("scheme"))
        await super().__call__(scope, receive, send)


async def call(app, path="/monde/", query=b"", method="GET", scheme=None):
    messages = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        messages.append(message)

    scope = {"type": "http", "method": method, "path": path, "query_string": query, "headers": [(b"host", b"journal.example")]}
    if scheme is not None:
        scope["scheme"] = scheme
    await app(scope, receive, send)
    return Answer(messages)


def get(app, *args, **kwargs):
    return asyncio.run(call(app, *args, **kwargs))


def test_the_apps_declare_what_their_pages_read():
    assert {"page"} <= queries.declared("/politique/")
    assert {"page", "q", "tri"} <= queries.declared("/recherche/")
    assert {"onglet", "avant"} <= queries.declared("/fil-info/")
    assert "p" in queries.declared("/sitemap-articles.xml") and "p" not in queries.declared("/robots.txt")
    assert "q" not in queries.declared("/politique/")


@pytest.mark.parametrize(("path", "query", "canonical"), [
    ("/monde/", b"utm_source=x&utm_medium=y&fbclid=z", b""),
    ("/monde/", b"page=2&utm_source=x", b"page=2"),
    # Twice: the last one, as request.GET.get reads it.
    ("/monde/", b"page=1&page=2", b"page=2"),
    ("/monde/", b"%70age=2", b"page=2"),
    ("/monde/", b"page", b"page="),
    ("/recherche/", b"tri=date&q=a+b&page=2", b"page=2&q=a%20b&tri=date"),
    ("/recherche/", b"q=a%20b&tri=date&page=2", b"page=2&q=a%20b&tri=date"),
    ("/recherche/", b"q=%C3%A9t%C3%A9", b"q=%C3%A9t%C3%A9"),
    ("/recherche/", b"q=%E9t%E9", b"q=%EF%BF%BDt%EF%BF%BD"),  # not UTF-8: as Django reads it
    ("/recherche", b"q=x", b"q=x"),  # Django redirects to /recherche/ with it
    ("/monde/", b"q=x&tri=date", b""),
    ("/sitemap-articles.xml", b"p=2&x=1", b"p=2"),
])
def test_a_query_is_cut_down_to_what_the_page_reads_in_one_form(path, query, canonical):
    assert queries.canonical(path, query) == canonical


def test_unique_junk_query_strings_all_hit_one_entry_and_never_reach_django(edge):
    newsroom = Recording()
    app = edge(newsroom)
    answers = [get(app, "/robots.txt", f"flood={n}".encode()) for n in range(50)]
    answers.append(get(app, "/robots.txt", b"utm_source=lettre&utm_campaign=matin"))
    assert [a.cache for a in answers] == [b"MISS"] + [b"HIT"] * 50
    assert newsroom.renders == 1 and newsroom.queries == [b""]
    assert all(a.body == PAGE for a in answers)


def test_a_declared_parameter_gives_its_own_entry(edge):
    newsroom = Recording()
    app = edge(newsroom)
    get(app, "/monde/"), get(app, "/monde/", b"page=2"), get(app, "/monde/", b"page=3")
    assert newsroom.renders == 3
    assert newsroom.queries == [b"", b"page=2", b"page=3"]
    # However it is written, with whatever else: the same page 2.
    for query in (b"page=2", b"utm_source=x&page=2", b"page=1&page=2", b"%70age=2&flood=9"):
        assert get(app, "/monde/", query).cache == b"HIT"
    assert newsroom.renders == 3


def test_the_fast_path_finds_the_entry_by_the_same_key(edge):
    newsroom = Recording()
    app = edge(newsroom)
    get(app, "/monde/", b"page=2")
    head = [(b"host", b"journal.example")]
    assert app.answer("GET", "/monde/", b"utm_source=x&page=2&junk", head) is not None
    assert app.answer("GET", "/monde/", b"page=3", head) is None
    get(app, "/monde/")
    assert app.answer("GET", "/monde/", b"flood=123", head) is not None


def test_the_front_page_stays_cached_under_a_flood_of_junk_queries(edge):
    newsroom = Recording()
    app = edge(newsroom, entries=20)
    get(app, "/"), get(app, "/")
    for n in range(2000):
        get(app, "/", f"flood={n}".encode())
        get(app, "/robots.txt", f"flood={n}".encode())
    # Even made-up values of a parameter pages read make one-off entries that cannot push it out.
    for n in range(200):
        get(app, "/robots.txt", f"page={n}".encode())
    assert get(app, "/").cache == b"HIT"
    assert newsroom.queries.count(b"") == 2


def test_what_the_edge_does_not_keep_gets_its_whole_query(edge):
    newsroom = Recording()
    app = edge(newsroom)
    get(app, "/admin/pages/", b"q=x&ordering=title")
    get(app, "/api/depeches/", b"source=afp&x=1", method="POST")
    get(app, "/monde/", b"utm_source=x&page=2", method="POST")
    assert newsroom.queries == [b"q=x&ordering=title", b"source=afp&x=1", b"utm_source=x&page=2"]


def test_a_page_reached_by_https_is_not_the_one_reached_by_http(edge):
    newsroom = Recording()
    app = edge(newsroom)
    assert get(app, "/monde/", scheme="https").cache == b"MISS"
    assert get(app, "/monde/", scheme="http").cache == b"MISS"
    assert (get(app, "/monde/", scheme="https").cache, get(app, "/monde/").cache) == (b"HIT", b"HIT")
    assert newsroom.schemes == ["https", "http"]
    head = [(b"host", b"journal.example")]
    answer_head, _ = app.answer("GET", "/monde/", b"", head, scheme="https")
    assert b"X-Cache: HIT" in answer_head.replace(b"x-cache", b"X-Cache")
