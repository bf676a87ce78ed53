"""Scale run: 100,000 generated articles (20,000 in one section), then uncached response times.

Usage (SQLite by default; PostgreSQL with DATABASE_URL set):
    .venv/bin/python bench/scale_bench.py [--articles 100000] [--in-section 20000] [--repeat 7]
        [--data-dir DIR] [--results-dir DIR] [--reuse]

Each page is requested through Django's full stack in-process (no edge cache: the edge sits in front of
Django), once to warm Python, then --repeat times; the median and worst are reported in milliseconds.
The admin listing is measured for a superuser and for a member of the « Éditeurs » group.
The database is a fresh one under --data-dir (SQLite, default bench/results/scale/) or <name>_scale
(PostgreSQL); with --reuse, a database left by an earlier run with as many articles is measured again
without being rebuilt (several minutes saved when comparing code before and after a change).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


def site_host():
    """The host readers use (SITE_URL's): Django answers 400 to a host it is not told to serve."""
    from urllib.parse import urlsplit

    from django.conf import settings

    return urlsplit(settings.SITE_URL).netloc


def prepare_environment(data_dir, reuse):
    os.environ["MANCHETTE_DATA_DIR"] = str(data_dir)
    url = os.environ.get("DATABASE_URL", "")
    if url:
        os.environ["DATABASE_URL"] = url.rsplit("/", 1)[0] + "/" + url.rsplit("/", 1)[1].split("?")[0] + "_scale"
        base = url.rsplit("/", 1)[0] + "/postgres"
        name = os.environ["DATABASE_URL"].rsplit("/", 1)[1]
        exists = subprocess.run(
            ["psql", base, "-tAc", f"SELECT 1 FROM pg_database WHERE datname = '{name}'"],
            check=True, capture_output=True, text=True,
        ).stdout.strip()
        if not (reuse and exists):
            subprocess.run(["psql", base, "-qc", f'DROP DATABASE IF EXISTS "{name}"'], check=True)
            subprocess.run(["psql", base, "-qc", f'CREATE DATABASE "{name}"'], check=True)
    else:
        data_dir.mkdir(parents=True, exist_ok=True)
        if not reuse:
            for suffix in ("", "-wal", "-shm"):
                (data_dir / f"manchette.sqlite3{suffix}").unlink(missing_ok=True)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "manchette.settings")


def timed(client, url, repeat):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return {"url": url, "median_ms": round(statistics.median(samples), 1), "max_ms": round(max(samples), 1)}


def plot(report, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = [row["page"] for row in report["results"]]
    fig, ax = plt.subplots(figsize=(8, 3.5))
    ax.barh(labels, [row["median_ms"] for row in report["results"]], color="#a3161a", label="médiane")
    ax.scatter([row["max_ms"] for row in report["results"]], labels, color="#1a1a1a", marker="|", s=200, label="max")
    ax.axvline(200, color="#595959", linestyle="--", label="objectif 200 ms")
    ax.invert_yaxis()
    ax.set_xlabel("ms, sans cache")
    ax.set_title(f"{report['database']} : {report['articles']} articles, {report['in_section']} dans une rubrique")
    ax.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=100)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--in-section", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--data-dir", type=Path, default=RESULTS / "scale", help="SQLite database and media")
    parser.add_argument("--results-dir", type=Path, default=RESULTS, help="where scale-<database>.json/.png go")
    parser.add_argument(
        "--reuse", action="store_true", help="measure the database of an earlier run if it has as many articles"
    )
    args = parser.parse_args()
    prepare_environment(args.data_dir.resolve(), args.reuse)

    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from manchette.cli import prepare
    from manchette.news.models import Article, Section

    started = time.perf_counter()
    # Migrations, static files (pages link their hashed names) and the newsroom, as `manchette serve` does.
    prepare()
    existing = Article.objects.count()
    if existing and existing != args.articles:
        sys.exit(f"La base à réutiliser compte {existing} articles, pas {args.articles}\u202f: relancez sans --reuse.")
    if not existing:
        call_command("generate_articles", args.articles, section_share=args.in_section)
        if "reindex_articles" in __import__("django.core.management", fromlist=["x"]).get_commands():
            call_command("reindex_articles")
    setup_seconds = time.perf_counter() - started

    big = max(Section.objects.all(), key=lambda s: s.articles().count())
    count = big.articles().count()
    last_page = -(-count // settings.ARTICLES_PER_PAGE)
    article = Article.objects.live().filter(path__startswith=big.path).order_by("-first_published_at").first()
    word = article.title.split()[-1]

    reader = Client(HTTP_HOST=site_host())
    users = get_user_model().objects
    admin, _ = users.get_or_create(username="bench-admin", defaults={"is_staff": True, "is_superuser": True})
    staff = Client(HTTP_HOST=site_host())
    staff.force_login(admin)
    editor, _ = users.get_or_create(username="bench-editor")
    editor.groups.add(Group.objects.get(name="Éditeurs"))
    newsroom = Client(HTTP_HOST=site_host())
    newsroom.force_login(editor)
    rows = [
        ("Page d’accueil", timed(reader, "/", args.repeat)),
        ("Rubrique, page 1", timed(reader, big.url, args.repeat)),
        (f"Rubrique, page {last_page // 2}", timed(reader, f"{big.url}?page={last_page // 2}", args.repeat)),
        (f"Rubrique, page {last_page}", timed(reader, f"{big.url}?page={last_page}", args.repeat)),
        ("Article", timed(reader, article.url, args.repeat)),
        (f"Recherche « {word} »", timed(reader, f"/recherche/?q={word}", args.repeat)),
        ("Admin : liste de la rubrique", timed(staff, f"/admin/pages/{big.pk}/", args.repeat)),
        ("Admin : liste de la rubrique (éditeur)", timed(newsroom, f"/admin/pages/{big.pk}/", args.repeat)),
    ]
    report = {
        "database": connection.vendor,
        "articles": Article.objects.count(),
        "in_section": count,
        "setup_seconds": round(setup_seconds, 1),
        "results": [{"page": label, **row} for label, row in rows],
    }
    args.results_dir.mkdir(parents=True, exist_ok=True)
    (args.results_dir / f"scale-{connection.vendor}.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    plot(report, args.results_dir / f"scale-{connection.vendor}.png")
    print(f"| {connection.vendor} ({report['articles']} articles, {count} dans « {big.title} ») | médiane ms | max ms |")
    print("|---|---:|---:|")
    for label, row in rows:
        print(f"| {label} | {row['median_ms']} | {row['max_ms']} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
