"""manchette stats on a generated access log (JSON lines, as accesslog.py writes them) and the view counter's rows:
each figure checked against what the lines say, bad lines counted, limits on memory, refusals in French."""

import datetime
import gzip
import io
import json
import sys
import tracemalloc

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from manchette.edge.models import PageViews
from manchette.news.tests.factories import ArticleFactory, SectionFactory
from manchette.operations import stats

DAY = "2026-03-10"  # Brussels is at UTC+1 that day
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0"
CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36"
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
CURL = "curl/8.0.1"


def line(time, ip, path, status=200, cache="", agent=FIREFOX):
    return json.dumps({
        "time": time, "ip": ip, "method": "GET", "path": path, "status": status, "bytes": 1234, "duration_ms": 0.8,
        "cache": cache, "user_agent": agent, "referer": "",
    })


IN_THE_DAY = [
    *[line("2026-03-10T10:00:01.000+01:00", "10.0.0.1", "/belgique/budget/", cache="HIT")] * 3,
    line("2026-03-10T10:05:00.000+01:00", "10.0.0.2", "/belgique/budget/", cache="MISS"),
    line("2026-03-10T11:00:00.000+01:00", "10.0.0.1", "/sciences/sante/urgences/", cache="HIT"),
    line("2026-03-10T11:00:00.000+01:00", "10.0.0.1", "/sciences/", cache="PASS", agent=CHROME),
    line("2026-03-10T12:00:00.000+01:00", "10.0.0.9", "/belgique/", cache="HIT", agent=GOOGLEBOT),
    line("2026-03-10T12:00:00.000+01:00", "10.0.0.2", "/", cache="HIT"),
    line("2026-03-10T12:00:00.000+01:00", "10.0.0.2", "/static/site.css"),
    # A load balancer's polls are nobody's reading, and a 503 there is no fault of the site's: left out.
    line("2026-03-10T12:00:00.000+01:00", "10.0.0.254", "/sante/pret/", status=503, agent="kube-probe/1.31"),
    line("2026-03-10T12:00:01.000+01:00", "10.0.0.254", "/sante/", agent="ELB-HealthChecker/2.0"),
    *[line("2026-03-10T13:00:00.000+01:00", "10.0.0.3", "/recherche/?q=budget", status=500)] * 2,
    line("2026-03-10T13:00:00.000+01:00", "10.0.0.3", "/belgique/budget/", status=502),
    *[line("2026-03-10T14:00:00.000+01:00", "10.0.0.4", "/nope/", status=404, agent=CURL)] * 3,
    line("2026-03-10T14:00:00.000+01:00", "10.0.0.4", "/belgique/inconnu/", status=404, cache="MISS"),
    # In UTC, and percent-encoded as the client sent it: santé is not the section's slug (sante), so it is Sciences'.
    line("2026-03-10T22:30:00Z", "10.0.0.5", "/sciences/sant%C3%A9/", cache="MISS"),
]
OUTSIDE = [
    line("2026-03-09T23:59:59.999+01:00", "10.0.0.1", "/belgique/budget/", cache="HIT"),
    line("2026-03-11T00:00:00.000+01:00", "10.0.0.1", "/belgique/budget/", cache="HIT"),
]
BAD = [
    "pas du JSON",
    "[1, 2]",
    '"une chaîne"',
    '{"time": "2026-03-10T10:00:00+01:00", "path": "/x/"}',  # no status
    json.dumps({"time": "2026-03-10T10:00:00+01:00", "path": "/x/", "status": "200"}),  # status as text
    json.dumps({"time": "2026-03-10T10:00:00", "path": "/x/", "status": 200}),  # no offset
    json.dumps({"time": "hier", "path": "/x/", "status": 200}),
]


