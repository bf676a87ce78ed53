"""Page views counted on the serving path, from the site's own traffic: no third-party analytics.

Each process counts the reads it answers with a 200 (the server's fast path, edge hits and misses alike) in
memory, one dictionary entry per host and path: a view costs a lock and a dict update, never a database
write. A background thread flushes the counts every VIEWS_FLUSH_SECONDS (30), or sooner once
VIEWS_FLUSH_COUNT (5,000) views are waiting: it finds the page each path names (Wagtail's url_path under
the host's site) and adds the views to that page's row for the hour (`PageViews`) with one upsert. Paths
that name no page (feeds, search, fragments…) are dropped then.

What does not count: HEAD and anything but a 200 (a 304, a redirect, a 404), requests without a
User-Agent or from robots, crawlers, link previews and headless browsers, and prefetches (Sec-Purpose,
Purpose, X-Moz: prefetch). At most VIEWS_MAX_PATHS (10,000) distinct paths wait in memory: more, and the
flush is woken and paths not seen yet wait for it. A process killed without stopping loses at most one
interval of views.

Readers: `most_read(hours, limit)` (the « Les plus lus » block, the operations issue) and `views_of(ids,
hours)`; they count every page, visible or not: callers keep only what readers may see.
"""

import datetime
import logging
import re
import threading

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone

logger = logging.getLogger(__name__)

ROBOTS = re.compile(
    rb"bot|crawl|spider|slurp|archiver|preview|facebookexternalhit|embedly|whatsapp|telegram|skype|"
    rb"headless|lighthouse|pagespeed|monitor|check|curl|wget|python|httpx|okhttp|java/|go-http|libwww|scrapy",
    re.IGNORECASE,
)
PREFETCH_HEADERS = frozenset({b"sec-purpose", b"purpose", b"x-purpose", b"x-moz"})


def flush_seconds():
    return getattr(settings, "VIEWS_FLUSH_SECONDS", 30)


def is_reader(headers):
    """Whether request HEADERS ((name, value) bytes, lower-case names) look like a person reading a page."""
    agent = None
    for name, value in headers:
        if name == b"user-agent":
            agent = value
        elif name in PREFETCH_HEADERS and prefetching(value):
            return False
    return reads(agent)


def prefetching(value):
    """Whether the value of one of PREFETCH_HEADERS says the page is fetched ahead, not read."""
    lowered = value.lower()
    return b"prefetch" in lowered or b"preview" in lowered or b"prerender" in lowered


def reads(agent, prefetch=False):
    """Whether a request from AGENT (its User-Agent, or None), PREFETCH or not, is a person reading."""
    return not prefetch and bool(agent) and _is_person(agent)


# What ROBOTS said of each User-Agent seen lately: the search costs ~20 µs on a browser's long User-Agent, a
# fraction of a cached page's whole cost, and readers share a few hundred of them.
_agents = {}


def _is_person(agent):
    known = _agents.get(agent)
    if known is None:
        if len(_agents) >= 4096:
            _agents.clear()
        known = _agents[agent] = ROBOTS.search(agent) is None
    return known


class ViewCounter:
    """One per process: counts in memory, flushed in batches by a thread of its own once started."""

    def __init__(self, *, flush_every=None, flush_after=None, max_paths=None):
        self.flush_every = flush_every if flush_every is not None else flush_seconds()
        self.flush_after = flush_after or getattr(settings, "VIEWS_FLUSH_COUNT", 5000)
        self.max_paths = max_paths or getattr(settings, "VIEWS_MAX_PATHS", 10_000)
        self.counts = {}
        self.waiting = 0
        self.lock = threading.Lock()
        self.wake = threading.Event()
        self.thread = None
        self.stopped = False

    def seen(self, method, status, host, path, headers):
        """A read answered: counted when it is a reader's GET answered with a 200."""
        if method == "GET" and status == 200 and is_reader(headers):
            self.count(host, path)

    def seen_from(self, method, status, host, path, agent, prefetch):
        """seen(), from the User-Agent and the prefetch headers already read (the edge's Read). reads() is
        written out: this runs for every page the server's fast path answers."""
        if method == "GET" and status == 200 and agent and not prefetch:
            person = _agents.get(agent)
            if person is None:
                person = _is_person(agent)
            if person:
                self.count(host, path)

    def count(self, host, path):
        key = (host, path)
        with self.lock:
            counts = self.counts
            views = counts.get(key)
            if views is None and len(counts) >= self.max_paths:
                self.wake.set()
                return
            counts[key] = (views or 0) + 1
            self.waiting += 1
            # Once: until the thread takes the counts, every view would set the event again (a lock each time).
            if self.waiting == self.flush_after:
                self.wake.set()

    def take(self):
        """The counts so far, and a fresh start."""
        with self.lock:
            counts, self.counts, self.waiting = self.counts, {}, 0
        return counts

    def flush(self, now=None):
        counts = self.take()
        if counts:
            record(counts, now or timezone.now())
        return counts

    # The thread

    def start(self):
        if self.thread is None:
            self.stopped = False
            self.thread = threading.Thread(target=self._run, name="views-counter", daemon=True)
            self.thread.start()

    def stop(self):
        """Flushes what is left and ends the thread (the server's shutdown)."""
        self.stopped = True
        self.wake.set()
        if self.thread is not None:
            self.thread.join(timeout=10)
            self.thread = None

    def _run(self):
        try:
            while True:
                self.wake.wait(self.flush_every)
                self.wake.clear()
                try:
                    self.flush()
                except Exception:
                    logger.exception("page views not recorded")
                if self.stopped:
                    return
        finally:
            connection.close()


