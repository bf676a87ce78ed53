"""The figures a newsroom asks for the morning after (`manchette stats`): the most-read articles of a day and of
its last hours, requests and readers per section, errors, and how much the cache served.

The most-read come from the view counter (edge/views_counter.py, PageViews: every server's readers, robots and
prefetches left out, by the hour), so a window of hours is counted to the hour. The rest comes from the access
log (accesslog.py: one JSON object a line, keys time, ip, method, path, status, bytes, duration_ms, cache,
user_agent, referer), read as a stream: a day's log of a big site is gigabytes, and only counters and
fixed-size estimates are kept. A reader is an address with a browser (the pair of ip and user_agent, robots
left out as the counter leaves them out): an approximation, counted by an estimate about 1 % off (HyperLogLog)
rather than by remembering each one; errors keep their exact number and, past ERROR_PATHS different paths,
their most frequent paths only. Lines that are not such objects are skipped and counted; the health checks'
polls (/sante/…) are left out.
"""

import datetime
import gzip
import hashlib
import json
import math
import sys
import urllib.parse
from collections import Counter
from dataclasses import dataclass

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import Site

from manchette.edge import views_counter
from manchette.edge.models import PageViews
from manchette.news.models import Article, Section

TOP = 10
HOME = "une"
ELSEWHERE = "autres"
PLACES = {HOME: _("La une"), ELSEWHERE: _("Ailleurs (fil info, recherche, fichiers…)")}
CACHE_STATES = ("HIT", "MISS", "PASS")
# A load balancer's polls (views.py): no reader's, and a readiness 503 is not a fault of the site's.
HEALTH = "/sante/"
# Paths whose section was found, remembered (articles are read over and over); at most this many.
REMEMBERED_PATHS = 10_000
# Error paths counted one by one, at most: past this, the rarer half is forgotten (a scanner's thousands of
# made-up paths), so the most frequent stay on top while the totals stay exact.
ERROR_PATHS = 10_000


@dataclass(frozen=True)
class Period:
    day: datetime.date
    start: datetime.datetime  # the day's first instant, in TIME_ZONE
    end: datetime.datetime  # the day's end, or now for today
    hours: int  # the recent window: the last HOURS hours before END

    @property
    def recent_start(self):
        return max(self.start, self.end - datetime.timedelta(hours=self.hours))


def period(day=None, hours=1, now=None):
    """The DAY (a date; today by default) in TIME_ZONE, up to NOW if it is today."""
    now = now or timezone.now()
    zone = timezone.get_current_timezone()
    day = day or timezone.localtime(now, zone).date()
    start = datetime.datetime.combine(day, datetime.time(), zone)
    end = min(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(), zone), now)
    return Period(day, start, timezone.localtime(max(end, start), zone), hours)


class DistinctCount:
    """How many distinct values were added, estimated in 16 KiB however many they are (HyperLogLog, precision 14:
    about 0.8 % off; exact enough for a few thousand, where it counts empty registers instead)."""

    PRECISION = 14

    def __init__(self):
        self.registers = bytearray(1 << self.PRECISION)

    def add(self, value):
        hashed = int.from_bytes(hashlib.blake2b(value, digest_size=8).digest(), "big")
        rest_bits = 64 - self.PRECISION
        index, rest = hashed >> rest_bits, hashed & ((1 << rest_bits) - 1)
        rank = rest_bits - rest.bit_length() + 1
        if rank > self.registers[index]:
            self.registers[index] = rank

    def __len__(self):
        size = len(self.registers)
        empty = self.registers.count(0)
        estimate = 0.7213 / (1 + 1.079 / size) * size * size / sum(2.0 ** -rank for rank in self.registers)
        if estimate <= 2.5 * size and empty:
            estimate = size * math.log(size / empty)
        return round(estimate)


class Sections:
    """Which section a path is in: the deepest section whose address starts it; the front page; elsewhere."""

    def __init__(self):
        site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
        root = site.root_page.url_path if site else "/"
        self.titles = {}
        for url_path, title in Section.objects.values_list("url_path", "title"):
            if url_path.startswith(root):
                self.titles["/" + url_path[len(root):]] = title
        self._found = {}

    def of(self, path):
        found = self._found.get(path)
        if found is None:
            found = self._find(path)
            if len(self._found) >= REMEMBERED_PATHS:
                self._found.clear()
            self._found[path] = found
        return found

    def _find(self, path):
        if path == "/":
            return HOME
        prefix = path if path.endswith("/") else path.rsplit("/", 1)[0] + "/"
        while prefix != "/":
            if prefix in self.titles:
                return prefix
            prefix = prefix[: prefix.rstrip("/").rfind("/") + 1]
        return ELSEWHERE


