"""Breaking-news evening: readers on every page with Zipf popularity while the newsroom publishes and corrects.

Usage (SQLite by default; PostgreSQL with DATABASE_URL set, on a fresh <name>_storm database):
    .venv/bin/python bench/storm_bench.py [--duration 20] [--rounds 3] [--connections 64] [--workers 2]
        [--zipf 1.1] [--logged-in-share 0.2] [--correct-every 3] [--publish-every 10]

It prepares the demo newspaper in a temporary data dir (as http_bench.py does), lists every page a reader
can open (front page, sections, articles), ranks them in a fixed shuffled order with the front page first,
and draws a sequence of requests: page of rank r with probability ∝ 1/r^s, 80 % anonymous readers and 20 %
logged-in ones (--readers real reader sessions). wrk replays that sequence (storm_bench.lua, which also
counts X-Cache HIT and MISS answers) against `manchette serve`, and against nginx serving a static copy of
every page taken before the runs. Each round measures nginx, the server while nobody writes (quiet), then
the server while a newsroom process (`manchette shell`, same database) corrects the lead of an article
every --correct-every seconds (chosen with the same popularity) and publishes a new article every
--publish-every seconds, both through save_revision() and publish() as the admin's « Publier » does.
For each change a probe polls, as an anonymous reader, the article (correction) or its section (new
article) every 20 ms until the change shows: publish-to-visible latency, from the moment publish() returned.
Misses per change: the MISS answers wrk counted during a writing run over the changes made in it.
Each round ends with a pair of single-page runs on the most popular article, anonymous then logged in (wrk's
Lua cannot time requests by class of reader).
Before each server run every page is read anonymously until the edge cache is warm in every worker, and
before each run (warm-up included) the bench waits until the server has worked through what the previous
run left queued (wrk stops with requests still being rendered): runs do not inherit each other's backlog.
Results go to bench/results/storm-bench.json and .png; a Markdown table is printed.
"""

import argparse
import contextlib
import datetime
import http.client
import json
import os
import platform
import queue
import random
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from http_bench import bench_environment, fetch, machine, manchette, nginx, run_wrk, wrk

from manchette.testing.servers import stop

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
LUA = Path(__file__).resolve().parent / "storm_bench.lua"
MARKER = "STORM-BENCH "
LUA_MARKER = "STORM-LUA "
PREPARE_TIMEOUT = 900  # migrations, the demo's 150 articles and their images
NEWSROOM_READY_TIMEOUT = 120
PROBE_EVERY = 0.02
PROBE_TIMEOUT = 30  # a change not visible after this long is reported as never seen
# wrk stops with requests still queued in the server (Django renders one page at a time per process): before
# each run, logged-in readers' pages (always rendered) must come back this fast this many times in a row.
SETTLED_MS = 1000
SETTLED_TIMES = 3
SETTLE_TIMEOUT = 120
# Before each run of the server, every page is read anonymously until a whole pass only meets HITs (each worker
# process has its own cache), at most PRIME_PASSES passes or PRIME_TIMEOUT s: runs start from a warm cache.
PRIME_PASSES = 12
PRIME_TIMEOUT = 120
PRIME_THREADS = 4
SEQUENCE_LENGTH = 100_000

# Runs in `manchette shell`: the newspaper, reader sessions, and every page a reader can open.
PREPARE = """
import json, sys
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from manchette.cli import prepare
from manchette.news.models import Article, HomePage, Section, visible_articles

params = json.loads(sys.stdin.readline())
prepare()
call_command("load_demo", verbosity=0)
sessions = []
for number in range(params["readers"]):
    reader, _ = get_user_model().objects.get_or_create(username=f"lecteur-orage-{number}")
    client = Client()
    client.force_login(reader)
    sessions.append(client.cookies["sessionid"].value)
home = HomePage.objects.get()
pages = [{"kind": "front", "id": home.pk, "url": home.get_url()}]
sections = list(Section.objects.live().order_by("path"))
pages += [{"kind": "section", "id": section.pk, "url": section.get_url()} for section in sections]
pages += [{"kind": "article", "id": article.pk, "url": article.get_url()} for article in visible_articles().order_by("path")]
# New articles go where the demo's are: sections that hold articles.
desks = [section.pk for section in sections if section.get_children().type(Article).exists()]
print(params["marker"] + json.dumps({"sessions": sessions, "pages": pages, "desks": desks}), flush=True)
"""

