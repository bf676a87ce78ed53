"""The serving path in front of Django: anonymous readers get finished pages from memory.

Pure ASGI: a cached page is answered without entering Django. A GET or HEAD without a cookie that
personalises the page (session, pending messages) is looked up by host, path and query
string; a miss goes to Django, and the answer is kept when Django marked it shareable (`public`, see
middleware.py) and it sets no cookie. Every entry remembers the invalidation generation read before Django
rendered it; once anything readers see changes, the generation moves on (invalidation.py) and older
entries are misses. Concurrent misses on one page wait for a single render instead of all rendering it.
"""

import asyncio
import time

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage

from . import invalidation
from .middleware import PRIVATE_PREFIXES
from .store import Entry, PageStore

READ_METHODS = frozenset({"GET", "HEAD"})
STORED_STATUSES = frozenset({200, 404})
# Vary values the edge honours: Cookie by sending personalising cookies to Django, Accept-Encoding by keeping
# both copies. An answer that varies on anything else is not kept.
HONOURED_VARY = frozenset({b"cookie", b"accept-encoding"})
HIT = b"HIT"
MISS = b"MISS"


class EdgeCache:
    def __init__(self, app, *, store=None, generation=None, bus=None):
        self.app = app
        self.store = store or PageStore(settings.EDGE_CACHE_ENTRIES, settings.EDGE_CACHE_BYTES)
        self.generation = generation or invalidation.generation()
        self.bus = invalidation.bus() if generation is None else bus
        self.default_ttl = settings.EDGE_CACHE_MAX_AGE
        self.private_cookies = frozenset({settings.SESSION_COOKIE_NAME.encode(), CookieStorage.cookie_name.encode()})
        self._rendering = {}
        self._listening = False

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http":
            shared = self.shared_key(scope["method"], scope["path"], scope["query_string"], scope["headers"])
            if shared is not None:
                return await self._serve(scope, receive, send, *shared)
        await self.app(scope, receive, send)

    def shared_key(self, method, path, query_string, headers):
        """(key, accepts gzip) for a read any anonymous reader could have made, otherwise None."""
        if method not in READ_METHODS or path.startswith(PRIVATE_PREFIXES):
            return None
        host = b""
        gzip = False
        for name, value in headers:
            if name == b"cookie":
                if self._has_private_cookie(value):
                    return None
            elif name == b"accept-encoding":
                gzip = accepts_gzip(value)
            elif name == b"host":
                host = value
        return (host, path, query_string), gzip

    def _has_private_cookie(self, header):
        return any(part.split(b"=", 1)[0].strip() in self.private_cookies for part in header.split(b";"))

    def fresh(self, key):
        """(entry or None, generation): what the cache holds for KEY as things stand now."""
        if not self._listening:
            self._listen()
        generation = self.generation.current()
        return self.store.get(key, generation, time.monotonic()), generation

    def answer(self, method, path, query_string, headers, server_headers=b""):
        """The whole HTTP/1.1 answer to a read the cache can serve at once, as bytes, otherwise None.

        The server's fast path (protocol.py) writes it straight to the socket, without an ASGI cycle."""
        shared = self.shared_key(method, path, query_string, headers)
        if shared is None:
            return None
        entry = self.fresh(shared[0])[0]
        if entry is None:
            return None
        return entry.wire(shared[1], method == "HEAD", HIT, server_headers)

    async def _serve(self, scope, receive, send, key, gzip):
        entry, generation = self.fresh(key)
        head = scope["method"] == "HEAD"
        if entry is None and (key, generation) in self._rendering:
            entry = await asyncio.shield(self._rendering[key, generation])
        if entry is not None:
            return await send_entry(send, entry, gzip, head, HIT)
        if head:
            # Django answers HEAD without a body: nothing worth keeping.
            return await self.app(scope, receive, send)
        await self._fill(scope, receive, send, key, generation, gzip)

    async def _fill(self, scope, receive, send, key, generation, gzip):
        rendering = None
        if (key, generation) not in self._rendering:
            rendering = self._rendering[key, generation] = asyncio.get_running_loop().create_future()

        def keep(status, headers, body, ttl):
            entry = Entry.build(status, headers, body, generation=generation, now=time.monotonic(), ttl=ttl)
            self.store.put(key, entry)
            if rendering is not None:
                rendering.set_result(entry)
            return entry

        capture = Capture(send, keep, gzip, self.store.max_entry_bytes, self.default_ttl)
        try:
            await self.app(scope, receive, capture.send)
        finally:
            if rendering is not None:
                del self._rendering[key, generation]
                if not rendering.done():
                    rendering.set_result(None)

    def _listen(self):
        self._listening = True
        if self.bus is not None:
            self.bus.listen()

    async def startup(self):
        self._listen()


