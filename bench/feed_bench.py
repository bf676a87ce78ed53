"""Benchmark of le fil info in direct: N open Server-Sent Events streams on one production server.

Usage (SQLite by default; PostgreSQL with DATABASE_URL set, on a fresh <name>_feed database):
    .venv/bin/python bench/feed_bench.py [--connections 1000,5000,10000] [--duration 60] [--workers 2]

For each N, a fresh `manchette serve` (uvicorn, --workers processes) is started on 127.0.0.1 and N streams
are opened gradually from one asyncio client (uvloop). The client connects from 127.0.0.2…127.0.0.254 in
turn, as readers behind many addresses would: the per-address limit (LIVE_MAX_STREAMS_PER_CLIENT,
50 per process by default) stays on, untouched. Each stream asks `?depuis=` the newest event, as a page
just loaded does, so nothing is replayed. A separate publisher process (`manchette shell`, warmed up by one
publication first) then publishes one dispatch per second for --duration seconds through Wagtail, as the
newsroom does; each title carries time.time() taken just before publishing, so the client measures
publish-to-receive latency for every (connection, item) pair; the publication's own time is included. Reported: latency p50/p99/max, items lost and duplicated (summed over
connections; both must be 0), and the resident memory of the server's worker processes (from /proc) before
the streams, with the N streams open, and at the end, hence the memory per connection.
Results go to bench/results/feed-bench.json and .png; a Markdown table is printed.
"""

import argparse
import asyncio
import datetime
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from http_bench import START_TIMEOUT, bench_environment, machine

from manchette.testing.servers import ManchetteServer

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
MARKER = "FEED-BENCH "
PATH = "/direct/?sujets=filinfo"
SOURCES = [f"127.0.0.{n}" for n in range(2, 255)]
OPENING_AT_ONCE = 200  # connections being set up at the same time (the listen backlog is 4096)
GRACE_SECONDS = 5  # after the last publication, for the last deliveries
# In the title: the run, the item's number and the time it was published. Dispatch titles are HTML-escaped in
# the event's data, so only characters that need no escaping.
TITLE = "Banc d essai R{run} K{k} T{t:.6f} fin"
ITEM = re.compile(rb"id: (\d+)\nevent: filinfo\ndata: {\"action\":\"upsert\"[^\n]*?Banc d essai R(\d+) K(\d+) T([\d.]+) fin")

# Runs in `manchette shell`: publishes once to warm up (the first publication of a process is several times
# slower), says where the log stands, waits for the go, then publishes one dispatch a second.
PUBLISHER = f"""
import json, sys, time
from manchette.filinfo.models import Dispatch
from manchette.live import log

def say(**values):
    print({MARKER!r} + json.dumps(values), flush=True)

warm_up = Dispatch.objects.create(title="Échauffement", text="Avant la mesure.", live=False)
warm_up.save_revision().publish()
say(head=log.last_id())
order = json.loads(sys.stdin.readline())
start = time.time() + 1
for k in range(order["count"]):
    dispatch = Dispatch.objects.create(title="brouillon", text="Texte de la dépêche du banc d’essai.", live=False)
    time.sleep(max(0, start + k * order["interval"] - time.time()))
    dispatch = Dispatch.objects.get(pk=dispatch.pk)
    published_at = time.time()
    dispatch.title = {TITLE!r}.format(run=order["run"], k=k, t=published_at)
    dispatch.save_revision().publish()
    say(k=k, t=published_at, publish_ms=(time.time() - published_at) * 1000)
say(done=True)
"""


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", default="1000,5000,10000", help="comma-separated numbers of streams")
    parser.add_argument("--duration", type=int, default=60, help="seconds of publishing, one item a second")
    parser.add_argument("--workers", type=int, default=2, help="server worker processes")
    parser.add_argument("--port", type=int, default=8104)
    parser.add_argument("--output", type=Path, default=RESULTS / "feed-bench")
    args = parser.parse_args()
    args.connections = [int(n) for n in args.connections.split(",")]
    return args


def prepare(env):
    result = subprocess.run(
        [sys.executable, "-m", "manchette.cli", "shell", "-c", "from manchette.cli import prepare; prepare()"],
        cwd=ROOT, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL,
    )
    if result.returncode != 0:
        raise SystemExit(f"Preparation failed:\n{result.stdout}\n{result.stderr}")


def raise_open_files_limit():
    """Up to the hard limit, for the client and, inherited, for the server's processes."""
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return hard


def workers(main_pid):
    return Path(f"/proc/{main_pid}/task/{main_pid}/children").read_text().split()


def workers_rss(main_pid):
    """Resident memory of the server's worker processes, in bytes."""
    total = 0
    for pid in workers(main_pid):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1]) * 1024
    return total


def cpu_seconds(main_pid):
    """CPU time used so far by the server's worker processes, and by this client."""
    ticks = os.sysconf("SC_CLK_TCK")
    server = 0
    for pid in workers(main_pid):
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        server += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    client = resource.getrusage(resource.RUSAGE_SELF)
    return server, client.ru_utime + client.ru_stime


