"""The serving path in front of Django: readers get finished pages from memory.

Pure ASGI: a cached page is answered without entering Django. A GET or HEAD that carries no cookie asking
for a page of one's own (an editor's, pending messages) is looked up by scheme, host, path and the query
parameters pages read (queries.py: Django then renders it with those alone, whatever else came). A
logged-in reader gets the same page as everyone: their session cookie is taken off the request Django
renders on a miss, so what is stored was rendered for nobody in particular; a page that says it depends
on who asks (a view restriction, middleware.py) is then asked for again with the reader's cookies, and
that URL goes to Django with them from then on.

A miss goes to Django, and the answer is kept when Django marked it shareable (`public`) and it sets no
cookie, with the keys of what it shows (its Surrogate-Key header) and the clock value read before Django
rendered it: once one of those keys is invalidated (versions.py), the entry is a miss. Blocks many pages
share come as markers (fragments.py): the edge keeps the page around them, fetches each block from its
own cache entry, and stores the assembled page whole. Concurrent misses on one page wait for a single
render instead of all rendering it. Conditional requests (If-None-Match, If-Modified-Since) get a 304.
"""

import asyncio
import time

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage

from . import fragments, invalidation, personal, queries, views_counter
from .machine import MachineRenders, folder
from .middleware import FRAGMENTS_HEADER, PERSONAL_HEADER, PRIVATE_PREFIXES
from .store import Entry, PageStore, deflate, gzip_of
from .views_counter import PREFETCH_HEADERS, prefetching

READ_METHODS = frozenset({"GET", "HEAD"})
# The request headers shared() reads.
SHARED_READ_HEADERS = frozenset({
    b"cookie", b"accept-encoding", b"host", b"if-none-match", b"if-modified-since", b"user-agent", b"referer",
    *PREFETCH_HEADERS,
})
STORED_STATUSES = frozenset({200, 404})
# Vary values the edge honours: Cookie by sending cookies that change a page to Django (and none that
# only say who is reading), Accept-Encoding by keeping both copies. An answer that varies on anything
# else is not kept.
HONOURED_VARY = frozenset({b"cookie", b"accept-encoding"})
INTERNAL_HEADERS = frozenset({PERSONAL_HEADER.lower().encode(), FRAGMENTS_HEADER.lower().encode()})
HIT = b"HIT"
MISS = b"MISS"
# Put together again from a page and blocks the edge still held: no render of the page itself.
ASSEMBLED = b"ASSEMBLED"
# A block registered with grace (a comment thread, which changes many times a minute on a big story) is shown
# as last rendered, at most this old, to the readers who come while it is rendered again; and this many such
# renderings are kept per process.
FRAGMENT_GRACE_SECONDS = 10
GRACED_BLOCKS = 2000
# What the access log says of an answer Django rendered that carries no X-Cache (set in the request's state):
# PASS, rendered for this request alone and never kept; MISS, a HEAD the cache did not hold.
CACHE_STATE = "edge.cache"
PASS = "PASS"
# How many URLs the edge remembers as answering each reader differently.
PERSONAL_URLS = 10_000
# While another process of the machine renders a page (machine.py): how often to look, and for how long.
MACHINE_POLL_SECONDS = 0.005
MACHINE_WAIT_SECONDS = 10


class Read:
    """A read any reader could have made, as the cache sees it; with what the view counter and the access log
    read of it, and, once answer() has answered it, the answer's status."""

    __slots__ = ("agent", "gzip", "key", "modified_since", "none_match", "prefetch", "reader", "referer", "status")

    def __init__(self, key, gzip, reader, none_match, modified_since, agent=b"", referer=b"", prefetch=False):
        self.key = key
        self.gzip = gzip
        self.reader = reader
        self.none_match = none_match
        self.modified_since = modified_since
        self.agent = agent
        self.referer = referer
        self.prefetch = prefetch
        self.status = 304


