"""A counter that every server process on this machine maps into memory.

Bumping it makes every cached page stale in every process at once: each request reads it (a memory read,
no system call) and treats an entry stored under an older value as a miss. The file also holds a random
node id, shared by the processes that map it, so a machine can ignore its own bumps echoed by Redis.
"""

import fcntl
import mmap
import os
import struct
from contextlib import contextmanager
from pathlib import Path

COUNTER = struct.Struct("<Q")
NODE_ID_SIZE = 16
FILE_SIZE = COUNTER.size + NODE_ID_SIZE


class Generation:
    def __init__(self, path):
        self.path = Path(path)
        self._fd = None
        self._map = None

    def current(self):
        return COUNTER.unpack_from(self._map or self._open())[0]

    def bump(self):
        view = self._map or self._open()
        with self._locked():
            value = COUNTER.unpack_from(view)[0] + 1
            COUNTER.pack_into(view, 0, value)
        return value

    def apply(self, payload):
        """A bump made on another machine (bus.py)."""
        self.bump()

    apply_all = bump

    @property
    def node_id(self):
        view = self._map or self._open()
        return bytes(view[COUNTER.size:FILE_SIZE]).hex()

    def _open(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        with self._locked():
            if os.fstat(self._fd).st_size < FILE_SIZE:
                os.pwrite(self._fd, COUNTER.pack(0) + os.urandom(NODE_ID_SIZE), 0)
        self._map = mmap.mmap(self._fd, FILE_SIZE)
        return self._map

    def _locked(self):
        # Two processes bumping at once must both count: the increment is a read-modify-write.
        return locked(self._fd)


@contextmanager
def locked(fd):
    """An exclusive lock on the shared file FD, between the processes of this machine."""
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