class Reader(asyncio.Protocol):
    """One stream: the items of this run it received, with the time each arrived."""

    def __init__(self, run, opened):
        self.run = run
        self.opened = opened  # a future, done once the answer's head has come
        self.received = {}  # item number -> arrival - publication, in seconds
        self.duplicates = 0
        self.pending = b""
        self.status = None
        self.transport = None
        self.lost_connection = False

    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data):
        now = time.time()
        data = self.pending + data
        if self.status is None:
            head, separator, data = data.partition(b"\r\n\r\n")
            if not separator:
                self.pending = head
                return
            self.status = int(head.split(b" ", 2)[1])
            if not self.opened.done():
                self.opened.set_result(self.status)
        # Whole events only: an event is never split across chunks, but may be across reads.
        end = data.rfind(b"\n\n")
        if end < 0:
            self.pending = data
            return
        self.pending = data[end + 2:]
        for _, run, k, published in ITEM.findall(data, 0, end + 2):
            if int(run) != self.run:
                continue
            if int(k) in self.received:
                self.duplicates += 1
            else:
                self.received[int(k)] = now - float(published)

    def connection_lost(self, exc):
        self.lost_connection = True
        if not self.opened.done():
            self.opened.set_exception(exc or ConnectionError("closed before answering"))


async def open_streams(port, count, run, head):
    loop = asyncio.get_running_loop()
    readers, failures = [], []
    request = (f"GET {PATH}&depuis={head} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: text/event-stream\r\n\r\n").encode()
    gate = asyncio.Semaphore(OPENING_AT_ONCE)

    async def open_one(number):
        async with gate:
            opened = loop.create_future()
            try:
                transport, reader = await loop.create_connection(
                    lambda: Reader(run, opened), "127.0.0.1", port, local_addr=(SOURCES[number % len(SOURCES)], 0)
                )
                transport.write(request)
                status = await asyncio.wait_for(opened, 30)
            except (TimeoutError, OSError) as error:
                failures.append(repr(error))
                return
            if status == 200:
                readers.append(reader)
            else:
                failures.append(f"HTTP {status}")
                transport.close()

    started = time.monotonic()
    await asyncio.gather(*(open_one(number) for number in range(count)))
    return readers, failures, time.monotonic() - started


