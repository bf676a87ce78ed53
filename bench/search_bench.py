"""Search at scale: N generated live articles, indexed, then uncached search times for common and rare words.

Usage (SQLite by default; PostgreSQL with DATABASE_URL set):
    .venv/bin/python bench/search_bench.py [--articles 100000] [--repeat 7]

Articles come from `generate_articles` (bulk, combinatorial French copy: its words are in many articles),
a dozen titles get a rare word, then `reindex_articles` builds the index. Each search is timed through
Django's full stack in-process (no edge cache, no Django cache): the first request, then the median and
worst of --repeat more.
The database is a fresh one under bench/results/search/ (SQLite) or <name>_search (PostgreSQL).
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
RARE_WORD = "xylophoniste"
RARE_COUNT = 12
# From generate_articles' copy: words in nearly every body, in a few percent of titles, and two together.
QUERIES = ("projet", "élus", "piscine", "extension tram", "budget Liège", RARE_WORD, "introuvable")


def site_host():
    """The host readers use (SITE_URL's): Django answers 400 to a host it is not told to serve."""
    from urllib.parse import urlsplit

    from django.conf import settings

    return urlsplit(settings.SITE_URL).netloc


def prepare_environment(fresh):
    data_dir = RESULTS / "search"
    os.environ["MANCHETTE_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "manchette.settings")
    url = os.environ.get("DATABASE_URL", "")
    if url:
        base, name = url.rsplit("/", 1)
        name = name.split("?")[0] + "_search"
        os.environ["DATABASE_URL"] = f"{base}/{name}"
        if fresh:
            subprocess.run(["psql", f"{base}/postgres", "-qc", f'DROP DATABASE IF EXISTS "{name}"'], check=True)
            subprocess.run(["psql", f"{base}/postgres", "-qc", f'CREATE DATABASE "{name}"'], check=True)
    elif fresh:
        data_dir.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            (data_dir / f"manchette.sqlite3{suffix}").unlink(missing_ok=True)


def add_rare_word():
    """generate_articles draws from a small vocabulary: a word found in a dozen titles is added here."""
    from django.db.models import Value
    from django.db.models.functions import Concat
    from wagtail.models import Page

    from manchette.news.models import Article

    ids = random.Random(7).sample(sorted(Article.objects.values_list("pk", flat=True)), RARE_COUNT)
    Page.objects.filter(pk__in=ids).update(title=Concat("title", Value(f" {RARE_WORD}")))


def document_frequency(word):
    """How many live articles contain the word, beyond the MAX_RESULTS a search keeps."""
    from wagtail.models import Page

    from manchette.search.query import matching, query_terms

    return matching(Page.objects.live(), query_terms(word)).count()


def timed(client, query, order, repeat):
    params = {"q": query, "tri": order}
    start = time.perf_counter()
    response = client.get("/recherche/", params)
    first = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, (params, response.status_code)
    samples, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        client.get("/recherche/", params)
        samples.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return {
        "query": query, "order": order, "first_ms": round(first, 1),
        "median_ms": round(statistics.median(samples), 1), "max_ms": round(max(samples), 1),
        # CPU time of this process: all the work on SQLite, Django's share only on PostgreSQL.
        "median_cpu_ms": round(statistics.median(cpu), 1),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--reuse", action="store_true", help="time searches on the database of the last run")
    args = parser.parse_args()
    prepare_environment(fresh=not args.reuse)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from manchette.cli import prepare
    from manchette.news.models import Article

    generate_seconds = index_seconds = None
    if not args.reuse:
        # Migrations, static files (pages link their hashed names) and the newsroom, as `manchette serve` does.
        prepare()
        started = time.perf_counter()
        call_command("generate_articles", args.articles)
        add_rare_word()
        generate_seconds = round(time.perf_counter() - started, 1)
        started = time.perf_counter()
        call_command("reindex_articles")
        index_seconds = round(time.perf_counter() - started, 1)
    frequencies = {query: document_frequency(query) for query in QUERIES}
    client = Client(HTTP_HOST=site_host())
    rows = [timed(client, query, order, args.repeat) for query in QUERIES for order in ("date", "pertinence")]
    report = {
        "database": connection.vendor,
        "articles": Article.objects.count(),
        "generate_seconds": generate_seconds,
        "reindex_seconds": index_seconds,
        # The machine may be shared: a load above its core count inflates every figure.
        "load_average": [round(load, 1) for load in os.getloadavg()],
        "cores": os.cpu_count(),
        "matches": frequencies,
        "results": rows,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"search-{connection.vendor}.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(
        f"{connection.vendor}: {report['articles']} articles, réindexation {index_seconds} s, "
        f"charge {report['load_average']} sur {report['cores']} cœurs"
    )
    print("| Recherche | Articles trouvés | Tri | 1re requête ms | médiane ms | max ms | médiane CPU ms |")
    print("|---|---:|---|---:|---:|---:|---:|")
    for row in rows:
        print(
            f"| « {row['query']} » | {frequencies[row['query']]} | {row['order']} "
            f"| {row['first_ms']} | {row['median_ms']} | {row['max_ms']} | {row['median_cpu_ms']} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