class EdgeCache:
    def __init__(self, app, *, store=None, versions=None, bus=None, machine=None, counter=None):
        self.app = app
        # Page views, counted in memory and flushed in batches once started (views_counter.py).
        self.counter = counter or views_counter.ViewCounter()
        self.store = store or PageStore(settings.EDGE_CACHE_ENTRIES, settings.EDGE_CACHE_BYTES)
        self.versions = versions or invalidation.versions()
        self.machine = machine or MachineRenders(folder(self.versions.path.parent))
        self.bus = invalidation.bus() if versions is None else bus
        self.default_ttl = settings.EDGE_CACHE_MAX_AGE
        self.keys_header = settings.EDGE_KEYS_HEADER.lower().encode()
        self.private_cookies = frozenset({CookieStorage.cookie_name.encode(), personal.STAFF_COOKIE.encode()})
        self.reader_cookies = frozenset({settings.SESSION_COOKIE_NAME.encode(), personal.READER_COOKIE.encode()})
        self.token = fragments.token().encode()
        self.markers = fragments.marker_pattern()
        self._rendering = {}
        self._renders_now = set()
        self._graced = {}
        self._personal = {}
        self._listening = False
        # Blocks asked for while putting pages together, and those of them Django had to render: the metrics'
        # hits and misses of the "fragment" kind (pages' own come from the requests' X-Cache).
        self.fragment_lookups = 0
        self.fragment_renders = 0
        # The Read of the last answer() returned.
        self.answered = None

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http":
            read = self.shared(
                scope["method"], scope["path"], scope["query_string"], scope["headers"], scope.get("scheme", "http"),
            )
            if read is not None:
                # Django sees the query the page is kept under, and nothing more (queries.py).
                scope = {**scope, "query_string": read.key[2]}
                if scope["method"] == "GET":
                    send = self._counting(scope, read, send)
                return await self._serve(scope, receive, send, read)
            said(scope, PASS)
        await self.app(scope, receive, send)

    def shared(self, method, path, query_string, headers, scheme="http"):
        """The Read for a request the shared cache may answer, otherwise None.

        SCHEME is part of the key: a page reached by https and by http differ in their absolute URLs."""
        if method not in READ_METHODS or path.startswith(PRIVATE_PREFIXES):
            return None
        host = agent = referer = b""
        gzip = reader = prefetch = False
        none_match = modified_since = None
        for name, value in headers:
            # Most of a browser's headers say nothing here: one lookup each, not a comparison with every name below.
            if name not in SHARED_READ_HEADERS:
                continue
            if name == b"cookie":
                for part in value.split(b";"):
                    cookie = part.split(b"=", 1)[0].strip()
                    if cookie in self.private_cookies:
                        return None
                    if cookie in self.reader_cookies:
                        reader = True
            elif name == b"accept-encoding":
                gzip = _gzip_accepted.get(value)
                if gzip is None:
                    gzip = _remember_gzip(value)
            elif name == b"host":
                host = value
            elif name == b"if-none-match":
                none_match = value
            elif name == b"if-modified-since":
                modified_since = value
            elif name == b"user-agent":
                agent = value
            elif name == b"referer":
                referer = value
            elif name in PREFETCH_HEADERS:
                prefetch = prefetch or prefetching(value)
        return Read(
            (host, path, queries.canonical(path, query_string) if query_string else b"", scheme), gzip, reader, none_match, modified_since,
            agent, referer, prefetch,
        )

    def fresh(self, key):
        """What the cache holds for KEY as things stand now, or None."""
        if not self._listening:
            self._listen()
        return self.store.get(key, self.versions, time.monotonic())

    def answer(self, method, path, query_string, headers, server_headers=b"", scheme="http"):
        """The whole HTTP/1.1 answer to a read the cache can serve at once, as bytes (head, body), otherwise None.

        The server's fast path (protocol.py) writes it straight to the socket, without an ASGI cycle; SCHEME
        is the one the ASGI path would see (proxies.py)."""
        read = self.shared(method, path, query_string, headers, scheme)
        # A logged-in reader's page is the shared one unless it answers each reader (rarely any page at all).
        if read is None or (read.reader and self._personal and self._answers_each_reader(read.key)):
            return None
        # fresh(), written out: the fast path's every call counts.
        if not self._listening:
            self._listen()
        now = time.monotonic()
        entry = self.store.get(read.key, self.versions, now)
        if entry is None:
            return None
        # The fast path reads it right after, for the access log (its status is set below).
        self.answered = read
        if (read.none_match is not None or read.modified_since is not None) and entry.not_modified(
            read.gzip, read.none_match, read.modified_since
        ):
            return entry.wire_not_modified(read.gzip, HIT, server_headers)
        self.counter.seen_from(method, entry.status, read.key[0], path, read.agent, read.prefetch)
        read.status = entry.status
        return entry.wire(read.gzip, method == "HEAD", HIT, server_headers, now)

    def _counting(self, scope, read, send):
        """SEND, counting the view once the answer's status is known (views_counter.py)."""
        counter = self.counter

        async def send_on(message):
            if message["type"] == "http.response.start":
                counter.seen_from("GET", message["status"], read.key[0], scope["path"], read.agent, read.prefetch)
            await send(message)

        return send_on

    def _answers_each_reader(self, key):
        until = self._personal.get(key)
        if until is None:
            return False
        if until > time.monotonic():
            return True
        del self._personal[key]
        return False

    async def _serve(self, scope, receive, send, read):
        if read.reader and self._answers_each_reader(read.key):
            said(scope, PASS)
            return await self.app(scope, receive, send)
        born = self.versions.current()
        entry = self.fresh(read.key)
        if entry is None and (read.key, born) in self._rendering:
            shell = self.fresh((*read.key, b"shell")) if self._graced else None
            if shell is not None:
                # The page is being put together again, around a block that may be shown late: meanwhile,
                # readers get it with that block's previous rendering (see _fragment) instead of waiting.
                entry = await self._assemble(scope, read.key, shell, keep=False)
                return await send_entry(send, entry, read, scope["method"] == "HEAD", ASSEMBLED)
            entry = await asyncio.shield(self._rendering[read.key, born])
        if entry is not None:
            return await send_entry(send, entry, read, scope["method"] == "HEAD", HIT)
        if scope["method"] == "HEAD":
            # Django answers HEAD without a body: nothing worth keeping.
            said(scope, MISS.decode())
            return await self.app(self._for_everyone(scope, markers=False), receive, send)
        await self._fill(scope, receive, send, read, born)

    def _for_everyone(self, scope, *, markers=True):
        """SCOPE without the cookies that only say who reads; with the token that lets Django leave markers."""
        headers = []
        for name, value in scope["headers"]:
            if name == b"cookie":
                kept = b";".join(
                    part for part in value.split(b";") if part.split(b"=", 1)[0].strip() not in self.reader_cookies
                ).strip()
                if kept:
                    headers.append((name, kept))
            elif name != fragments.EDGE_HEADER.encode():
                headers.append((name, value))
        if markers:
            headers.append((fragments.EDGE_HEADER.encode(), self.token))
        return {**scope, "headers": headers}

    async def _fill(self, scope, receive, send, read, born):
        rendering = None
        if (read.key, born) not in self._rendering:
            rendering = self._rendering[read.key, born] = asyncio.get_running_loop().create_future()

        async def keep(status, headers, body, ttl, is_shell):
            slots = self._slots(headers)
            entry = Entry.build(
                status, headers, body, parts=((born, slots),), now=time.monotonic(), ttl=ttl,
                pieces=self.markers.split(body) if is_shell else None,
            )
            # Rendered while something it shows was being invalidated: good for this answer, not for the next.
            keep = self.versions.fresh(born, slots)
            if entry.pieces is not None:
                if keep:
                    self._keep((*read.key, b"shell"), entry)
                entry = await self._assemble(scope, read.key, entry, keep=keep)
            elif keep:
                self._keep(read.key, entry)
            if rendering is not None:
                rendering.set_result(entry)
            return entry

        lock = None
        try:
            found, lock = await self._machine_turn(read.key, lambda: self._page_on_machine(scope, read.key))
            if found is not None:
                entry, label = found
                if rendering is not None:
                    rendering.set_result(entry)
                return await send_entry(send, entry, read, False, label)
            capture = Capture(send, keep, read, self.store.max_entry_bytes, self.default_ttl, personal_retry=read.reader)
            await self.app(self._for_everyone(scope), body_then(receive), capture.send)
            if capture.personal:
                # Rendered for nobody, the page answered that it is not the same for everyone: ask again
                # with the reader's own cookies, and from now on for this URL.
                if len(self._personal) >= PERSONAL_URLS:
                    self._personal.clear()
                self._personal[read.key] = time.monotonic() + self.default_ttl
                said(scope, PASS)
                await self.app(scope, body_then(receive), without_internal_headers(send))
        finally:
            self.machine.unlock(lock)
            if rendering is not None:
                del self._rendering[read.key, born]
                if not rendering.done():
                    rendering.set_result(None)

    def _keep(self, key, entry):
        self.store.put(key, entry)
        self.machine.save(key, entry)

    def _from_machine(self, key):
        """A fresh entry for KEY that this process holds, or another process of the machine rendered."""
        entry = self.fresh(key)
        if entry is None:
            entry = self.machine.load(key)
            if entry is None or entry.expires_at <= time.monotonic() or not entry.fresh(self.versions):
                return None
            self.store.put(key, entry)
        return entry

    async def _page_on_machine(self, scope, key):
        """(entry, X-Cache label) of a page the machine holds, whole or as a page to put blocks in; or None."""
        shell = self._from_machine((*key, b"shell"))
        if shell is not None:
            return await self._assemble(scope, key, shell), ASSEMBLED
        entry = self._from_machine(key)
        return None if entry is None else (entry, HIT)

    async def _machine_turn(self, key, find):
        """(what FIND() found, None) if the machine has it or another process renders it in time; (None, lock)
        when this process must render it, holding the machine's lock for KEY (None after too long a wait)."""
        lock = None
        deadline = time.monotonic() + MACHINE_WAIT_SECONDS
        while True:
            found = await find()
            if found is not None:
                self.machine.unlock(lock)
                return found, None
            if lock is not None or time.monotonic() >= deadline:
                return None, lock
            lock = self.machine.try_lock(key)
            if lock is None:
                await asyncio.sleep(MACHINE_POLL_SECONDS)

    def _slots(self, headers):
        for name, value in headers:
            if name.lower() == self.keys_header:
                return self.versions.slots_of(value.decode("latin-1").split())
        return ()

    async def _assemble(self, scope, key, shell, *, keep=True):
        """The page SHELL stands for, its markers replaced by the blocks they name; stored when all came."""
        body = []
        runs = []
        parts = list(shell.parts)
        keys = set(shell.keys(self.keys_header))
        expires_at = shell.expires_at
        complete = True
        for index, piece in enumerate(shell.pieces):
            if index % 2 == 0:
                body.append(piece)
                runs.append(shell.deflated[index])
                continue
            block = await self._fragment(scope, piece.decode("ascii"))
            if block is None:
                complete = False
                continue
            body.append(block.plain[1])
            # A block a reader fetched by its own URL was kept as a page: no deflated copy.
            runs.append(block.deflated if block.deflated is not None else deflate(block.plain[1]))
            parts.extend(block.parts)
            keys.update(block.keys(self.keys_header))
            expires_at = min(expires_at, block.expires_at)
        headers = [
            (name, b" ".join(sorted(k.encode() for k in keys)) if name == self.keys_header else value)
            for name, value in shell.plain[0]
        ]
        now = time.monotonic()
        body = b"".join(body)
        entry = Entry.build(
            shell.status, headers, body, parts=tuple(parts), now=now, ttl=max(expires_at - now, 0),
            compressed=gzip_of(runs, body),
        )
        if complete and keep:
            self.store.put(key, entry)
        return entry

    def _grace(self, key, path):
        """The last rendering of a block that may be shown late (fragments.register(grace=True)), if recent."""
        if not fragments.graced(path):
            return None
        found = self._graced.get(key)
        if found is None or found[1] + FRAGMENT_GRACE_SECONDS < time.monotonic():
            return None
        return found[0]

    def _remember(self, key, path, entry):
        if fragments.graced(path):
            if len(self._graced) >= GRACED_BLOCKS and key not in self._graced:
                self._graced.clear()
            self._graced[key] = (entry, time.monotonic())
        return entry

    async def _fragment(self, scope, path):
        self.fragment_lookups += 1
        key = (dict(scope["headers"]).get(b"host", b""), path, b"", scope.get("scheme", "http"))
        entry = self.fresh(key)
        if entry is not None:
            return self._remember(key, path, entry)
        born = self.versions.current()
        graced = self._grace(key, path)
        lock = None
        if graced is not None:
            # While this block is rendered again (here, or by another process of the machine), readers get
            # the previous rendering instead of waiting for it; a page put together with it is stale at once
            # (its parts say so), so the next reader after the render gets the new block.
            if key in self._renders_now:
                return graced
            entry = self._from_machine(key)
            if entry is not None:
                return self._remember(key, path, entry)
            lock = self.machine.try_lock(key)
            if lock is None:
                return graced
        if (key, born) in self._rendering:
            self.machine.unlock(lock)
            return await asyncio.shield(self._rendering[key, born])
        rendering = self._rendering[key, born] = asyncio.get_running_loop().create_future()
        self._renders_now.add(key)

        async def on_machine():
            return self._from_machine(key)

        try:
            if lock is None:
                entry, lock = await self._machine_turn(key, on_machine)
                if entry is not None:
                    rendering.set_result(entry)
                    return self._remember(key, path, entry)
            self.fragment_renders += 1
            answer = Collected()
            block_scope = {
                **scope, "method": "GET", "path": path, "raw_path": path.encode(), "query_string": b"",
                "headers": [(b"host", key[0])],
            }
            await self.app(block_scope, body_then(None), answer.send)
            ttl = keepable_for(answer.status, answer.headers, self.store.max_entry_bytes, self.default_ttl)
            entry = None
            if ttl is not None and answer.status == 200:
                slots = self._slots(answer.headers)
                entry = Entry.build(
                    answer.status, answer.headers, answer.body, parts=((born, slots),), now=time.monotonic(), ttl=ttl,
                    compress=False,
                )
                if self.versions.fresh(born, slots):
                    self._keep(key, entry)
                self._remember(key, path, entry)
            rendering.set_result(entry)
            return entry
        finally:
            self.machine.unlock(lock)
            self._renders_now.discard(key)
            del self._rendering[key, born]
            if not rendering.done():
                rendering.set_result(None)

    def _listen(self):
        self._listening = True
        if self.bus is not None:
            self.bus.listen()

    async def startup(self):
        self._listen()


