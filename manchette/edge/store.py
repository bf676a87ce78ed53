"""What the edge keeps: finished responses in a bounded LRU, each with a gzip copy and an ETag made once, when stored."""

import datetime
import email.utils
import gzip
import hashlib
import http
import struct
import time
import zlib
from collections import OrderedDict
from dataclasses import dataclass, field

from .fragments import PREFIX as FRAGMENTS_PREFIX

COMPRESSIBLE_TYPES = (
    b"text/", b"application/json", b"application/xml", b"application/rss+xml", b"application/atom+xml",
    b"application/javascript", b"image/svg+xml",
)
MIN_GZIP_SIZE = 512
GZIP_LEVEL = 6
# Recomputed per variant or per answer, so never stored.
DROPPED_HEADERS = {b"content-length", b"content-encoding", b"x-cache", b"age", b"date", b"etag"}
# What a 304 repeats of the full answer (RFC 9110, 15.4.5).
NOT_MODIFIED_HEADERS = {b"cache-control", b"content-location", b"etag", b"expires", b"vary", b"last-modified"}
# Rough cost of an entry beyond its bodies, so that many tiny pages still count against the byte budget.
ENTRY_OVERHEAD = 1024


@dataclass(slots=True)
class Entry:
    status: int
    plain: tuple  # (headers, body)
    gzipped: tuple | None
    # ((born, slots), …): for each part of the page (the page, each block put in it), the clock value read
    # before it was rendered and the slots of its keys (versions.py). Fresh while every part is.
    parts: tuple
    stored_at: float
    expires_at: float
    size: int
    last_modified: datetime.datetime | None = None
    # A page with markers where blocks go (fragments.py): text, block path, text, … Never sent as it is.
    pieces: list | None = None
    # Raw deflate of each text piece of a page with markers, or of a block's body: assembling a page then
    # costs no compression (see gzip_of()).
    deflated: list | bytes | None = None
    # The clock value at which every part was last seen fresh: a hit reads the clock only.
    checked: int = -1
    # Status line and header lines of each variant, serialised once for the server's fast path (see wire()).
    heads: dict = field(default_factory=dict)
    # The Age header's value, written once a second (age()).
    aged: bytes = b"0"
    aged_until: float = 0.0

    @classmethod
    def build(cls, status, headers, body, *, parts, now, ttl, pieces=None, compress=True, compressed=None):
        """COMPRESS=False: a block, kept deflated for assembling; COMPRESSED: a gzip copy already made."""
        kept = [(name.lower(), value) for name, value in headers if name.lower() not in DROPPED_HEADERS]
        tag = b'"%s"' % hashlib.blake2b(body, digest_size=12).hexdigest().encode()
        deflated = None
        if pieces is not None:
            deflated = [deflate(piece) if index % 2 == 0 else None for index, piece in enumerate(pieces)]
        elif not compress:
            deflated = deflate(body)
        elif compressed is None:
            compressed = _compressed(kept, body)
        elif not _compressible(kept, body) or len(compressed) >= len(body):
            compressed = None
        gzipped = None
        if compressed is not None:
            kept = _vary_on_encoding(kept)
            gzipped = ([*kept, (b"etag", tag[:-1] + b'-gz"'), (b"content-encoding", b"gzip"), _length(compressed)], compressed)
        return cls(
            status=status,
            plain=([*kept, (b"etag", tag), _length(body)], body),
            gzipped=gzipped,
            parts=parts,
            stored_at=now,
            expires_at=now + ttl,
            size=len(body) + len(compressed or b"") + ENTRY_OVERHEAD,
            last_modified=_last_modified(kept),
            pieces=pieces,
            deflated=deflated,
        )

    def variant(self, accepts_gzip):
        """(headers, body) to send: the gzip copy to clients that take it, when there is one."""
        return self.gzipped if accepts_gzip and self.gzipped is not None else self.plain

    def header(self, name):
        return next((value for key, value in self.plain[0] if key == name), None)

    def keys(self, header):
        value = self.header(header)
        return value.decode("latin-1").split() if value else []

    def fresh(self, versions):
        clock = versions.current()
        if self.checked == clock:
            return True
        if all(versions.fresh(born, slots) for born, slots in self.parts):
            self.checked = clock
            return True
        return False

    def not_modified(self, accepts_gzip, none_match, modified_since):
        """Whether a conditional request's copy is this one (RFC 9110, 13.1.2 and 13.1.3)."""
        if none_match is not None:
            tag = self.header_of(accepts_gzip, b"etag")
            return any(c.strip() == b"*" or c.strip().removeprefix(b"W/") == tag for c in none_match.split(b","))
        if modified_since is not None and self.last_modified is not None and self.status == 200:
            try:
                return email.utils.parsedate_to_datetime(modified_since.decode("latin-1")) >= self.last_modified
            except (TypeError, ValueError, IndexError, OverflowError):
                return False
        return False

    def header_of(self, accepts_gzip, name):
        return next((value for key, value in self.variant(accepts_gzip)[0] if key == name), None)

    def not_modified_headers(self, accepts_gzip):
        return [(name, value) for name, value in self.variant(accepts_gzip)[0] if name in NOT_MODIFIED_HEADERS]

    def age(self, now=None):
        if now is None:
            now = time.monotonic()
        if now >= self.aged_until:
            seconds = int(now - self.stored_at)
            self.aged = b"%d" % seconds
            self.aged_until = self.stored_at + seconds + 1
        return self.aged

    def wire(self, accepts_gzip, head, label, server_headers=b"", now=0.0):
        """The answer as HTTP/1.1 bytes, (head, body): what the ASGI path would send, plus the server's own header
        lines. Apart, so that the body is never copied to be sent: the transport writes both at once (writev).
        NOW is time.monotonic() when the caller has it. (variant() and age() are written out here: each call
        costs a cached page a few per cent of its time on the server's fast path.)"""
        gzipped = accepts_gzip and self.gzipped is not None
        variant = self.gzipped if gzipped else self.plain
        lines = self.heads.get(gzipped)
        if lines is None:
            lines = self.heads[gzipped] = _status_line(self.status) + b"".join(
                b"%s: %s\r\n" % header for header in variant[0]
            )
        return (
            b"".join((
                lines, b"x-cache: ", label, b"\r\nage: ", self.aged if 0.0 < now < self.aged_until else self.age(now or None),
                b"\r\n", server_headers, b"\r\n",
            )),
            b"" if head else variant[1],
        )

    def wire_not_modified(self, accepts_gzip, label, server_headers=b""):
        kind = ("304", accepts_gzip and self.gzipped is not None)
        lines = self.heads.get(kind)
        if lines is None:
            lines = self.heads[kind] = _status_line(304) + b"".join(
                b"%s: %s\r\n" % header for header in self.not_modified_headers(accepts_gzip)
            )
        return b"".join((lines, b"x-cache: ", label, b"\r\nage: ", self.age(), b"\r\n", server_headers, b"\r\n")), b""


