"""What the edge keeps: finished responses in a bounded LRU, each with a gzip copy made once, when stored."""

import gzip
import http
import time
from collections import OrderedDict
from dataclasses import dataclass, field

COMPRESSIBLE_TYPES = (
    b"text/", b"application/json", b"application/xml", b"application/rss+xml", b"application/atom+xml",
    b"application/javascript", b"image/svg+xml",
)
MIN_GZIP_SIZE = 512
GZIP_LEVEL = 6
# Recomputed per variant or per answer, so never stored.
DROPPED_HEADERS = {b"content-length", b"content-encoding", b"x-cache", b"age", b"date"}
# Rough cost of an entry beyond its bodies, so that many tiny pages still count against the byte budget.
ENTRY_OVERHEAD = 1024


@dataclass(slots=True)
class Entry:
    status: int
    plain: tuple  # (headers, body)
    gzipped: tuple | None
    generation: int
    stored_at: float
    expires_at: float
    size: int
    # Status line and header lines of each variant, serialised once for the server's fast path (see wire()).
    heads: dict = field(default_factory=dict)

    @classmethod
    def build(cls, status, headers, body, *, generation, now, ttl):
        kept = [(name.lower(), value) for name, value in headers if name.lower() not in DROPPED_HEADERS]
        compressed = _compressed(kept, body)
        gzipped = None
        if compressed is not None:
            kept = _vary_on_encoding(kept)
            gzipped = ([*kept, (b"content-encoding", b"gzip"), _length(compressed)], compressed)
        return cls(
            status=status,
            plain=([*kept, _length(body)], body),
            gzipped=gzipped,
            generation=generation,
            stored_at=now,
            expires_at=now + ttl,
            size=len(body) + len(compressed or b"") + ENTRY_OVERHEAD,
        )

    def variant(self, accepts_gzip):
        """(headers, body) to send: the gzip copy to clients that take it, when there is one."""
        return self.gzipped if accepts_gzip and self.gzipped is not None else self.plain

    def age(self):
        return b"%d" % (time.monotonic() - self.stored_at)

    def wire(self, accepts_gzip, head, label, server_headers=b""):
        """The answer as HTTP/1.1 bytes: what the ASGI path would send, plus the server's own header lines."""
        variant = self.variant(accepts_gzip)
        lines = self.heads.get(variant is self.gzipped)
        if lines is None:
            lines = self.heads[variant is self.gzipped] = _status_line(self.status) + b"".join(
                b"%s: %s\r\n" % header for header in variant[0]
            )
        return b"".join((
            lines, b"x-cache: ", label, b"\r\nage: ", self.age(), b"\r\n", server_headers, b"\r\n",
            b"" if head else variant[1],
        ))


def _status_line(status):
    return b"HTTP/1.1 %d %s\r\n" % (status, http.HTTPStatus(status).phrase.encode())


def _length(body):
    return (b"content-length", str(len(body)).encode())


def _compressed(headers, body):
    content_type = next((value for name, value in headers if name == b"content-type"), b"")
    if len(body) < MIN_GZIP_SIZE or not content_type.lower().startswith(COMPRESSIBLE_TYPES):
        return None
    compressed = gzip.compress(body, GZIP_LEVEL, mtime=0)
    return compressed if len(compressed) < len(body) else None


def _vary_on_encoding(headers):
    for index, (name, value) in enumerate(headers):
        if name == b"vary":
            if b"accept-encoding" in value.lower():
                return headers
            return [*headers[:index], (name, value + b", Accept-Encoding"), *headers[index + 1:]]
    return [*headers, (b"vary", b"Accept-Encoding")]


class PageStore:
    """Entries by key, least recently used first out, within a number of entries and of bytes."""

    def __init__(self, max_entries, max_bytes):
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.max_entry_bytes = max_bytes // 8
        self.bytes = 0
        self._entries = OrderedDict()

    def __len__(self):
        return len(self._entries)

    def get(self, key, generation, now):
        """The fresh entry for KEY, or None; a stale one (older generation, expired) is dropped."""
        entry = self._entries.get(key)
        if entry is None:
            return None
        if entry.generation != generation or entry.expires_at <= now:
            self.discard(key)
            return None
        self._entries.move_to_end(key)
        return entry

    def put(self, key, entry):
        self.discard(key)
        if entry.size > self.max_entry_bytes:
            return
        self._entries[key] = entry
        self.bytes += entry.size
        while len(self._entries) > self.max_entries or self.bytes > self.max_bytes:
            _, evicted = self._entries.popitem(last=False)
            self.bytes -= evicted.size

    def discard(self, key):
        entry = self._entries.pop(key, None)
        if entry is not None:
            self.bytes -= entry.size