@pytest.fixture
def newspaper(home):
    """Three sections, three articles, and the view counter's rows around DAY."""
    belgique = SectionFactory(parent=home, title="Belgique", slug="belgique")
    sciences = SectionFactory(parent=home, title="Sciences", slug="sciences")
    sante = SectionFactory(parent=sciences, title="Santé", slug="sante")
    budget = ArticleFactory(parent=belgique, title="Le budget communal adopté", slug="budget")
    urgences = ArticleFactory(parent=sante, title="Les urgences sous tension", slug="urgences")
    eclipse = ArticleFactory(parent=sciences, title="Une éclipse visible ce soir", slug="eclipse")

    def views(page, utc_hour, count):
        PageViews.objects.create(page_id=page.pk, hour=datetime.datetime.fromisoformat(utc_hour), views=count)

    views(budget, "2026-03-10T09:00Z", 50)  # 10 h in Brussels
    views(budget, "2026-03-10T22:00Z", 5)  # 23 h
    views(urgences, "2026-03-10T21:00Z", 30)  # 22 h
    views(urgences, "2026-03-10T22:00Z", 20)
    views(eclipse, "2026-03-09T22:00Z", 1000)  # 23 h the day before
    views(eclipse, "2026-03-10T23:00Z", 1000)  # midnight, the day after
    views(belgique, "2026-03-10T12:00Z", 500)  # a section, not an article
    return belgique


@pytest.fixture
def log(tmp_path):
    """The lines in two files, the second gzipped (logrotate's yesterday), bad lines among them."""
    first, second = tmp_path / "access.log", tmp_path / "access.log.1.gz"
    lines = [OUTSIDE[0], *IN_THE_DAY[:8], *BAD, *IN_THE_DAY[8:], OUTSIDE[1]]
    first.write_text("\n".join(lines[:10]) + "\n")
    with gzip.open(second, "wb") as compressed:
        compressed.write(("\n".join(lines[10:]) + "\n").encode() + b"\xff\xfe{}\n")  # and one line not even UTF-8
    return [str(first), str(second)]


def run(*args):
    out = io.StringIO()
    call_command("stats", *args, stdout=out)
    return out.getvalue()


def report(log, *args):
    return json.loads(run("--date", DAY, "--json", *[arg for path in log for arg in ("--log", path)], *args))


def test_the_day_in_figures(newspaper, log):
    figures = report(log, "--hours", "2")
    assert (figures["jour"], figures["debut"], figures["fin"]) == (DAY, "2026-03-10T00:00:00+01:00", "2026-03-11T00:00:00+01:00")
    assert (figures["lignes_lues"], figures["lignes_illisibles"], figures["requetes"]) == (29, 8, 17)
    assert figures["lecteurs"] == 6  # two browsers at one address are two readers; robots are none
    assert figures["plus_lus_du_jour"] == [
        {"titre": "Le budget communal adopté", "chemin": "/belgique/budget/", "lectures": 55},
        {"titre": "Les urgences sous tension", "chemin": "/sciences/sante/urgences/", "lectures": 50},
    ]
    assert figures["heures_recentes"] == 2
    assert [(a["titre"], a["lectures"]) for a in figures["plus_lus_recents"]] == [
        ("Les urgences sous tension", 50), ("Le budget communal adopté", 5),
    ]
    assert {(s["rubrique"], s["chemin"]): (s["requetes"], s["lecteurs"]) for s in figures["rubriques"]} == {
        ("Belgique", "/belgique/"): (7, 4),
        ("Ailleurs (fil info, recherche, fichiers…)", None): (6, 2),
        ("Sciences", "/sciences/"): (2, 2),
        ("Santé", "/sciences/sante/"): (1, 1),
        ("La une", None): (1, 1),
    }
    assert figures["rubriques"][0]["rubrique"] == "Belgique"  # most requested first
    assert figures["erreurs"] == {
        "5xx": {"total": 3, "chemins": [{"chemin": "/recherche/", "nombre": 2}, {"chemin": "/belgique/budget/", "nombre": 1}]},
        "4xx": {"total": 4, "chemins": [{"chemin": "/nope/", "nombre": 3}, {"chemin": "/belgique/inconnu/", "nombre": 1}]},
    }
    assert figures["cache"] == {"HIT": 6, "MISS": 3, "PASS": 1, "taux": 0.6}


def test_the_last_hour_by_default(newspaper, log):
    figures = report(log)
    assert figures["heures_recentes"] == 1
    assert [(a["titre"], a["lectures"]) for a in figures["plus_lus_recents"]] == [
        ("Les urgences sous tension", 20), ("Le budget communal adopté", 5),
    ]