class Errors:
    """Errors of one kind: their exact number, and the paths they came from (ERROR_PATHS at most)."""

    def __init__(self):
        self.total = 0
        self.paths = Counter()

    def add(self, path):
        self.total += 1
        self.paths[path] += 1
        if len(self.paths) > ERROR_PATHS:
            self.paths = Counter(dict(self.paths.most_common(ERROR_PATHS // 2)))


class Tally:
    """What the access log says of PERIOD: fed one line at a time."""

    def __init__(self, period, sections):
        self.period = period
        self.sections = sections
        self.lines = self.bad = self.requests = 0
        self.readers = DistinctCount()
        self.by_section = {}  # section: [requests, DistinctCount of readers]
        self.errors = {"5xx": Errors(), "4xx": Errors()}
        self.cache = Counter()

    def read(self, stream):
        """Every line of STREAM (bytes), one at a time."""
        for line in stream:
            self.lines += 1
            try:
                record = json.loads(line)
                moment = datetime.datetime.fromisoformat(record["time"])
                path, status = record["path"], record["status"]
                if moment.tzinfo is None or not isinstance(path, str) or type(status) is not int:
                    raise ValueError
                agent, ip, cache = (str(record.get(key) or "") for key in ("user_agent", "ip", "cache"))
            except (ValueError, TypeError, KeyError, AttributeError):
                # Not JSON, not an object, a key missing or of the wrong kind, a time without its offset.
                self.bad += 1
                continue
            path = urllib.parse.unquote(path.split("?", 1)[0])
            if self.period.start <= moment < self.period.end and not path.startswith(HEALTH):
                self.add(path, status, ip, agent, cache)

    def add(self, path, status, ip, agent, cache):
        self.requests += 1
        key = self.sections.of(path)
        section = self.by_section.get(key)
        if section is None:
            section = self.by_section[key] = [0, DistinctCount()]
        section[0] += 1
        if agent and views_counter.is_reader(((b"user-agent", agent.encode()),)):
            reader = f"{ip}\x00{agent}".encode()
            self.readers.add(reader)
            section[1].add(reader)
        if status >= 500:
            self.errors["5xx"].add(path)
        elif status >= 400:
            self.errors["4xx"].add(path)
        if cache in CACHE_STATES:
            self.cache[cache] += 1


def open_log(path):
    """The log at PATH as a stream of lines (bytes): `-` is the standard input, a name ending in .gz is gunzipped."""
    if path == "-":
        return sys.stdin.buffer
    if path.endswith(".gz"):
        return gzip.open(path, "rb")
    return open(path, "rb")


def most_read(start, end, limit=TOP):
    """[{titre, chemin, lectures}] of the articles most read between START and END, to the hour (PageViews)."""
    totals = (
        PageViews.objects.filter(hour__gte=views_counter.hour_of(start), hour__lt=end)
        .values("page_id").annotate(total=Sum("views")).order_by("-total", "-page_id")
    )
    views = {row["page_id"]: row["total"] for row in totals.filter(page_id__in=Article.objects.values("pk"))[:limit]}
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    root = site.root_page.url_path if site else "/"
    articles = Article.objects.filter(pk__in=views).values_list("pk", "title", "url_path")
    found = [{"titre": title, "chemin": "/" + url_path.removeprefix(root), "lectures": views[pk]} for pk, title, url_path in articles]
    return sorted(found, key=lambda article: -article["lectures"])


def report(tally):
    """Everything `manchette stats` says, as data (what --json prints)."""
    period = tally.period
    served = sum(tally.cache.values())
    sections = [
        {
            "rubrique": tally.sections.titles.get(key) or str(PLACES[key]), "chemin": key if key.startswith("/") else None,
            "requetes": requests, "lecteurs": len(readers),
        }
        for key, (requests, readers) in sorted(tally.by_section.items(), key=lambda item: -item[1][0])
    ]
    return {
        "jour": period.day.isoformat(),
        "debut": period.start.isoformat(), "fin": period.end.isoformat(),
        "lignes_lues": tally.lines, "lignes_illisibles": tally.bad, "requetes": tally.requests,
        "lecteurs": len(tally.readers),
        "plus_lus_du_jour": most_read(period.start, period.end),
        "heures_recentes": period.hours,
        "plus_lus_recents": most_read(period.recent_start, period.end),
        "rubriques": sections,
        "erreurs": {
            kind: {"total": errors.total, "chemins": [{"chemin": p, "nombre": n} for p, n in errors.paths.most_common(TOP)]}
            for kind, errors in tally.errors.items()
        },
        "cache": {**{state: tally.cache[state] for state in CACHE_STATES}, "taux": tally.cache["HIT"] / served if served else None},
    }
