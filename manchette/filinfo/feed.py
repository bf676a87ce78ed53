"""Le fil info as readers get it: the block's two lists, and the full feed read page by page.

Both carry the id of the last event of the log that their entries already include: a page that follows
the feed live (live.js) asks the stream for what came after it, so nothing published in between is lost,
and anything shown twice is the same item, replaced by its key.

The full feed pages with a cursor (published time and id of the last entry shown), not an offset: items
keep arriving at the top while a reader goes back in time, and an offset would then show some twice. An
entry keeps its published time for good (events.py), so a cursor handed out stays valid.
"""

import datetime
import re
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from manchette.live import log
from manchette.live.models import Event

from .models import FeedEntry

# What feed readers, search engines and social networks are told the fil info is.
DESCRIPTION = gettext_lazy("Les dépêches et les articles de la rédaction, en continu, du plus récent au plus ancien.")
FEED_BLOCK_SIZE = 8
FEED_PAGE_SIZE = 30
UNE, TOUS = "une", "tous"
TABS = (UNE, TOUS)

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
MICROSECOND = datetime.timedelta(microseconds=1)
CURSOR = re.compile(r"(\d{1,16})-(\d{1,18})")
NEWEST_FIRST = ("-published_at", "-id")


@dataclass
class Ticker:
    """The block: « La Une » and « Tous », each newest first."""

    une: list
    tous: list
    last_event_id: int  # 0 while nothing was ever logged: a reader then replays the log from its start
    limit: int  # how many items each list holds at most, live updates included


@dataclass
class FeedPage:
    entries: list
    tab: str
    older: str | None  # cursor of the next page back in time, if there is one
    is_latest: bool  # the first page, the one new items reach
    last_event_id: int


def order_key(entry):
    return entry.published_at, entry.pk


def latest_items(limit=None):
    """The block's two lists and the log position they include, in one query: it is on every page.

    One statement reads one snapshot of the database, so the last event id is exactly the log position of
    the entries read with it, even when the feed is empty. Each list is read from its own index; an item
    in both comes once.
    """
    limit = limit or FEED_BLOCK_SIZE
    quote = connection.ops.quote_name
    entries, events = quote(FeedEntry._meta.db_table), quote(Event._meta.db_table)
    newest = "SELECT id FROM {entries} {where} ORDER BY published_at DESC, id DESC LIMIT %s"
    sql = f"""
        SELECT entry.*, log.last_event
        FROM (SELECT MAX(id) AS last_event FROM {events}) AS log
        LEFT JOIN (
            SELECT id FROM ({newest.format(entries=entries, where="")}) AS tous
            UNION
            SELECT id FROM ({newest.format(entries=entries, where="WHERE important")}) AS une
        ) AS shown ON TRUE
        LEFT JOIN {entries} AS entry ON entry.id = shown.id
    """
    rows = list(FeedEntry.objects.raw(sql, [limit, limit]))
    shown = sorted((row for row in rows if row.pk is not None), key=order_key, reverse=True)
    return Ticker(
        une=[entry for entry in shown if entry.important][:limit],
        tous=shown[:limit],
        last_event_id=rows[0].last_event or 0,
        limit=limit,
    )


def last_event_id():
    return log.last_id()


def cursor_of(entry):
    return f"{(entry.published_at - EPOCH) // MICROSECOND}-{entry.pk}"


def parse_cursor(text):
    """(published time, id) from a cursor this module made; anything else is a 404."""
    match = CURSOR.fullmatch(text)
    if match is None:
        raise Http404(_("Cette page du fil info n’existe pas."))
    micros, pk = map(int, match.groups())
    # Sixteen digits of microseconds stay within a few centuries of 1970: no overflow to guard against.
    return EPOCH + micros * MICROSECOND, pk


def parse_tab(text):
    if text not in TABS:
        raise Http404(_("Cet onglet du fil info n’existe pas."))
    return text


def feed_page(tab=TOUS, before=None, size=None):
    """One page of the feed, newest first, from the start or from BEFORE (a cursor) back in time."""
    size = size or FEED_PAGE_SIZE
    # Read before the entries: anything logged in between is replayed to the page, never skipped.
    last_event = last_event_id()
    entries = FeedEntry.objects.select_related("dispatch__article").defer("dispatch__article__body")
    if tab == UNE:
        entries = entries.filter(important=True)
    if before is not None:
        moment, pk = parse_cursor(before)
        # The first condition lets the index start at the cursor; the second one breaks ties by id.
        entries = entries.filter(Q(published_at__lt=moment) | Q(published_at=moment, id__lt=pk), published_at__lte=moment)
    rows = list(entries.order_by(*NEWEST_FIRST)[: size + 1])
    older = cursor_of(rows[size - 1]) if len(rows) > size else None
    return FeedPage(rows[:size], tab, older, before is None, last_event)
