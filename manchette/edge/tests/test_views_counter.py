"""Page views counted on the serving path: in memory, flushed in batches, read back per page and hour."""

import asyncio
import datetime
import threading

import pytest
from django.utils import timezone

from manchette.edge import views_counter
from manchette.edge.app import EdgeCache
from manchette.edge.machine import MachineRenders
from manchette.edge.models import PageViews
from manchette.edge.store import PageStore
from manchette.edge.versions import Versions
from manchette.edge.views_counter import ViewCounter, is_reader, most_read, record, views_of

from .test_app import Newsroom, call, get

FIREFOX = (b"user-agent", b"Mozilla/5.0 (X11; Linux x86_64; rv:130.0) Gecko/20100101 Firefox/130.0")


@pytest.mark.parametrize(
    ("headers", "reader"),
    [
        ([FIREFOX], True),
        ([], False),
        ([(b"user-agent", b"")], False),
        ([(b"user-agent", b"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)")], False),
        ([(b"user-agent", b"Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome/131.0 Safari/537.36")], False),
        ([(b"user-agent", b"facebookexternalhit/1.1")], False),
        ([(b"user-agent", b"curl/8.5.0")], False),
        ([FIREFOX, (b"sec-purpose", b"prefetch;prerender")], False),
        ([FIREFOX, (b"purpose", b"prefetch")], False),
        ([FIREFOX, (b"x-moz", b"prefetch")], False),
    ],
)
def test_only_people_reading_count(headers, reader):
    assert is_reader(headers) is reader


def test_only_a_readers_get_answered_200_counts():
    counter = ViewCounter(flush_after=1000)
    for method, status in (("GET", 200), ("GET", 200), ("HEAD", 200), ("GET", 304), ("GET", 404), ("POST", 200)):
        counter.seen(method, status, b"journal.example", "/monde/a/", [FIREFOX])
    counter.seen("GET", 200, b"journal.example", "/monde/a/", [(b"user-agent", b"Googlebot/2.1")])
    assert counter.take() == {(b"journal.example", "/monde/a/"): 2}
    assert counter.take() == {}


def test_enough_views_wake_the_flush_and_memory_is_bounded():
    counter = ViewCounter(flush_after=3, max_paths=2)
    counter.count(b"h", "/a/")
    counter.count(b"h", "/a/")
    assert not counter.wake.is_set()
    counter.count(b"h", "/b/")
    assert counter.wake.is_set()
    counter.wake.clear()
    counter.count(b"h", "/c/")  # a third path waits for the flush
    assert counter.wake.is_set()
    assert counter.take() == {(b"h", "/a/"): 2, (b"h", "/b/"): 1}


@pytest.fixture
def edge(tmp_path):
    def make(app):
        return EdgeCache(
            app, store=PageStore(100, 10**7), versions=Versions(tmp_path / "edge-versions"),
            machine=MachineRenders(tmp_path / "edge-renders"),
        )

    return make


def test_the_edge_counts_hits_and_misses_not_conditional_answers(edge):
    app = edge(Newsroom())
    counter = app.counter
    get(app, headers=[FIREFOX])  # a miss, rendered
    hit = get(app, headers=[FIREFOX])
    get(app, method="HEAD", headers=[FIREFOX])
    get(app, headers=[FIREFOX, (b"if-none-match", hit.headers[b"etag"])])  # 304
    get(app, headers=[(b"user-agent", b"Googlebot/2.1")])
    assert counter.take() == {(b"journal.example", "/monde/"): 2}
    # The server's fast path, straight from the cache.
    assert app.answer("GET", "/monde/", b"", [(b"host", b"journal.example"), FIREFOX]) is not None
    assert app.answer("GET", "/monde/", b"", [(b"host", b"journal.example"), (b"user-agent", b"bingbot")]) is not None
    assert counter.take() == {(b"journal.example", "/monde/"): 1}


def test_the_edge_does_not_count_what_is_not_a_200(edge):
    app = edge(Newsroom(status=404))
    asyncio.run(call(app, headers=[FIREFOX]))
    asyncio.run(call(app, headers=[FIREFOX]))
    assert app.counter.take() == {}


@pytest.fixture
def pages(home):
    from manchette.news.tests.factories import ArticleFactory, SectionFactory

    monde = SectionFactory(title="Monde", slug="monde")
    return {
        "monde": monde,
        "a": ArticleFactory(parent=monde, slug="a"),
        "b": ArticleFactory(parent=monde, slug="b"),
    }


def test_a_flush_adds_views_to_each_pages_hour(pages):
    now = timezone.now()
    record({(b"localhost", "/monde/a/"): 3, (b"localhost:80", "/monde/b/"): 1, (b"x", "/nulle-part/"): 9}, now)
    record({(b"localhost", "/monde/a/"): 2, (b"autre.example", "/monde/a"): 1}, now)
    rows = {(row.page_id, row.views) for row in PageViews.objects.all()}
    assert rows == {(pages["a"].pk, 6), (pages["b"].pk, 1)}
    assert {row.hour for row in PageViews.objects.all()} == {views_counter.hour_of(now)}


def test_most_read_over_the_last_day(pages):
    now = timezone.now()
    record({(b"localhost", "/monde/a/"): 2, (b"localhost", "/monde/b/"): 5}, now - datetime.timedelta(hours=30))
    record({(b"localhost", "/monde/a/"): 4, (b"localhost", "/monde/b/"): 1}, now - datetime.timedelta(hours=2))
    record({(b"localhost", "/monde/a/"): 1, (b"localhost", "/monde/"): 3}, now)
    assert most_read(24, now=now) == [(pages["a"].pk, 5), (pages["monde"].pk, 3), (pages["b"].pk, 1)]
    assert most_read(24, limit=1, now=now) == [(pages["a"].pk, 5)]
    assert views_of([pages["b"].pk], hours=48, now=now) == {pages["b"].pk: 6}


def test_the_thread_flushes_in_batches_and_at_stop(monkeypatch):
    batches = []
    flushed = threading.Event()

    def keep(counts, now):
        batches.append(counts)
        flushed.set()

    monkeypatch.setattr(views_counter, "record", keep)
    counter = ViewCounter(flush_every=60, flush_after=2)
    counter.start()
    try:
        counter.count(b"h", "/a/")
        counter.count(b"h", "/a/")  # enough: flushed without waiting a minute
        assert flushed.wait(5)
        counter.count(b"h", "/b/")
    finally:
        counter.stop()
    assert batches == [{(b"h", "/a/"): 2}, {(b"h", "/b/"): 1}]
    assert counter.thread is None
