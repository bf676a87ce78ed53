"""Makes the cached pages that show given keys stale, in every server process, on this machine and others,
and in the Varnish servers in front (varnish.py).

Call `invalidate(keys)` once a change that readers can see has committed (readers.py does, for what apps
declare); `invalidate_all()` when the reach of a change cannot be named (a template deploy, site settings).

`invalidated` is sent once this machine's pages are stale (keys, or EVERYTHING; `since`: when a publication
was due, for the metrics' publish-to-visible delay); not for what other machines send over the bus.
"""

import functools

from django.conf import settings
from django.dispatch import Signal

from . import varnish
from .bus import bus_for
from .versions import EVERYTHING, Versions

VERSIONS_FILE = "edge-versions"
CHANNEL = "manchette:edge:keys"
invalidated = Signal()


@functools.cache
def _versions(path):
    return Versions(path)


def versions():
    return _versions(settings.DATA_DIR / VERSIONS_FILE)


def bus():
    """Redis or PostgreSQL to reach other machines; None with SQLite alone."""
    return bus_for(versions(), CHANNEL, redis_url=settings.REDIS_URL, database=settings.DATABASES["default"])


def invalidate(keys, since=None):
    keys = sorted(set(keys))
    if not keys:
        return None
    clock = versions().invalidate(keys)
    invalidated.send(None, keys=keys, since=since)
    _publish(" ".join(keys))
    return clock


def invalidate_all(since=None):
    clock = versions().invalidate_all()
    invalidated.send(None, keys=EVERYTHING, since=since)
    _publish(EVERYTHING)
    return clock


def _publish(payload):
    remote = bus()
    if remote is not None:
        remote.publish(payload)
    varnish.purge(payload)
