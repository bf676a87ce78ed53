"""Metrics without a server: route families, what the edge's invalidations count, what the database holds at a
scrape, the folder of dead processes, and who may read them (test_metrics_server.py scrapes real servers)."""

import asyncio
import datetime
import os
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from manchette.edge import invalidation
from manchette.news.tests.factories import ArticleFactory, SectionFactory, publish
from manchette.operations import metrics


def families(text):
    return {family.name: family for family in text_string_to_metric_families(text)}


def value(found, name, sample=None, **labels):
    """The value of sample SAMPLE (NAME by default) of family NAME with LABELS, or None."""
    for candidate in found[name].samples:
        if candidate.name == (sample or name) and candidate.labels == labels:
            return candidate.value
    return None


def scraped(tmp_path):
    return families(metrics.exposition(tmp_path / "metrics")[0].decode())


def counted(metric, sample, **labels):
    """What an in-process metric (instruments()) holds now."""
    for family in metric.collect():
        for candidate in family.samples:
            if candidate.name == sample and candidate.labels == labels:
                return candidate.value
    return 0.0


SECTIONS = frozenset({b"/belgique/", b"/belgique/bruxelles/", b"/monde/"})


@pytest.mark.parametrize(("path", "family"), [
    (b"/", "front"),
    (b"/belgique/", "section"),
    (b"/belgique/bruxelles/", "section"),
    (b"/belgique/le-budget-adopte/", "article"),
    (b"/belgique/bruxelles/un-tram/", "article"),
    (b"/belgique/rss/", "feed"),
    (b"/rss/", "feed"),
    (b"/sujet/inondations/atom/", "feed"),
    (b"/sitemap-news.xml", "feed"),
    (b"/sujet/inondations/", "section"),
    (b"/fil-info/", "section"),
    (b"/fil-info/12/un-accident-sur-la-e411/", "article"),
    (b"/fil-info/ninjs.json", "api"),
    (b"/api/depeches/", "api"),
    (b"/direct/", "live"),
    (b"/recherche/", "search"),
    (b"/admin/pages/3/", "admin"),
    (b"/static/news/site.0123abcd.css", "static"),
    (b"/media/images/photo.jpg", "static"),
    (b"/compte/login/", "other"),
    (b"/inconnu/page/", "other"),
    (b"/belgique/le-budget-adopte/commentaires/", "other"),
])
def test_a_request_is_counted_by_the_family_of_its_path(path, family):
    assert metrics.family_of(path, SECTIONS) == family


def test_families_are_never_more_than_the_ten_named():
    seen = {metrics.family_of(path, SECTIONS) for path in (b"/", b"/x", b"/%00", b"/" + b"a/" * 500, b"", b"//", b"/rss")}
    assert seen <= set(metrics.FAMILIES)


def test_the_sections_paths_come_from_the_tree(home):
    belgique = SectionFactory(title="Belgique", slug="belgique")
    SectionFactory(parent=belgique, title="Bruxelles", slug="bruxelles")
    assert metrics.section_paths() == {b"/belgique/", b"/belgique/bruxelles/"}
    found = metrics.Families(metrics.Sections())
    found.sections.paths = metrics.section_paths()
    assert found.of(b"/belgique/bruxelles/un-tram/?page=2") == "article"


def test_invalidations_are_counted_by_the_kind_of_their_keys():
    counters = metrics.instruments()
    before = {kind: counted(counters.invalidations, "manchette_edge_invalidations_total", kind=kind)
              for kind in ("page", "list", "news.author", "all")}
    metrics.invalidated(None, keys=["page-1", "page-2", "list-published", "news.author-7"])
    metrics.invalidated(None, keys=invalidation.EVERYTHING)
    after = {kind: counted(counters.invalidations, "manchette_edge_invalidations_total", kind=kind) for kind in before}
    assert {kind: after[kind] - before[kind] for kind in before} == {"page": 2, "list": 1, "news.author": 1, "all": 1}


@pytest.fixture
def observed():
    """The invalidated signal counted in this process (as `manchette serve` and `manchette worker` count it)."""
    invalidation.invalidated.connect(metrics.invalidated, dispatch_uid="test-metrics")
    yield metrics.instruments()
    invalidation.invalidated.disconnect(dispatch_uid="test-metrics")


