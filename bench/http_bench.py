"""HTTP benchmark of the breaking-news serving path, against nginx serving the same page as a static file.

Usage (SQLite by default; PostgreSQL with DATABASE_URL set, on a fresh <name>_http database):
    .venv/bin/python bench/http_bench.py [--duration 10] [--connections 64] [--workers 2]

It prepares the demo newspaper (migrate, setup_newsroom, load_demo) in a temporary data dir, starts the
production server (`manchette serve`, uvicorn) and nginx (a copy of each measured page's HTML as a static
file), then runs wrk against the newest article, its section and the front page: from nginx, for an
anonymous reader and a logged-in reader (both answered by the edge cache: the reader gets the shared page),
and for a member of staff (their staff cookie sends them to Django, which renders each time). As a second
reference, a bare ASGI application (bare_asgi.py) serves the article's bytes and headers under uvicorn's
ordinary protocol: the ceiling of anything that goes through an ASGI request cycle on this machine.

The server measured runs as in production, access log and metrics on (the defaults: one JSON line per request
to stdout, here the server's log file; metrics counted and served on a port of their own). A second server on
the same database runs with both off (ACCESS_LOG=off, METRICS_ADDRESS=off); it renders the same pages for the
staff as the first did, unmeasured, so that both have served Django before the rounds (a server that has is
slower on its cached pages than a fresh one). The cached article is then measured --rounds times (3) from
nginx, the first server and the second, in turn: the median of each says
what the log and the metrics cost, in rate and in CPU time of each server's processes per request (user and
system, from /proc: steadier than a rate, as it does not count the time other processes took the cores). At
the end the first server's metrics are scraped once, to check that they counted the requests.
Results go to bench/results/http-bench.json and .png; Markdown tables are printed.
"""

import argparse
import contextlib
import datetime
import json
import os
import platform
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

from manchette.testing.servers import ManchetteServer, running, wait_for_port, wait_for_workers

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
MARKER = "HTTP-BENCH "
START_TIMEOUT = 120

# Runs in `manchette shell`: the newspaper, a logged-in reader, and the URLs to measure.
PREPARE = f"""
import json
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from manchette.cli import prepare
from manchette.news.models import HomePage, visible_articles

prepare()
call_command("load_demo")
reader, _ = get_user_model().objects.get_or_create(username="lecteur-banc-essai")
client = Client()
client.force_login(reader)
article = visible_articles().first()
print({MARKER!r} + json.dumps({{
    "article": article.get_url(),
    "section": article.get_parent().get_url(),
    "front": HomePage.objects.get().get_url(),
    "session": client.cookies["sessionid"].value,
}}))
"""

NGINX_CONF = """
daemon off;
worker_processes {workers};
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    types {{ text/html html; }}
    server {{
        listen 127.0.0.1:{port};
        root {prefix}/www;
        location / {{ }}
    }}
}}
"""


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per target")
    parser.add_argument("--warmup", type=int, default=2, help="unmeasured seconds before each target")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=2, help="server and nginx worker processes")
    parser.add_argument("--port", type=int, default=8102, help="manchette serve")
    parser.add_argument("--nginx-port", type=int, default=8180)
    parser.add_argument("--bare-port", type=int, default=8181, help="the bare ASGI application")
    parser.add_argument("--quiet-port", type=int, default=8103, help="the server without access log nor metrics")
    parser.add_argument("--metrics-port", type=int, default=8109, help="the measured server's metrics")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds, logs and metrics on and off")
    parser.add_argument("--output", type=Path, default=RESULTS / "http-bench")
    return parser.parse_args()


