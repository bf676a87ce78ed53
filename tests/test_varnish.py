"""Debian's Varnish in front of `manchette serve`, with the configuration shipped in deploy/varnish/: readers
get pages from Varnish, a correction reaches them at once (Varnish is purged by key), nothing personal is
kept there, and the live stream passes through.

Varnish starts first, on a free port, with the shipped VCL pointed at the port `manchette serve` then takes.
A cached answer from Varnish says so in X-Varnish (two ids: this request's and the one that fetched it).
"""

import json
import shutil
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from manchette.edge import varnish as purges
from manchette.edge.tests.test_servers import logged_in
from manchette.edge.versions import EVERYTHING
from manchette.filinfo.tests.factories import publish_dispatch
from manchette.news.tests.factories import ArticleFactory, SectionFactory, publish
from manchette.testing import servers
from manchette.testing.pytest_plugin import server_fixture, serving_env

# The servers read what the test commits.
served = pytest.mark.django_db(transaction=True)

REPO = Path(__file__).resolve().parents[1]
VCL = REPO / "deploy" / "varnish" / "manchette.vcl"
WIRE_SAMPLES = REPO / "manchette" / "wires" / "tests" / "samples"
VARNISHD = shutil.which("varnishd") or shutil.which("varnishd", path="/usr/sbin")
PATH = "/belgique/budget/"
TITLE = "Le conseil communal adopte le budget"
CORRECTED = "Le conseil communal adopte le budget rectifié"
AT_ONCE = 2  # seconds: what « at once » may take, purge included


def vcl_for(backend_port):
    """The shipped VCL, its backend on BACKEND_PORT (the only change a test makes)."""
    text = VCL.read_text()
    assert text.count('.port = "8000";') == 1
    return text.replace('.port = "8000";', f'.port = "{backend_port}";')


def missing_varnish():
    """Why Varnish cannot run here, or None."""
    if VARNISHD is None:
        return "varnishd absent : scripts/install.sh installe les paquets Debian varnish et varnish-modules"
    compiled = subprocess.run([VARNISHD, "-C", "-f", str(VCL)], capture_output=True, text=True, timeout=60)
    if compiled.returncode != 0:
        if "xkey" in compiled.stderr:
            return "le vmod xkey manque : scripts/install.sh installe le paquet Debian varnish-modules"
        pytest.fail(f"deploy/varnish/manchette.vcl does not compile:\n{compiled.stderr[-2000:]}")
    return None


class Varnish(servers.Server):
    """varnishd in the foreground, its working folder, log and VCL in FOLDER, listening on a free port."""

    def __init__(self, folder, backend_port):
        self.folder = Path(folder)
        self.port = servers.free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = self.folder / f"varnishd-{self.port}.log"
        self.vcl = self.folder / "manchette.vcl"
        self.vcl.write_text(vcl_for(backend_port))

    def command(self):
        # -j none: no privilege separation, so the test's own user can read the test's folders.
        return [VARNISHD, "-F", "-j", "none", "-n", str(self.folder / "varnish"), "-a", f"127.0.0.1:{self.port}",
                "-f", str(self.vcl), "-s", "malloc,64m", "-T", "none", "-p", "vsl_space=1m"]

    def wait(self):
        servers.wait_for_port(self.port, self.process, self.log)
        return self


@server_fixture
def front(tmp_path, settings, home):
    """(varnish, server): Varnish started first, then `manchette serve` behind it, both purging it."""
    reason = missing_varnish()
    if reason:
        pytest.skip(reason)
    backend_port = servers.free_port()
    cache = Varnish(tmp_path, backend_port).start()
    server = servers.ManchetteServer(serving_env(VARNISH_PURGE_URLS=cache.url), tmp_path, port=backend_port)
    try:
        server.start()
        # Changes made by this test process purge the same Varnish.
        settings.VARNISH_PURGE_URLS = [cache.url]
        yield cache, server
    finally:
        purges.forget([cache.url])
        server.stop()
        cache.stop()


