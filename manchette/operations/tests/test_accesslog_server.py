"""The access log of a real `manchette serve`: a line for every request, those the fast path answers included."""

import json
import re
import time
import urllib.error
import urllib.request

import pytest

from manchette.news.tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db(transaction=True)

PATH = "/belgique/budget/"
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
WAIT_SECONDS = 15


@pytest.fixture
def article(home):
    return ArticleFactory(parent=SectionFactory(title="Belgique", slug="belgique"), slug="budget", title="Le budget")


def get(url, method="GET", **headers):
    """(status, headers, body) of URL, errors included."""
    request = urllib.request.Request(url, method=method, headers=headers)
    try:
        response = urllib.request.urlopen(request, timeout=30)
    except urllib.error.HTTPError as error:
        response = error
    with response:
        return response.status, response.headers, response.read()


def lines_of(read, count):
    """The first COUNT lines READ() gives once there are as many (the log is written in batches)."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        lines = read()
        if len(lines) >= count:
            return lines
        assert time.monotonic() < deadline, f"{len(lines)} lines after {WAIT_SECONDS} s, {count} expected: {lines}"
        time.sleep(0.05)


def json_lines(path):
    return lambda: [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def test_every_request_has_its_json_line_fast_path_and_django_alike(article, servers, tmp_path):
    log = tmp_path / "access.log"
    server = servers(ACCESS_LOG=log, METRICS_ADDRESS="off")
    url = server.url + PATH
    miss = get(url + "?utm_source=lettre", **{"User-Agent": FIREFOX, "Referer": "https://exemple.be/une"})
    hit = get(url + "?utm_source=lettre", **{"User-Agent": FIREFOX, "Referer": "https://exemple.be/une"})
    assert (miss[1]["X-Cache"], hit[1]["X-Cache"]) == ("MISS", "HIT")
    head = get(url, method="HEAD")
    not_modified = get(url, **{"If-None-Match": hit[1]["ETag"]})
    staff = get(url, Cookie="manchette_equipe=1")
    missing = get(server.url + "/belgique/introuvable/")
    stylesheet = re.search(r'"(/static/[^"]+\.css)"', miss[2].decode())[1]
    static = get(server.url + stylesheet)
    lines = lines_of(json_lines(log), 7)
    assert [(line["path"], line["status"], line["cache"]) for line in lines] == [
        (PATH + "?utm_source=lettre", 200, "MISS"),
        (PATH + "?utm_source=lettre", 200, "HIT"),
        (PATH, 200, "HIT"),
        (PATH, 304, "HIT"),
        (PATH, 200, "PASS"),
        ("/belgique/introuvable/", 404, "MISS"),
        (stylesheet, 200, ""),
    ]
    assert [line["bytes"] for line in lines] == [
        len(miss[2]), len(hit[2]), 0, 0, len(staff[2]), len(missing[2]), len(static[2]),
    ]
    assert head[0] == 200 and not_modified[0] == 304
    for line in lines[:2]:
        assert (line["user_agent"], line["referer"], line["method"], line["ip"]) == (
            FIREFOX, "https://exemple.be/une", "GET", "127.0.0.1"
        )
        assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert lines[2]["method"] == "HEAD"
    assert lines[0]["duration_ms"] > lines[1]["duration_ms"], "Django's render takes longer than a hit"


def test_the_readers_address_comes_from_a_trusted_proxy_only(article, servers, tmp_path):
    forwarded = {"X-Forwarded-For": "203.0.113.9"}
    behind = servers(ACCESS_LOG=tmp_path / "behind.log", METRICS_ADDRESS="off", TRUSTED_PROXIES="127.0.0.1")
    exposed = servers(ACCESS_LOG=tmp_path / "exposed.log", METRICS_ADDRESS="off")
    for server in (behind, exposed):
        assert [get(server.url + PATH, **forwarded)[1]["X-Cache"] for _ in range(2)] == ["MISS", "HIT"]
    behind_lines = lines_of(json_lines(tmp_path / "behind.log"), 2)
    exposed_lines = lines_of(json_lines(tmp_path / "exposed.log"), 2)
    assert [(line["cache"], line["ip"]) for line in behind_lines] == [("MISS", "203.0.113.9"), ("HIT", "203.0.113.9")]
    assert [(line["cache"], line["ip"]) for line in exposed_lines] == [("MISS", "127.0.0.1"), ("HIT", "127.0.0.1")]


COMBINED = re.compile(r'^127\.0\.0\.1 - - \[[^]]+\] "GET /belgique/budget/ HTTP/1\.1" 200 (\d+) "-" "(.*)"$', re.M)


def test_the_combined_format_goes_to_stdout_by_default(article, servers):
    server = servers(ACCESS_LOG_FORMAT="combined", METRICS_ADDRESS="off")
    bodies = [get(server.url + PATH, **{"User-Agent": 'Robot "guillemets" \\ é'.encode().decode("latin-1")})[2] for _ in range(2)]
    found = lines_of(lambda: COMBINED.findall(server.log()), 2)
    assert found == [(str(len(bodies[0])), r"Robot \x22guillemets\x22 \x5C \xC3\xA9")] * 2


def test_a_request_the_server_refuses_is_logged_too(servers, tmp_path, db):
    log = tmp_path / "access.log"
    server = servers(ACCESS_LOG=log, METRICS_ADDRESS="off", HTTP_MAX_URL_BYTES=100)
    assert get(server.url + "/" + "x" * 200)[0] == 414
    [line] = lines_of(json_lines(log), 1)
    assert (line["status"], line["bytes"], line["cache"]) == (414, 0, "")
    assert line["path"].startswith("/xxx")