def bench_environment(data_dir, suffix="_http"):
    """The environment of the benchmark's processes; with DATABASE_URL, a fresh database named after it plus SUFFIX."""
    env = {key: value for key, value in os.environ.items() if key not in {"SQLITE_PATH", "STATIC_ROOT", "MEDIA_ROOT"}}
    env.update({"MANCHETTE_DATA_DIR": str(data_dir), "DEBUG": "false", "LOG_LEVEL": "ERROR"})
    env.setdefault("SECRET_KEY", secrets.token_urlsafe(50))  # `manchette serve` refuses to start without one
    url = env.get("DATABASE_URL", "")
    if url:
        base, name = url.rsplit("/", 1)
        name = name.split("?")[0] + suffix
        env["DATABASE_URL"] = f"{base}/{name}"
        for statement in (f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"'):
            subprocess.run(["psql", f"{base}/postgres", "-qc", statement], check=True)
    return env


def prepare(env):
    result = subprocess.run(
        [sys.executable, "-m", "manchette.cli", "shell", "-c", PREPARE],
        cwd=ROOT, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL,
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith(MARKER)]
    if result.returncode != 0 or not lines:
        raise SystemExit(f"Preparation failed:\n{result.stdout}\n{result.stderr}")
    return json.loads(lines[-1][len(MARKER):])


def fetch(url, headers=None):
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=30) as response:
        return response.headers, response.read()


def quiet_environment(env, work):
    """ENV for a second server on the same database, without access log nor metrics: a data dir of its own
    (its renders and counters apart), the first one's database, static files and media."""
    data_dir = Path(env["MANCHETTE_DATA_DIR"])
    quiet = {**env, "MANCHETTE_DATA_DIR": str(work / "var-quiet"), "ACCESS_LOG": "off", "METRICS_ADDRESS": "off",
             "METRICS_PATH": "", "STATIC_ROOT": str(data_dir / "static"), "MEDIA_ROOT": str(data_dir / "media")}
    if not env.get("DATABASE_URL"):
        quiet["SQLITE_PATH"] = str(data_dir / "manchette.sqlite3")
    return quiet


@contextlib.contextmanager
def manchette(env, args, work, port=None):
    with serving(env, args, work, port) as server:
        yield server.url


@contextlib.contextmanager
def serving(env, args, work, port=None):
    """manchette(), yielding the ManchetteServer (its processes are measured)."""
    with ManchetteServer(env, work, args.workers, port or args.port, START_TIMEOUT) as server:
        try:
            yield server
        except Exception:
            print(f"Server log (end):\n{server.log()[-4000:]}", file=sys.stderr)
            raise


def server_pids(server):
    return [server.process.pid, *server.worker_pids()]


def nginx_pids(work):
    master = int((work / "nginx" / "nginx.pid").read_text())
    return [master, *map(int, Path(f"/proc/{master}/task/{master}/children").read_text().split())]