def test_a_publication_is_visible_once_its_pages_are_stale(home, observed, django_capture_on_commit_callbacks):
    article = ArticleFactory(parent=SectionFactory(title="Belgique", slug="belgique"), title="Le budget")
    count = counted(observed.visible, "manchette_publish_visible_seconds_count")
    pages = counted(observed.invalidations, "manchette_edge_invalidations_total", kind="page")
    with django_capture_on_commit_callbacks(execute=True):
        publish(article)
    assert counted(observed.visible, "manchette_publish_visible_seconds_count") == count + 1
    assert counted(observed.invalidations, "manchette_edge_invalidations_total", kind="page") > pages


def test_a_scheduled_publication_counts_from_its_time(home, observed, django_capture_on_commit_callbacks):
    article = ArticleFactory(parent=SectionFactory(title="Belgique", slug="belgique"), title="Le budget", live=False)
    article.go_live_at = timezone.now() + datetime.timedelta(hours=1)
    revision = article.save_revision()
    revision.publish()
    revision.refresh_from_db()
    assert revision.approved_go_live_at is not None
    # The worker was away: the publication comes 90 seconds after its time.
    due = timezone.now() - datetime.timedelta(seconds=90)
    revision.approved_go_live_at = due
    revision.content["go_live_at"] = due.isoformat()
    revision.save(update_fields=["approved_go_live_at", "content"])
    total = counted(observed.visible, "manchette_publish_visible_seconds_sum")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("publish_scheduled", verbosity=0)
    assert 90 <= counted(observed.visible, "manchette_publish_visible_seconds_sum") - total < 150


def test_a_scrape_counts_comments_newsletters_and_tasks_in_the_database(home, django_user_model, tmp_path):
    from manchette.comments.models import Comment, Status
    from manchette.news.tasks import publish_scheduled_pages
    from manchette.newsletters.models import Delivery, DeliveryStatus, Edition, Newsletter, Subscriber

    article = ArticleFactory(parent=SectionFactory(title="Belgique", slug="belgique"))
    author = django_user_model.objects.create_user("claire", "claire@example.com", "motdepasse-solide")
    moderator = django_user_model.objects.create_user("sacha", "sacha@example.com", "motdepasse-solide")
    an_hour_ago = timezone.now() - datetime.timedelta(hours=1)
    Comment.objects.create(article=article, author=author, text="En attente", status=Status.PENDING, created_at=an_hour_ago)
    Comment.objects.create(article=article, author=author, text="Publié", status=Status.APPROVED, moderated_by=moderator)
    Comment.objects.create(article=article, author=author, text="Refusé", status=Status.REJECTED, moderated_by=moderator)
    Comment.objects.create(article=article, author=author, text="Ouvert", status=Status.APPROVED)
    edition = Edition.objects.create(newsletter=Newsletter.objects.create(name="Matin", slug="matin", description="…"),
                                     subject="Le matin")
    statuses = [(DeliveryStatus.SENT, 1), (DeliveryStatus.SENT, 1), (DeliveryStatus.BOUNCED, 1), (DeliveryStatus.QUEUED, 2),
                (DeliveryStatus.QUEUED, 0), (DeliveryStatus.FAILED, 5)]
    for number, (status, attempts) in enumerate(statuses):
        subscriber = Subscriber.objects.create(email=f"lecteur{number}@example.com")
        Delivery.objects.create(edition=edition, subscriber=subscriber, status=status, attempts=attempts)
    waiting = value(scraped(tmp_path), "manchette_tasks_ready", queue="default") or 0  # the newsroom's own, just made
    publish_scheduled_pages.using(run_after=timezone.now() - datetime.timedelta(minutes=10)).enqueue()
    found = scraped(tmp_path)
    assert value(found, "manchette_comments_posted", "manchette_comments_posted_total") == 4
    assert value(found, "manchette_comments_held") == 1
    assert 3590 < value(found, "manchette_comments_held_oldest_age_seconds") < 3700
    assert value(found, "manchette_comments_moderated", "manchette_comments_moderated_total", status="approved") == 1
    assert value(found, "manchette_comments_moderated", "manchette_comments_moderated_total", status="rejected") == 1
    assert value(found, "manchette_newsletter_messages_sent", "manchette_newsletter_messages_sent_total") == 2
    assert value(found, "manchette_newsletter_messages_bounced", "manchette_newsletter_messages_bounced_total") == 1
    assert value(found, "manchette_newsletter_messages_failed", "manchette_newsletter_messages_failed_total") == 1
    assert value(found, "manchette_newsletter_messages_deferred") == 1
    assert value(found, "manchette_newsletter_messages_waiting") == 1
    assert value(found, "manchette_tasks_ready", queue="default") == waiting + 1
    assert 590 < value(found, "manchette_tasks_oldest_ready_age_seconds", queue="default") < 700
    assert value(found, "manchette_tasks_running") == 0