def test_the_report_in_french(newspaper, log):
    text = run("--date", DAY, "--log", log[0], "--log", log[1])
    assert text.startswith("Chiffres du mardi 10 mars 2026\n")
    assert "Journal d’accès\u00a0: 29 lignes lues, 8 illisibles (ignorées), 17 requêtes dans la période." in text
    assert "Les plus lus du jour (compteur de lectures, à l’heure près)\n   1. Le budget communal adopté — 55 (/belgique/budget/)\n" in text
    assert "Les plus lus de la dernière heure" in text
    assert "  Belgique (/belgique/)\u00a0: 7, 4\n" in text
    assert "  5xx\u00a0: 3\n    /recherche/\u00a0: 2\n" in text
    assert "Cache\u00a0: 60,0\u00a0% des pages servies par le cache (HIT 6, MISS 3, PASS 1)." in text


def test_today_by_default_up_to_now(newspaper, log):
    figures = json.loads(run("--json", "--log", log[0]))
    today = timezone.localdate().isoformat()
    assert figures["jour"] == today and figures["requetes"] == 0
    assert figures["fin"][:10] == today
    assert figures["cache"]["taux"] is None
    text = run("--log", log[0])
    assert "aucune page servie dans la période" in text
    assert "\u00a0: 10 lignes lues, 1 illisible (ignorée), " in text  # 0 takes the singular once the catalogue has it


def test_the_log_read_from_standard_input(newspaper, monkeypatch):
    stdin = io.TextIOWrapper(io.BytesIO(("\n".join(IN_THE_DAY) + "\n").encode()))
    monkeypatch.setattr(sys, "stdin", stdin)
    assert report(["-"])["requetes"] == 17


def test_the_configured_log_is_read_unless_it_names_no_file(newspaper, log, settings):
    settings.ACCESS_LOG = log[0]
    assert json.loads(run("--date", DAY, "--json"))["lignes_lues"] == 10
    for value in ("-", "off", ""):
        settings.ACCESS_LOG = value
        with pytest.raises(CommandError, match="Aucun fichier de journal à lire\u00a0: ACCESS_LOG vaut"):
            run("--date", DAY)


@pytest.mark.parametrize(("args", "message"), [
    (["--date", "10/03/2026"], "Date invalide\u00a0: «\u00a010/03/2026\u00a0» (attendu\u00a0: AAAA-MM-JJ)."),
    (["--date", "2026-02-30"], "Date invalide"),
    (["--hours", "0"], "--hours attend un nombre d’heures de 1 à 24, pas «\u00a00\u00a0»."),
    (["--hours", "25"], "de 1 à 24"),
    (["--hours", "une"], "de 1 à 24"),
    (["--log", "/nulle/part/access.log"], "Journal d’accès illisible\u00a0: /nulle/part/access.log"),
    (["--log", "/tmp"], "Journal d’accès illisible\u00a0: /tmp"),
])
def test_refusals_say_why_in_french(db, args, message):
    with pytest.raises(CommandError) as refused:
        run("--log", "/dev/null", *args)
    assert message in str(refused.value)


def test_a_scanners_thousands_of_paths_keep_memory_bounded_and_the_true_top_on_top(db, tmp_path):
    path = tmp_path / "scan.log"
    with path.open("w") as out:
        for number in range(40_000):
            out.write(line("2026-03-10T03:00:00+01:00", "192.0.2.7", f"/wp-admin/{number}.php", status=404, agent=CURL) + "\n")
            if number % 20 == 0:
                out.write(line("2026-03-10T03:00:00+01:00", "192.0.2.8", "/ancienne-adresse/", status=404) + "\n")
    tally = stats.Tally(stats.period(datetime.date.fromisoformat(DAY)), stats.Sections())
    tracemalloc.start()
    try:
        with stats.open_log(str(path)) as stream:
            tally.read(stream)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 * 2**20  # about 2 MiB: the remembered paths and the error paths, both capped
    errors = tally.errors["4xx"]
    assert errors.total == 42_000
    assert len(errors.paths) <= stats.ERROR_PATHS
    assert errors.paths.most_common(1) == [("/ancienne-adresse/", 2_000)]


@pytest.mark.parametrize("count", [1, 100, 5_000, 200_000])
def test_distinct_readers_are_estimated_closely(count):
    readers = stats.DistinctCount()
    for number in range(count):
        readers.add(f"10.{number // 65536}.{number // 256 % 256}.{number % 256}\x00{FIREFOX}".encode())
        readers.add(f"10.{number // 65536}.{number // 256 % 256}.{number % 256}\x00{FIREFOX}".encode())  # seen twice
    assert abs(len(readers) - count) <= max(1, 0.02 * count)
    assert len(readers.registers) == 16_384  # whatever the count