# Runs in `manchette shell`, beside the server, on the same database: the newsroom. It warms up (one
# correction, one publication: the first of a process is slower), says it is ready, then for each order read
# on stdin ({"duration": s}) corrects and publishes on schedule for that long, saying each change as it commits.
NEWSROOM = """
import json, random, sys, time
from django.contrib.auth import get_user_model
from django.utils.text import slugify
from manchette.news.models import Article, Section

setup = json.loads(sys.stdin.readline())
MARKER = setup["marker"]

def say(**values):
    print(MARKER + json.dumps(values), flush=True)

editor = get_user_model().objects.get(username=setup["editor"])
articles, weights = zip(*setup["articles"])
desks = list(Section.objects.filter(pk__in=setup["desks"]).order_by("path"))
rng = random.Random(setup["seed"])
originals = {}
corrections = {}
counter = 0

def publish(page):
    # As the admin's « Publier »: a revision, then its publication (signals, log, search index).
    started = time.time()
    revision = page.save_revision(user=editor)
    revision.publish(user=editor)
    committed = time.time()  # publish() has returned: its transaction has committed
    return committed, (committed - started) * 1000

def correct():
    # The lead says which correction of this article it is: C<article>n<number>X. A later correction of the
    # same article replaces the token; the probe counts the change as seen once the page shows this one or later.
    page = Article.objects.get(pk=rng.choices(articles, weights)[0])
    original = originals.setdefault(page.pk, page.lead)
    corrections[page.pk] = number = corrections.get(page.pk, 0) + 1
    token = f"C{page.pk}n{number:04d}X"
    page.lead = f"Correction {token} : {original}"
    committed, publish_ms = publish(page)
    return {"kind": "correction", "token": token, "number": number, "url": page.get_url(), "page": page.pk,
            "t": committed, "publish_ms": publish_ms}

def new_article():
    global counter
    counter += 1
    token = f"P{counter:05d}X"
    desk = rng.choice(desks)
    title = f"Dernière minute {token} : la rédaction suit l’événement"
    page = Article(
        title=title, slug=slugify(title), owner=editor, live=False,
        lead="Les informations arrivent au fil de la soirée. Cet article sera complété.",
        body="".join(f"<p>Paragraphe {n} : ce que l’on sait à cette heure.</p>" for n in range(6)),
    )
    desk.add_child(instance=page)
    committed, publish_ms = publish(page)
    return {"kind": "publication", "token": token, "url": desk.get_url(), "page": page.pk,
            "t": committed, "publish_ms": publish_ms}

correct()
new_article()
say(ready=True)
for line in sys.stdin:
    order = json.loads(line)
    start = time.time()
    end = start + order["duration"]
    # Offset by half an interval, so that a run of d seconds holds d / interval changes of each kind.
    due = {correct: start + order["correct_every"] / 2, new_article: start + order["publish_every"] / 2}
    every = {correct: order["correct_every"], new_article: order["publish_every"]}
    while True:
        action = min(due, key=due.get)
        if due[action] >= end:
            break
        time.sleep(max(0, due[action] - time.time()))
        say(**action())
        due[action] += every[action]
    say(done=True)
"""


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=20, help="seconds per measured run")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of nginx, quiet, writing (and the pair)")
    parser.add_argument("--warmup", type=int, default=2, help="unmeasured seconds before each run")
    parser.add_argument("--pair-duration", type=int, default=5, help="seconds of each single-page run, anonymous and logged in")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=2, help="server and nginx worker processes")
    parser.add_argument("--zipf", type=float, default=1.1, help="exponent s: page of rank r drawn with probability ∝ 1/r^s")
    parser.add_argument("--logged-in-share", type=float, default=0.2)
    parser.add_argument("--readers", type=int, default=20, help="logged-in reader sessions")
    parser.add_argument("--correct-every", type=float, default=3, help="seconds between corrections")
    parser.add_argument("--publish-every", type=float, default=10, help="seconds between new articles")
    parser.add_argument("--seed", type=int, default=20240917)
    parser.add_argument("--port", type=int, default=8290, help="manchette serve")
    parser.add_argument("--nginx-port", type=int, default=8291)
    parser.add_argument("--output", type=Path, default=RESULTS / "storm-bench")
    return parser.parse_args()