class Answer:
    def __init__(self, url, cookie=None, method="GET", body=None, headers=None):
        headers = {**({"Cookie": cookie} if cookie else {}), **(headers or {})}
        request = urllib.request.Request(url, data=body, headers=headers, method=method)
        opener = urllib.request.build_opener(NoRedirect)
        try:
            response = opener.open(request, timeout=30)
        except urllib.error.HTTPError as error:
            response = error
        with response:
            self.status = response.status
            self.headers = response.headers
            self.body = response.read()
            self.text = self.body.decode(errors="replace")

    @property
    def varnish_hit(self):
        """X-Varnish holds two ids on a hit (this request's, the fetch's), one otherwise."""
        return len(self.headers["X-Varnish"].split()) == 2


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture
def article(home):
    return ArticleFactory(parent=SectionFactory(title="Belgique", slug="belgique"), slug="budget", title=TITLE)


def until(condition, what, timeout=AT_ONCE):
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        assert time.monotonic() < deadline, f"{what}: not within {timeout} s"
        time.sleep(0.02)
    return result


@served
def test_readers_get_the_page_from_varnish_and_a_correction_at_once(article, front, staff):
    cache, _server = front
    first, second = Answer(cache.url + PATH), Answer(cache.url + PATH)
    assert first.status == second.status == 200 and TITLE in second.text
    assert not first.varnish_hit and second.varnish_hit
    assert second.headers["X-Cache"] == "HIT (varnish)" and "Age" in second.headers
    assert "Surrogate-Key" not in second.headers and "xkey" not in second.headers
    assert "cookie" not in second.headers.get("Vary", "").lower()

    article.title = CORRECTED
    publish(article, user=staff["editor"])
    answer = until(lambda: (a := Answer(cache.url + PATH)) and CORRECTED in a.text and a, "the correction through Varnish")
    assert not answer.varnish_hit
    assert Answer(cache.url + PATH).varnish_hit, "the corrected page is kept again"


@served
def test_the_pages_listing_a_corrected_article_are_purged_too_and_no_other(article, front, staff, monkeypatch):
    cache, _server = front
    # Publishing the other article purges its keys once more 2 s later (varnish.py): not while this test looks.
    monkeypatch.setattr(purges, "AGAIN_SECONDS", 0)
    other = ArticleFactory(parent=SectionFactory(title="Monde", slug="monde"), slug="sommet", title="Sommet à Bruxelles")
    publish(other)
    # Every page shows the fil info, where the article is: the other section's feed does not.
    pages = ["/belgique/", "/monde/rss/"]
    for page in pages:
        Answer(cache.url + page)
        assert Answer(cache.url + page).varnish_hit
    article.title = CORRECTED
    publish(article, user=staff["editor"])
    until(lambda: CORRECTED in Answer(cache.url + "/belgique/").text, "the section's list corrected")
    assert Answer(cache.url + "/monde/rss/").varnish_hit, "a page that does not show the article stayed"


@served
def test_a_correction_made_on_the_server_purges_varnish_from_there(front, settings):
    """An agency corrects a dispatch through the API: the server process itself purges Varnish."""
    from manchette.filinfo.models import Dispatch
    from manchette.wires.models import WireSource

    cache, _server = front
    settings.VARNISH_PURGE_URLS = []  # nothing purged from this process
    agency = WireSource.objects.create(name="Presse Sambre-et-Meuse", slug="psm", publish_immediately=True)
    token = agency.generate_token()

    def send(sample):
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        answer = Answer(cache.url + "/api/depeches/", method="POST", body=(WIRE_SAMPLES / sample).read_bytes(), headers=headers)
        assert answer.status in (200, 201), answer.text
        return json.loads(answer.text)["resultats"][0]

    dispatch = Dispatch.objects.get(pk=send("valid/2x_greve_tec.json")["depeche"])
    first = cache.url + dispatch.get_absolute_url()
    assert "aucun bus ne circule" in Answer(first).text and Answer(first).varnish_hit
    assert send("updates/greve_tec_v2.json")["resultat"] == "mise_a_jour"
    # The new headline gives the dispatch a new address; the one readers had sends them there at once.
    dispatch.refresh_from_db()
    corrected = dispatch.get_absolute_url()
    assert cache.url + corrected != first
    until(lambda: Answer(first).headers.get("Location") == corrected, "the old address purged from Varnish")
    assert "les bus reprennent" in Answer(cache.url + corrected).text


