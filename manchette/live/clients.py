"""How many live streams each address holds on this machine, whichever server process serves them.

Each process of a `manchette serve` has its own hub, but the limit per address (LIVE_MAX_STREAMS_PER_CLIENT)
is the machine's: a reader's connections land on any process. The counts live in a table in DATA_DIR that
every process maps into memory (`live-clients/table`): buckets of a few entries, each the hash of an address
and how many streams it holds. An IPv6 address counts with its /64, which is what one subscriber gets: a
host can take as many addresses of it as it likes.

A process that crashes cannot give back its streams, so each process also keeps, in a file of its own
(`live-clients/column-NN`, a column of the table), how many of each entry's streams are its own. It holds
the file's lock while it runs; a column whose lock is free belongs to a process that is gone, and its counts
are taken off the table (when a process starts, and before an address is refused). Every change, in the
table and in a column, is made under the table's lock, so that an entry's count is always the sum of its
columns and two processes cannot both take the last place.

An address that finds its bucket full of others (very unlikely below some 100,000 addresses holding streams
at once), or a process that finds no free column, counts in the process only, as before.
"""

import collections
import fcntl
import hashlib
import ipaddress
import logging
import mmap
import os
import re
import struct
import time
from contextlib import contextmanager
from pathlib import Path

logger = logging.getLogger(__name__)

FOLDER = "live-clients"
BUCKETS = 1 << 15
WAYS = 8
ENTRIES = BUCKETS * WAYS
ENTRY = struct.Struct("<QI4x")  # hash of the address (never 0), streams it holds on the machine
COUNT = struct.Struct("<H")  # streams of an entry this process holds
MAX_COLUMNS = 128
FORMAT = b"manchette-live-clients-1\0\0\0\0\0\0\0\0"
HEADER_SIZE = len(FORMAT)
TABLE_SIZE = HEADER_SIZE + ENTRIES * ENTRY.size
COLUMN_SIZE = ENTRIES * COUNT.size
# A refusal looks for the columns of processes that are gone at most this often.
SWEEP_SECONDS = 2
NONZERO = re.compile(rb"[^\0]")


