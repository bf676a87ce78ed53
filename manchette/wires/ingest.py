"""Taking agency wires in: each ninjs item creates, corrects or withdraws one dispatch, and only once.

The latest version received for a uri decides (by `version` when present, then by its date: versioncreated,
else firstcreated): a resend changes nothing,
an older version is ignored, a newer one corrects the dispatch (published again if it is live, so the site
and open pages show the correction; kept as a revision awaiting publication while an editor has the
dispatch locked), `canceled` or `withheld` takes it out of the fil info, locked or not. A new wire is
published at once or left as a draft for an editor, as its source is configured.

Dispatches are published the Wagtail way (a revision, then its publication), so the fil info follows
through its signals, embargoes become scheduled publications, and the history shows what the agency sent.

A batch is checked whole before anything is written: an item that cannot be read, or whose uri belongs to
another source, refuses the batch and nothing of it is saved. It is then written in one transaction per
slice of time (Turns: 0.1 s, 0.5 s on SQLite), each item in a savepoint of its own, stored entirely or not
at all: the write lock (SQLite has one for the whole database) is never held for the whole batch, so the
newsroom, the worker and other sendings write in between. A batch cut short (a crash, a restart) may have
stored its first items; sent again, those are resends and change nothing. Readers may see the first items
before the last.
"""

import re
import time
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from manchette.filinfo.models import Dispatch

from . import ninjs
from .models import WireItem
from .ninjs import NinjsError

CREATED = "created"
UPDATED = "updated"
HELD = "held"
UNCHANGED = "unchanged"
IGNORED = "ignored"
WITHDRAWN = "withdrawn"
REJECTED = "rejected"

LABELS = {
    CREATED: _("créées"),
    UPDATED: _("mises à jour"),
    HELD: _("en attente (dépêche verrouillée par la rédaction)"),
    UNCHANGED: _("inchangées (déjà reçues)"),
    IGNORED: _("ignorées (version plus ancienne)"),
    WITHDRAWN: _("retirées (annulées par l’agence)"),
    REJECTED: _("refusées"),
}
# What the HTTP endpoint answers for each item.
CODES = {
    CREATED: "creee", UPDATED: "mise_a_jour", HELD: "en_attente", UNCHANGED: "inchangee", IGNORED: "ignoree", WITHDRAWN: "retiree",
    REJECTED: "refusee",
}

_NUMERIC_VERSION = re.compile(r"v?(\d+(?:\.\d+)*)", re.I)
OTHER_SOURCE = "déjà reçue d’une autre source"
# Uris looked up at once when checking a batch: below every database's limit on query parameters.
LOOKUP_CHUNK = 500


@dataclass(frozen=True)
class Outcome:
    status: str
    uri: str = ""
    version: str = ""
    dispatch: Dispatch | None = None
    error: NinjsError | None = None

    def as_json(self):
        data = {"uri": self.uri, "version": self.version, "resultat": CODES[self.status]}
        if self.dispatch is not None:
            data["depeche"] = self.dispatch.pk
            data["publiee"] = self.dispatch.live
            if self.dispatch.go_live_at and not self.dispatch.live:
                data["programmee"] = self.dispatch.go_live_at.isoformat()
        if self.error is not None:
            data["erreur"] = str(self.error)
            data["champ"] = self.error.field or None
        return data


class BatchError(Exception):
    """An item of a batch was refused; nothing of the batch was saved."""

    def __init__(self, index, error):
        super().__init__(str(error))
        self.index = index
        self.error = error


def ingest(source, data):
    """Takes one ninjs item (decoded JSON) from SOURCE and returns its Outcome, REJECTED with the reason if bad."""
    try:
        return apply(source, ninjs.parse(data))
    except NinjsError as error:
        uri = data.get("uri") if isinstance(data, dict) and isinstance(data.get("uri"), str) else ""
        return Outcome(REJECTED, uri=uri[: ninjs.URI_MAX_LENGTH], error=error)


def ingest_all(source, items):
    """Takes a batch: the Outcome of each item, or BatchError naming the first refused one (nothing saved).

    Every item is read, and its uri checked against the other sources, before anything is written; then
    the items are written a few at a time, each in a savepoint of its own (see Turns). An item whose uri another
    source claims while the batch is being written is answered REJECTED, the others are kept.
    """
    wires = []
    for index, data in enumerate(items):
        try:
            wires.append(ninjs.parse(data))
        except NinjsError as error:
            raise BatchError(index, error) from None
    taken = claimed_elsewhere(source, {wire.uri for wire in wires})
    for index, wire in enumerate(wires):
        if wire.uri in taken:
            raise BatchError(index, NinjsError("uri", OTHER_SOURCE))
    outcomes = []
    writing = Turns()
    while len(outcomes) < len(wires):
        # One turn at the write lock: the items of a slice of time, each in a savepoint of its own (apply), so
        # that an item is stored entirely or not at all whatever happens to the others.
        with transaction.atomic():
            for wire in wires[len(outcomes):]:
                try:
                    outcomes.append(apply(source, wire))
                except NinjsError as error:
                    outcomes.append(Outcome(REJECTED, uri=wire.uri, version=wire.version, error=error))
                if writing.turn_over():
                    break
        writing.let_others_in()
    return outcomes


