"""One edition to many subscribers, as production sends it: DKIM-signed, through `manchette worker` processes,
to a local SMTP sink (bench/smtp_sink.py) — with every worker killed (SIGKILL) twice during the run and started
again at once.

Usage (SQLite by default; PostgreSQL with DATABASE_URL set, on a fresh <name>_newsletters database):
    .venv/bin/python bench/newsletter_bench.py [--subscribers 100000] [--workers 2] [--kills 2]

Reports messages per second (from the first message to the last, restarts included, and while workers ran),
the peak memory of each worker process (VmHWM), duplicates and missing recipients as the sink counted them,
beside what the edition's report counts as maybe sent twice, and the share of sampled messages whose DKIM
signature the sink verified. Results: bench/results/newsletter-bench.json and docs/newsletter-bench.png.
"""

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from http_bench import bench_environment, machine

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
MARKER = "NEWSLETTER-BENCH "

PREPARE = """
import json, sys
from django.core.management import call_command
from django.utils import timezone
from manchette.cli import prepare
from manchette.newsletters.models import Edition, Newsletter, Subscriber, Subscription
from manchette.news.models import Section

count = COUNT
prepare()
call_command("load_demo", verbosity=0)
newsletter, _ = Newsletter.objects.get_or_create(slug="banc-essai", defaults={
    "name": "La Une du banc d’essai", "description": "Une édition pour le banc d’essai.", "frequency": "manual"})
newsletter.sections.set(Section.objects.all()[:3])
now = timezone.now()
Subscription.objects.filter(newsletter=newsletter).delete()
Subscriber.objects.filter(email__endswith="@banc.example").delete()
for start in range(0, count, 10000):
    batch = Subscriber.objects.bulk_create(
        Subscriber(email=f"abonne-{n}@banc.example", confirmed_at=now) for n in range(start, min(start + 10000, count)))
    Subscription.objects.bulk_create(Subscription(subscriber=s, newsletter=newsletter, source="banc") for s in batch)
edition = Edition.objects.create(newsletter=newsletter, subject="Banc d’essai : l’édition du matin")
print("MARKER" + json.dumps({"edition": edition.pk}))
"""

START = """
import json, time
from manchette.newsletters import sending
from manchette.newsletters.models import Edition
began = time.perf_counter()
edition = sending.start(Edition.objects.get(pk=EDITION))
print("MARKER" + json.dumps({"recipients": edition.recipients, "seconds": time.perf_counter() - began,
                             "html_bytes": len(edition.html.encode()), "text_bytes": len(edition.text.encode())}))
"""

REPORT = """
import json
from manchette.newsletters import sending
from manchette.newsletters.models import Edition
edition = Edition.objects.get(pk=EDITION)
print("MARKER" + json.dumps({**sending.report(edition), "status": edition.status}))
"""


def shell(env, code, timeout=1800):
    result = subprocess.run([sys.executable, "-m", "manchette.cli", "shell", "-c", code.replace("MARKER", MARKER)],
                            cwd=ROOT, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=timeout)
    lines = [line for line in result.stdout.splitlines() if line.startswith(MARKER)]
    if result.returncode != 0 or not lines:
        raise SystemExit(f"manchette shell a échoué :\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return json.loads(lines[-1][len(MARKER):])


def dkim_key(folder):
    import base64

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = folder / "dkim.pem"
    private.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
    public = key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    record = folder / "dkim.txt"
    record.write_bytes(b"v=DKIM1; k=rsa; p=" + base64.b64encode(public))
    return private, record


def free_port():
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def peak_memory(pid):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


class Workers:
    def __init__(self, env, work, count):
        self.env, self.work, self.count = env, work, count
        self.processes = []
        self.peaks = []
        self.started = 0

    def start(self):
        for _ in range(self.count):
            self.started += 1
            log = open(self.work / f"worker-{self.started}.log", "ab")  # noqa: SIM115
            command = [sys.executable, "-m", "manchette.cli", "worker", "--interval", "0.2", "--no-startup-delay"]
            process = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                       start_new_session=True)
            self.processes.append((process, log, 0))

    def watch(self):
        self.processes = [(p, log, max(peak, peak_memory(p.pid))) for p, log, peak in self.processes]

    def stop(self, sig):
        self.watch()
        for process, log, peak in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, sig)
            process.wait(timeout=60)
            log.close()
            self.peaks.append(peak)
        self.processes = []


def sink_state(path):
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {"messages": 0, "unique": 0, "duplicates": 0, "per_second": []}


