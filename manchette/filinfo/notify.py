"""Tells every server process that the fil info log has grown.

A counter mapped in memory by every process of this machine (the same kind as the edge cache's) is bumped
after each commit; live.py watches it. Other machines hear of it through Redis or PostgreSQL (edge/bus.py),
whose listener bumps their own counter. Readers never depend on the signal alone: it only says « look now »,
and each process then reads the log itself, from the last id it has.
"""

from django.db import transaction

from manchette.edge.bus import Signal

COUNTER_FILE = "filinfo-generation"
CHANNEL = "manchette:filinfo"

signal = Signal(COUNTER_FILE, CHANNEL)


def counter():
    return signal.counter


def bus():
    return signal.bus()


def announce():
    signal.send()


def on_commit():
    transaction.on_commit(announce)
