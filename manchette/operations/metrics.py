"""Metrics in Prometheus's text format, for the operators only: a listener of their own, or a path kept from readers.

Every server process counts in plain Python on the serving path (the requests' records of accesslog.py, the
edge's counters, the hub's) and folds what it counted into prometheus-client's values every 20 ms (accesslog.FLUSH_SECONDS);
those live in files of DATA_DIR/metrics (prometheus-client's multiprocess mode), which `manchette serve`
empties of dead processes' files when it starts. A scrape adds up every process's files, and counts what the
database holds at that moment: each app's `metrics.py` may give a `collect()` that yields metric families
(the comments', the newsletters', the task queue's below). `manchette worker` writes its files there too,
for what it invalidates and publishes.

Where to scrape (docs/operations.md, « Métriques »): METRICS_ADDRESS (127.0.0.1:9108 by default, "off"), a
listener of `manchette serve`'s main process that answers /metrics; METRICS_PATH, the same on the site's
own address, for requests from METRICS_NETWORKS or bearing METRICS_TOKEN only (refused to anyone else,
and to everyone when neither is set). METRICS_TOKEN, when set, is asked on the listener too.

Requests are counted by route family (ROUTES: front, article, section, feed, live, search, admin, api,
static, other), never by path; the edge's cache by kind of key (page, shell, fragment; invalidations by the
kind a key names: page, list, path, a model's label, all), never by key.
"""

import asyncio
import collections
import functools
import glob
import hmac
import logging
import os
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import import_module
from operator import itemgetter
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.utils.module_loading import module_has_submodule
from django.utils.translation import gettext

from manchette.edge.proxies import TrustedProxies
from manchette.processes import alive

logger = logging.getLogger(__name__)

FOLDER = "metrics"
SOURCES_SECONDS = 1.0
SECTIONS_SECONDS = 60
RENDER_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
VISIBLE_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900)
REMEMBERED = 4096
# Of an access log record (accesslog.RECORD): what the requests are counted by.
TARGET_STATUS_CACHE = itemgetter(3, 5, 8)

# Families by the start of the path (bytes, as requests send it), after "/" (front) and feeds (…/rss/, …/atom/,
# sitemaps): the first that matches. Pages of the tree are sections, or articles under them (Sections).
ROUTES = (
    (b"/static/", "static"), (b"/media/", "static"), (b"/favicon", "static"), (b"/apple-touch-icon", "static"),
    (b"/direct/", "live"),
    (b"/recherche/", "search"),
    (b"/admin/", "admin"), (b"/django-admin/", "admin"),
    (b"/api/", "api"), (b"/fil-info/ninjs.json", "api"),
    (b"/fil-info/bloc/", "other"),
    (b"/fil-info/", "section"),  # the page itself; a dispatch's is /fil-info/<id>/<slug>/, an article (below)
    (b"/sujet/", "section"), (b"/tag/", "section"), (b"/auteur/", "section"),
)
FEED_ENDINGS = (b"/rss/", b"/atom/", b".xml")
FAMILIES = ("front", "article", "section", "feed", "live", "search", "admin", "api", "static", "other")


def folder():
    return Path(settings.DATA_DIR) / FOLDER


def wanted():
    """Whether the settings expose metrics somewhere (then they are counted)."""
    return listener_address() is not None or bool(settings.METRICS_PATH)


def listener_address():
    """(host, port) of METRICS_ADDRESS, or None when it is off."""
    text = settings.METRICS_ADDRESS.strip()
    if text.lower() in {"", "off", "none"}:
        return None
    host, _, port = text.rpartition(":")
    host = host.strip("[]") or "127.0.0.1"
    return host, int(port)


# Processes that count into the folder