def hour_of(moment):
    return moment.astimezone(datetime.UTC).replace(minute=0, second=0, microsecond=0)


def _site_roots():
    """{hostname or hostname:port: root url_path}, and the default site's root."""
    from wagtail.models import Site

    roots = {}
    default = None
    for site in Site.objects.select_related("root_page").only("hostname", "port", "is_default_site", "root_page__url_path"):
        roots.setdefault(site.hostname, site.root_page.url_path)
        roots[f"{site.hostname}:{site.port}"] = site.root_page.url_path
        if site.is_default_site:
            default = site.root_page.url_path
    return roots, default


def record(counts, now):
    """Adds COUNTS ({(host, path): views}) to the pages' rows for NOW's hour; paths that name no page are dropped."""
    from wagtail.models import Page

    from .models import PageViews

    roots, default = _site_roots()
    by_url_path = {}
    for (host, path), views in counts.items():
        host = host.decode("latin-1") if isinstance(host, bytes) else host
        root = roots.get(host) or roots.get(host.rsplit(":", 1)[0]) or default
        if root is None or not path.startswith("/"):
            continue
        url_path = root.rstrip("/") + path
        if not url_path.endswith("/"):
            url_path += "/"
        by_url_path[url_path] = by_url_path.get(url_path, 0) + views
    if not by_url_path:
        return
    per_page = {}
    for url_path, page_id in Page.objects.filter(url_path__in=list(by_url_path)).values_list("url_path", "id"):
        per_page[page_id] = per_page.get(page_id, 0) + by_url_path[url_path]
    if not per_page:
        return
    hour = hour_of(now)
    table = connection.ops.quote_name(PageViews._meta.db_table)
    # One statement for the batch; several processes adding to one row at once add up (SQLite ≥ 3.24, PostgreSQL).
    sql = (
        f"INSERT INTO {table} (page_id, hour, views) VALUES (%s, %s, %s) "
        f"ON CONFLICT (page_id, hour) DO UPDATE SET views = {table}.views + excluded.views"
    )
    hour_value = PageViews._meta.get_field("hour").get_db_prep_value(hour, connection)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(sql, [(page_id, hour_value, views) for page_id, views in sorted(per_page.items())])


def _since(hours, now=None):
    return hour_of(now or timezone.now()) - datetime.timedelta(hours=hours - 1)


def most_read(hours=24, limit=50, now=None):
    """[(page id, views)] over the last HOURS hours (the current one included), most read first."""
    from .models import PageViews

    rows = (
        PageViews.objects.filter(hour__gte=_since(hours, now))
        .values("page_id")
        .annotate(total=Sum("views"))
        .order_by("-total", "-page_id")[:limit]
    )
    return [(row["page_id"], row["total"]) for row in rows]


def views_of(page_ids, hours=24, now=None):
    """{page id: views} over the last HOURS hours for PAGE_IDS."""
    from .models import PageViews

    rows = (
        PageViews.objects.filter(page_id__in=list(page_ids), hour__gte=_since(hours, now))
        .values("page_id")
        .annotate(total=Sum("views"))
    )
    return {row["page_id"]: row["total"] for row in rows}