def said(scope, label):
    """Leaves LABEL in the request's state for the access log: what an answer without X-Cache was."""
    state = scope.get("state")
    if state is not None:
        state[CACHE_STATE] = label


def body_then(receive):
    """A receive callable that gives an empty request body, then passes on RECEIVE's disconnect, if any.

    Reads have no body, and Django may be called twice for one of them (a page answering each reader
    differently) or for a block nobody asked for: each call gets a body of its own."""
    sent = False

    async def receive_once():
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": b"", "more_body": False}
        if receive is None:
            await asyncio.Event().wait()
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return message

    return receive_once


def without_internal_headers(send):
    async def send_on(message):
        if message["type"] == "http.response.start":
            message = {**message, "headers": [(n, v) for n, v in message["headers"] if n.lower() not in INTERNAL_HEADERS]}
        await send(message)

    return send_on


class Collected:
    """An answer Django sends to the edge itself (a block)."""

    def __init__(self):
        self.status = None
        self.headers = []
        self.chunks = []

    async def send(self, message):
        if message["type"] == "http.response.start":
            self.status = message["status"]
            self.headers = message["headers"]
        elif message["type"] == "http.response.body":
            self.chunks.append(message.get("body", b""))

    @property
    def body(self):
        return b"".join(self.chunks)


