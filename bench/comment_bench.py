"""Readers and commenters together: the breaking-news evening of storm_bench.py, with readers posting comments.

Usage (SQLite by default; PostgreSQL with DATABASE_URL set, on a fresh <name>_comments database):
    .venv/bin/python bench/comment_bench.py [--duration 20] [--rounds 3] [--connections 64] [--workers 2]
        [--paced-rate 5] [--writers 64] [--commenters 200]

It prepares the demo newspaper as storm_bench.py does (every page a reader can open, Zipf popularity, 80 %
anonymous readers and 20 % logged-in ones, replayed by wrk), plus --commenters bench accounts, a year old,
logged in, each with its CSRF token; the comment rate limits are lifted for the run (COMMENTS_RATE_PER_ACCOUNT
and COMMENTS_RATE_PER_ADDRESS empty). Every automatic check a comment goes through runs (comments/screening.py:
readers' trust, the rules, the classifier when the demo trained one); the pace rule's limit is raised out of reach
(COMMENTS_PACE) as the rate limits are lifted, its query still made. Before the server starts, the checks alone
are timed in one process (--screenings submissions, short, ordinary, 3,000-character, hostile, with a link and a
banned word; each text new, so nothing comes from a cache): their p50 and p99 are what they add to a post.
Each round has three runs of the same readers, interleaved:
- readers: readers alone;
- paced: readers, plus --paced-rate comments per second posted on the five most-read articles (a new
  connection per post, each by the next account, as readers do from their browsers);
- flood: readers, plus --writers writers posting as fast as the server accepts, each on its own kept-alive
  connection with its own account, on the same five articles.
A reader keeps each of those five articles open throughout: one live stream (/direct/) follows their five
comment topics, and the delay from the moment a post is sent to the moment its comment arrives on that
stream is the post-to-visible delay. Comments accepted per second: 201 answers over the run's length.
Results go to bench/results/comment-bench.json; a Markdown table is printed.
"""

import argparse
import contextlib
import datetime
import http.client
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

from http_bench import bench_environment, machine, manchette
from storm_bench import command_line, percentile, prime, rank, settle, spread, storm, write_requests

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
MARKER = "COMMENT-BENCH "
PREPARE_TIMEOUT = 900
TOP_ARTICLES = 5
LATE_MS = 30_000  # a comment not seen on the stream this long after its post counts as never seen

# The checks alone (comments/screening.py), on the prepared newspaper: a history of comments first (fingerprints,
# decided comments for trust), then each submission timed, a new text each time.
TIME_CHECKS = """
import time
from manchette.comments import posting, screening
from manchette.comments.models import Comment

ORDINARY = ("Je lis cet article avec attention et je ne partage pas tout à fait l’avis de l’auteur : la réforme "
            "du stationnement à Liège touchera d’abord les commerçants du centre, qui n’ont pas été consultés. "
            "Pourquoi ne pas avoir attendu la fin des travaux du tram ? Les habitants de Droixhe et d’Outremeuse "
            "méritaient au moins une réunion publique, comme à Namur l’an dernier. ")
TEXTS = {
    "court": "Merci pour ce suivi, la situation évolue vite.",
    "ordinaire": ORDINARY,
    "3 000 caractères": (ORDINARY * 8)[:2980],
    "hostile": ("с\u200bо\u202eп п а r d 𝐬𝐚𝐥𝐨𝐩𝐞 1d10t W W W . exemple point com " * 60)[:2980],
    "lien et mot interdit": "Allez voir sur exemple.com, bande de c0nn4rds, tout y est expliqué.",
}


def time_checks(count):
    users = [User.objects.get(username=f"commentateur-{n}") for n in range(min(100, params["commenters"]))]
    articles = list(visible_articles()[:5])
    for n, user in enumerate(users):
        posting.post(user, articles[n % len(articles)], f"Avis n° {n} sur ce dossier : {ORDINARY[:120]}")
    checks = screening.checks()
    names = [getattr(check, "__module__", str(check)).rsplit(".", 1)[-1] for check in checks]
    timings = {kind: [] for kind in TEXTS}
    by_check = {name: [] for name in names}
    kinds = list(TEXTS)
    for n in range(count):
        kind = kinds[n % len(kinds)]
        submission = screening.Submission(user=users[n % len(users)], article=articles[n % len(articles)],
                                          text=f"{TEXTS[kind]} ({n})")
        # What screening.screen does, each check timed on its own.
        verdict, total = screening.Verdict(), 0.0
        for name, check in zip(names, checks):
            started = time.perf_counter()
            check(submission, verdict)
            spent = (time.perf_counter() - started) * 1000
            by_check[name].append(spent)
            total += spent
        timings[kind].append(total)
    Comment.objects.filter(author__in=users, text__startswith="Avis n° ").delete()
    return {"checks": names, "timings_ms": timings, "by_check_ms": by_check}
"""

