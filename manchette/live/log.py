"""The live log: `append()` in the writer's transaction; the hub (hub.py) reads it in order.

The event ids are what readers resume from, so they must become visible in id order. PostgreSQL hands out
sequence values before commit, so two transactions could commit 12 before 11 and a process reading « after
11 » would skip 12 for good: writers therefore take a transaction-scoped advisory lock first. SQLite
writes one transaction at a time anyway.

Once a write commits, every server process is told: a counter mapped in memory by every process of this
machine is bumped, and other machines hear of it through Redis or PostgreSQL (edge/bus.py), whose listener
bumps their own counter. Readers never depend on the signal alone: it only says « look now », and each
process then reads the log itself, from the last id it has.
"""

import json

from django.db import close_old_connections, connection, connections, transaction
from django.db.models import F, Value
from django.db.models.functions import Concat

from manchette.edge.bus import Signal

from .models import Event

ADVISORY_LOCK = 0x6D616E66  # any constant shared by every writer of the log
COUNTER_FILE = "live-generation"
CHANNEL = "manchette:live"

signal = Signal(COUNTER_FILE, CHANNEL)


# The action that withdraws KEY from a topic: the events of KEY logged before it are withdrawn with it.
REMOVE = "remove"


def append(topic, key, action, data):
    """Logs an event in the caller's transaction; every server process reads it once that commits."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK])
    event = Event.objects.create(topic=topic, key=key, action=action, data=json.dumps(data, ensure_ascii=False))
    if action == REMOVE:
        # Whoever replays the topic from before (?depuis=, Last-Event-ID) must not get back what was withdrawn.
        Event.objects.filter(topic=topic, key=key, id__lt=event.id).exclude(action=REMOVE).update(action=REMOVE, data=event.data)
    transaction.on_commit(signal.send)
    return event


def forget(topic, keys):
    """Rewrites every event of TOPIC about one of KEYS (a list or a subquery) as a removal, in the caller's
    transaction: a replay no longer gives back what they said."""
    data = Concat(Value('{"key": "'), F("key"), Value('"}'))  # keys are plain names (filinfo: article-12)
    Event.objects.filter(topic=topic, key__in=keys).exclude(action=REMOVE).update(action=REMOVE, data=data)


def last_id():
    return Event.objects.order_by("-id").values_list("id", flat=True).first() or 0


# Run in the hub's database thread.

def head():
    close_old_connections()
    return last_id()


def events_after(event_id, count):
    close_old_connections()
    rows = Event.objects.filter(id__gt=event_id).order_by("id")
    return list(rows.values_list("id", "topic", "key", "action", "data")[:count])


def latest(topic, count, upto):
    """The last COUNT events of TOPIC up to id UPTO, oldest first, and the id below which some may be missing."""
    close_old_connections()
    events = Event.objects.filter(topic=topic, id__lte=upto).order_by("-id")
    rows = list(events.values_list("id", "key", "action", "data")[:count])
    rows.reverse()
    if len(rows) < count:
        return rows, 0
    older = events.filter(id__lt=rows[0][0]).values_list("id", flat=True).first()
    return rows, older or 0


def disconnect():
    connections.close_all()