def enable(directory=None):
    """Makes this process count into DIRECTORY's files (before any metric is made), and count what it
    invalidates. The processes `manchette serve` starts find the folder in PROMETHEUS_MULTIPROC_DIR."""
    from prometheus_client import values

    from manchette.edge import invalidation

    directory = Path(directory or os.environ["PROMETHEUS_MULTIPROC_DIR"])
    directory.mkdir(parents=True, exist_ok=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(directory)
    if not getattr(values.ValueClass, "_multiprocess", False):
        if instruments.cache_info().currsize:
            raise RuntimeError("metrics made before multiprocess mode was enabled")
        values.ValueClass = values.MultiProcessValue()
    invalidation.invalidated.connect(invalidated, dispatch_uid="operations-metrics-invalidated")


def enabled():
    return bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))


def clean(directory):
    """Removes the files of processes that are gone (a new `manchette serve`: its counters start afresh)."""
    directory.mkdir(parents=True, exist_ok=True)
    for path in directory.glob("*.db"):
        pid = pid_of(path)
        if pid is None or pid == os.getpid() or not alive(pid):
            path.unlink(missing_ok=True)


def pid_of(path):
    try:
        return int(path.stem.rsplit("_", 1)[1])
    except (IndexError, ValueError):
        return None


class Instruments:
    def __init__(self):
        from prometheus_client import Counter, Gauge, Histogram

        def counter(name, text, labels=()):
            return Counter(name, text, labels, registry=None)

        def gauge(name, text, labels=()):
            return Gauge(name, text, labels, registry=None, multiprocess_mode="livesum")

        self.requests = counter("manchette_http_requests", "Requêtes servies, par famille de route et statut.", ("family", "code"))
        self.render = Histogram(
            "manchette_render_seconds", "Durée des réponses rendues par Django (chemin ASGI), par famille de route.",
            ("family",), buckets=RENDER_BUCKETS, registry=None,
        )
        self.hits = counter("manchette_edge_cache_hits", "Réponses tirées du cache des pages, par sorte de clé.", ("kind",))
        self.misses = counter("manchette_edge_cache_misses", "Absents du cache des pages, rendus par Django, par sorte de clé.", ("kind",))
        self.evictions = counter("manchette_edge_cache_evictions", "Entrées sorties du cache faute de place, par sorte de clé.", ("kind",))
        self.invalidations = counter(
            "manchette_edge_invalidations", "Clés invalidées sur cette machine, par sorte de clé.", ("kind",)
        )
        self.entries = gauge("manchette_edge_cache_entries", "Entrées du cache des pages (tous les processus).")
        self.bytes = gauge("manchette_edge_cache_bytes", "Octets du cache des pages (tous les processus).")
        self.streams = gauge("manchette_live_streams", "Flux du direct ouverts.")
        self.delivered = counter("manchette_live_events_delivered", "Événements du direct remis aux flux ouverts.")
        self.visible = Histogram(
            "manchette_publish_visible_seconds",
            "Délai entre l’heure de publication d’une page (programmée ou immédiate) et l’invalidation de ses pages "
            "en cache sur cette machine.",
            buckets=VISIBLE_BUCKETS, registry=None,
        )
        self.dropped = counter("manchette_access_log_dropped_lines", "Lignes du journal d’accès perdues (destination trop lente).")


@functools.cache
def instruments():
    return Instruments()


def invalidated(sender, keys, since=None, **kwargs):
    """Counts the keys invalidated by kind, and a publication's delay until its pages here were stale."""
    from manchette.edge.versions import EVERYTHING

    kinds = {}
    for key in ((EVERYTHING,) if keys == EVERYTHING else keys):
        kind = "all" if key == EVERYTHING else key.split("-", 1)[0]
        kinds[kind] = kinds.get(kind, 0) + 1
    counters = instruments()
    for kind, count in kinds.items():
        counters.invalidations.labels(kind).inc(count)
    if since is not None:
        from django.utils import timezone

        counters.visible.observe(max(0.0, (timezone.now() - since).total_seconds()))


# A server process