class Turns:
    """How long a batch keeps the write lock before letting others write.

    The batch writes for a slice of time in one transaction (committing each item would cost a disk flush
    each, and double the time of a batch on PostgreSQL), then lets go. PostgreSQL grants the locks others
    wait for (the live log's, taken by every publication) in turn: a short slice is enough there. SQLite has
    one write lock for the whole database, and a writer that finds it taken does not queue: it sleeps and
    tries again, up to 100 ms apart (its busy handler), and would hardly ever fall between two slices; there
    the batch pauses for PAUSE, longer than that sleep, after each longer slice, so that every waiting writer
    gets its turn within about SQLITE_SLICE + PAUSE. Inside a transaction of the caller's, which holds the
    lock anyway, nothing is gained by pausing.
    """

    SLICE = 0.1
    SQLITE_SLICE = 0.5
    PAUSE = 0.15

    def __init__(self):
        sqlite = connection.vendor == "sqlite"
        self.slice = self.SQLITE_SLICE if sqlite else self.SLICE
        self.pausing = sqlite and not connection.in_atomic_block
        self.since = time.monotonic()

    def turn_over(self):
        return time.monotonic() - self.since >= self.slice

    def let_others_in(self):
        if self.pausing:
            time.sleep(self.PAUSE)
        self.since = time.monotonic()


def claimed_elsewhere(source, uris):
    """Those of URIS already received from another source."""
    uris = sorted(uris)
    taken = set()
    for start in range(0, len(uris), LOOKUP_CHUNK):
        chunk = uris[start:start + LOOKUP_CHUNK]
        taken.update(WireItem.objects.filter(uri__in=chunk).exclude(source=source).values_list("uri", flat=True))
    return taken


def apply(source, wire, retried=False):
    try:
        with transaction.atomic():
            item = WireItem.objects.select_for_update().filter(uri=wire.uri).first()
            if item is None:
                # The uri is claimed first: a concurrent ingest of the same item fails here, before any dispatch.
                item = WireItem.objects.create(
                    source=source, uri=wire.uri, version=wire.version, version_created=wire.dated,
                    pubstatus=wire.pubstatus,
                )
                return receive(source, item, wire, previous_status=None)
            if item.source_id != source.pk:
                raise NinjsError("uri", OTHER_SOURCE)
            order = compare(wire, item)
            if order == 0:
                return outcome(UNCHANGED, wire, item.dispatch)
            if order < 0:
                return outcome(IGNORED, wire, item.dispatch)
            previous_status = item.pubstatus
            item.version, item.version_created, item.pubstatus = wire.version, wire.dated, wire.pubstatus
            item.save()
            return receive(source, item, wire, previous_status)
    except IntegrityError:
        if retried:
            raise
        # Another ingest of the same uri committed first: this one is now a resend, an update or older.
        return apply(source, wire, retried=True)


def receive(source, item, wire, previous_status):
    """Brings the item's dispatch in line with WIRE, which is newer than anything received before."""
    dispatch = Dispatch.objects.select_for_update().filter(pk=item.dispatch_id).first() if item.dispatch_id else None
    if not wire.usable:
        if dispatch is not None:
            withdraw(dispatch)
        return outcome(WITHDRAWN, wire, dispatch)
    if dispatch is None:
        dispatch = Dispatch(live=False, source=source.name[: ninjs.LABEL_MAX_LENGTH])
        copy(wire, dispatch)
        dispatch.save()
        item.dispatch = dispatch
        item.save(update_fields=["dispatch"])
        return outcome(CREATED, wire, write(dispatch, publish=source.publish_immediately))
    if dispatch.locked:
        # An editor is working on it: the agency's version waits in the history as changes awaiting
        # publication, and what readers see stays as it is until the editor decides.
        copy(wire, dispatch)
        dispatch.save_revision(log_action=True)
        dispatch.refresh_from_db()
        return outcome(HELD, wire, dispatch)
    # A dispatch an editor took offline stays offline; one the agency had withdrawn comes back as a new one.
    taken_down_by_editor = not dispatch.live and dispatch.first_published_at is not None and previous_status == WireItem.USABLE
    publish = dispatch.live or (source.publish_immediately and not taken_down_by_editor)
    copy(wire, dispatch)
    return outcome(UPDATED, wire, write(dispatch, publish))


def copy(wire, dispatch):
    dispatch.title = wire.headline
    dispatch.text = wire.text
    dispatch.important = wire.important
    dispatch.go_live_at = wire.embargoed if wire.embargoed and wire.embargoed > timezone.now() else None


def write(dispatch, publish):
    if publish:
        # An embargoed wire's publication is scheduled by Wagtail for go_live_at.
        dispatch.save_revision().publish()
    else:
        dispatch.save()
        dispatch.save_revision()
    dispatch.refresh_from_db()
    return dispatch


def withdraw(dispatch):
    if dispatch.live:
        dispatch.unpublish()
    # Wagtail keeps an unpublished object as changes awaiting publication, and a scheduled revision would still
    # go live; a wire its agency withdrew awaits nothing.
    dispatch.revisions.update(approved_go_live_at=None)
    Dispatch.objects.filter(pk=dispatch.pk).update(has_unpublished_changes=False, go_live_at=None)
    dispatch.refresh_from_db()


def compare(wire, item):
    """1 if WIRE is newer than what ITEM recorded, -1 if older, 0 if it is the same version again."""
    ours, theirs = version_number(wire.version), version_number(item.version)
    if ours is not None and theirs is not None and ours != theirs:
        return 1 if ours > theirs else -1
    if wire.dated is not None and item.version_created is not None and wire.dated != item.version_created:
        return 1 if wire.dated > item.version_created else -1
    # Same date (or none) and versions that cannot be ordered: only the very same version is known to be a resend.
    return 0 if wire.version == item.version else -1


def version_number(version):
    match = _NUMERIC_VERSION.fullmatch(version)
    return tuple(int(part) for part in match.group(1).split(".")) if match else None


def outcome(status, wire, dispatch):
    return Outcome(status, uri=wire.uri, version=wire.version, dispatch=dispatch)
