"""Pushes what the newsroom publishes to open pages, with Server-Sent Events served in front of Django.

Each server process has one `Hub`. It reads new events of the live log (log.py: one query per change,
whatever the number of readers) when the machine's counter moves, keeps the latest events of each topic
that pages here follow, and hands each event, encoded once, to every stream following its topic. A page
opens one stream for all the topics it shows (a browser holds six connections per host: one stream per
topic would hang a reader's third tab). A stream answers without entering Django: it replays from memory
what its reader missed (Last-Event-ID, or `?depuis=` on a page's first connection), then follows.

A slow reader only fills its own buffer; past `LIVE_STREAM_BUFFER_BYTES` its stream is cut, even while the
server waits for its socket to drain, and the browser reconnects with its last id, so it misses nothing and
delays no one. Streams get a heartbeat comment every `LIVE_HEARTBEAT_SECONDS` and are ended cleanly when
the server stops. One address holds at most `LIVE_MAX_STREAMS_PER_CLIENT` streams on the whole machine,
whichever process serves them (clients.py).
"""

import asyncio
import bisect
import concurrent.futures
import heapq
import logging
import time
from pathlib import Path
from urllib.parse import parse_qs

from django.conf import settings

from . import clients, log, sse
from .topics import find

WATCH_SECONDS = 0.02
SAFETY_POLL_SECONDS = 5
FETCH_BATCH = 500
# With no usable id (none, garbage, from the future) a reader gets the latest few events of each topic:
# harmless, since every event says what an item now is.
FRESH_REPLAY = 20
# A replay goes out in pieces of about this size, taken from the frames every stream shares: a reader far
# behind never costs a copy of all it missed, only what its socket can take.
REPLAY_CHUNK_BYTES = 16 * 1024

TOO_MANY_FROM_ADDRESS = (429, "Trop de connexions au direct depuis votre adresse.", [(b"retry-after", b"30")])

logger = logging.getLogger(__name__)


class Memory:
    """One topic's latest events in this process, and the streams following it."""

    __slots__ = ("floor", "frames", "ids", "keys", "limit", "streams", "used")

    def __init__(self, limit):
        self.ids = []  # ascending, beside their encoded frames and the keys they are about
        self.frames = []
        self.keys = []
        self.floor = 0  # every event of the topic up to this id may be missing from memory
        self.limit = limit
        self.streams = set()
        self.used = time.monotonic()

    def keep(self, event_id, frame, key, action):
        if action == log.REMOVE:
            # What was withdrawn is not replayed to anyone (the log forgets it too, log.append).
            kept = [index for index, kept_key in enumerate(self.keys) if kept_key != key]
            self.ids = [self.ids[index] for index in kept]
            self.frames = [self.frames[index] for index in kept]
            self.keys = [self.keys[index] for index in kept]
        self.ids.append(event_id)
        self.frames.append(frame)
        self.keys.append(key)
        self.keep_within_limit()

    def loaded(self, rows, floor, topic):
        """Puts the events read from the log (all older than those kept since) before those."""
        self.ids[:0] = [row[0] for row in rows]
        self.frames[:0] = [sse.frame(event_id, topic, action, data) for event_id, _, action, data in rows]
        self.keys[:0] = [row[1] for row in rows]
        self.floor = floor
        self.keep_within_limit()

    def keep_within_limit(self):
        if len(self.ids) > self.limit:
            drop = len(self.ids) - self.limit
            self.floor = self.ids[drop - 1]
            del self.ids[:drop], self.frames[:drop], self.keys[:drop]

    def after(self, last_id):
        """(ids, frames) after LAST_ID, or None when some of them are no longer kept."""
        if last_id < self.floor:
            return None
        start = bisect.bisect_right(self.ids, last_id)
        return self.ids[start:], self.frames[start:]