class ServerMetrics:
    """What a server process counts: its requests' records (accesslog.Recorder folds them in), and at most once
    a second the edge's counters and the live hub's."""

    def __init__(self, edge, hub=None, log=None):
        self.edge = edge
        self.hub = hub
        self.log = log  # the access log, whose lost lines are counted
        self.sections = Sections()
        self.families = Families(self.sections)
        self.counters = instruments()
        self._seen = {}
        self._next_sources = 0.0

    def start(self):
        self.sections.start()

    def fold(self, records):
        """Adds RECORDS (accesslog.RECORD tuples) to the counters, and the sources' counts once a second."""
        if records:
            self._fold_requests(records)
        if time.monotonic() >= self._next_sources:
            self._next_sources = time.monotonic() + SOURCES_SECONDS
            self._fold_sources()

    def _fold_requests(self, records):
        # Counted by target first (in C: Counter over itemgetter): a page asked for a thousand times is classified once.
        counts = collections.Counter(map(TARGET_STATUS_CACHE, records))
        renders = ()
        if any(cache and cache != "HIT" for _, _, cache in counts):  # MISS or PASS: Django rendered it
            renders = [(record[3], record[7]) for record in records if record[8] and record[8] != "HIT"]
        family_of = self.families.of
        counters = self.counters
        requests = {}
        hits = misses = 0
        for (target, status, cache), count in counts.items():
            key = (family_of(target), status)
            requests[key] = requests.get(key, 0) + count
            if cache == "HIT":
                hits += count
            elif cache == "MISS":
                misses += count
        for (family, status), count in requests.items():
            counters.requests.labels(family, str(status)).inc(count)
        if hits:
            counters.hits.labels("page").inc(hits)
        if misses:
            counters.misses.labels("page").inc(misses)
        for target, duration in renders:
            counters.render.labels(family_of(target)).observe(duration)

    def _fold_sources(self):
        counters = self.counters
        store = self.edge.store
        for kind, count in store.evictions.items():
            self._add(counters.evictions.labels(kind), ("evictions", kind), count)
        renders = self.edge.fragment_renders
        self._add(counters.misses.labels("fragment"), "fragment misses", renders)
        self._add(counters.hits.labels("fragment"), "fragment hits", self.edge.fragment_lookups - renders)
        counters.entries.set(len(store))
        counters.bytes.set(store.bytes)
        if self.hub is not None:
            counters.streams.set(len(self.hub.streams))
            self._add(counters.delivered, "delivered", self.hub.delivered)
        if self.log is not None:
            self._add(counters.dropped, "dropped", self.log.dropped)

    def _add(self, metric, name, total):
        """Adds to METRIC what TOTAL (a running count of this process) gained since the last fold."""
        gained = total - self._seen.get(name, 0)
        if gained > 0:
            metric.inc(gained)
            self._seen[name] = total

    def stop(self):
        from prometheus_client import multiprocess

        self.sections.stop()
        self._fold_sources()
        # Gauges of this process stop counting (open streams, cache size); its counters stay.
        if enabled():
            multiprocess.mark_process_dead(os.getpid())


class Families:
    """The route family of a request's target (bytes): by the start of its path, remembered per path."""

    def __init__(self, sections):
        self.sections = sections
        self._known = {}
        self._generation = None

    def of(self, target):
        path = target.partition(b"?")[0]
        if self._generation is not self.sections.paths:
            self._generation = self.sections.paths
            self._known = {}
        family = self._known.get(path)
        if family is None:
            if len(self._known) >= REMEMBERED:
                self._known.clear()
            family = self._known[path] = family_of(path, self.sections.paths)
        return family


def family_of(path, sections=frozenset()):
    """The route family of PATH (bytes), SECTIONS being the paths of the sections (bytes, with a final slash)."""
    if path == b"/":
        return "front"
    if path.endswith(FEED_ENDINGS):
        return "feed"
    for prefix, family in ROUTES:
        if path.startswith(prefix):
            if family == "section" and prefix == b"/fil-info/" and path != prefix:
                return "article"
            return family
    if path in sections:
        return "section"
    trimmed = path[:-1] if path.endswith(b"/") else path
    parent = trimmed[: trimmed.rfind(b"/") + 1]
    return "article" if parent and parent in sections else "other"


