"""Renders shared by the server processes of one machine: a page Django rendered in one is not rendered again
in the others.

Each process keeps its own pages in memory (store.py), so without this every process would render each
page once after every change. Here a process about to render a page first takes the machine's lock for it
(a file lock, released by the system if the process dies); a process that finds the lock taken waits for
the page to appear in the machine's files instead of rendering it too. Files live in a fixed number of
slots under the data dir, by hash of the page's key: the disk used is bounded, and a slot taken by another
page is a miss. An entry read from a file is checked like any other (versions.py): same machine, same
table, same monotonic clock.
"""

import fcntl
import hashlib
import os
import pickle
import shutil
import time
from pathlib import Path

from .fragments import PREFIX

SLOTS = 4096
RUN_VARIABLE = "MANCHETTE_EDGE_RUN"
FOLDER = "edge-renders"
# Renders of a run that wrote nothing for this long are removed when a new run starts.
FORGOTTEN_AFTER_SECONDS = 3600
FORMAT = 1


def folder(data_dir):
    """This run's folder: the workers of one `manchette serve` share it (cli.py names the run); a process
    started otherwise keeps its own. Renders never outlive the code that made them (a deploy restarts)."""
    return Path(data_dir) / FOLDER / os.environ.get(RUN_VARIABLE, f"process-{os.getpid()}")


def forget_old_runs(data_dir, keep):
    root = Path(data_dir) / FOLDER
    if not root.is_dir():
        return
    for run in root.iterdir():
        try:
            if run.name != keep and time.time() - run.stat().st_mtime > FORGOTTEN_AFTER_SECONDS:
                shutil.rmtree(run, ignore_errors=True)
        except OSError:
            continue


class MachineRenders:
    def __init__(self, directory, slots=SLOTS, max_entry_bytes=1 << 20):
        self.directory = Path(directory)
        self.slots = slots
        self.max_entry_bytes = max_entry_bytes
        self._made = False

    def _path(self, key, suffix):
        if not self._made:
            self.directory.mkdir(parents=True, exist_ok=True)
            self._made = True
        if suffix == ".lock" and key[1].startswith(PREFIX):
            # A page holds its own lock while its blocks are fetched: a block must never wait on that.
            suffix = ".block.lock"
        digest = hashlib.blake2b(repr(key).encode(), digest_size=8).digest()
        return self.directory / f"{int.from_bytes(digest, 'little') % self.slots:04x}{suffix}"

    def load(self, key):
        """The entry another process saved for KEY, or None (none, another page's, unreadable)."""
        try:
            saved_format, saved_key, entry = pickle.loads(self._path(key, ".page").read_bytes())
        except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError):
            return None
        return entry if (saved_format, saved_key) == (FORMAT, key) else None

    def save(self, key, entry):
        if entry.size > self.max_entry_bytes:
            return
        path = self._path(key, ".page")
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        try:
            temporary.write_bytes(pickle.dumps((FORMAT, key, entry), protocol=pickle.HIGHEST_PROTOCOL))
            os.replace(temporary, path)
        except OSError:
            temporary.unlink(missing_ok=True)

    def try_lock(self, key):
        """The machine's lock for rendering KEY (a file descriptor), or None if another process holds it."""
        try:
            fd = os.open(self._path(key, ".lock"), os.O_CREAT | os.O_RDWR, 0o644)
        except FileNotFoundError:
            # The folder went (removed as forgotten by a new run): make it again.
            self._made = False
            fd = os.open(self._path(key, ".lock"), os.O_CREAT | os.O_RDWR, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return None
        return fd

    @staticmethod
    def unlock(fd):
        if fd is not None:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)