class Hub:
    def __init__(self):
        self.streams = set()
        # Streams per address on the machine, and the place each stream of this process holds there.
        self.clients = clients.MachineClients(Path(settings.DATA_DIR) / clients.FOLDER, settings.LIVE_MAX_STREAMS_PER_CLIENT)
        self._places = {}
        self.memories = {}  # topic name -> Memory, for the topics pages here follow
        self.head = 0  # the last event read from the log
        self.delivered = 0  # events handed to streams as they came (replays apart): read by the metrics
        self.buffer_limit = settings.LIVE_STREAM_BUFFER_BYTES
        self.max_streams = settings.LIVE_MAX_STREAMS
        self.max_topics = settings.LIVE_TOPICS_IN_MEMORY
        self.heartbeat_seconds = settings.LIVE_HEARTBEAT_SECONDS
        self._database = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="live-hub")
        self._loading = {}
        self._task = None
        self._started = None
        self._following = None
        self._sync_asked = self._sync_done = 0  # tickets of streams waiting to have read the whole log
        self._syncing = None
        self._stopping = False
        self._stop_task = None

    # Lifecycle

    async def start(self):
        if self._task is None:
            self._started = asyncio.get_running_loop().create_future()
            self._task = asyncio.create_task(self._run())
        await asyncio.shield(self._started)

    def stop_soon(self):
        """Starts stop() once; the server calls it as soon as it begins to stop."""
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
        # The database thread's connection would otherwise outlive the hub (a session PostgreSQL keeps open).
        await self._in_thread(log.disconnect)
        self._database.shutdown(wait=False)
        self.clients.close()

    async def _until_no_stream(self, seconds):
        deadline = time.monotonic() + seconds
        while self.streams and time.monotonic() < deadline:
            await asyncio.sleep(0.01)

    async def _run(self):
        counter = log.signal.counter
        remote = log.signal.bus()
        while True:
            try:
                seen = counter.current()
                self.head = await self._in_thread(log.head)
                break
            except Exception:
                logger.exception("Live: could not read the event log, retrying")
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
                    logger.exception("Live: could not read new events")
            if now >= next_heartbeat:
                next_heartbeat = now + self.heartbeat_seconds
                for stream in self.streams:
                    stream.push(sse.HEARTBEAT, self.buffer_limit)

    # Reading the log

    def _read_new(self):
        """Reads what the log gained; callers at the same moment share one read, so no event is sent twice."""
        if self._following is None or self._following.done():
            self._following = asyncio.ensure_future(self._follow())
        return asyncio.shield(self._following)

    async def _follow(self):
        while True:
            rows = await self._in_thread(log.events_after, self.head, FETCH_BATCH)
            if rows:
                self._deliver(rows)
            if len(rows) < FETCH_BATCH:
                return

    def _deliver(self, rows):
        """Keeps and sends a batch of new events: each stream gets one chunk, whatever its topics."""
        batch = []
        for event_id, topic, key, action, data in rows:
            self.head = event_id
            memory = self.memories.get(topic)
            if memory is not None:  # no page here follows the other topics
                frame = sse.frame(event_id, topic, action, data)
                memory.keep(event_id, frame, key, action)
                batch.append((topic, frame))
        if not batch:
            return
        topics = {topic for topic, _ in batch}
        limit = self.buffer_limit
        if len(topics) == 1:
            # The usual case (one topic moved): one chunk for every stream that follows it.
            chunk = b"".join(frame for _, frame in batch)
            streams = self.memories[topics.pop()].streams
            self.delivered += len(batch) * len(streams)
            for stream in streams:
                stream.push(chunk, limit)
            return
        shared = {}  # topics of a stream -> its chunk: streams following the same topics share one
        for stream in set().union(*(self.memories[topic].streams for topic in topics)):
            chunk = shared.get(stream.topics)
            if chunk is None:
                frames = [frame for topic, frame in batch if topic in stream.topics]
                shared[stream.topics] = chunk = (b"".join(frames), len(frames))
            self.delivered += chunk[1]
            stream.push(chunk[0], limit)

    async def _catch_up(self, last_id):
        """A reader coming from another process or machine may have seen events this one has not read yet."""
        for _ in range(2):  # the first read may have begun before the reader's event was committed
            if last_id is None or last_id <= self.head:
                return
            try:
                await self._read_new()
            except Exception:
                logger.exception("Live: could not read new events")
                return

    async def _sync(self):
        """Returns once this process has read every event committed before the call: a stream's replay must
        not give back what a removal, committed but not yet read here, has taken out of the log. Streams
        arriving together share one look at the log's last id."""
        self._sync_asked += 1
        ticket = self._sync_asked
        while self._sync_done < ticket:
            if self._syncing is None or self._syncing.done():
                self._syncing = asyncio.ensure_future(self._sync_once(self._sync_asked))
            await asyncio.shield(self._syncing)

    async def _sync_once(self, ticket):
        try:
            await self._catch_up(await self._in_thread(log.head))
        finally:
            self._sync_done = max(self._sync_done, ticket)

    async def _remember(self, topics):
        """Until every topic of TOPICS has its memory here: read from the log the first time a page asks."""
        while missing := [name for name in topics if name not in self.memories or name in self._loading]:
            for name in missing:
                if name not in self._loading:
                    self._loading[name] = asyncio.ensure_future(self._load(name))
            await asyncio.gather(*(asyncio.shield(self._loading[name]) for name in missing))

    async def _load(self, name):
        try:
            memory = Memory(find(name).kept())
            # From now on, new events of the topic are kept as they are read (_deliver); the log gives the
            # older ones, up to the last id read: nothing falls between the two.
            self.memories[name] = memory
            rows, floor = await self._in_thread(log.latest, name, memory.limit, self.head)
            memory.loaded(rows, floor, name)
            self._forget_unfollowed()
        except BaseException:
            self.memories.pop(name, None)
            raise
        finally:
            del self._loading[name]

    def _forget_unfollowed(self):
        """Past LIVE_TOPICS_IN_MEMORY, the memories of topics nobody here follows go, the least recently used first."""
        excess = len(self.memories) - self.max_topics
        if excess <= 0:
            return
        idle = [(m.used, name) for name, m in self.memories.items() if not m.streams and name not in self._loading]
        for _, name in sorted(idle)[:excess]:
            del self.memories[name]

    async def _in_thread(self, function, *args):
        return await asyncio.get_running_loop().run_in_executor(self._database, function, *args)

    # Serving a stream

    def replay(self, topics, last_id):
        """The frames a reader who saw LAST_ID must get first: the events after it, in log order, and a reset
        for each topic whose events it missed are no longer all kept."""
        memories = [(name, self.memories[name]) for name in sorted(topics)]
        if last_id is None or last_id > self.head:
            parts = [(m.ids[-FRESH_REPLAY:], m.frames[-FRESH_REPLAY:]) for _, m in memories]
            resets = []
        else:
            found = [(name, m.after(last_id)) for name, m in memories]
            parts = [part for _, part in found if part is not None]
            resets = [sse.reset(name) for name, part in found if part is None]
        if len(parts) == 1:
            return resets + parts[0][1]
        merged = heapq.merge(*(zip(ids, frames) for ids, frames in parts), key=lambda pair: pair[0])
        return resets + [frame for _, frame in merged]

    async def serve(self, scope, receive, send, topics):
        if scope["method"] not in ("GET", "HEAD"):
            return await sse.plain(send, 405, "Méthode non autorisée.", [(b"allow", b"GET, HEAD")])
        client = (scope.get("client") or ("?", 0))[0]
        # Refused before any work, and again below, where nothing can slip in before the stream counts.
        if refusal := self._refusal(client):
            return await sse.plain(send, *refusal)
        await self.start()
        last_id = last_event_id(scope)
        try:
            await self._sync()
        except Exception:
            logger.exception("Live: could not read new events")
        try:
            await self._remember(topics)
        except Exception:
            logger.exception("Live: could not read the log for %s", sorted(topics))
            return await sse.plain(send, 503, "Le direct est indisponible, réessayez dans un instant.", [(b"retry-after", b"5")])
        if refusal := self._refusal(client):
            return await sse.plain(send, *refusal)
        place = self.clients.acquire(client)
        if place is None:
            return await sse.plain(send, *TOO_MANY_FROM_ADDRESS)
        stream = sse.Stream(client, asyncio.current_task(), topics)
        # Registered and replayed with no await in between: no event can fall between the two.
        self._register(stream, place)
        try:
            replay = [sse.RETRY, *self.replay(topics, last_id)]
            await send({"type": "http.response.start", "status": 200, "headers": sse.HEADERS})
            if scope["method"] == "HEAD":
                return await send({"type": "http.response.body", "body": b""})
            watcher = asyncio.ensure_future(sse.wait_for_disconnect(receive, stream))
            try:
                for chunk in sse.chunks(replay, REPLAY_CHUNK_BYTES):
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

    def _refusal(self, client):
        """(status, message, headers) when a new stream from CLIENT must be refused, otherwise None."""
        if self._stopping or len(self.streams) >= self.max_streams:
            return 503, "Le direct est saturé, réessayez dans un instant.", [(b"retry-after", b"5")]
        if self.clients.full(client):
            return TOO_MANY_FROM_ADDRESS
        return None

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

    def _register(self, stream, place=None):
        self.streams.add(stream)
        self._places[stream] = place
        now = time.monotonic()
        for name in stream.topics:
            memory = self.memories[name]
            memory.streams.add(stream)
            memory.used = now

    def _unregister(self, stream):
        self.streams.discard(stream)
        self.clients.release(self._places.pop(stream, None))
        now = time.monotonic()
        for name in stream.topics:
            memory = self.memories.get(name)
            if memory is not None:
                memory.streams.discard(stream)
                memory.used = now


def last_event_id(scope):
    """The id the reader last saw: Last-Event-ID on a reconnection, `depuis` on a page's first one."""
    for name, value in scope["headers"]:
        if name == b"last-event-id":
            return parse_id(value.decode("latin-1"))
    return parse_id(query(scope).get("depuis", ""))


def parse_id(text):
    text = text.strip()
    if not text.isascii() or not text.isdigit() or len(text) > 18:
        return None
    return int(text)


def query(scope):
    return {name: values[0] for name, values in parse_qs(scope.get("query_string", b"").decode("latin-1")).items()}