class Capture:
    """Stands between Django and the client: buffers an answer that may be kept, passes any other one on as it comes."""

    def __init__(self, send, keep, gzip, max_bytes, default_ttl):
        self.downstream = send
        self.keep = keep
        self.gzip = gzip
        self.max_bytes = max_bytes
        self.default_ttl = default_ttl
        self.start = None
        self.ttl = None
        self.chunks = None

    async def send(self, message):
        if message["type"] == "http.response.start":
            self.ttl = keepable_for(message["status"], message["headers"], self.max_bytes, self.default_ttl)
            if self.ttl is None:
                await self.downstream({**message, "headers": [*message["headers"], (b"x-cache", MISS)]})
            else:
                self.start = message
                self.chunks = []
            return
        if self.chunks is None or message["type"] != "http.response.body":
            await self.downstream(message)
            return
        self.chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            entry = self.keep(self.start["status"], self.start["headers"], b"".join(self.chunks), self.ttl)
            await send_entry(self.downstream, entry, self.gzip, False, MISS)


async def send_entry(send, entry, gzip, head, label):
    headers, body = entry.variant(gzip)
    await send({"type": "http.response.start", "status": entry.status, "headers": [*headers, (b"x-cache", label), (b"age", entry.age())]})
    await send({"type": "http.response.body", "body": b"" if head else body})


def keepable_for(status, headers, max_bytes, default_ttl):
    """Seconds an answer may be kept and shared, or None when it must not be."""
    if status not in STORED_STATUSES:
        return None
    cache_control = length = None
    for name, value in headers:
        name = name.lower()
        if name in (b"set-cookie", b"content-encoding"):
            return None
        if name == b"cache-control":
            cache_control = directives(value)
        elif name == b"content-length":
            length = int(value)
        elif name == b"vary" and not {v.strip().lower() for v in value.split(b",")} <= HONOURED_VARY:
            return None
        elif name == b"content-type" and value.lower().startswith(b"text/event-stream"):
            return None
    # No length means a streaming answer: it goes through as it comes, never buffered.
    if length is None or length > max_bytes or cache_control is None or b"public" not in cache_control:
        return None
    if cache_control.keys() & {b"private", b"no-store", b"no-cache"}:
        return None
    ttl = cache_control.get(b"s-maxage") or cache_control.get(b"max-age") or default_ttl
    try:
        ttl = int(ttl)
    except ValueError:
        return None
    return ttl if ttl > 0 else None


def directives(cache_control):
    pairs = (part.strip().lower().partition(b"=") for part in cache_control.split(b","))
    return {name: value for name, _, value in pairs}


def accepts_gzip(accept_encoding):
    for coding in accept_encoding.split(b","):
        name, _, params = coding.partition(b";")
        if name.strip().lower() == b"gzip":
            return not _zero_quality(params)
    return False


def _zero_quality(params):
    name, _, value = params.strip().partition(b"=")
    try:
        return name.strip().lower() == b"q" and float(value) == 0
    except ValueError:
        return False