class Sections:
    """The paths of the site's sections, read from the database when started and every SECTIONS_SECONDS."""

    def __init__(self):
        self.paths = frozenset()
        self._stopped = threading.Event()
        self._thread = None

    def start(self):
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="metrics-sections", daemon=True)
            self._thread.start()

    def stop(self):
        self._stopped.set()

    def _run(self):
        from django.db import connection

        while True:
            try:
                self.paths = section_paths()
            except Exception:
                logger.exception("metrics: the sections' paths could not be read")
            finally:
                connection.close()
            if self._stopped.wait(SECTIONS_SECONDS):
                return


def section_paths():
    from wagtail.models import Site

    from manchette.news.models import Section

    roots = [root for root in Site.objects.values_list("root_page__url_path", flat=True) if root]
    found = set()
    for url_path in Section.objects.values_list("url_path", flat=True):
        for root in roots:
            if url_path.startswith(root):
                found.add(("/" + url_path[len(root):]).encode())
    return frozenset(found)


# Scraping

def exposition(directory=None):
    """(body, content type) of a scrape: every process's files added up, and what the database says now."""
    from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
    from prometheus_client.multiprocess import MultiProcessCollector

    directory = Path(directory or folder())
    directory.mkdir(parents=True, exist_ok=True)
    forget_dead(directory)
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=str(directory))
    registry.register(DatabaseCollector())
    return generate_latest(registry), CONTENT_TYPE_LATEST


def scrape(directory=None):
    """exposition() from a thread of its own (the listener's, or one the site lends): its connections closed after."""
    from django.db import connections

    try:
        return exposition(directory)
    finally:
        connections.close_all()


def forget_dead(directory):
    """The gauges of processes that died without saying so (killed) stop counting."""
    from prometheus_client import multiprocess

    for name in glob.glob(os.path.join(directory, "gauge_live*.db")):
        pid = pid_of(Path(name))
        if pid is not None and not alive(pid):
            multiprocess.mark_process_dead(pid, str(directory))


class DatabaseCollector:
    """What each app's metrics.collect() yields, read at scrape time."""

    def collect(self):
        for name, collect in collectors():
            try:
                yield from collect()
            except Exception:
                logger.exception("metrics: %s could not be collected", name)


@functools.cache
def collectors():
    found = []
    for config in apps.get_app_configs():
        if config.name.startswith("manchette.") and module_has_submodule(config.module, "metrics"):
            collect = getattr(import_module(f"{config.name}.metrics"), "collect", None)
            if collect is not None:
                found.append((config.label, collect))
    return tuple(found)


def collect():
    """The task queue (django-tasks' table): tasks ready to run and since when the oldest waits, by queue; running."""
    from django.db.models import Count, Min, Q
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult, TaskResultStatus, get_date_max
    from prometheus_client.core import GaugeMetricFamily

    now = timezone.now()
    ready = GaugeMetricFamily("manchette_tasks_ready", "Tâches prêtes à être exécutées, par file.", labels=["queue"])
    age = GaugeMetricFamily(
        "manchette_tasks_oldest_ready_age_seconds", "Depuis quand attend la plus ancienne tâche prête, par file.",
        labels=["queue"],
    )
    rows = (
        DBTaskResult.objects.ready().values("queue_name")
        .annotate(
            count=Count("id"),
            enqueued=Min("enqueued_at", filter=Q(run_after=get_date_max())),
            due=Min("run_after", filter=~Q(run_after=get_date_max())),
        )
        .order_by("queue_name")
    )
    for row in rows:
        ready.add_metric([row["queue_name"]], row["count"])
        since = min(moment for moment in (row["enqueued"], row["due"]) if moment is not None)
        age.add_metric([row["queue_name"]], max(0.0, (now - since).total_seconds()))
    running = GaugeMetricFamily("manchette_tasks_running", "Tâches en cours d’exécution.")
    running.add_metric([], DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).count())
    return [ready, age, running]


# Where scrapes come