PREPARE = """
import datetime, json, sys
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from manchette.accounts.models import Profile
from manchette.cli import prepare
from manchette.news.models import Article, HomePage, Section, visible_articles

params = json.loads(sys.stdin.readline())
prepare()
call_command("load_demo", verbosity=0)
User = get_user_model()
a_year_ago = timezone.now() - datetime.timedelta(days=365)

def logged_in(user):
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    client.get("/_jeton/")
    return {name: morsel.value for name, morsel in client.cookies.items() if morsel.value}

sessions = []
for number in range(params["readers"]):
    reader, _ = User.objects.get_or_create(username=f"lecteur-orage-{number}")
    sessions.append(logged_in(reader)["sessionid"])
commenters = []
for number in range(params["commenters"]):
    email = f"commentateur-{number}@banc.example"
    user, _ = User.objects.get_or_create(username=f"commentateur-{number}", defaults={"email": email, "date_joined": a_year_ago})
    EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    Profile.objects.get_or_create(user=user, defaults={"display_name": f"Lectrice Banc {number}"})
    cookies = logged_in(user)
    commenters.append({"sessionid": cookies["sessionid"], "csrftoken": cookies["csrftoken"]})
home = HomePage.objects.get()
pages = [{"kind": "front", "id": home.pk, "url": home.get_url()}]
sections = list(Section.objects.live().order_by("path"))
pages += [{"kind": "section", "id": section.pk, "url": section.get_url()} for section in sections]
pages += [{"kind": "article", "id": article.pk, "url": article.get_url()} for article in visible_articles().order_by("path")]
""" + TIME_CHECKS + """
print(params["marker"] + json.dumps({"sessions": sessions, "commenters": commenters, "pages": pages,
                                     "checks": time_checks(params["screenings"])}), flush=True)
"""




def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=20, help="seconds per measured run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=2, help="unmeasured seconds of readers before each run")
    parser.add_argument("--connections", type=int, default=64, help="wrk connections (readers)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=2, help="server worker processes")
    parser.add_argument("--zipf", type=float, default=1.1)
    parser.add_argument("--logged-in-share", type=float, default=0.2)
    parser.add_argument("--readers", type=int, default=20, help="logged-in reader sessions")
    parser.add_argument("--commenters", type=int, default=200, help="bench accounts that post")
    parser.add_argument("--paced-rate", type=float, default=5, help="comments per second in the paced run")
    parser.add_argument("--writers", type=int, default=64, help="concurrent writers in the flood run")
    parser.add_argument("--screenings", type=int, default=1000, help="submissions the checks are timed on, alone")
    parser.add_argument("--seed", type=int, default=20240917)
    parser.add_argument("--port", type=int, default=8292)
    parser.add_argument("--output", type=Path, default=RESULTS / "comment-bench")
    return parser.parse_args()


def prepare(env, args):
    params = {"readers": args.readers, "commenters": args.commenters, "marker": MARKER, "screenings": args.screenings}
    result = subprocess.run(
        [sys.executable, "-m", "manchette.cli", "shell", "-c", PREPARE],
        cwd=ROOT, env=env, capture_output=True, text=True, input=json.dumps(params) + "\n", timeout=PREPARE_TIMEOUT,
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith(MARKER)]
    if result.returncode != 0 or not lines:
        raise SystemExit(f"Preparation failed:\n{result.stdout}\n{result.stderr}")
    return json.loads(lines[-1][len(MARKER):])


class Watcher:
    """A reader with the five articles open: one live stream following their comment topics; when each comment
    (by id) first arrived."""

    def __init__(self, port, articles):
        self.port = port
        self.topics = ",".join(f"commentaires-{pk}" for pk in articles)
        self.arrived = {}
        self.lock = threading.Lock()
        self.stopping = False
        self.connection = None
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self):
        while not self.stopping:
            try:
                self._follow()
            except (OSError, http.client.HTTPException):
                time.sleep(0.2)

    def _follow(self):
        self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        self.connection.request("GET", f"/direct/?{urlencode({'sujets': self.topics})}", headers={"Accept": "text/event-stream"})
        response = self.connection.getresponse()
        if response.status != 200:
            raise OSError(f"stream answered {response.status}")
        for raw in response:
            line = raw.decode("utf-8", "replace")
            if not line.startswith("data: "):
                continue
            now = time.time()
            message = json.loads(line[6:])
            comment = (message.get("data") or {}).get("id")
            if message.get("action") == "upsert" and comment is not None:
                with self.lock:
                    self.arrived.setdefault(comment, now)

    def close(self):
        self.stopping = True
        with contextlib.suppress(Exception):
            self.connection.sock.shutdown(2)