class Capture:
    """Stands between Django and the client: buffers an answer that may be kept, passes any other one on as it comes."""

    def __init__(self, send, keep, read, max_bytes, default_ttl, *, personal_retry=False):
        self.downstream = send
        self.keep = keep
        self.read = read
        self.max_bytes = max_bytes
        self.default_ttl = default_ttl
        self.personal_retry = personal_retry
        self.personal = False
        self.start = None
        self.ttl = None
        self.chunks = None
        self.is_shell = False

    async def send(self, message):
        if self.personal:
            return
        if message["type"] == "http.response.start":
            headers = [(name, value) for name, value in message["headers"] if name.lower() not in INTERNAL_HEADERS]
            internal = {name.lower() for name, _ in message["headers"]} & INTERNAL_HEADERS
            if PERSONAL_HEADER.lower().encode() in internal and self.personal_retry:
                self.personal = True
                return
            message = {**message, "headers": headers}
            self.is_shell = FRAGMENTS_HEADER.lower().encode() in internal
            self.ttl = keepable_for(message["status"], headers, self.max_bytes, self.default_ttl)
            if self.ttl is None:
                await self.downstream({**message, "headers": [*headers, (b"x-cache", MISS)]})
            else:
                self.start = message
                self.chunks = []
            return
        if self.chunks is None or message["type"] != "http.response.body":
            await self.downstream(message)
            return
        self.chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            entry = await self.keep(self.start["status"], self.start["headers"], b"".join(self.chunks), self.ttl, self.is_shell)
            await send_entry(self.downstream, entry, self.read, False, MISS)


async def send_entry(send, entry, read, head, label):
    age = (b"age", entry.age())
    if entry.not_modified(read.gzip, read.none_match, read.modified_since):
        headers = entry.not_modified_headers(read.gzip)
        await send({"type": "http.response.start", "status": 304, "headers": [*headers, (b"x-cache", label), age]})
        await send({"type": "http.response.body", "body": b""})
        return
    headers, body = entry.variant(read.gzip)
    await send({"type": "http.response.start", "status": entry.status, "headers": [*headers, (b"x-cache", label), age]})
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


# What _accepts_gzip() said of each Accept-Encoding seen lately: browsers send a handful of them. shared()
# looks a value up here itself and calls _remember_gzip() only for a new one.
_gzip_accepted = {}


def _remember_gzip(accept_encoding):
    if len(_gzip_accepted) >= 1024:
        _gzip_accepted.clear()
    accepted = _gzip_accepted[accept_encoding] = _accepts_gzip(accept_encoding)
    return accepted


def _accepts_gzip(accept_encoding):
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