def prepare(env, args):
    params = {"readers": args.readers, "marker": MARKER}
    result = subprocess.run(
        [sys.executable, "-m", "manchette.cli", "shell", "-c", PREPARE],
        cwd=ROOT, env=env, capture_output=True, text=True, input=json.dumps(params) + "\n", timeout=PREPARE_TIMEOUT,
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith(MARKER)]
    if result.returncode != 0 or not lines:
        raise SystemExit(f"Preparation failed:\n{result.stdout}\n{result.stderr}")
    return json.loads(lines[-1][len(MARKER):])


def rank(pages, seed):
    """Every page in a fixed shuffled order, the front page first."""
    ranked = [page for page in pages if page["kind"] != "front"]
    random.Random(seed).shuffle(ranked)
    return [page for page in pages if page["kind"] == "front"] + ranked


def zipf_weights(count, s):
    return [1 / rank**s for rank in range(1, count + 1)]


def write_requests(path, ranked, sessions, args):
    """The request sequence for storm_bench.lua: pages by Zipf rank, a reader session for the logged-in share."""
    rng = random.Random(args.seed + 1)
    drawn = rng.choices(range(1, len(ranked) + 1), zipf_weights(len(ranked), args.zipf), k=SEQUENCE_LENGTH)
    lines = [f"P {page['url']} /p{number}.html" for number, page in enumerate(ranked, start=1)]
    lines += [f"C sessionid={session}" for session in sessions]
    logged_in = 0
    for page in drawn:
        reader = rng.randint(1, len(sessions)) if sessions and rng.random() < args.logged_in_share else 0
        logged_in += reader > 0
        lines.append(f"{page} {reader}")
    path.write_text("\n".join(lines) + "\n")
    return {"requests": SEQUENCE_LENGTH, "logged_in_share": logged_in / SEQUENCE_LENGTH,
            "front_page_share": drawn.count(1) / SEQUENCE_LENGTH}


def storm(url, requests_file, mode, args, duration):
    """One wrk run of the request sequence; the totals storm_bench.lua prints."""
    command = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{duration}s", "--timeout", "10s",
               "-s", str(LUA), url, "--", str(requests_file), mode]
    output = subprocess.run(command, capture_output=True, text=True, check=True, timeout=duration + 60).stdout
    lines = [line for line in output.splitlines() if line.startswith(LUA_MARKER)]
    if not lines:
        raise SystemExit(f"wrk printed no totals:\n{output}")
    totals = json.loads(lines[-1][len(LUA_MARKER):])
    seconds = totals["duration_us"] / 1e6
    return {
        "requests_per_second": totals["requests"] / seconds,
        "requests": totals["requests"],
        "p50_ms": totals["p50_us"] / 1000,
        "p90_ms": totals["p90_us"] / 1000,
        "p99_ms": totals["p99_us"] / 1000,
        "max_ms": totals["max_us"] / 1000,
        "hits": totals["hits"],
        "misses": totals["misses"],
        "uncached": totals["uncached"],
        "other_labels": totals["other"],
        "non_200": totals["non_200"],
        "socket_errors": {kind: count for kind, count in totals["errors"].items() if kind != "status"},
    }