def _last_modified(headers):
    for name, value in headers:
        if name == b"last-modified":
            try:
                return email.utils.parsedate_to_datetime(value.decode("latin-1"))
            except (TypeError, ValueError, IndexError, OverflowError):
                return None
    return None


def _status_line(status):
    return b"HTTP/1.1 %d %s\r\n" % (status, http.HTTPStatus(status).phrase.encode())


def _length(body):
    return (b"content-length", str(len(body)).encode())


def _compressible(headers, body):
    content_type = next((value for name, value in headers if name == b"content-type"), b"")
    return len(body) >= MIN_GZIP_SIZE and content_type.lower().startswith(COMPRESSIBLE_TYPES)


def _compressed(headers, body):
    if not _compressible(headers, body):
        return None
    compressed = gzip.compress(body, GZIP_LEVEL, mtime=0)
    return compressed if len(compressed) < len(body) else None


def deflate(data):
    """DATA as raw deflate blocks ending on a byte boundary, not final: such runs can be put end to end."""
    compressor = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush(zlib.Z_SYNC_FLUSH)


GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
# An empty final block (BFINAL set, fixed Huffman codes): what ends a deflate stream.
FINAL_BLOCK = b"\x03\x00"


def gzip_of(deflated_runs, body):
    """The gzip file of BODY from DEFLATED_RUNS (deflate() of its parts, in order), as pigz and Varnish's
    ESI do: no compression at all, only the checksum of BODY."""
    trailer = struct.pack("<II", zlib.crc32(body), len(body) & 0xFFFFFFFF)
    return b"".join((GZIP_HEADER, *deflated_runs, FINAL_BLOCK, trailer))