async def publish(env, run, count):
    """Starts the publisher; returns (head id, a coroutine that runs the publications and gives their log)."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "manchette.cli", "shell", "-c", PUBLISHER, cwd=ROOT, env=env,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
    )

    async def said():
        while line := (await process.stdout.readline()).decode():
            if line.startswith(MARKER):
                return json.loads(line[len(MARKER):])
        raise SystemExit(f"The publisher stopped (exit {await process.wait()})")

    head = (await said())["head"]

    async def run_publications():
        process.stdin.write(json.dumps({"run": run, "count": count, "interval": 1}).encode() + b"\n")
        await process.stdin.drain()
        log = []
        while "done" not in (message := await said()):
            log.append(message)
        await process.wait()
        return log

    return head, run_publications


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


async def measure_one(args, env, count, run, work):
    with ManchetteServer(env, work, args.workers, args.port, START_TIMEOUT) as server:
        head, run_publications = await publish(env, run, args.duration)
        await asyncio.sleep(1)
        rss_before = workers_rss(server.process.pid)
        load_before = os.getloadavg()
        print(f"… {count} connexions : ouverture", file=sys.stderr, flush=True)
        readers, failures, open_seconds = await open_streams(args.port, count, run, head)
        await asyncio.sleep(2)  # the server settles (buffers of the first answers released)
        rss_open = workers_rss(server.process.pid)
        print(f"… {len(readers)} ouvertes en {open_seconds:.1f} s, {args.duration} s de publication",
              file=sys.stderr, flush=True)
        cpu_before = cpu_seconds(server.process.pid)
        publications = await run_publications()
        await asyncio.sleep(GRACE_SECONDS)
        cpu_after = cpu_seconds(server.process.pid)
        rss_end = workers_rss(server.process.pid)
        load_after = os.getloadavg()
        cut = sum(reader.lost_connection for reader in readers)
        for reader in readers:
            reader.transport.close()
    latencies = [seconds * 1000 for reader in readers for seconds in reader.received.values()]
    published = {item["k"] for item in publications}
    by_item = {k: [reader.received[k] * 1000 for reader in readers if k in reader.received] for k in sorted(published)}
    publish_ms = {item["k"]: item["publish_ms"] for item in publications}
    lost = sum(len(published - reader.received.keys()) for reader in readers)
    return {
        "connections": count,
        "opened": len(readers),
        "failed": len(failures),
        "failures": sorted(set(failures))[:10],
        "cut_by_server": cut,
        "open_seconds": round(open_seconds, 1),
        "items": len(publications),
        "publish_ms_p50": round(statistics.median(item["publish_ms"] for item in publications), 1),
        "pairs": len(latencies),
        "latency_ms_p50": round(percentile(latencies, 0.50), 1) if latencies else None,
        "latency_ms_p99": round(percentile(latencies, 0.99), 1) if latencies else None,
        "latency_ms_max": round(max(latencies), 1) if latencies else None,
        "lost": lost,
        "duplicated": sum(reader.duplicates for reader in readers),
        "rss_before_mb": round(rss_before / 2**20, 1),
        "rss_open_mb": round(rss_open / 2**20, 1),
        "rss_end_mb": round(rss_end / 2**20, 1),
        "kib_per_connection": round((rss_open - rss_before) / 1024 / max(1, len(readers)), 1),
        "kib_per_connection_end": round((rss_end - rss_before) / 1024 / max(1, len(readers)), 1),
        "by_item_ms": [
            {"k": k, "publish_ms": round(publish_ms[k], 1), "p50": round(percentile(values, 0.5), 1),
             "max": round(max(values), 1)}
            for k, values in by_item.items() if values
        ],
        # While publishing (heartbeats included), per item delivered to one connection.
        "server_cpu_us_per_delivery": round((cpu_after[0] - cpu_before[0]) * 1e6 / max(1, len(latencies)), 1),
        "client_cpu_us_per_delivery": round((cpu_after[1] - cpu_before[1]) * 1e6 / max(1, len(latencies)), 1),
        "load_before": [round(value, 2) for value in load_before],
        "load_after": [round(value, 2) for value in load_after],
    }


def table(report):
    lines = [
        "| Connexions | ouvertes | p50 (ms) | p99 (ms) | max (ms) | perdus | doublons | RSS avant (Mo) | "
        "RSS ouvertes (Mo) | Kio par connexion | charge (1 min) |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in report["results"]:
        lines.append(
            f"| {r['connections']:,} | {r['opened']:,} | {r['latency_ms_p50']} | {r['latency_ms_p99']} | "
            f"{r['latency_ms_max']} | {r['lost']} | {r['duplicated']} | {r['rss_before_mb']} | {r['rss_open_mb']} | "
            f"{r['kib_per_connection']} | {r['load_before'][0]} → {r['load_after'][0]} |".replace(",", "\u202f")
        )
    return "\n".join(lines)


def plot(report, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    results = report["results"]
    counts = [r["connections"] for r in results]
    figure, (latency, memory) = plt.subplots(1, 2, figsize=(12, 5))
    for key, label, style in (("latency_ms_p50", "p50", "o-"), ("latency_ms_p99", "p99", "s-"), ("latency_ms_max", "max", "^:")):
        latency.plot(counts, [r[key] for r in results], style, label=label)
    latency.axhline(1000, color="#b5442b", linestyle="--", linewidth=1, label="objectif p99 : 1 s")
    latency.set_xlabel("connexions ouvertes")
    latency.set_ylabel("publication → réception (ms)")
    latency.set_yscale("log")
    latency.legend()
    for r in results:
        latency.annotate(f"perdus {r['lost']}, doublons {r['duplicated']}", (r["connections"], r["latency_ms_p99"]),
                         textcoords="offset points", xytext=(4, 8), fontsize=8)
    bars = memory.bar([f"{n:,}".replace(",", "\u202f") for n in counts], [r["kib_per_connection"] for r in results],
                      color="#1f6f43")
    memory.bar_label(bars, fmt="%.1f Kio")
    memory.set_xlabel("connexions ouvertes")
    memory.set_ylabel("mémoire des processus du serveur par connexion (Kio)")
    info = report["machine"]
    figure.suptitle(
        f"Fil info en direct : {report['workers']} processus uvicorn, {report['duration_s']} s, une dépêche par "
        f"seconde, {report['database']} — {info['nproc']} cœurs {info['cpu']} (partagés avec le client)"
    )
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


async def measure(args, work):
    env = bench_environment(work / "var", suffix="_feed")
    prepare(env)
    results = []
    for run, count in enumerate(args.connections, start=1):
        results.append(await measure_one(args, env, count, run, work))
        print(json.dumps(results[-1], ensure_ascii=False), file=sys.stderr, flush=True)
    return results


def run(coroutine):
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coroutine)
    return uvloop.run(coroutine)


def main():
    args = parse_args()
    open_files = raise_open_files_limit()
    if max(args.connections) + 1000 > open_files:
        raise SystemExit(f"{max(args.connections)} connections need more open files than the limit ({open_files})")
    with tempfile.TemporaryDirectory(prefix="manchette-feed-bench-") as work:
        results = run(measure(args, Path(work)))
    report = {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "database": "postgresql" if os.environ.get("DATABASE_URL") else "sqlite",
        "duration_s": args.duration,
        "workers": args.workers,
        "client": "one asyncio (uvloop) process; sources 127.0.0.2-254, per-address limit left on",
        "machine": machine(),
        "results": results,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.with_suffix(".json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    plot(report, args.output.with_suffix(".png"))
    print(table(report))
    print(f"\n{args.output.with_suffix('.json')}, {args.output.with_suffix('.png')}")


if __name__ == "__main__":
    main()