def cpu_seconds(pids):
    """User and system CPU seconds PIDS have used so far (/proc/<pid>/stat)."""
    ticks = 0
    for pid in pids:
        with contextlib.suppress(FileNotFoundError, ProcessLookupError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


@contextlib.contextmanager
def nginx(pages, args, work):
    """nginx serving PAGES ({name: html}) as static files; yields {name: url}."""
    prefix = work / "nginx"
    (prefix / "www").mkdir(parents=True)
    for name, html in pages.items():
        (prefix / "www" / f"{name}.html").write_bytes(html)
    # nginx's workers run as an unprivileged user: they must be able to read the copies.
    for folder in (work, prefix, prefix / "www"):
        folder.chmod(0o755)
    conf = prefix / "nginx.conf"
    conf.write_text(NGINX_CONF.format(workers=args.workers, prefix=prefix, port=args.nginx_port))
    urls = {name: f"http://127.0.0.1:{args.nginx_port}/{name}.html" for name in pages}
    log_path = prefix / "stderr.log"
    with running([shutil.which("nginx") or "/usr/sbin/nginx", "-c", str(conf), "-p", str(prefix)], log_path) as process:
        wait_for_port(args.nginx_port, process, log_path.read_text, START_TIMEOUT)
        yield urls


@contextlib.contextmanager
def bare_asgi(page, headers, args, work):
    """bare_asgi.py under uvicorn (its own protocol, no edge fast path), answering PAGE with HEADERS; yields its URL."""
    (work / "bare.html").write_bytes(page)
    kept = [(name, value) for name, value in headers.items() if name.lower() not in {"content-length", "date", "server", "connection"}]
    env = {**os.environ, "BARE_ASGI_BODY": str(work / "bare.html"), "BARE_ASGI_HEADERS": json.dumps(kept)}
    # At level info, uvicorn says when each worker serves.
    command = [sys.executable, "-m", "uvicorn", "--app-dir", str(ROOT / "bench"), "--workers", str(args.workers),
               "--loop", "uvloop", "--http", "httptools", "--no-access-log", "--log-level", "info",
               "--port", str(args.bare_port), "bare_asgi:app"]
    log_path = work / "bare.log"
    with running(command, log_path, env) as process:
        wait_for_workers(args.bare_port, process, args.workers, log_path.read_text, START_TIMEOUT)
        yield f"http://127.0.0.1:{args.bare_port}/"


LATENCY = re.compile(r"^\s+(50|75|90|99)%\s+([\d.]+)(us|ms|s)\s*$", re.M)
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(url, args, headers, duration):
    # A 10 s timeout, so that slow answers count in the latencies instead of being dropped.
    command = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{duration}s", "--timeout", "10s", "--latency"]
    for header, value in headers.items():
        command += ["-H", f"{header}: {value}"]
    return subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout


def run_wrk(page, kind, url, args, headers, pids=()):
    """wrk's figures for URL; with PIDS, also the CPU time those processes spent per request (µs), user and
    system: steadier than a rate on a shared machine, where other processes take turns on the cores."""
    if args.warmup:
        # Unmeasured: the first seconds of a target pay for connections, caches and the other server going idle.
        wrk(url, args, headers, args.warmup)
    before = cpu_seconds(pids)
    output = wrk(url, args, headers, args.duration)
    spent = cpu_seconds(pids) - before
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    latencies = {f"p{p}_ms": float(value) * UNITS[unit] for p, value, unit in LATENCY.findall(output)}
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    # "Socket errors: connect 0, read 0, write 0, timeout 47": timeouts are answers slower than 10 s.
    socket_errors = {kind: int(count) for kind, count in re.findall(r"(connect|read|write|timeout) (\d+)", output)}
    return {
        "page": page,
        "kind": kind,
        "url": url,
        "response_bytes": len(fetch(url, headers)[1]),
        "requests_per_second": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "requests": requests,
        "server_cpu_us_per_request": 1e6 * spent / requests if pids and requests else None,
        **latencies,
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        "socket_errors": socket_errors,
    }


def check_cache(url, expected, headers=None, tries=10):
    """The target answers as the benchmark claims: from the edge (HIT) or always from Django (no X-Cache).

    Each worker process has its own cache, so a HIT may take a few requests to show."""
    seen = [fetch(url, headers)[0].get("X-Cache") for _ in range(tries)]
    if expected in seen if expected else not any(seen):
        return
    raise SystemExit(f"{url}: X-Cache was {seen}, expected {expected!r}")


def machine():
    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")),
        platform.processor(),
    )
    return {"nproc": os.cpu_count(), "cpu": cpu, "python": platform.python_version(), "kernel": platform.release()}


PAGES = {"article": "article", "front": "une", "section": "rubrique"}
KINDS = {
    "nginx": "nginx, copie statique",
    "asgi": "application ASGI minimale",
    "cache": "anonyme (cache)",
    "quiet": "anonyme (cache), sans journal ni métriques",
    "cache-gzip": "anonyme, gzip (cache)",
    "reader": "lecteur connecté (cache)",
    "django": "équipe connectée (Django)",
}


