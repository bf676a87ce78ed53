"""Makes every page cached by the edge stale, in every server process, on this machine and others.

Call `bump()` once a change that readers can see has committed (manchette/news/signals.py does).
"""

import functools

from django.conf import settings

from .bus import CHANNEL, bus_for
from .generation import Generation

GENERATION_FILE = "edge-generation"


@functools.cache
def generation():
    return Generation(settings.DATA_DIR / GENERATION_FILE)


def bus():
    """Redis or PostgreSQL to reach other machines; None with SQLite alone: one machine needs only its counter."""
    return bus_for(generation(), CHANNEL, redis_url=settings.REDIS_URL, database=settings.DATABASES["default"])


def bump():
    value = generation().bump()
    remote = bus()
    if remote is not None:
        remote.publish()
    return value
