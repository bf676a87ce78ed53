"""Pushes the fil info to open pages with Server-Sent Events, served in front of Django.

Each server process has one `Hub`. It reads new `FeedEvent` rows (one query per change, whatever the
number of readers) when the machine's counter moves (notify.py), keeps the latest ones in memory, and
hands each event, encoded once, to every open stream. A stream answers without entering Django: it
replays from memory what its reader missed (Last-Event-ID, or `?depuis=` on a page's first connection),
then follows.

A slow reader only fills its own buffer; past `STREAM_BUFFER_BYTES` its stream is cut, even while the server
waits for its socket to drain, and the browser reconnects with its last id, so it misses nothing and delays
no one. Streams get a heartbeat comment every `FILINFO_HEARTBEAT_SECONDS` and are ended cleanly when the
server stops.
"""

import asyncio
import bisect
import collections
import concurrent.futures
import logging
import time
from urllib.parse import parse_qs

from django.conf import settings

from . import notify

STREAM_PATH = "/fil-info/direct/"
WATCH_SECONDS = 0.02
SAFETY_POLL_SECONDS = 5
FETCH_BATCH = 500
RETRY_MILLISECONDS = 2000
# With no usable id (none, garbage, from the future) a reader gets the latest few events: harmless, since
# every event says what an item now is.
FRESH_REPLAY = 20
# A replay goes out in pieces of about this size, taken from the frames every stream shares: a reader far behind
# (up to FILINFO_REPLAY_EVENTS) never costs a copy of all it missed, only what its socket can take.
REPLAY_CHUNK_BYTES = 16 * 1024
STREAM_HEADERS = [
    (b"content-type", b"text/event-stream; charset=utf-8"),
    (b"cache-control", b"no-store"),
    (b"x-accel-buffering", b"no"),
]

logger = logging.getLogger(__name__)


def encode(event_id, action, data):
    return b"id: %d\nevent: %s\ndata: %s\n\n" % (event_id, action.encode(), data.encode())


RESET = b"event: reset\ndata: {}\n\n"
HEARTBEAT = b": \n\n"


class Stream:
    """One open connection's pending bytes."""

    __slots__ = ("chunks", "size", "ready", "closed", "gone", "client", "task", "sending", "cut")

    def __init__(self, client, task):
        self.chunks = []
        self.size = 0
        self.ready = asyncio.Event()
        self.closed = False
        self.gone = False
        self.client = client
        self.task = task  # the task serving the connection
        self.sending = False  # that task waits for the server to take bytes (the socket may be full)
        self.cut = False

    def push(self, data, limit):
        if self.closed:
            return
        # Bytes wait here only while the server cannot take them; one batch always fits, so that a burst
        # larger than the limit does not cut readers who keep up.
        if self.size and self.size + len(data) > limit:
            # A reader this far behind reconnects with its last id and replays from memory instead.
            self.close()
            return
        self.chunks.append(data)
        self.size += len(data)
        self.ready.set()

    def take(self):
        data = b"".join(self.chunks)
        self.chunks.clear()
        self.size = 0
        self.ready.clear()
        return data

    def end(self):
        """The stream ends once the bytes being sent are taken: the reader gets a complete answer."""
        self.closed = True
        self.ready.set()

    def close(self):
        """The stream ends now, even if its reader does not read any more."""
        self.end()
        if self.sending and not self.cut:
            # The server only takes more once the reader reads: a stalled reader would keep the connection
            # (and its socket buffers) forever. Giving up the send ends the response, so the connection closes.
            self.cut = True
            self.task.cancel()


