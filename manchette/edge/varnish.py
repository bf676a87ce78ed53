"""Purges the Varnish servers in front by key, whenever this machine invalidates keys (invalidation.py).

Pages reach Varnish with the keys of what they show in their keys header (EDGE_KEYS_HEADER), which
deploy/varnish/manchette.vcl hands to the xkey vmod. Each Varnish of VARNISH_PURGE_URLS is then sent
`PURGE /` with `xkey-purge: <keys>`, or `xkey-purge: *` when everything goes (the VCL bans every object).
Only the machine where a change was committed purges: the others hear of it over the bus, and Varnish needs
telling once.

Publishing never waits for Varnish: keys are queued and a thread of the process sends all that piled up
in one request per Varnish. A Varnish that does not answer is logged, not raised: its copies then expire
after s-maxage. Each batch goes again AGAIN_SECONDS later, because another machine that had not yet heard of
the change over the bus may have handed Varnish the old page in between.
"""

import atexit
import http.client
import logging
import threading
import time
import urllib.parse

from django.conf import settings

from .bus import split
from .versions import EVERYTHING

HEADER = "xkey-purge"
# Varnish refuses a header line longer than http_req_hdr_len (8 KiB by default): longer lists go in parts.
MAX_HEADER = 6000
AGAIN_SECONDS = 2.0
TIMEOUT_SECONDS = 5.0
# What a process about to exit waits for its last purges to go (a management command that published).
EXIT_WAIT_SECONDS = 5.0

logger = logging.getLogger(__name__)


def purge(payload):
    """PAYLOAD is what the bus carries: keys separated by spaces, or EVERYTHING. No-op without VARNISH_PURGE_URLS."""
    urls = tuple(settings.VARNISH_PURGE_URLS)
    if urls and payload:
        purger_for(urls).add(payload.split(" "))


_purgers = {}
_purgers_lock = threading.Lock()


def forget(urls):
    """Stops the purger of URLS, if any: the next purge for them starts a new one."""
    with _purgers_lock:
        purger = _purgers.pop(tuple(urls), None)
    if purger is not None:
        purger.stop()


def purger_for(urls):
    with _purgers_lock:
        if urls not in _purgers:
            _purgers[urls] = Purger(urls)
        return _purgers[urls]


class Purger:
    """The keys waiting to be purged from the Varnish servers at URLS, and the thread that sends them."""

    def __init__(self, urls):
        self.urls = urls
        self.again_seconds = AGAIN_SECONDS
        self._pending = set()
        self._again = []  # (when, keys), in the order they were sent
        self._sending = False
        self._stopped = False
        self._changed = threading.Condition()
        self._thread = None

    def add(self, keys):
        with self._changed:
            self._pending.update(keys)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="varnish purges", daemon=True)
                self._thread.start()
                atexit.register(self.flush, EXIT_WAIT_SECONDS)
            self._changed.notify_all()

    def flush(self, timeout):
        """Waits until every key queued so far was sent (not those sent again later); False after TIMEOUT seconds."""
        with self._changed:
            return self._changed.wait_for(lambda: not self._pending and not self._sending, timeout)

    def stop(self):
        """Drops what is queued and ends the thread: the Varnish servers at URLS are gone (a test's)."""
        with self._changed:
            self._stopped = True
            self._pending.clear()
            self._again.clear()
            self._changed.notify_all()

    def _run(self):
        while True:
            keys = self._next()
            if keys is None:
                return
            try:
                self.send(keys)
            except Exception:
                # The thread must outlive any surprise, or this process would stop purging.
                logger.exception("Varnish: purge failed")
            with self._changed:
                self._sending = False
                self._changed.notify_all()

    def _next(self):
        """The keys to send now: all that were queued, and those whose second sending is due; None once stopped."""
        with self._changed:
            while True:
                if self._stopped:
                    return None
                now = time.monotonic()
                due = [keys for when, keys in self._again if when <= now]
                if self._pending or due:
                    break
                wait = self._again[0][0] - now if self._again else None
                self._changed.wait(wait)
            self._again = self._again[len(due):]
            keys = set(self._pending)
            if keys and self.again_seconds:
                self._again.append((now + self.again_seconds, frozenset(keys)))
            self._pending.clear()
            self._sending = True
            for earlier in due:
                keys.update(earlier)
            return keys

    def send(self, keys):
        payload = EVERYTHING if EVERYTHING in keys else " ".join(sorted(keys))
        for url in self.urls:
            try:
                send(url, payload)
            except (OSError, http.client.HTTPException) as error:
                logger.warning("Varnish %s: could not purge %d key(s) (%s)", url, len(keys), error)


def send(url, payload):
    """`PURGE /` to the Varnish at URL for the keys of PAYLOAD, in as many requests as their length needs."""
    address = urllib.parse.urlsplit(url)
    connection_class = http.client.HTTPSConnection if address.scheme == "https" else http.client.HTTPConnection
    connection = connection_class(address.hostname, address.port, timeout=TIMEOUT_SECONDS)
    try:
        for part in split(payload, MAX_HEADER):
            connection.request("PURGE", address.path or "/", headers={HEADER: part})
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                logger.warning("Varnish %s refused a purge: %d %s", url, response.status, response.reason)
    finally:
        connection.close()