def _vary_on_encoding(headers):
    for index, (name, value) in enumerate(headers):
        if name == b"vary":
            if b"accept-encoding" in value.lower():
                return headers
            return [*headers[:index], (name, value + b", Accept-Encoding"), *headers[index + 1:]]
    return [*headers, (b"vary", b"Accept-Encoding")]


KINDS = ("page", "shell", "fragment")


def kind_of(key):
    """What a key of the edge stands for, as the metrics label it: a page, a page with markers where blocks go
    (its key ends with b"shell", app.py), or a block; never the key itself."""
    if not isinstance(key, tuple) or len(key) < 2:
        return "page"
    if len(key) > 4:
        return "shell"
    return "fragment" if key[1].startswith(FRAGMENTS_PREFIX) else "page"


class PageStore:
    """Entries by key within a number of entries and of bytes, least recently used first out.

    A page enters on probation, in a part of the store a quarter of its size, and joins the main part the
    next time a reader asks for it: a flood of one-off URLs (unique query strings, a crawler) churns the
    probation part only, and cannot push out the pages readers keep asking for."""

    def __init__(self, max_entries, max_bytes):
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.max_entry_bytes = max_bytes // 8
        self.max_new_entries = max(1, max_entries // 4)
        self.max_new_bytes = max(self.max_entry_bytes, max_bytes // 4)
        self.max_main_entries = max(1, max_entries - self.max_new_entries)
        self.max_main_bytes = max(self.max_entry_bytes, max_bytes - self.max_new_bytes)
        self.bytes = 0
        self.new_bytes = 0
        self._entries = OrderedDict()
        self._new = OrderedDict()
        # Entries pushed out to make room, by kind (kind_of): read by the metrics.
        self.evictions = dict.fromkeys(KINDS, 0)

    def __len__(self):
        return len(self._entries) + len(self._new)

    def __contains__(self, key):
        return key in self._entries or key in self._new

    def get(self, key, versions, now):
        """The fresh entry for KEY, or None; a stale one (something it shows changed, expired) is dropped."""
        entry = self._entries.get(key)
        part = self._entries
        if entry is None:
            entry = self._new.get(key)
            part = self._new
            if entry is None:
                return None
        # The clock unchanged since the entry was last checked: nothing it shows can have changed.
        if entry.expires_at <= now or (entry.checked != versions.current() and not entry.fresh(versions)):
            self.discard(key)
            return None
        if part is self._entries:
            self._entries.move_to_end(key)
            return entry
        # Asked for again: a page readers want.
        del self._new[key]
        self.new_bytes -= entry.size
        self._entries[key] = entry
        self._evict()
        return entry

    def put(self, key, entry):
        self.discard(key)
        if entry.size > self.max_entry_bytes:
            return
        self._new[key] = entry
        self.new_bytes += entry.size
        self.bytes += entry.size
        self._evict()

    def _evict(self):
        while len(self._new) > self.max_new_entries or self.new_bytes > self.max_new_bytes:
            self._pop(self._new)
        while len(self._entries) > self.max_main_entries or self.bytes - self.new_bytes > self.max_main_bytes:
            self._pop(self._entries)

    def _pop(self, part):
        key, evicted = part.popitem(last=False)
        self.evictions[kind_of(key)] += 1
        self.bytes -= evicted.size
        if part is self._new:
            self.new_bytes -= evicted.size

    def discard(self, key):
        entry = self._entries.pop(key, None)
        if entry is None:
            entry = self._new.pop(key, None)
            if entry is not None:
                self.new_bytes -= entry.size
        if entry is not None:
            self.bytes -= entry.size