@served
def test_logged_in_readers_pass_through_and_never_see_each_others_name(article, front):
    cache, _server = front
    users = get_user_model().objects
    readers = [users.create_user(f"lecteur{n}", first_name=name, last_name="Lambert") for n, name in enumerate(("Aline", "Bruno"))]
    cookies = [logged_in(reader) for reader in readers]
    publish(article)
    me = f"{cache.url}/commentaires/{article.pk}/moi/"
    anonymous = [Answer(me) for _ in range(2)]
    assert [json.loads(a.text)["connecte"] for a in anonymous] == [False, False]
    for _ in range(2):
        for cookie, name in zip(cookies, ("Aline Lambert", "Bruno Lambert"), strict=True):
            answer = Answer(me, cookie=cookie)
            assert json.loads(answer.text)["nom"] == name
            assert not answer.varnish_hit
            page = Answer(cache.url + PATH, cookie=cookie)
            assert page.status == 200 and not page.varnish_hit
    assert not json.loads(Answer(me).text)["connecte"], "a reader's answer was kept for everyone"


@served
def test_answers_that_set_a_cookie_and_the_admin_are_never_kept(article, front, staff):
    cache, _server = front
    # The token of a shared form is looked up in Varnish like a page: it comes with its cookie, and is not kept.
    tokens = [Answer(cache.url + "/_jeton/") for _ in range(2)]
    assert all("csrftoken=" in t.headers["Set-Cookie"] and not t.varnish_hit for t in tokens)
    assert tokens[0].headers["Set-Cookie"] != tokens[1].headers["Set-Cookie"]
    assert json.loads(tokens[0].text)["jeton"] != json.loads(tokens[1].text)["jeton"]
    # Asked again with its cookie, the reader's own cookie reaches Manchette: the same secret, not kept.
    cookie = tokens[0].headers["Set-Cookie"].split(";")[0]
    again = Answer(cache.url + "/_jeton/", cookie=cookie)
    assert again.headers["Set-Cookie"].split(";")[0] == cookie and not again.varnish_hit
    editor = logged_in(staff["editor"], visit="/admin/")
    for _ in range(2):
        admin = Answer(cache.url + "/admin/", cookie=editor)
        assert admin.status == 200 and not admin.varnish_hit and "marc" in admin.text
    for _ in range(2):
        refused = Answer(cache.url + "/admin/")
        assert refused.status == 302 and not refused.varnish_hit


@served
def test_only_the_acl_and_the_purge_address_may_purge(front):
    """127.0.0.2 is the loopback too, but not in the VCL's ACL (127.0.0.1, ::1): refused."""
    cache, _server = front
    with socket.create_connection(("127.0.0.1", cache.port), timeout=10, source_address=("127.0.0.2", 0)) as client:
        client.sendall(b"PURGE / HTTP/1.1\r\nHost: 127.0.0.1\r\nxkey-purge: *\r\nConnection: close\r\n\r\n")
        assert read_until(client, b"\r\n").startswith(b"HTTP/1.1 403 ")


@served
def test_purging_everything_bans_every_page(article, front):
    cache, _server = front
    publish(article)
    for page in (PATH, "/belgique/"):
        Answer(cache.url + page)
        assert Answer(cache.url + page).varnish_hit
    purges.send(cache.url, "*")
    assert not any(Answer(cache.url + page).varnish_hit for page in (PATH, "/belgique/"))