def measure(args, work):
    env = bench_environment(work / "var")
    urls = prepare(env)
    env = {**env, "ACCESS_LOG": "-", "ACCESS_LOG_FORMAT": "json", "METRICS_ADDRESS": f"127.0.0.1:{args.metrics_port}"}
    with serving(env, args, work) as measured, serving(quiet_environment(env, work), args, work, args.quiet_port) as silent:
        base, quiet = measured.url, silent.url
        pages = {page: base + urls[page] for page in PAGES}
        session = {"Cookie": f"sessionid={urls['session']}"}
        # A staff cookie sends the same session to Django (edge/personal.py), as for an editor.
        staff = {"Cookie": f"sessionid={urls['session']}; manchette_equipe=1"}
        for url in pages.values():
            check_cache(url, "HIT")
            check_cache(url, "HIT", session)
            check_cache(url, None, staff)
        check_cache(quiet + urls["article"], "HIT")
        fetched = {page: fetch(url) for page, url in pages.items()}
        article_headers, article = fetched["article"]
        with nginx({page: body for page, (_, body) in fetched.items()}, args, work) as static, \
                bare_asgi(article, dict(article_headers.items()), args, work) as bare:
            targets = [(page, "nginx", static[page], {}) for page in PAGES]
            targets.append(("article", "asgi", bare, {}))
            targets += [(page, "cache", url, {}) for page, url in pages.items()]
            targets.append(("article", "cache-gzip", pages["article"], {"Accept-Encoding": "gzip"}))
            targets += [(page, "reader", url, session) for page, url in pages.items()]
            targets += [(page, "django", url, staff) for page, url in pages.items()]
            results = []
            for page, kind, url, headers in targets:
                print(f"… {PAGES[page]}, {KINDS[kind]}", file=sys.stderr, flush=True)
                results.append(run_wrk(page, kind, url, args, headers))
            # The second server renders the same pages for the staff first, unmeasured: a server that has rendered
            # pages with Django answers from its cache more slowly than a fresh one (docs/performance.md), and the
            # rounds compare the log and the metrics, not two histories.
            for page in PAGES:
                print(f"… {PAGES[page]}, {KINDS['django']}, {KINDS['quiet']} (non mesuré)", file=sys.stderr, flush=True)
                wrk(quiet + urls[page], args, staff, args.duration)
            rounds = []
            for number in range(1, args.rounds + 1):
                for kind, url, pids in (
                    ("nginx", static["article"], nginx_pids(work)), ("cache", pages["article"], server_pids(measured)),
                    ("quiet", quiet + urls["article"], server_pids(silent)),
                ):
                    print(f"… tour {number}, {PAGES['article']}, {KINDS[kind]}", file=sys.stderr, flush=True)
                    rounds.append({"round": number, **run_wrk("article", kind, url, args, {}, pids)})
        scraped = scrape(f"http://127.0.0.1:{args.metrics_port}/metrics")
    return {"results": results, "rounds": rounds, "metrics": scraped}


def scrape(url):
    """The measured server's metrics after the runs: what it counted of the cached article's requests."""
    from prometheus_client.parser import text_string_to_metric_families

    text = fetch(url)[1].decode()
    families = {family.name: family for family in text_string_to_metric_families(text)}
    requests = sum(
        sample.value for sample in families["manchette_http_requests"].samples
        if sample.name.endswith("_total") and sample.labels == {"family": "article", "code": "200"}
    )
    hits = sum(sample.value for sample in families["manchette_edge_cache_hits"].samples if sample.labels.get("kind") == "page")
    return {"article_requests_200": requests, "page_hits": hits}


def label(result):
    return f"{PAGES[result['page']]}, {KINDS[result['kind']]}"


def thousands(value):
    return f"{value:,.0f}".replace(",", "\u202f")