def get(port, path, headers=None, timeout=30):
    """An HTTP GET on a new connection: (status, X-Cache, body); (None, None, b"") if it failed."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.getheader("X-Cache"), response.read()
    except OSError:
        return None, None, b""
    finally:
        connection.close()


def settle(port, session):
    """Waits (at most SETTLE_TIMEOUT s) until the server has worked through what earlier runs left queued;
    the seconds it took, or None if it never did."""
    started = time.monotonic()
    in_a_row = 0
    while time.monotonic() - started < SETTLE_TIMEOUT:
        before = time.monotonic()
        status, _, _ = get(port, "/", session)
        in_a_row = in_a_row + 1 if status == 200 and time.monotonic() - before < SETTLED_MS / 1000 else 0
        if in_a_row >= SETTLED_TIMES:
            return round(time.monotonic() - started, 2)
    print(f"… le serveur a encore du travail en retard après {SETTLE_TIMEOUT} s", file=sys.stderr, flush=True)
    return None


def prime(port, paths):
    """Reads PATHS anonymously, pass after pass, until one pass meets only HITs; what it took."""
    started = time.monotonic()
    passes = requests = 0
    with ThreadPoolExecutor(PRIME_THREADS) as pool:
        while passes < PRIME_PASSES and time.monotonic() - started < PRIME_TIMEOUT:
            passes += 1
            labels = list(pool.map(lambda path: get(port, path)[1], paths))
            requests += len(labels)
            if all(label == "HIT" for label in labels):
                break
    return {"passes": passes, "requests": requests, "seconds": round(time.monotonic() - started, 2),
            "all_hits": all(label == "HIT" for label in labels)}


def measured(url, requests_file, mode, args, settled=None):
    """A warm-up run, then the measured one; SETTLED() before each when the server is measured."""
    waits = []
    if args.warmup:
        if settled:
            waits.append(settled())
        storm(url, requests_file, mode, args, args.warmup)
    if settled:
        waits.append(settled())
    return {**storm(url, requests_file, mode, args, args.duration), "settle_s": waits}


def shows(event, body):
    """The token of the change EVENT, or for a correction that of a later correction of the same article, if BODY shows one."""
    if event["kind"] != "correction":
        return event["token"] if event["token"].encode() in body else None
    seen = [int(number) for number in re.findall(rb"C%dn(\d{4})X" % event["page"], body)]
    later = [number for number in seen if number >= event["number"]]
    return f"C{event['page']}n{min(later):04d}X" if later else None


def probe(port, event):
    """Polls the changed page as an anonymous reader (a new connection each time) until the change shows."""
    deadline = event["t"] + PROBE_TIMEOUT
    polls = 0
    while time.time() < deadline:
        polled = time.time()
        _, label, body = get(port, event["url"], timeout=max(0.1, deadline - polled))
        polls += 1
        if seen := shows(event, body):
            return {**event, "visible_ms": (time.time() - event["t"]) * 1000, "polls": polls, "x_cache": label, "seen": seen}
        time.sleep(max(0.0, polled + PROBE_EVERY - time.time()))
    return {**event, "visible_ms": None, "polls": polls, "x_cache": None, "seen": None}


class Newsroom:
    """The newsroom process and a thread that reads what it says; one probe thread per change it announces."""

    def __init__(self, env, ranked, desks, args, work):
        self.port = args.port
        self.queue = queue.Queue()
        self.probes = []
        self.stderr = (work / "newsroom.log").open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "manchette.cli", "shell", "-c", NEWSROOM], cwd=ROOT, env=env, text=True,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.stderr, start_new_session=True,
        )
        self.log_path = work / "newsroom.log"
        try:
            threading.Thread(target=self._read, daemon=True).start()
            weights = zipf_weights(len(ranked), args.zipf)
            self._send({
                "marker": MARKER, "editor": "editeur", "desks": desks, "seed": args.seed + 2,
                "articles": [[page["id"], weight] for page, weight in zip(ranked, weights, strict=True) if page["kind"] == "article"],
            })
            self._expect("ready", NEWSROOM_READY_TIMEOUT)
        except BaseException:
            self.close()
            raise

    def _send(self, message):
        self.process.stdin.write(json.dumps(message) + "\n")
        self.process.stdin.flush()

    def _read(self):
        """Reads what the newsroom says; a probe starts for each change the moment it is announced."""
        for line in self.process.stdout:
            if not line.startswith(MARKER):
                continue
            message = json.loads(line[len(MARKER):])
            if "kind" in message:
                result = {}
                thread = threading.Thread(target=lambda event=message, into=result: into.update(probe(self.port, event)), daemon=True)
                thread.start()
                self.probes.append((thread, message, result))
            else:
                self.queue.put(message)
        self.queue.put({"stopped": self.process.wait()})

    def _expect(self, key, timeout):
        deadline = time.monotonic() + timeout
        while True:
            try:
                message = self.queue.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise SystemExit(f"The newsroom did not say {key!r} within {timeout} s:\n{self.log_path.read_text()[-4000:]}") from None
            if "stopped" in message:
                raise SystemExit(f"The newsroom stopped ({message['stopped']}):\n{self.log_path.read_text()[-4000:]}")
            if key in message:
                return

    def start(self, args):
        self.probes = []
        self._send({"duration": args.duration, "correct_every": args.correct_every, "publish_every": args.publish_every})

    def finish(self, args):
        """Waits for the end of the order and for every probe; the changes, each with its publish-to-visible delay."""
        self._expect("done", args.duration + 120)
        for thread, _, _ in self.probes:
            thread.join(timeout=PROBE_TIMEOUT + 15)
        # A probe still running (it cannot be, past its deadline, but the join has a timeout): never seen.
        return [dict(result) if result and not thread.is_alive() else {**message, "visible_ms": None, "polls": None, "seen": None}
                for thread, message, result in self.probes]

    def close(self):
        with contextlib.suppress(OSError):
            self.process.stdin.close()
        stop(self.process)
        self.stderr.close()


def round_changes(changes):
    visible = [c["visible_ms"] for c in changes if c["visible_ms"] is not None]
    return {
        "corrections": sum(c["kind"] == "correction" for c in changes),
        "publications": sum(c["kind"] == "publication" for c in changes),
        "never_seen": len(changes) - len(visible),
        "publish_ms_p50": round(statistics.median(c["publish_ms"] for c in changes), 1) if changes else None,
    }


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else None


def spread(values, higher_is_better):
    """Median, best and worst of one figure over the rounds."""
    if not values:
        return None
    best, worst = (max(values), min(values)) if higher_is_better else (min(values), max(values))
    return {"median": statistics.median(values), "best": best, "worst": worst, "rounds": values}


def measure(args, work):
    env = bench_environment(work / "var", suffix="_storm")
    print("… préparation du journal de démonstration", file=sys.stderr, flush=True)
    prepared = prepare(env, args)
    ranked = rank(prepared["pages"], args.seed)
    requests_file = work / "requests.txt"
    drawn = write_requests(requests_file, ranked, prepared["sessions"], args)
    top_article = next(page for page in ranked if page["kind"] == "article")
    session = {"Cookie": f"sessionid={prepared['sessions'][0]}"}
    paths = [page["url"] for page in ranked]
    rounds = []

    def settled():
        return settle(args.port, session)

    with manchette(env, args, work) as base:
        # The static copies, taken before anything changes; every page must answer.
        copies = {}
        for number, page in enumerate(ranked, start=1):
            copies[f"p{number}"] = fetch(base + page["url"])[1]
        logged_in_label = fetch(base + top_article["url"], session)[0].get("X-Cache")
        newsroom = None
        with nginx(copies, args, work) as static:
            try:
                newsroom = Newsroom(env, ranked, prepared["desks"], args, work)
                static_base = static["p1"].rsplit("/", 1)[0]
                for number in range(1, args.rounds + 1):
                    result = {"round": number}
                    print(f"… manche {number} : nginx", file=sys.stderr, flush=True)
                    result["nginx"] = measured(static_base + "/", requests_file, "static", args, settled)
                    print(f"… manche {number} : calme", file=sys.stderr, flush=True)
                    primed = prime(args.port, paths)
                    result["quiet"] = {**measured(base + "/", requests_file, "app", args, settled), "primed": primed}
                    print(f"… manche {number} : rédaction au travail", file=sys.stderr, flush=True)
                    primed = prime(args.port, paths)
                    waits = []
                    if args.warmup:
                        waits.append(settled())
                        storm(base + "/", requests_file, "app", args, args.warmup)
                    waits.append(settled())
                    newsroom.start(args)
                    writing = {**storm(base + "/", requests_file, "app", args, args.duration), "settle_s": waits, "primed": primed}
                    changes = newsroom.finish(args)
                    writing.update(round_changes(changes))
                    writing["misses_per_change"] = writing["misses"] / len(changes) if changes else None
                    result["writing"] = writing
                    result["changes"] = changes
                    print(f"… manche {number} : article le plus lu, anonyme et connecté", file=sys.stderr, flush=True)
                    pair_args = argparse.Namespace(**{**vars(args), "duration": args.pair_duration})
                    no_warmup = argparse.Namespace(**{**vars(pair_args), "warmup": 0})
                    url = base + top_article["url"]
                    pair = (("anonymous", {}), ("logged_in", session))
                    # One order then the other: the second run of a pair is not always the same reader's.
                    for kind, headers in (pair if number % 2 else pair[::-1]):
                        # Not run_wrk's own warm-up: its queued renders would spill into the measured run.
                        waits = [settled()]
                        if args.warmup:
                            wrk(url, pair_args, headers, args.warmup)
                            waits.append(settled())
                        result[kind] = {**run_wrk("article", kind, url, no_warmup, headers), "settle_s": waits}
                    rounds.append(result)
                    print(json.dumps({kind: result[kind]["requests_per_second"] for kind in KINDS}), file=sys.stderr, flush=True)
            finally:
                if newsroom is not None:
                    newsroom.close()
    return {
        "pages": {kind: sum(page["kind"] == kind for page in ranked) for kind in ("front", "section", "article")},
        "top_pages": [page["url"] for page in ranked[:10]],
        "top_article": top_article["url"],
        "logged_in_x_cache_at_start": logged_in_label,
        "sequence": drawn,
        "rounds": rounds,
    }


KINDS = {
    "nginx": "nginx, copies statiques",
    "quiet": "serveur, rédaction au repos",
    "writing": "serveur, rédaction au travail",
    "anonymous": "article le plus lu, anonyme",
    "logged_in": "article le plus lu, connecté",
}


def summarise(rounds):
    summary = {}
    for kind in KINDS:
        results = [r[kind] for r in rounds]
        summary[kind] = {
            "requests_per_second": spread([r["requests_per_second"] for r in results], True),
            "p50_ms": spread([r["p50_ms"] for r in results], False),
            "p99_ms": spread([r["p99_ms"] for r in results], False),
        }

    def ratios(numerator, denominator):
        return spread([r[numerator]["requests_per_second"] / r[denominator]["requests_per_second"] for r in rounds], True)

    summary["writing_over_quiet"] = ratios("writing", "quiet")
    summary["quiet_over_nginx"] = ratios("quiet", "nginx")
    summary["logged_in_over_anonymous"] = ratios("logged_in", "anonymous")
    summary["misses_per_change"] = spread([r["writing"]["misses_per_change"] for r in rounds if r["writing"]["misses_per_change"] is not None], False)
    summary["quiet_misses_per_second"] = spread([r["quiet"]["misses"] / r["quiet"]["requests"] * r["quiet"]["requests_per_second"] for r in rounds], False)
    for kind in ("correction", "publication"):
        changes = [c for r in rounds for c in r["changes"] if c["kind"] == kind]
        delays = [c["visible_ms"] for c in changes if c["visible_ms"] is not None]
        summary[f"{kind}_visible_ms"] = {
            "count": len(changes),
            "never_seen": len(changes) - len(delays),
            "p50": percentile(delays, 0.50),
            "p99": percentile(delays, 0.99),
            "max": max(delays) if delays else None,
            "publish_ms_p50": statistics.median(c["publish_ms"] for c in changes) if changes else None,
        }
    return summary


def number(value, digits=0):
    return f"{value:,.{digits}f}".replace(",", "\u202f") if value is not None else "—"


def table(report):
    summary = report["summary"]
    lines = [
        "| Cible | req/s médiane (pire – meilleure) | p50 (ms) | p99 (ms) médiane (meilleure – pire) | erreurs ou > 10 s |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for kind, name in KINDS.items():
        rate, p50, p99 = (summary[kind][key] for key in ("requests_per_second", "p50_ms", "p99_ms"))
        errors = sum(r[kind].get("non_200", r[kind].get("non_2xx", 0)) + sum(r[kind]["socket_errors"].values()) for r in report["rounds"])
        lines.append(
            f"| {name} | {number(rate['median'])} ({number(rate['worst'])} – {number(rate['best'])}) | "
            f"{p50['median']:.2f} | {p99['median']:.2f} ({p99['best']:.2f} – {p99['worst']:.2f}) | {errors} |"
        )
    lines.append("")

    def ratio(key, target=None):
        value = summary[key]
        text = f"{value['median']:.3g} (pire {value['worst']:.3g}, meilleure {value['best']:.3g})"
        return text + (f", objectif ≥ {target:.2f}" if target else "")

    misses = summary["misses_per_change"]
    lines += [
        f"- rédaction au travail / au repos : {ratio('writing_over_quiet', 0.80)}",
        f"- au repos / nginx : {ratio('quiet_over_nginx')}",
        f"- connecté / anonyme (article le plus lu) : {ratio('logged_in_over_anonymous', 0.90)}",
        f"- MISS par modification : {number(misses['median'], 1)} (meilleure {number(misses['best'], 1)}, "
        f"pire {number(misses['worst'], 1)}) ; au repos, {number(summary['quiet_misses_per_second']['median'], 1)} MISS/s"
        if misses else "- MISS par modification : —",
    ]
    for kind, name in (("correction", "correction visible sur l’article"), ("publication", "nouvel article visible sur sa rubrique")):
        delays = summary[f"{kind}_visible_ms"]
        lines.append(
            f"- publication → {name} : p50 {number(delays['p50'])} ms, p99 {number(delays['p99'])} ms, "
            f"max {number(delays['max'])} ms ({delays['count']} modifications, {delays['never_seen']} jamais vues "
            f"en {PROBE_TIMEOUT} s ; publish() médian {number(delays['publish_ms_p50'])} ms)"
        )
    return "\n".join(lines)


def plot(report, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rounds = report["rounds"]
    summary = report["summary"]
    figure, (rates, delays) = plt.subplots(1, 2, figsize=(13, 5.5))
    kinds = ["nginx", "quiet", "writing", "anonymous", "logged_in"]
    palette = {"nginx": "#888888", "quiet": "#1f6f43", "writing": "#b5442b", "anonymous": "#5b7fa6", "logged_in": "#8a5fa6"}
    medians = [summary[kind]["requests_per_second"]["median"] for kind in kinds]
    bars = rates.bar(range(len(kinds)), medians, color=[palette[kind] for kind in kinds], alpha=0.6)
    rates.bar_label(bars, labels=[number(value) for value in medians], label_type="center", fontweight="bold")
    for position, kind in enumerate(kinds):
        values = [r[kind]["requests_per_second"] for r in rounds]
        rates.scatter([position + 0.12 * (n - (len(values) - 1) / 2) for n in range(len(values))], values,
                      color="black", s=14, zorder=3)
    rates.set_xticks(range(len(kinds)), [KINDS[kind].replace(", ", ",\n") for kind in kinds], fontsize=8)
    rates.set_ylabel("requêtes par seconde (barres : médiane ; points : chaque manche)")
    rates.set_yscale("log")
    for kind, label in (("correction", "correction → article"), ("publication", "nouvel article → rubrique")):
        values = sorted(c["visible_ms"] for r in rounds for c in r["changes"] if c["kind"] == kind and c["visible_ms"] is not None)
        if values:
            delays.plot([values[0], *values], [0, *((n + 1) / len(values) for n in range(len(values)))],
                        drawstyle="steps-post", marker="o", markersize=3, label=f"{label} ({len(values)})")
    delays.set_xscale("log")
    delays.set_xlabel("publication → premier lecteur qui la voit (ms, échelle log.)")
    delays.set_ylabel("part des modifications vues (cumulée)")
    delays.set_ylim(0, 1.02)
    delays.grid(True, which="both", alpha=0.3)
    delays.legend(loc="lower right")
    info = report["machine"]
    figure.suptitle(
        f"Soirée d’actualité : {report['connections']} connexions, Zipf s = {report['zipf']}, "
        f"{round(100 * report['logged_in_share'])} % connectés, {report['rounds_count']} manche(s) de {report['duration_s']} s, "
        f"{report['database']} — {info['nproc']} cœurs {info['cpu']} (partagés avec wrk)",
        fontsize=10,
    )
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def command_line():
    executable = Path(sys.executable)
    with contextlib.suppress(ValueError):
        executable = executable.relative_to(Path.cwd())
    return shlex.join([str(executable), *sys.argv])


def main():
    args = parse_args()
    for tool in ("wrk", "nginx"):
        if not shutil.which(tool) and not Path(f"/usr/sbin/{tool}").exists():
            raise SystemExit(f"{tool} is needed (apt-get install wrk nginx-light)")
    with tempfile.TemporaryDirectory(prefix="manchette-storm-bench-") as work:
        measured_runs = measure(args, Path(work))
    report = {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "command": command_line(),
        "database": "postgresql" if os.environ.get("DATABASE_URL") else "sqlite",
        "connections": args.connections,
        "threads": args.threads,
        "duration_s": args.duration,
        "warmup_s": args.warmup,
        "pair_duration_s": args.pair_duration,
        "rounds_count": args.rounds,
        "workers": args.workers,
        "zipf": args.zipf,
        "logged_in_share": args.logged_in_share,
        "readers": args.readers,
        "correct_every_s": args.correct_every,
        "publish_every_s": args.publish_every,
        "probe_every_ms": PROBE_EVERY * 1000,
        "machine": {**machine(), "platform": platform.platform()},
        **measured_runs,
    }
    report["summary"] = summarise(report["rounds"])
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.with_suffix(".json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    plot(report, args.output.with_suffix(".png"))
    info = report["machine"]
    print(f"Commande : {report['command']}")
    print(f"Machine : {info['platform']}, {info['cpu']}, {info['nproc']} cœurs ; base {report['database']}")
    print(f"Pages : {report['pages']} ; {args.connections} connexions, Zipf s = {args.zipf}, "
          f"{drawn_share(report)} % des requêtes connectées, {args.rounds} manche(s) de {args.duration} s\n")
    print(table(report))
    print(f"\n{args.output.with_suffix('.json')}, {args.output.with_suffix('.png')}")


def drawn_share(report):
    return round(100 * report["sequence"]["logged_in_share"], 1)


if __name__ == "__main__":
    main()
