"""When each key was last invalidated, in a table every server process on this machine maps into memory.

A cached page is stored with the keys of what it shows (keys.py) and the clock value read before it was
rendered (`born`). Invalidating keys moves the clock on and writes the new value into each key's slot; a
page stays fresh while every slot of its keys is at or below its `born`. Keys share slots by hash: a
collision only invalidates more than needed, never less. Clearing everything raises a floor instead.

Writers set the slots before the clock, so a reader that sees the new clock also sees the slots: a reader
may then trust an entry it checked at the current clock value without reading its slots again, which
keeps a cache hit at one memory read (entry.checked, see store.py).
"""

import mmap
import os
import struct
import zlib
from pathlib import Path

from .generation import locked

SLOT = struct.Struct("<Q")
_unpack = SLOT.unpack_from
NODE_ID_SIZE = 16
# Clock, floor, node id; then the slots.
CLOCK_AT, FLOOR_AT, NODE_AT = 0, 8, 16
HEADER_SIZE = 32
SLOTS = 1 << 16
EVERYTHING = "*"


def slots_for(keys, slots=SLOTS):
    """The slots of KEYS in a table of SLOTS (a power of two), sorted, each once."""
    return tuple(sorted({zlib.crc32(key.encode()) & (slots - 1) for key in keys}))


class Versions:
    def __init__(self, path, slots=SLOTS):
        self.path = Path(path)
        self.slots = slots
        self._fd = None
        self._map = None

    @property
    def size(self):
        return HEADER_SIZE + self.slots * SLOT.size

    def current(self):
        return _unpack(self._map or self._open(), CLOCK_AT)[0]

    def fresh(self, born, slots):
        """Whether an entry rendered at BORN and showing what SLOTS stand for is still up to date."""
        view = self._map or self._open()
        if SLOT.unpack_from(view, FLOOR_AT)[0] > born:
            return False
        return all(SLOT.unpack_from(view, HEADER_SIZE + slot * SLOT.size)[0] <= born for slot in slots)

    def slots_of(self, keys):
        return slots_for(keys, self.slots)

    def invalidate(self, keys):
        """Every entry showing one of KEYS is stale from now on, in every process of this machine."""
        view = self._map or self._open()
        with self._locked():
            clock = SLOT.unpack_from(view, CLOCK_AT)[0] + 1
            for slot in self.slots_of(keys):
                SLOT.pack_into(view, HEADER_SIZE + slot * SLOT.size, clock)
            SLOT.pack_into(view, CLOCK_AT, clock)
        return clock

    def invalidate_all(self):
        view = self._map or self._open()
        with self._locked():
            clock = SLOT.unpack_from(view, CLOCK_AT)[0] + 1
            SLOT.pack_into(view, FLOOR_AT, clock)
            SLOT.pack_into(view, CLOCK_AT, clock)
        return clock

    def apply(self, payload):
        """Keys invalidated on another machine (bus.py), separated by spaces; EVERYTHING for all."""
        if payload == EVERYTHING:
            self.invalidate_all()
        elif payload:
            self.invalidate(payload.split(" "))

    def apply_all(self):
        self.invalidate_all()

    @property
    def node_id(self):
        view = self._map or self._open()
        return bytes(view[NODE_AT:NODE_AT + NODE_ID_SIZE]).hex()

    def _open(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        with self._locked():
            if os.fstat(self._fd).st_size < self.size:
                header = bytes(NODE_AT) + os.urandom(NODE_ID_SIZE) + bytes(HEADER_SIZE - NODE_AT - NODE_ID_SIZE)
                os.pwrite(self._fd, header, 0)
                os.ftruncate(self._fd, self.size)
        self._map = mmap.mmap(self._fd, self.size)
        return self._map

    def _locked(self):
        # Two processes invalidating at once must each get their own clock value.
        return locked(self._fd)