class Poster:
    """Posts comments on the five articles as bench accounts; records each post's send time, status and id."""

    def __init__(self, port, articles, commenters, seed):
        self.port = port
        self.articles = articles
        self.commenters = commenters
        self.rng = random.Random(seed)
        self.posts = []  # (sent at, status, comment id or None)
        self.lock = threading.Lock()
        self.counter = 0

    def _next(self):
        with self.lock:
            self.counter += 1
            return self.counter

    def post(self, connection, account, article):
        number = self._next()
        body = urlencode({
            "text": f"Commentaire de banc n° {number} : la situation évolue vite, merci pour ce suivi.",
            "csrfmiddlewaretoken": account["csrftoken"],
        })
        headers = {
            "Cookie": f"sessionid={account['sessionid']}; csrftoken={account['csrftoken']}",
            "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json",
        }
        sent = time.time()
        try:
            connection.request("POST", f"/commentaires/{article}/ecrire/", body=body, headers=headers)
            response = connection.getresponse()
            payload = response.read()
            status = response.status
        except (OSError, http.client.HTTPException):
            status, payload = None, b""
        comment = json.loads(payload).get("id") if status in (200, 201) else None
        with self.lock:
            self.posts.append((sent, status, comment))
        return status

    def paced(self, rate, duration):
        """RATE posts per second for DURATION s, each on a new connection by the next account."""
        start = time.time()
        count = int(rate * duration)
        threads = []
        for n in range(count):
            time.sleep(max(0.0, start + n / rate - time.time()))
            account = self.commenters[n % len(self.commenters)]
            article = self.articles[n % len(self.articles)]

            def one(account=account, article=article):
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                try:
                    self.post(connection, account, article)
                finally:
                    connection.close()

            thread = threading.Thread(target=one, daemon=True)
            thread.start()
            threads.append(thread)
        for thread in threads:
            thread.join(timeout=35)

    def flood(self, writers, duration):
        """WRITERS threads, each with its own account and kept-alive connection, posting until DURATION s pass."""
        end = time.time() + duration

        def writer(number):
            account = self.commenters[number % len(self.commenters)]
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            try:
                while time.time() < end:
                    if self.post(connection, account, self.rng.choice(self.articles)) is None:
                        connection.close()
                        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            finally:
                connection.close()

        threads = [threading.Thread(target=writer, args=(n,), daemon=True) for n in range(writers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=duration + 35)


def posting_run(port, base, requests_file, args, watcher, poster, how):
    """Readers (wrk) for args.duration while POSTER posts HOW ("paced" or "flood"); the readers' figures, the
    posts' and their post-to-visible delays."""
    poster.posts = []
    if how == "paced":
        writing = threading.Thread(target=poster.paced, args=(args.paced_rate, args.duration), daemon=True)
    else:
        writing = threading.Thread(target=poster.flood, args=(args.writers, args.duration), daemon=True)
    writing.start()
    readers = storm(base + "/", requests_file, "app", args, args.duration)
    writing.join(timeout=args.duration + 60)
    deadline = time.time() + LATE_MS / 1000
    accepted = [(sent, comment) for sent, status, comment in poster.posts if status in (200, 201) and comment]
    while time.time() < deadline:
        with watcher.lock:
            if all(comment in watcher.arrived for _, comment in accepted):
                break
        time.sleep(0.1)
    with watcher.lock:
        delays = [(watcher.arrived[comment] - sent) * 1000 for sent, comment in accepted if comment in watcher.arrived]
    statuses = {}
    for _, status, _ in poster.posts:
        statuses[str(status)] = statuses.get(str(status), 0) + 1
    return {
        **readers,
        "posts": len(poster.posts),
        "accepted": len(accepted),
        "accepted_per_second": len(accepted) / args.duration,
        "statuses": statuses,
        "never_seen": len(accepted) - len(delays),
        "visible_ms_p50": percentile(delays, 0.50),
        "visible_ms_p99": percentile(delays, 0.99),
        "visible_ms_max": max(delays) if delays else None,
    }


def measure(args, work):
    env = bench_environment(work / "var", suffix="_comments")
    env["COMMENTS_RATE_PER_ACCOUNT"] = ""
    env["COMMENTS_RATE_PER_ADDRESS"] = ""
    env["COMMENTS_PACE"] = "1000000/60"
    print("… préparation du journal de démonstration et des comptes", file=sys.stderr, flush=True)
    prepared = prepare(env, args)
    ranked = rank(prepared["pages"], args.seed)
    requests_file = work / "requests.txt"
    drawn = write_requests(requests_file, ranked, prepared["sessions"], args)
    articles = [page["id"] for page in ranked if page["kind"] == "article"][:TOP_ARTICLES]
    session = {"Cookie": f"sessionid={prepared['sessions'][0]}"}
    paths = [page["url"] for page in ranked]
    rounds = []
    with manchette(env, args, work) as base:
        watcher = Watcher(args.port, articles)
        poster = Poster(args.port, articles, prepared["commenters"], args.seed + 3)
        try:
            for number in range(1, args.rounds + 1):
                result = {"round": number}
                for kind in ("readers", "paced", "flood"):
                    print(f"… manche {number} : {kind}", file=sys.stderr, flush=True)
                    primed = prime(args.port, paths)
                    waits = [settle(args.port, session)]
                    if args.warmup:
                        storm(base + "/", requests_file, "app", args, args.warmup)
                        waits.append(settle(args.port, session))
                    if kind == "readers":
                        result[kind] = storm(base + "/", requests_file, "app", args, args.duration)
                    else:
                        result[kind] = posting_run(args.port, base, requests_file, args, watcher, poster, kind)
                    result[kind].update({"settle_s": waits, "primed": primed})
                rounds.append(result)
                print(json.dumps({kind: round(result[kind]["requests_per_second"]) for kind in KINDS}
                                 | {"flood_accepted_per_second": round(result["flood"]["accepted_per_second"])}),
                      file=sys.stderr, flush=True)
        finally:
            watcher.close()
    return {
        "checks": prepared["checks"],
        "pages": {kind: sum(page["kind"] == kind for page in ranked) for kind in ("front", "section", "article")},
        "articles_commented": articles,
        "sequence": drawn,
        "rounds": rounds,
    }


KINDS = {
    "readers": "lecteurs seuls",
    "paced": "lecteurs + commentaires au rythme fixé",
    "flood": "lecteurs + rédacteurs de commentaires au maximum",
}


def summarise(rounds):
    summary = {kind: {
        "requests_per_second": spread([r[kind]["requests_per_second"] for r in rounds], True),
        "p99_ms": spread([r[kind]["p99_ms"] for r in rounds], False),
    } for kind in KINDS}
    for kind in ("paced", "flood"):
        summary[kind]["over_readers"] = spread([r[kind]["requests_per_second"] / r["readers"]["requests_per_second"] for r in rounds], True)
        summary[kind]["accepted_per_second"] = spread([r[kind]["accepted_per_second"] for r in rounds], True)
        summary[kind]["visible_ms_p99"] = spread([r[kind]["visible_ms_p99"] for r in rounds if r[kind]["visible_ms_p99"] is not None], False)
        summary[kind]["visible_ms_p50"] = spread([r[kind]["visible_ms_p50"] for r in rounds if r[kind]["visible_ms_p50"] is not None], False)
        summary[kind]["never_seen"] = sum(r[kind]["never_seen"] for r in rounds)
        summary[kind]["refused"] = sum(r[kind]["posts"] - r[kind]["accepted"] for r in rounds)
    return summary


def checks_table(checks):
    """The checks' time alone, per kind of text and for all: p50, p99, max (ms)."""
    timings = checks["timings_ms"]
    everything = [ms for values in timings.values() for ms in values]
    lines = [
        f"Contrôles ({', '.join(checks['checks'])}), seuls, {len(everything)} envois, chacun chronométré :",
        "",
        "| Texte | p50 (ms) | p99 (ms) | max (ms) |",
        "| --- | ---: | ---: | ---: |",
    ]
    rows = [*timings.items(), ("tous", everything), *((f"dont {name}", values) for name, values in checks["by_check_ms"].items())]
    for kind, values in rows:
        cells = [percentile(values, 0.50), percentile(values, 0.99), max(values)]
        lines.append(f"| {kind} | " + " | ".join(number(value, 1) for value in cells) + " |")
    return "\n".join(lines)


def number(value, digits=0):
    return f"{value:,.{digits}f}".replace(",", "\u202f") if value is not None else "—"


def table(report):
    summary = report["summary"]
    lines = [
        "| Manche | lecteurs req/s médiane (pire – meilleure) | p99 lecteurs (ms) | / lecteurs seuls | commentaires acceptés/s | publication → visible p50 / p99 (ms) |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for kind, name in KINDS.items():
        rate, p99 = summary[kind]["requests_per_second"], summary[kind]["p99_ms"]
        cells = [f"{number(rate['median'])} ({number(rate['worst'])} – {number(rate['best'])})", f"{p99['median']:.0f} (pire {p99['worst']:.0f})"]
        if kind == "readers":
            cells += ["—", "—", "—"]
        else:
            ratio, accepted = summary[kind]["over_readers"], summary[kind]["accepted_per_second"]
            p50, late = summary[kind]["visible_ms_p50"], summary[kind]["visible_ms_p99"]
            cells += [
                f"{ratio['median']:.2f} (pire {ratio['worst']:.2f})",
                f"{number(accepted['median'])} (pire {number(accepted['worst'])})",
                f"{number(p50['median']) if p50 else '—'} / {number(late['median']) if late else '—'} (pire {number(late['worst']) if late else '—'})",
            ]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines.append("")
    for kind in ("paced", "flood"):
        lines.append(f"- {KINDS[kind]} : {summary[kind]['refused']} envois refusés ou en erreur, "
                     f"{summary[kind]['never_seen']} commentaires acceptés jamais vus sur le flux en {LATE_MS // 1000} s")
    return "\n".join(lines)


def main():
    args = parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed (apt-get install wrk)")
    with tempfile.TemporaryDirectory(prefix="manchette-comment-bench-") as work:
        measured_runs = measure(args, Path(work))
    report = {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "command": command_line(),
        "database": "postgresql" if os.environ.get("DATABASE_URL") else "sqlite",
        "connections": args.connections,
        "duration_s": args.duration,
        "rounds_count": args.rounds,
        "workers": args.workers,
        "zipf": args.zipf,
        "logged_in_share": args.logged_in_share,
        "paced_rate": args.paced_rate,
        "writers": args.writers,
        "commenters": args.commenters,
        "machine": {**machine(), "platform": platform.platform()},
        **measured_runs,
    }
    report["summary"] = summarise(report["rounds"])
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.with_suffix(".json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    info = report["machine"]
    print(f"Commande : {report['command']}")
    print(f"Machine : {info['platform']}, {info['cpu']}, {info['nproc']} cœurs ; base {report['database']}")
    print(f"Pages : {report['pages']} ; {args.connections} connexions de lecteurs, Zipf s = {args.zipf}, "
          f"{round(100 * report['sequence']['logged_in_share'], 1)} % connectés ; {args.rounds} manche(s) de {args.duration} s ; "
          f"commentaires sur les {TOP_ARTICLES} articles les plus lus\n")
    print(table(report))
    print()
    print(checks_table(report["checks"]))
    print(f"\n{args.output.with_suffix('.json')}")


if __name__ == "__main__":
    main()