def table(report):
    """Markdown; « % de nginx » compares with nginx serving the same page's bytes."""
    nginx_rates = {r["page"]: r["requests_per_second"] for r in report["results"] if r["kind"] == "nginx"}
    lines = [
        "| Cible | octets | req/s | p50 (ms) | p99 (ms) | % de nginx | erreurs ou > 10 s |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for result in report["results"]:
        rate = thousands(result["requests_per_second"])
        lines.append(
            f"| {label(result)} | {result['response_bytes']} | {rate} | {result['p50_ms']:.2f} | "
            f"{result['p99_ms']:.2f} | {100 * result['requests_per_second'] / nginx_rates[result['page']]:.0f} % | "
            f"{result['non_2xx'] + sum(result['socket_errors'].values())} |"
        )
    return "\n".join(lines)


def rounds_table(report):
    """Markdown: the interleaved rounds, each target's median rate and its share of nginx's rate in the same round
    (the machine's load drifts from one round to the next: the share of each round compares like with like)."""
    by_kind = {}
    for result in report["rounds"]:
        by_kind.setdefault(result["kind"], {})[result["round"]] = result
    nginx = by_kind["nginx"]
    lines = [
        "| Cible | req/s, médiane [tours] | % de nginx du même tour, médiane [tours] | µs de CPU du serveur par requête, "
        "médiane [tours] | p99 le pire (ms) | erreurs ou > 10 s |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for kind, results in by_kind.items():
        rates = [result["requests_per_second"] for result in results.values()]
        shares = [100 * result["requests_per_second"] / nginx[number]["requests_per_second"] for number, result in results.items()]
        errors = sum(r["non_2xx"] + sum(r["socket_errors"].values()) for r in results.values())
        cpu = [result.get("server_cpu_us_per_request") or 0.0 for result in results.values()]
        lines.append(
            f"| {PAGES['article']}, {KINDS[kind]} | {thousands(statistics.median(rates))} "
            f"[{', '.join(thousands(rate) for rate in rates)}] | {statistics.median(shares):.0f} % "
            f"[{', '.join(f'{share:.0f}' for share in shares)}] | {statistics.median(cpu):.2f} "
            f"[{', '.join(f'{value:.1f}' for value in cpu)}] | {max(r['p99_ms'] for r in results.values()):.2f} | {errors} |"
        )
    return "\n".join(lines)


def plot(report, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    results = report["results"]
    names = [label(r) for r in results]
    figure, (rates, tails) = plt.subplots(1, 2, figsize=(13, 5.5), sharey=True)
    palette = {
        "nginx": "#888888", "asgi": "#5b7fa6", "cache": "#1f6f43", "quiet": "#6fae8a", "cache-gzip": "#3d9a62",
        "reader": "#8a5fa6", "django": "#b5442b",
    }
    colors = [palette[r["kind"]] for r in results]
    for axis, key, title in ((rates, "requests_per_second", "requêtes par seconde"), (tails, "p99_ms", "latence p99 (ms)")):
        values = [r[key] for r in results]
        bars = axis.barh(names, values, color=colors)
        axis.bar_label(bars, labels=[f"{v:,.0f}".replace(",", "\u202f") if v >= 10 else f"{v:.1f}" for v in values], padding=3)
        axis.set_xscale("log")
        axis.set_xlim(right=max(values) * 4)
        axis.set_xlabel(f"{title} (échelle log.)")
    rates.invert_yaxis()
    tails.axvline(50, color="black", linestyle="--", linewidth=1)
    machine_info = report["machine"]
    figure.suptitle(
        f"{report['connections']} connexions, {report['duration_s']} s par cible — "
        f"{machine_info['nproc']} cœurs {machine_info['cpu']} (partagés avec wrk)"
    )
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def main():
    args = parse_args()
    for tool in ("wrk", "nginx"):
        if not shutil.which(tool) and not Path(f"/usr/sbin/{tool}").exists():
            raise SystemExit(f"{tool} is needed (apt-get install wrk nginx-light)")
    with tempfile.TemporaryDirectory(prefix="manchette-http-bench-") as work:
        measured = measure(args, Path(work))
    report = {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "database": "postgresql" if os.environ.get("DATABASE_URL") else "sqlite",
        "connections": args.connections,
        "threads": args.threads,
        "duration_s": args.duration,
        "workers": args.workers,
        "rounds_count": args.rounds,
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "machine": machine(),
        **measured,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.with_suffix(".json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    plot(report, args.output.with_suffix(".png"))
    print(table(report))
    print()
    print(rounds_table(report))
    print(f"\nMétriques du serveur mesuré : {report['metrics']}")
    print(f"\n{args.output.with_suffix('.json')}, {args.output.with_suffix('.png')}")


if __name__ == "__main__":
    main()