def run(args):
    work = Path(tempfile.mkdtemp(prefix="manchette-newsletter-bench-"))
    try:
        env = bench_environment(work / "data", suffix="_newsletters")
        private, record = dkim_key(work)
        port = free_port()
        env.update({"DKIM_PRIVATE_KEY_FILE": str(private), "DKIM_DOMAIN": "manchette.example", "DKIM_SELECTOR": "banc",
                    "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(port), "EMAIL_USE_TLS": "false", "EMAIL_USE_SSL": "false",
                    "NEWSLETTER_PARALLEL_SENDS": str(args.workers), "LOG_LEVEL": "ERROR"})
        print(f"Préparation : journal de démonstration et {args.subscribers} abonnés…", flush=True)
        edition = shell(env, PREPARE.replace("COUNT", str(args.subscribers)))["edition"]
        counts = work / "sink.json"
        sink = subprocess.Popen([sys.executable, str(ROOT / "bench" / "smtp_sink.py"), str(port), str(counts), str(record)])
        time.sleep(1)
        started = shell(env, START.replace("EDITION", str(edition)))
        print(f"Envoi préparé : {started['recipients']} destinataires en {started['seconds']:.1f} s", flush=True)
        workers = Workers(env, work, args.workers)
        began = time.time()
        workers.start()
        kills_at = [started["recipients"] * (k + 1) // (args.kills + 1) for k in range(args.kills)]
        kills, down = [], 0.0
        deadline = began + args.timeout
        last_change, last_count = time.time(), -1
        while time.time() < deadline:
            time.sleep(0.25)
            workers.watch()
            state = sink_state(counts)
            if state["messages"] != last_count:
                last_change, last_count = time.time(), state["messages"]
            if kills_at and state["unique"] >= kills_at[0]:
                kills_at.pop(0)
                killed = time.time()
                workers.stop(signal.SIGKILL)
                kills.append({"at": round(killed - began, 2), "wall": killed, "received": state["unique"]})
                print(f"  worker(s) tués à {killed - began:.1f} s, {state['unique']} reçus", flush=True)
                workers.start()
                down += time.time() - killed
            if state["unique"] >= started["recipients"] and time.time() - last_change > 3:
                break
        workers.stop(signal.SIGTERM)
        sink.send_signal(signal.SIGTERM)
        sink.wait(timeout=30)
        state = sink_state(counts)
        report = shell(env, REPORT.replace("EDITION", str(edition)))
        seconds = [second for second, _ in state["per_second"]]
        span = (max(seconds) - min(seconds) + 1) if seconds else 0
        received = json.loads(Path(str(counts) + ".recipients").read_text())
        expected = {f"abonne-{n}@banc.example" for n in range(args.subscribers)}
        result = {
            "machine": machine(), "database": "PostgreSQL" if env.get("DATABASE_URL") else "SQLite",
            "subscribers": args.subscribers, "workers": args.workers, "preparation_seconds": round(started["seconds"], 2),
            "message_bytes": started["html_bytes"] + started["text_bytes"],
            "messages": state["messages"], "unique": state["unique"], "duplicates": state["duplicates"],
            "missing": len(expected - set(received)), "maybe_twice_reported": report["maybe_twice"],
            "edition_status": report["status"], "span_seconds": span,
            "rate": round(state["unique"] / span, 1) if span else 0,
            "rate_while_running": round(state["unique"] / max(span - down, 1), 1),
            "kills": kills, "worker_peak_rss_mb": [round(peak / 2**20, 1) for peak in workers.peaks],
            "dkim_checked": state["dkim_checked"], "dkim_valid": state["dkim_valid"],
            "per_second": state["per_second"],
        }
        return result
    finally:
        shutil.rmtree(work, ignore_errors=True)


def plot(result, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    counted = dict(result["per_second"])
    first, last = (min(counted), max(counted)) if counted else (0, 0)
    seconds = range(first, last + 1)  # a second with no message is a 0, not a gap
    figure, axes = plt.subplots(figsize=(9, 3.6), dpi=110)
    axes.plot([second - first for second in seconds], [counted.get(second, 0) for second in seconds], linewidth=1.2,
              color="#8b1d2c")
    axes.set_ylim(bottom=0)
    for kill in result["kills"]:
        axes.axvline(kill["wall"] - first, color="#444", linestyle="--", linewidth=1)
    axes.axhline(500, color="#2c6e49", linestyle=":", linewidth=1)
    axes.set_xlabel("secondes depuis le premier message")
    axes.set_ylabel("messages reçus par seconde")
    axes.set_title(f"{result['subscribers']:,} abonnés, {result['workers']} workers, DKIM, workers tués (tirets)".replace(",", " "))
    figure.tight_layout()
    figure.savefig(path)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--subscribers", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--kills", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=1800)
    parser.add_argument("--plot", default=str(ROOT / "docs" / "newsletter-bench.png"))
    args = parser.parse_args()
    result = run(args)
    RESULTS.mkdir(parents=True, exist_ok=True)
    summary = {key: value for key, value in result.items() if key != "per_second"}
    (RESULTS / "newsletter-bench.json").write_text(json.dumps(result, indent=1, ensure_ascii=False))
    if args.plot:
        plot(result, args.plot)
    print(json.dumps(summary, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