@served
def test_the_live_stream_passes_through_as_it_comes(front):
    cache, _server = front
    with socket.create_connection(("127.0.0.1", cache.port), timeout=10) as stream:
        stream.sendall(f"GET /direct/?sujets=filinfo HTTP/1.1\r\nHost: 127.0.0.1:{cache.port}\r\n\r\n".encode())
        received = read_until(stream, b"retry:")
        assert b"text/event-stream" in received and b"X-Varnish" in received
        publish_dispatch("Coupure de courant à Namur")
        assert b"Coupure de courant" in read_until(stream, b"Coupure de courant", seconds=AT_ONCE)


def read_until(sock, expected, seconds=10):
    deadline = time.monotonic() + seconds
    data = b""
    while expected not in data:
        left = deadline - time.monotonic()
        assert left > 0, f"{expected!r} not received within {seconds} s: {data[-500:]!r}"
        sock.settimeout(left)
        chunk = sock.recv(65536)
        assert chunk, f"the stream ended before {expected!r}: {data[-500:]!r}"
        data += chunk
    return data


class Recorder(BaseHTTPRequestHandler):
    """Stands for Varnish: records each purge's keys; holds its first answer until `release` is set."""

    purges = None
    release = None

    def do_PURGE(self):
        self.purges.append(self.headers[purges.HEADER])
        self.release.wait(10)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def recorder():
    handler = type("Handler", (Recorder,), {"purges": [], "release": threading.Event()})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    handler.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield handler
    handler.release.set()
    server.shutdown()
    server.server_close()


def test_keys_queued_while_a_purge_is_on_its_way_go_together_then_all_again(recorder, monkeypatch):
    monkeypatch.setattr(purges, "AGAIN_SECONDS", 0.5)
    purger = purges.Purger((recorder.url,))
    purger.add(["page-1"])
    until(lambda: recorder.purges, "the first purge")
    purger.add(["page-2", "list-filinfo"])
    purger.add(["page-3"])
    recorder.release.set()
    assert purger.flush(AT_ONCE)
    assert recorder.purges[:2] == ["page-1", "list-filinfo page-2 page-3"]
    every = {"page-1", "page-2", "page-3", "list-filinfo"}
    until(lambda: set(" ".join(recorder.purges[2:]).split()) == every, "the purges sent again")
    purger.stop()


def test_a_long_list_of_keys_goes_in_parts_varnish_accepts(recorder):
    recorder.release.set()
    keys = [f"news.author-{n}" for n in range(2000)]
    purges.send(recorder.url, " ".join(keys))
    assert len(recorder.purges) > 1 and all(len(part) <= purges.MAX_HEADER for part in recorder.purges)
    assert sorted(" ".join(recorder.purges).split()) == sorted(keys)


def test_everything_is_one_word(recorder):
    recorder.release.set()
    purger = purges.Purger((recorder.url,))
    purger.add(["page-1", EVERYTHING])
    assert purger.flush(AT_ONCE) and recorder.purges == ["*"]
    purger.stop()


def test_a_varnish_that_does_not_answer_is_logged_and_publishing_goes_on(caplog):
    gone = f"http://127.0.0.1:{servers.free_port()}"
    purger = purges.Purger((gone,))
    started = time.monotonic()
    purger.add(["page-1"])
    assert time.monotonic() - started < 0.1, "the publisher waited for Varnish"
    assert purger.flush(AT_ONCE)
    assert f"Varnish {gone}: could not purge 1 key(s)" in caplog.text
    purger.stop()  # not again in 2 s, once this test's log is gone
    purger._thread.join(AT_ONCE)
    assert not purger._thread.is_alive()


def test_nothing_is_purged_without_varnish(settings):
    settings.VARNISH_PURGE_URLS = []
    purges.purge("page-1")
    assert () not in purges._purgers
