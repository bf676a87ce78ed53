"""The metrics of a real `manchette serve`, scraped and read with prometheus-client's own parser."""

import socket
import time
import urllib.error
import urllib.request

import pytest
from django.db import transaction
from prometheus_client.parser import text_string_to_metric_families

from manchette.live import log
from manchette.news.tests.factories import ArticleFactory, SectionFactory
from manchette.testing.servers import free_port

pytestmark = pytest.mark.django_db(transaction=True)

PATH = "/belgique/budget/"
WAIT_SECONDS = 15
TOKEN = "jeton-de-l-exploitation"


@pytest.fixture
def article(home):
    return ArticleFactory(parent=SectionFactory(title="Belgique", slug="belgique"), slug="budget", title="Le budget")


def get(url, **headers):
    """(status, headers, body) of URL, errors included."""
    try:
        response = urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30)
    except urllib.error.HTTPError as error:
        response = error
    with response:
        return response.status, response.headers, response.read()


class Scraper:
    def __init__(self, url, **headers):
        self.url = url
        self.headers = headers

    def __call__(self):
        status, _, body = get(self.url, **self.headers)
        assert status == 200, body
        return Sample({family.name: family for family in text_string_to_metric_families(body.decode())})

    def until(self, condition):
        """The first scrape for which CONDITION(sample) holds (processes fold their counts every 20 ms to 1 s)."""
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            sample = self()
            if condition(sample):
                return sample
            assert time.monotonic() < deadline, f"not after {WAIT_SECONDS} s"
            time.sleep(0.1)


class Sample(dict):
    def __call__(self, name, sample=None, **labels):
        family = self.get(name)
        if family is None:
            return 0.0
        return sum(s.value for s in family.samples if s.name == (sample or name) and s.labels == labels)


def requests(sample, family, code):
    return sample("manchette_http_requests", "manchette_http_requests_total", family=family, code=code)


def test_counters_move_as_a_real_server_answers(article, servers):
    port = free_port()
    server = servers(workers=2, METRICS_ADDRESS=f"127.0.0.1:{port}", ACCESS_LOG="off")
    scrape = Scraper(f"http://127.0.0.1:{port}/metrics")
    before = scrape()
    answers = [get(server.url + PATH)[1]["X-Cache"] for _ in range(20)]
    assert get(server.url + "/belgique/introuvable/")[0] == 404
    status, headers, _ = get(server.url + "/")
    assert status == 200
    answers.append(headers["X-Cache"])
    after = scrape.until(lambda sample: requests(sample, "article", "404") > requests(before, "article", "404")
                         and requests(sample, "front", "200") > requests(before, "front", "200"))
    assert requests(after, "article", "200") - requests(before, "article", "200") == 20
    assert requests(after, "article", "404") - requests(before, "article", "404") == 1
    hits = after("manchette_edge_cache_hits", "manchette_edge_cache_hits_total", kind="page")
    misses = after("manchette_edge_cache_misses", "manchette_edge_cache_misses_total", kind="page")
    # A page put together from blocks the edge held is the edge's too.
    served = answers.count("HIT") + answers.count("ASSEMBLED")
    assert hits - before("manchette_edge_cache_hits", "manchette_edge_cache_hits_total", kind="page") == served
    assert misses - before("manchette_edge_cache_misses", "manchette_edge_cache_misses_total", kind="page") >= 2
    rendered = after("manchette_render_seconds", "manchette_render_seconds_count", family="article")
    assert rendered - before("manchette_render_seconds", "manchette_render_seconds_count", family="article") >= 2
    scrape.until(lambda sample: sample("manchette_edge_cache_entries") >= 2)
    assert "manchette_tasks_running" in after and "manchette_comments_held" in after
    assert all("belgique" not in str(s.labels) for family in after.values() for s in family.samples), "never by path"


def test_live_streams_and_their_events_are_counted(home, servers):
    port = free_port()
    server = servers(METRICS_ADDRESS=f"127.0.0.1:{port}", ACCESS_LOG="off")
    scrape = Scraper(f"http://127.0.0.1:{port}/metrics")
    stream = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    try:
        stream.sendall(b"GET /direct/?sujets=filinfo HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
        assert stream.recv(4096).startswith(b"HTTP/1.1 200")
        before = scrape.until(lambda sample: sample("manchette_live_streams") == 1)
        with transaction.atomic():
            log.append("filinfo", "depeche-1", "upsert", {"key": "depeche-1", "block": "Un train à l’arrêt"})
        delivered = "manchette_live_events_delivered", "manchette_live_events_delivered_total"
        scrape.until(lambda sample: sample(*delivered) == before(*delivered) + 1)
    finally:
        stream.close()
    scrape.until(lambda sample: sample("manchette_live_streams") == 0)


def test_the_metrics_refuse_the_public(article, servers):
    port = free_port()
    server = servers(METRICS_ADDRESS=f"127.0.0.1:{port}", METRICS_TOKEN=TOKEN, METRICS_PATH="/_exploitation/metriques")
    listener = f"http://127.0.0.1:{port}/metrics"
    assert get(listener)[0] == 401
    assert get(listener, Authorization="Bearer pas-le-bon")[0] == 401
    assert "manchette_tasks_running" in Scraper(listener, Authorization=f"Bearer {TOKEN}")()
    on_site = server.url + "/_exploitation/metriques"
    status, headers, body = get(on_site)
    assert (status, body.decode()) == (403, "Accès réservé à l’exploitation.\n")
    for _ in range(2):  # never kept by the edge
        status, headers, body = get(on_site, Authorization=f"Bearer {TOKEN}")
        assert status == 200 and headers["Cache-Control"] == "no-store" and "X-Cache" not in headers
        assert "manchette_tasks_running" in {family.name for family in text_string_to_metric_families(body.decode())}
    assert get(server.url + "/metrics")[0] == 404, "the site itself serves no metrics"
