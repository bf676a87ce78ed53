"""Benchmark of one big sending of agency wires beside another writer: does the batch block everyone?

Usage (SQLite by default; PostgreSQL with DATABASE_URL set, on a fresh <name>_wires database):
    .venv/bin/python bench/wire_batch_bench.py [--items 2500] [--per-request 2500] [--interval 0.05]

A fresh data folder is prepared (migrations, `setup_newsroom`) with a trusted wire source (published at once,
as a real agency's). A `manchette serve` (one worker) is started, with WIRES_MAX_ITEMS raised to --per-request.
A writer process (`manchette shell`) then publishes a dispatch in its own transaction every --interval
seconds, as the newsroom does (a publication appends to the live log), and times each one; meanwhile --items
new ninjs 3.0 items (about 150 bytes each: 2,500 make 373 KB) are posted to /api/depeches/ in sendings of
--per-request items. Reported: the time of the sendings, their HTTP statuses, and for the writer the number
of publications, the longest and the median wait, and those that failed (SQLite's "database is locked" after
its 20 s busy timeout). Printed as JSON.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from http_bench import bench_environment, machine

from manchette.testing.servers import ManchetteServer

ROOT = Path(__file__).resolve().parent.parent
MARKER = "WIRE-BENCH "

PREPARE = f"""
from manchette.cli import prepare
from manchette.wires.models import WireSource

prepare()
source = WireSource.objects.create(name="Agence du banc d’essai", slug="banc", publish_immediately=True)
print({MARKER!r} + source.generate_token())
"""

# Publishes a dispatch every INTERVAL seconds until the file STOP exists; prints the waits.
WRITER = f"""
import json, os, statistics, time
from django.db import transaction
from manchette.filinfo.models import Dispatch

stop, interval = os.environ["WIRE_BENCH_STOP"], float(os.environ["WIRE_BENCH_INTERVAL"])
Dispatch.objects.create(title="Échauffement", text="Avant la mesure.", live=False)
print({MARKER!r} + "ready", flush=True)
waits, failures = [], []
while not os.path.exists(stop):
    started = time.monotonic()
    try:
        with transaction.atomic():
            dispatch = Dispatch.objects.create(title="Écrite pendant l’envoi", text="Par la rédaction.", live=False)
            dispatch.save_revision().publish()
        waits.append(time.monotonic() - started)
    except Exception as error:
        failures.append([round(time.monotonic() - started, 2), str(error)])
    time.sleep(interval)
print({MARKER!r} + json.dumps({{
    "saves": len(waits), "longest_s": round(max(waits, default=0), 3),
    "median_s": round(statistics.median(waits), 4) if waits else None, "failures": failures,
}}), flush=True)
"""


def item(number):
    return {
        "uri": f"urn:banc:{number}", "version": "1", "versionCreated": "2026-12-05T08:00:00Z",
        "headlines": [{"value": f"Essai {number}"}], "bodies": [{"value": "Une phrase."}],
    }


def shell(env, code, **extra):
    return subprocess.Popen(
        [sys.executable, "-m", "manchette.cli", "shell", "-c", code], cwd=ROOT, env={**env, **extra},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL,
    )


def marked(line):
    return line[len(MARKER):].strip() if line.startswith(MARKER) else None


def post(url, token, items):
    request = urllib.request.Request(
        url, data=json.dumps(items, ensure_ascii=False, separators=(",", ":")).encode(), method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=600) as response:
            return {"status": response.status, "bytes": len(request.data)}
    except urllib.error.HTTPError as error:
        return {"status": error.code, "bytes": len(request.data), "answer": error.read().decode()[:300]}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=2500)
    parser.add_argument("--per-request", type=int, default=2500)
    parser.add_argument("--interval", type=float, default=0.05, help="pause of the writer between two saves (s)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="wire-bench-"))
    env = bench_environment(work / "var", suffix="_wires")
    env["WIRES_MAX_ITEMS"] = str(args.per_request)
    prepared = subprocess.run(
        [sys.executable, "-m", "manchette.cli", "shell", "-c", PREPARE], cwd=ROOT, env=env,
        capture_output=True, text=True, stdin=subprocess.DEVNULL,
    )
    token = next((marked(line) for line in prepared.stdout.splitlines() if marked(line)), None)
    if prepared.returncode or not token:
        raise SystemExit(f"Preparation failed:\n{prepared.stdout}\n{prepared.stderr}")
    stop = work / "stop"
    with ManchetteServer(env, work, workers=1) as server:
        writer = shell(env, WRITER, WIRE_BENCH_STOP=str(stop), WIRE_BENCH_INTERVAL=str(args.interval))
        line = writer.stdout.readline()
        while line and marked(line) != "ready":
            line = writer.stdout.readline()
        if not line:
            writer.kill()
            raise SystemExit(f"The writer did not start:\n{writer.stderr.read()}")
        time.sleep(1)  # a few saves before the sending, for the median
        items = [item(number) for number in range(args.items)]
        sendings = [items[start:start + args.per_request] for start in range(0, len(items), args.per_request)]
        results = []
        started = time.monotonic()
        for sending in sendings:
            results.append(post(server.url + "/api/depeches/", token, sending))
        elapsed = time.monotonic() - started
        time.sleep(1)
        stop.touch()
        out, err = writer.communicate(timeout=120)
        writer_result = next((json.loads(marked(line)) for line in out.splitlines() if marked(line) and marked(line) != "ready"), None)
        if writer_result is None:
            raise SystemExit(f"The writer failed:\n{out}\n{err}")
    print(json.dumps({
        "database": "postgresql" if env.get("DATABASE_URL", "").startswith("postgres") else "sqlite",
        "items": args.items, "per_request": args.per_request,
        "sendings": results,
        "batch_seconds": round(elapsed, 2), "items_per_second": round(args.items / elapsed, 1),
        "writer": writer_result, "machine": machine(),
    }, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    os.chdir(ROOT)
    main()