def test_a_collector_that_fails_leaves_the_others(db, tmp_path, monkeypatch):
    def broken():
        raise RuntimeError("base indisponible")

    monkeypatch.setattr(metrics, "collectors", lambda: (("cassé", broken), ("operations", metrics.collect)))
    assert "manchette_tasks_running" in scraped(tmp_path)


def test_a_new_server_forgets_the_files_of_dead_processes(tmp_path):
    folder = tmp_path / "metrics"
    folder.mkdir()
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True)
    dead = int(gone.stdout)
    for name in (f"counter_{dead}.db", f"gauge_livesum_{dead}.db", f"counter_{os.getppid()}.db", "notes.db"):
        (folder / name).write_bytes(b"")
    metrics.clean(folder)
    assert sorted(path.name for path in folder.iterdir()) == [f"counter_{os.getppid()}.db"]


@pytest.mark.parametrize(("setting", "address"), [
    ("127.0.0.1:9108", ("127.0.0.1", 9108)),
    ("[::1]:9200", ("::1", 9200)),
    (":9300", ("127.0.0.1", 9300)),
    ("off", None),
    ("", None),
])
def test_the_listeners_address(settings, setting, address):
    settings.METRICS_ADDRESS = setting
    assert metrics.listener_address() == address


def test_the_listener_answers_on_its_address_and_a_taken_one_only_warns(db, settings, tmp_path, caplog):
    import urllib.request

    from manchette.testing.servers import free_port

    settings.METRICS_ADDRESS = f"127.0.0.1:{free_port()}"
    listener = metrics.listen(tmp_path)
    try:
        host, port = listener.server_address
        assert host == "127.0.0.1"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:
            assert "manchette_tasks_running" in families(response.read().decode())
        assert metrics.listen(tmp_path) is None
        assert "impossible d’écouter" in caplog.text
    finally:
        listener.shutdown()
        listener.server_close()


@pytest.mark.parametrize(("header", "allowed"), [
    ("Bearer s3cret-de-l-exploitation", True),
    ("bearer s3cret-de-l-exploitation", True),
    ("Bearer s3cret", False),
    ("Basic s3cret-de-l-exploitation", False),
    ("", False),
    (None, False),
])
def test_a_token_is_asked_as_a_bearer(header, allowed):
    assert metrics.authorised(header, "s3cret-de-l-exploitation") is allowed
    assert metrics.authorised(header, "") is False


class Sent(list):
    async def __call__(self, message):
        self.append(message)


def ask(layer, client="203.0.113.9", method="GET", headers=()):
    sent = Sent()
    scope = {"type": "http", "path": "/_metriques/", "method": method, "headers": list(headers), "client": (client, 1234)}
    asyncio.run(layer(scope, None, sent))
    return sent[0]["status"], sent[1]["body"]


async def site(scope, receive, send):
    raise AssertionError("the metrics' path never reaches the site")


def test_the_metrics_path_refuses_the_public_and_lets_operators_in(db, monkeypatch, tmp_path):
    monkeypatch.setattr(metrics, "scrape", lambda: (b"manchette_x 1\n", "text/plain; version=0.0.4"))
    layer = metrics.MetricsPath(site, "/_metriques/", token="s3cret", networks=["10.0.0.0/8"])
    assert ask(layer) == (403, "Accès réservé à l’exploitation.\n".encode())
    assert ask(layer, headers=[(b"authorization", b"Bearer faux")])[0] == 403
    assert ask(layer, headers=[(b"authorization", b"Bearer s3cret")]) == (200, b"manchette_x 1\n")
    assert ask(layer, client="10.1.2.3") == (200, b"manchette_x 1\n")
    assert ask(layer, client="10.1.2.3", method="POST")[0] == 405
    nobody = metrics.MetricsPath(site, "/_metriques/")
    assert ask(nobody, client="127.0.0.1")[0] == 403, "with neither token nor networks, nobody"
