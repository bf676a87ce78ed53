"""Makes the cached pages that show given keys stale, in every server process, on this machine and others.

Call `invalidate(keys)` once a change that readers can see has committed (readers.py does, for what apps
declare); `invalidate_all()` when the reach of a change cannot be named (a template deploy, site settings).
"""

import functools

from django.conf import settings

from .bus import bus_for
from .versions import EVERYTHING, Versions

VERSIONS_FILE = "edge-versions"
CHANNEL = "manchette:edge:keys"


@functools.cache
def _versions(path):
    return Versions(path)


def versions():
    return _versions(settings.DATA_DIR / VERSIONS_FILE)


def bus():
    """Redis or PostgreSQL to reach other machines; None with SQLite alone."""
    return bus_for(versions(), CHANNEL, redis_url=settings.REDIS_URL, database=settings.DATABASES["default"])


def invalidate(keys):
    keys = sorted(set(keys))
    if not keys:
        return None
    clock = versions().invalidate(keys)
    _publish(" ".join(keys))
    return clock


def invalidate_all():
    clock = versions().invalidate_all()
    _publish(EVERYTHING)
    return clock


def _publish(payload):
    remote = bus()
    if remote is not None:
        remote.publish(payload)