class Hub:
    def __init__(self):
        self.streams = set()
        self.per_client = collections.Counter()
        self.ids = []  # ids of the events kept in memory, ascending, beside their encoded bytes
        self.frames = []
        self.floor = 0  # every event up to this id may be missing from memory
        self.head = 0
        self.memory = settings.FILINFO_REPLAY_EVENTS
        self.buffer_limit = settings.FILINFO_STREAM_BUFFER_BYTES
        self.max_per_client = settings.FILINFO_MAX_STREAMS_PER_CLIENT
        self.max_streams = settings.FILINFO_MAX_STREAMS
        self.heartbeat_seconds = settings.FILINFO_HEARTBEAT_SECONDS
        self._database = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="filinfo-hub")
        self._task = None
        self._started = None
        self._following = None
        self._stopping = False
        self._stop_task = None

    # Lifecycle

    async def start(self):
        if self._task is None:
            self._started = asyncio.get_running_loop().create_future()
            self._task = asyncio.create_task(self._run())
        await asyncio.shield(self._started)

    def stop_soon(self):
        """Starts stop() once; the server calls it for each connection it asks to close."""
        if self._stop_task is None:
            self._stop_task = asyncio.ensure_future(self.stop())
        return self._stop_task

    async def stop(self):
        self._stopping = True
        if self._task is not None:
            self._task.cancel()
        # Every stream ends its answer before the server closes the sockets; those whose readers do not take
        # their last bytes within a second are cut.
        for stream in list(self.streams):
            stream.end()
        await self._until_no_stream(1)
        for stream in list(self.streams):
            stream.close()
        await self._until_no_stream(1)

    async def _until_no_stream(self, seconds):
        deadline = time.monotonic() + seconds
        while self.streams and time.monotonic() < deadline:
            await asyncio.sleep(0.01)

    async def _run(self):
        counter = notify.counter()
        remote = notify.bus()
        while True:
            try:
                seen = counter.current()
                await self._load()
                break
            except Exception:
                logger.exception("Fil info: could not read the event log, retrying")
                await asyncio.sleep(1)
        if remote is not None:
            remote.listen()
        self._started.set_result(None)
        next_poll = next_heartbeat = time.monotonic()
        while True:
            await asyncio.sleep(WATCH_SECONDS)
            now = time.monotonic()
            current = counter.current()
            if current != seen or now >= next_poll:
                seen = current
                next_poll = now + SAFETY_POLL_SECONDS
                try:
                    await self._read_new()
                except Exception:
                    # The database may be restarting: the next poll catches up.
                    logger.exception("Fil info: could not read new events")
            if now >= next_heartbeat:
                next_heartbeat = now + self.heartbeat_seconds
                self._broadcast(HEARTBEAT)

    # Reading the log

    async def _load(self):
        rows, floor = await self._in_thread(recent_events, self.memory)
        self.floor = floor
        for row in rows:
            self._keep(*row)

    def _read_new(self):
        """Reads what the log gained; callers at the same moment share one read, so no event is sent twice."""
        if self._following is None or self._following.done():
            self._following = asyncio.ensure_future(self._follow())
        return asyncio.shield(self._following)

    async def _follow(self):
        while True:
            rows = await self._in_thread(events_after, self.head, FETCH_BATCH)
            if rows:
                # One chunk per read, shared by every stream: a burst wakes each stream once, without copies.
                self._broadcast(b"".join([self._keep(*row) for row in rows]))
            if len(rows) < FETCH_BATCH:
                return

    async def _catch_up(self, last_id):
        """A reader coming from another process or machine may have seen events this one has not read yet."""
        for _ in range(2):  # the first read may have begun before the reader's event was committed
            if last_id is None or last_id <= self.head:
                return
            try:
                await self._read_new()
            except Exception:
                logger.exception("Fil info: could not read new events")
                return

    def _keep(self, event_id, action, data):
        frame = encode(event_id, action, data)
        self.ids.append(event_id)
        self.frames.append(frame)
        self.head = event_id
        if len(self.ids) > self.memory:
            drop = len(self.ids) - self.memory
            self.floor = self.ids[drop - 1]
            del self.ids[:drop], self.frames[:drop]
        return frame

    async def _in_thread(self, function, *args):
        return await asyncio.get_running_loop().run_in_executor(self._database, function, *args)

    def _broadcast(self, frame):
        limit = self.buffer_limit
        for stream in self.streams:
            stream.push(frame, limit)

    # Serving a stream

    def replay(self, last_id):
        """The frames a reader who saw LAST_ID must get first: the events after it, or a reset."""
        if last_id is None or last_id > self.head:
            return self.frames[-FRESH_REPLAY:]
        if last_id < self.floor:
            return [RESET]
        return self.frames[bisect.bisect_right(self.ids, last_id):]

    async def serve(self, scope, receive, send):
        if scope["method"] not in ("GET", "HEAD"):
            return await plain(send, 405, "Méthode non autorisée.", [(b"allow", b"GET, HEAD")])
        await self.start()
        last_id = last_event_id(scope)
        await self._catch_up(last_id)
        # Counted and registered with no await in between, so a flood cannot slip past the limits.
        client = (scope.get("client") or ("?", 0))[0]
        if self._stopping or len(self.streams) >= self.max_streams:
            return await plain(send, 503, "Le direct est saturé, réessayez dans un instant.", [(b"retry-after", b"5")])
        if self.per_client[client] >= self.max_per_client:
            return await plain(send, 429, "Trop de connexions au direct depuis votre adresse.", [(b"retry-after", b"30")])
        stream = Stream(client, asyncio.current_task())
        # Registered and replayed with no await in between: no event can fall between the two.
        self._register(stream)
        try:
            replay = [b"retry: %d\n\n" % RETRY_MILLISECONDS, *self.replay(last_id)]
            await send({"type": "http.response.start", "status": 200, "headers": STREAM_HEADERS})
            if scope["method"] == "HEAD":
                return await send({"type": "http.response.body", "body": b""})
            watcher = asyncio.ensure_future(wait_for_disconnect(receive, stream))
            try:
                for chunk in chunks(replay, REPLAY_CHUNK_BYTES):
                    await self._send(stream, send, chunk)
                await self._pump(stream, send)
            finally:
                watcher.cancel()
        except asyncio.CancelledError:
            if not stream.cut:
                raise
            # We gave up a send to a reader who stopped reading (Stream.close): the response just ends here.
            asyncio.current_task().uncancel()
        except Exception:
            if not stream.gone:
                raise
            # The reader went away while we wrote to it: nothing to answer.
        finally:
            self._unregister(stream)

    async def _pump(self, stream, send):
        while True:
            await stream.ready.wait()
            data = stream.take()
            if data:
                await self._send(stream, send, data)
            if stream.closed:
                if not stream.gone:
                    await self._send(stream, send, b"", more=False)
                return

    @staticmethod
    async def _send(stream, send, body, more=True):
        stream.sending = True
        try:
            await send({"type": "http.response.body", "body": body, "more_body": more})
        finally:
            stream.sending = False

    def _register(self, stream):
        self.streams.add(stream)
        self.per_client[stream.client] += 1

    def _unregister(self, stream):
        self.streams.discard(stream)
        self.per_client[stream.client] -= 1
        if self.per_client[stream.client] <= 0:
            del self.per_client[stream.client]


