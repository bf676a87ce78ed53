"""Tells every server process that the fil info log has grown.

A counter mapped in memory by every process of this machine (the same kind as the edge cache's) is bumped
after each commit; live.py watches it. Other machines hear of it through Redis or PostgreSQL (edge/bus.py),
whose listener bumps their own counter. Readers never depend on the signal alone: it only says « look now »,
and each process then reads the log itself, from the last id it has.
"""

import functools

from django.conf import settings
from django.db import transaction

from manchette.edge.bus import bus_for
from manchette.edge.generation import Generation

COUNTER_FILE = "filinfo-generation"
CHANNEL = "manchette:filinfo"


@functools.cache
def counter():
    return Generation(settings.DATA_DIR / COUNTER_FILE)


def bus():
    return bus_for(counter(), CHANNEL, redis_url=settings.REDIS_URL, database=settings.DATABASES["default"])


def announce():
    counter().bump()
    remote = bus()
    if remote is not None:
        remote.publish()


def on_commit():
    transaction.on_commit(announce)
