"""Makes every page cached by the edge stale, in every server process, on this machine and others.

Call `bump()` once a change that readers can see has committed (manchette/news/signals.py does).
"""

import functools

from django.conf import settings

from .bus import RedisBus
from .generation import Generation

GENERATION_FILE = "edge-generation"


@functools.cache
def generation():
    return Generation(settings.DATA_DIR / GENERATION_FILE)


@functools.cache
def _bus(url):
    return RedisBus(url, generation())


def bus():
    """The Redis bus when REDIS_URL is set, otherwise None: one machine needs only its counter."""
    return _bus(settings.REDIS_URL) if settings.REDIS_URL else None


def bump():
    value = generation().bump()
    remote = bus()
    if remote is not None:
        remote.publish()
    return value