def client_key(host):
    """What the limit counts by: the address, or its /64 for IPv6 (an IPv4 address in IPv6 is IPv4)."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return str(host)
    if address.version == 6:
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def _hash(key):
    value = int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "little")
    return value or 1


class MachineClients:
    """acquire(host) a place for a new stream (a token, or None when the address holds LIMIT already), and
    release(token) it when the stream ends."""

    def __init__(self, folder, limit):
        self.folder = Path(folder)
        self.limit = limit
        self.local = collections.Counter()  # the fallback: counted in this process only
        self._opened = False
        self._table = self._table_fd = None
        self._column = self._column_fd = None
        self._swept_at = 0.0

    # Public

    def full(self, host):
        """Whether HOST holds its limit already (a quick look, without the lock: acquire decides)."""
        key = client_key(host)
        if self.local[key] >= self.limit:
            return True
        if not self._open():
            return False
        if self._held(key) < self.limit:
            return False
        if self._sweep_due():
            return self._held(key) >= self.limit
        return True

    def _held(self, key):
        hashed = _hash(key)
        for index in self._bucket(hashed):
            found, total = ENTRY.unpack_from(self._table, HEADER_SIZE + index * ENTRY.size)
            if found == hashed and total:
                return total
        return 0

    def _sweep_due(self):
        """Sweeps (and says so) unless it was done less than SWEEP_SECONDS ago."""
        if time.monotonic() - self._swept_at < SWEEP_SECONDS:
            return False
        self._swept_at = time.monotonic()
        self.sweep()
        return True

    def count(self, host):
        """Streams HOST holds on the machine (and in this process beyond the table)."""
        key = client_key(host)
        return self.local[key] + (self._held(key) if self._open() else 0)

    def acquire(self, host):
        key = client_key(host)
        if self._open():
            token = self._acquire(key)
            # Perhaps streams of a process that died still count: give them back, then look again.
            if token is None and self._sweep_due():
                token = self._acquire(key)
            if token is not False:
                return token
        if self.local[key] >= self.limit:
            return None
        self.local[key] += 1
        return ("local", key)

    def release(self, token):
        if token is None:
            return
        kind, value = token
        if kind == "local":
            self.local[value] -= 1
            if self.local[value] <= 0:
                del self.local[value]
            return
        if self._table is None:
            return
        with self._locked():
            self._add(value, -1)

    def sweep(self):
        """Takes off the table the streams of processes that are gone (their column's lock is free)."""
        for number in range(MAX_COLUMNS):
            path = self._column_path(number)
            try:
                fd = os.open(path, os.O_RDWR)
            except FileNotFoundError:
                continue
            try:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    continue  # its process runs
                self._give_back(fd)
            finally:
                os.close(fd)

    def close(self):
        if self._column is not None:
            self._column.close()
            os.close(self._column_fd)  # frees the column for the next process
        if self._table is not None:
            self._table.close()
            os.close(self._table_fd)
        self._table = self._table_fd = self._column = self._column_fd = None

    # The table

    def _open(self):
        """Whether the table and a column of this process's own are open (they are opened once)."""
        if self._opened:
            return self._column is not None
        self._opened = True
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._table_fd = os.open(self.folder / "table", os.O_RDWR | os.O_CREAT, 0o644)
            with self._locked():
                if os.fstat(self._table_fd).st_size != TABLE_SIZE or os.pread(self._table_fd, HEADER_SIZE, 0) != FORMAT:
                    os.ftruncate(self._table_fd, 0)
                    os.ftruncate(self._table_fd, TABLE_SIZE)
                    os.pwrite(self._table_fd, FORMAT, 0)
                    for number in range(MAX_COLUMNS):  # counts of a table that is no more
                        self._column_path(number).unlink(missing_ok=True)
            self._table = mmap.mmap(self._table_fd, TABLE_SIZE)
            self.sweep()
            self._claim_column()
        except OSError:
            logger.exception("Live: cannot share stream counts in %s; each process counts its own", self.folder)
            self.close()
            return False
        if self._column is None:
            logger.warning("Live: no free column in %s; this process counts its own streams", self.folder)
        return self._column is not None

    def _claim_column(self):
        for number in range(MAX_COLUMNS):
            fd = os.open(self._column_path(number), os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                continue
            # Free: whatever its last process left is given back, and it is this process's from now on.
            self._give_back(fd)
            os.ftruncate(fd, COLUMN_SIZE)
            self._column_fd = fd
            self._column = mmap.mmap(fd, COLUMN_SIZE)
            return

    def _give_back(self, fd):
        """Under the column's lock: takes its counts off the table and empties it."""
        size = os.fstat(fd).st_size
        if not size:
            return
        data = os.pread(fd, size, 0)
        if NONZERO.search(data) is not None:
            with self._locked():
                for index in sorted({match.start() // COUNT.size for match in NONZERO.finditer(data)}):
                    if index >= ENTRIES:
                        break
                    (held,) = COUNT.unpack_from(data, index * COUNT.size)
                    offset = HEADER_SIZE + index * ENTRY.size
                    hashed, total = ENTRY.unpack_from(self._table, offset)
                    ENTRY.pack_into(self._table, offset, hashed, max(total - held, 0))
        os.ftruncate(fd, 0)

    def _acquire(self, key):
        """A token; None when KEY holds its limit; False when its bucket has no room (count it locally)."""
        hashed = _hash(key)
        with self._locked():
            free = None
            for index in self._bucket(hashed):
                found, total = ENTRY.unpack_from(self._table, HEADER_SIZE + index * ENTRY.size)
                if found == hashed and total:
                    if total >= self.limit:
                        return None
                    free = index
                    break
                if free is None and not total:
                    free = index
            if free is None:
                return False
            offset = HEADER_SIZE + free * ENTRY.size
            if ENTRY.unpack_from(self._table, offset)[0] != hashed:  # a free entry: the address's from now on
                ENTRY.pack_into(self._table, offset, hashed, 0)
            self._add(free, 1)
        return ("machine", free)

    def _add(self, index, step):
        offset = HEADER_SIZE + index * ENTRY.size
        hashed, total = ENTRY.unpack_from(self._table, offset)
        (held,) = COUNT.unpack_from(self._column, index * COUNT.size)
        ENTRY.pack_into(self._table, offset, hashed, max(total + step, 0))
        COUNT.pack_into(self._column, index * COUNT.size, max(held + step, 0))

    @staticmethod
    def _bucket(hashed):
        first = (hashed >> 17) % BUCKETS * WAYS
        return range(first, first + WAYS)

    def _column_path(self, number):
        return self.folder / f"column-{number:03d}"

    @contextmanager
    def _locked(self):
        fcntl.flock(self._table_fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(self._table_fd, fcntl.LOCK_UN)
