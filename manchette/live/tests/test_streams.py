"""One stream per page, for all the topics it shows: the live layer in this process, on the real log.

The hub reads the test database in its own thread, as in a server; events are appended by the writers'
own function (log.append), each in its transaction.
"""

import asyncio

import pytest
from django.db import connections

from manchette.live import log, topics
from manchette.live.asgi import MAX_TOPICS, LiveStreams
from manchette.live.hub import Hub
from manchette.live.models import Event
from manchette.live.sse import HEARTBEAT, RETRY, frame

pytestmark = pytest.mark.django_db(transaction=True)
PROMPTLY = 5  # seconds


@pytest.fixture
def comment_topics():
    topics.register("essai-", family=True, exists=lambda name: name == "essai-1")
    yield
    del topics._registered["essai-"]


class Page:
    """One stream as a browser opens it; the bytes it is sent."""

    def __init__(self, app, query, headers=()):
        self.messages = []
        self.gone = asyncio.Event()
        scope = {"type": "http", "method": "GET", "path": "/direct/", "query_string": query.encode(),
                 "headers": list(headers), "client": ("127.0.0.1", 5000)}
        self.task = asyncio.ensure_future(app(scope, self.receive, self.send))

    async def receive(self):
        await self.gone.wait()
        return {"type": "http.disconnect"}

    async def send(self, message):
        self.messages.append(message)

    @property
    def status(self):
        return self.messages[0]["status"] if self.messages else None

    @property
    def body(self):
        """What the stream sent, heartbeats apart (`: ` comments, whenever the hub beats)."""
        sent = b"".join(m.get("body", b"") for m in self.messages if m["type"] == "http.response.body")
        return sent.replace(HEARTBEAT, b"")

    async def until(self, condition):
        async def wait():
            while not condition(self):
                await asyncio.sleep(0.01)

        await asyncio.wait_for(wait(), PROMPTLY)

    async def leave(self):
        self.gone.set()
        await asyncio.wait_for(self.task, PROMPTLY)


def append_events(*topic_names):
    for number, name in enumerate(topic_names):
        log.append(name, f"cle-{number}", "upsert", {"numero": number})


def frames_after(since, followed):
    rows = Event.objects.filter(id__gt=since, topic__in=followed).order_by("id")
    return [frame(row.id, row.topic, row.action, row.data) for row in rows]


async def in_thread(function, *args):
    """FUNCTION's database work in a thread, as the hub does its own: the thread's connection closes after
    it, or PostgreSQL would keep the session until the test database is dropped."""

    def call():
        try:
            return function(*args)
        finally:
            connections.close_all()

    return await asyncio.to_thread(call)


def run(scenario):
    return asyncio.run(asyncio.wait_for(scenario(), 4 * PROMPTLY))


def test_one_stream_with_two_topics_receives_both_in_log_order(comment_topics):
    followed = ("filinfo", "essai-1")

    async def scenario():
        hub = Hub()
        app = LiveStreams(None, hub)
        since = await in_thread(log.last_id)
        page = Page(app, f"sujets=filinfo,essai-1&depuis={since}")
        await page.until(lambda p: p.status == 200)
        # Another article's comments (essai-2) are not this page's.
        await in_thread(append_events, "filinfo", "essai-1", "essai-2", "essai-1", "filinfo")
        expected = RETRY + b"".join(await in_thread(frames_after, since, followed))
        await page.until(lambda p: p.body == expected or len(p.body) > len(expected))
        await page.leave()
        # A page opened now gets the same from the process's memory.
        late = Page(app, f"sujets=essai-1,filinfo&depuis={since}")
        await late.until(lambda p: p.body == expected or len(p.body) > len(expected))
        await late.leave()
        await hub.stop()
        return expected, page.body, late.body

    expected, first, late = run(scenario)
    assert expected.count(b"\nevent: filinfo\n") == 2 and expected.count(b"\nevent: essai-1\n") == 2
    assert first == expected and late == expected


def test_a_process_reads_a_topic_from_the_log_the_first_time_a_page_asks(comment_topics):
    followed = ("filinfo", "essai-1")

    async def scenario():
        since = await in_thread(log.last_id)
        await in_thread(append_events, "essai-1", "filinfo", "essai-1")
        hub = Hub()  # started after the events: it has none of them in memory
        page = Page(LiveStreams(None, hub), f"sujets=filinfo,essai-1&depuis={since}")
        expected = RETRY + b"".join(await in_thread(frames_after, since, followed))
        await page.until(lambda p: len(p.body) >= len(expected))
        await page.leave()
        await hub.stop()
        return expected, page.body

    expected, body = run(scenario)
    assert body == expected


@pytest.mark.parametrize("query, status, text", [
    ("", 400, "Précisez les sujets suivis (?sujets=…)."),
    ("sujets=", 400, "Précisez les sujets suivis (?sujets=…)."),
    ("sujets=" + ",".join(f"essai-{n}" for n in range(MAX_TOPICS + 1)), 400, f"Au plus {MAX_TOPICS} sujets par connexion."),
    ("sujets=" + "filinfo," * 100_000, 400, f"Au plus {MAX_TOPICS} sujets par connexion."),
    ("sujets=filinfo,inconnu", 404, "Sujet inconnu : inconnu"),
    ("sujets=essai-2", 404, "Sujet inconnu : essai-2"),
    ("sujets=FILINFO", 404, "Sujet inconnu : FILINFO"),
    ("sujets=%3Cscript%3E", 404, "Sujet inconnu : <script>"),
])
def test_a_stream_asks_for_declared_topics_only(comment_topics, query, status, text):
    async def scenario():
        hub = Hub()
        page = Page(LiveStreams(None, hub), query)
        await asyncio.wait_for(page.task, PROMPTLY)
        await hub.stop()
        return page

    page = run(scenario)
    assert page.status == status
    assert dict(page.messages[0]["headers"])[b"content-type"] == b"text/plain; charset=utf-8"
    assert page.body.decode() == text