def authorised(headers_authorization, token):
    """Whether an Authorization header's value carries TOKEN (Bearer), compared in constant time."""
    scheme, _, given = (headers_authorization or "").partition(" ")
    return bool(token) and scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())


class Handler(BaseHTTPRequestHandler):
    server_version = "manchette-metrics"
    sys_version = ""

    def do_GET(self):
        if self.path.partition("?")[0] not in ("/metrics", "/"):
            return self._plain(404, gettext("Introuvable\u202f: les métriques sont à /metrics.") + "\n")
        token = settings.METRICS_TOKEN
        if token and not authorised(self.headers.get("Authorization"), token):
            return self._plain(401, gettext("Jeton requis (Authorization\u202f: Bearer …).") + "\n", [("WWW-Authenticate", "Bearer")])
        try:
            body, content_type = scrape(self.server.directory)
        except Exception:
            logger.exception("metrics: scrape failed")
            return self._plain(500, gettext("Les métriques n’ont pas pu être lues.") + "\n")
        self._answer(200, content_type, body)

    def do_HEAD(self):
        self._plain(405, gettext("Méthode non autorisée.") + "\n", [("Allow", "GET")])

    do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD

    def _plain(self, status, message, headers=()):
        self._answer(status, "text/plain; charset=utf-8", message.encode(), headers)

    def _answer(self, status, content_type, body, headers=()):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format, *args):
        logger.debug("metrics: " + format, *args)


class Listener(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, directory):
        self.directory = directory
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, Handler)


def listen(directory):
    """Serves the metrics at METRICS_ADDRESS from a thread of this process; None, with a warning, when the
    address is taken or invalid (the site is served all the same)."""
    address = listener_address()
    if address is None:
        return None
    try:
        server = Listener(address, directory)
    except OSError as error:
        logger.warning("Métriques\u202f: impossible d’écouter sur %s:%s (%s)\u202f; elles ne sont pas servies.", *address, error)
        return None
    threading.Thread(target=server.serve_forever, name="metrics-listener", daemon=True).start()
    return server


class MetricsPath:
    """METRICS_PATH on the site's own address, in front of everything: for METRICS_NETWORKS and METRICS_TOKEN only."""

    def __init__(self, app, path, token="", networks=()):
        self.app = app
        self.path = path
        self.token = token
        # An address in these networks is let in as the proxies' are believed: the same test (edge/proxies.py).
        self.networks = TrustedProxies(networks)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["path"] != self.path:
            return await self.app(scope, receive, send)
        if not self._allowed(scope):
            return await _plain(send, 403, gettext("Accès réservé à l’exploitation.") + "\n")
        if scope["method"] != "GET":
            return await _plain(send, 405, gettext("Méthode non autorisée.") + "\n", [(b"allow", b"GET")])
        body, content_type = await asyncio.to_thread(scrape)
        await send({"type": "http.response.start", "status": 200, "headers": [
            (b"content-type", content_type.encode()), (b"content-length", str(len(body)).encode()),
            (b"cache-control", b"no-store"),
        ]})
        await send({"type": "http.response.body", "body": body})

    def _allowed(self, scope):
        for name, value in scope["headers"]:
            if name == b"authorization" and authorised(value.decode("latin-1"), self.token):
                return True
        client = scope.get("client")
        return bool(client) and self.networks.trusts(client[0])


async def _plain(send, status, message, headers=()):
    body = message.encode()
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode()),
        (b"cache-control", b"no-store"), *headers,
    ]})
    await send({"type": "http.response.body", "body": body})


def path_layer(app):
    """APP behind METRICS_PATH, when it is set."""
    if not settings.METRICS_PATH:
        return app
    if not settings.METRICS_TOKEN and not settings.METRICS_NETWORKS:
        logger.warning("Métriques\u202f: METRICS_PATH sans METRICS_TOKEN ni METRICS_NETWORKS est refusé à tous.")
    return MetricsPath(app, settings.METRICS_PATH, settings.METRICS_TOKEN, settings.METRICS_NETWORKS)