def chunks(frames, size):
    """FRAMES joined into pieces of about SIZE bytes."""
    piece, length = [], 0
    for frame in frames:
        piece.append(frame)
        length += len(frame)
        if length >= size:
            yield b"".join(piece)
            piece, length = [], 0
    if piece:
        yield b"".join(piece)


async def wait_for_disconnect(receive, stream):
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            stream.gone = True
            stream.close()
            return


def last_event_id(scope):
    """The id the reader last saw: Last-Event-ID on a reconnection, `depuis` on a page's first one."""
    for name, value in scope["headers"]:
        if name == b"last-event-id":
            return parse_id(value.decode("latin-1"))
    values = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("depuis")
    return parse_id(values[0]) if values else None


def parse_id(text):
    text = text.strip()
    if not text.isascii() or not text.isdigit() or len(text) > 18:
        return None
    return int(text)


async def plain(send, status, message, headers=()):
    body = message.encode()
    await send({
        "type": "http.response.start", "status": status,
        "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", b"%d" % len(body)), *headers],
    })
    await send({"type": "http.response.body", "body": body})


# Run in the hub's database thread.

def recent_events(count):
    from django.db import close_old_connections

    from .models import FeedEvent

    close_old_connections()
    rows = list(FeedEvent.objects.order_by("-id").values_list("id", "action", "data")[:count])
    rows.reverse()
    if not rows:
        return rows, 0
    older = FeedEvent.objects.filter(id__lt=rows[0][0]).order_by("-id").values_list("id", flat=True).first()
    return rows, older or 0


def events_after(event_id, count):
    from django.db import close_old_connections

    from .models import FeedEvent

    close_old_connections()
    return list(FeedEvent.objects.filter(id__gt=event_id).order_by("id").values_list("id", "action", "data")[:count])


class LiveFeed:
    """ASGI layer: the stream path goes to the hub, everything else to the inner app."""

    def __init__(self, app, hub=None):
        self.app = app
        self.hub = hub or Hub()

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope["path"] == STREAM_PATH:
            return await self.hub.serve(scope, receive, send)
        if scope["type"] == "lifespan":
            return await self._lifespan(receive, send)
        await self.app(scope, receive, send)

    async def _lifespan(self, receive, send):
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await self.app.startup()
                await self.hub.start()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.hub.stop_soon()
                await send({"type": "lifespan.shutdown.complete"})
                return
