"""Static files and media in front of Django (edge/files.py): served from the folders, everything else passed on.

The static folder is what a real collectstatic makes with the site's storage (of Manchette's own files:
Wagtail's would only add time): hashed names, and .br and .gz copies beside each file.
"""

import asyncio
import gzip
import json
import os
import re
from pathlib import Path

import brotli
import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import Client, override_settings

from manchette.edge.files import Folders

HASHED = re.compile(r"^filinfo/live\.[0-9a-f]{12}\.js$")
YEAR = "public, max-age=31536000, immutable"
SHORT = "public, max-age=300"
DECODE = {None: lambda body: body, "gzip": gzip.decompress, "br": brotli.decompress}


def collect_static(folder, sources=None):
    """collectstatic into FOLDER, as `manchette serve` runs it, of SOURCES (Manchette's apps' static folders)."""
    if sources is None:
        sources = [Path(app.path, "static") for app in apps.get_app_configs() if app.name.startswith("manchette.")]
        sources = [source for source in sources if source.is_dir()]
    with override_settings(
        STATIC_ROOT=folder, STATICFILES_DIRS=sources, SERVESTATIC_USE_BROTLI=True, SERVESTATIC_USE_GZIP=True,
        STATICFILES_FINDERS=["django.contrib.staticfiles.finders.FileSystemFinder"],
    ):
        call_command("collectstatic", interactive=False, verbosity=0)
    return json.loads(Path(folder, "staticfiles.json").read_text())["paths"]


class Django:
    """Stands where Django is: answers what the folders do not hold, and says it was asked."""

    def __init__(self):
        self.paths = []

    async def __call__(self, scope, receive, send):
        self.paths.append((scope["method"], scope["path"]))
        await send({"type": "http.response.start", "status": 404, "headers": [(b"content-type", b"text/html")]})
        await send({"type": "http.response.body", "body": b"Page introuvable"})


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    folder = tmp_path_factory.mktemp("collected") / "static"
    manifest = collect_static(folder)
    # Beside the static folder, never to be served from it.
    (folder.parent / "settings.py").write_text("SECRET_KEY = 'ne pas servir'")
    return folder, manifest


@pytest.fixture
def site(tmp_path, collected):
    static, _ = collected
    media = tmp_path / "media"
    (media / "images").mkdir(parents=True)
    (media / "images" / "une.webp").write_bytes(b"RIFF....WEBP")
    (tmp_path / "secret.txt").write_text("ne pas servir")
    django = Django()
    return Folders(django, static=("/static/", static), media=("/media/", media)), django


@pytest.fixture
def live_js(collected):
    """The hashed URL of live.js and its content."""
    static, manifest = collected
    return "/static/" + manifest["filinfo/live.js"], (static / "filinfo" / "live.js").read_bytes()


def call(app, path, method="GET", headers=()):
    messages = []
    requested = False

    async def receive():
        # As a server does: the request once, then nothing until the client goes.
        nonlocal requested
        if requested:
            await asyncio.Event().wait()
        requested = True
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        messages.append(message)

    scope = {"type": "http", "method": method, "path": path, "raw_path": path.encode(), "query_string": b"",
             "root_path": "", "headers": [(b"host", b"journal.example"), *headers]}
    asyncio.run(app(scope, receive, send))
    start = messages[0]
    headers = {name.decode().lower(): value.decode() for name, value in start["headers"]}
    return start["status"], headers, b"".join(m.get("body", b"") for m in messages[1:])


def test_collectstatic_writes_hashed_names_with_br_and_gz_copies(collected):
    static, manifest = collected
    assert HASHED.match(manifest["filinfo/live.js"])
    assert re.match(r"^manchette/site\.[0-9a-f]{12}\.css$", manifest["manchette/site.css"])
    source = (Path(apps.get_app_config("filinfo").path) / "static" / "filinfo" / "live.js").read_bytes()
    for name in ("filinfo/live.js", manifest["filinfo/live.js"]):
        assert (static / name).read_bytes() == source
        assert gzip.decompress((static / f"{name}.gz").read_bytes()) == source
        assert brotli.decompress((static / f"{name}.br").read_bytes()) == source
    # Images are compressed already.
    assert (static / manifest["manchette/logo.png"]).exists()
    assert not (static / f"{manifest['manchette/logo.png']}.br").exists()


def test_an_unchanged_file_keeps_its_copies_and_a_changed_one_gets_new_ones(tmp_path):
    sources, folder = tmp_path / "sources", tmp_path / "static"
    sources.mkdir()
    (sources / "stable.js").write_text("console.log('stable');\n" * 50)
    (sources / "changing.js").write_text("console.log('avant');\n" * 50)
    first = collect_static(folder, [sources])
    kept = [folder / "stable.js.br", folder / f"{first['stable.js']}.br", folder / f"{first['changing.js']}.br"]
    made = [path.stat().st_mtime_ns for path in kept]
    (sources / "changing.js").write_text("console.log('après');\n" * 50)
    os.utime(sources / "changing.js", (1e10, 1e10))  # newer than the collected file, as after a deploy
    second = collect_static(folder, [sources])
    assert [path.stat().st_mtime_ns for path in kept] == made
    new = (sources / "changing.js").read_bytes()
    for name in ("changing.js", second["changing.js"]):
        assert brotli.decompress((folder / f"{name}.br").read_bytes()) == new
        assert gzip.decompress((folder / f"{name}.gz").read_bytes()) == new


@pytest.mark.parametrize("accept, encoding", [
    ("br, gzip", "br"),
    ("gzip, deflate, br, zstd", "br"),  # what browsers send; no .zstd copy before Python 3.14
    ("gzip", "gzip"),
    ("br;q=0, gzip", "gzip"),
    ("br;q=0, gzip;q=0", None),
    ("identity", None),
    (None, None),
])
def test_the_reader_gets_the_smallest_copy_its_browser_accepts(site, live_js, accept, encoding):
    folders, django = site
    url, content = live_js
    status, headers, body = call(folders, url, headers=[(b"accept-encoding", accept.encode())] if accept else [])
    assert status == 200
    assert headers.get("content-encoding") == encoding
    assert DECODE[encoding](body) == content
    assert headers["content-length"] == str(len(body))
    assert headers["content-type"].startswith("text/javascript")
    assert headers["vary"] == "Accept-Encoding"
    assert django.paths == []


def test_a_hashed_name_is_cached_for_a_year_its_own_name_a_few_minutes(site, collected):
    folders, _ = site
    _, manifest = collected
    for name in ("manchette/site.css", "filinfo/filinfo.css", "filinfo/live.js", "manchette/logo.png"):
        status, headers, _ = call(folders, f"/static/{manifest[name]}")
        assert (status, headers["cache-control"], headers["x-content-type-options"]) == (200, YEAR, "nosniff")
        # Still asked for by pages rendered before a deploy: its content may change with the next one.
        status, headers, _ = call(folders, f"/static/{name}", headers=[(b"accept-encoding", b"br")])
        assert (status, headers["cache-control"]) == (200, SHORT)
        if name.endswith((".css", ".js")):
            assert headers["content-encoding"] == "br" and headers["vary"] == "Accept-Encoding"
        else:
            assert "content-encoding" not in headers and "vary" not in headers


def test_head_gets_the_headers_of_get_and_no_body(site, live_js):
    folders, _ = site
    url, _ = live_js
    for accept in (b"br", b"gzip", b""):
        _, get_headers, get_body = call(folders, url, headers=[(b"accept-encoding", accept)])
        status, headers, body = call(folders, url, method="HEAD", headers=[(b"accept-encoding", accept)])
        assert status == 200 and body == b""
        assert headers == get_headers and headers["content-length"] == str(len(get_body))


def test_a_reader_with_the_file_gets_304_and_a_range_gets_its_bytes(site, live_js):
    folders, _ = site
    url, content = live_js
    _, headers, _ = call(folders, url, headers=[(b"accept-encoding", b"br")])
    status, not_modified, body = call(folders, url, headers=[(b"if-none-match", headers["etag"].encode())])
    assert (status, body) == (304, b"")
    assert not_modified["cache-control"] == YEAR and not_modified["etag"] == headers["etag"]
    status, _, body = call(folders, url, headers=[(b"if-modified-since", headers["last-modified"].encode())])
    assert (status, body) == (304, b"")
    status, headers, body = call(folders, url, headers=[(b"range", b"bytes=0-9")])
    assert (status, body) == (206, content[:10])
    assert headers["content-range"] == f"bytes 0-9/{len(content)}"


@pytest.mark.parametrize("path", [
    "/static/../settings.py",  # as a server hands over /static/%2e%2e/settings.py, decoded
    "/static/filinfo/../../settings.py",
    "/static/./../settings.py",
    "/static/..\\settings.py",
    "/static//etc/passwd",
    "/static/%2e%2e/settings.py",  # encoded twice: a name, not a way out
    "/static/..%2fsettings.py",
])
def test_nothing_outside_the_static_folder_is_served(site, path):
    folders, django = site
    status, _, body = call(folders, path)
    assert (status, body) == (404, b"Page introuvable")
    assert django.paths == [("GET", path)]


def test_a_link_out_of_the_static_folder_is_not_followed(site, collected):
    folders, django = site
    static, _ = collected
    (static / "lien.py").symlink_to(static.parent / "settings.py")
    try:
        assert call(folders, "/static/lien.py")[0] == 404
    finally:
        (static / "lien.py").unlink()
    assert django.paths == [("GET", "/static/lien.py")]


def test_a_media_file_appearing_while_the_site_runs_is_served_for_a_day(site, tmp_path):
    folders, _ = site
    assert call(folders, "/media/images/rendu.webp")[0] == 404
    (tmp_path / "media" / "images" / "rendu.webp").write_bytes(b"RIFF..nouveau")
    status, headers, body = call(folders, "/media/images/rendu.webp")
    assert status == 200 and body == b"RIFF..nouveau"
    assert headers["cache-control"] == "public, max-age=86400"
    assert headers["x-content-type-options"] == "nosniff"
    assert "etag" in headers


def test_head_of_a_media_file_gets_no_body(site):
    status, headers, body = call(site[0], "/media/images/une.webp", method="HEAD")
    assert status == 200 and body == b"" and headers["content-length"] == "12"


@pytest.mark.parametrize("path", [
    "/static/absent.css",  # missing
    "/static/filinfo/",  # a folder
    "/static/filinfo/live.js.br",  # a copy is only served for its file
    "/media/../secret.txt",  # out of the folder
    "/static/" + "x" * 5000,  # a name too long for the file system
    "/media/" + "x" * 5000,
    "/static/a\x00b",  # a NUL byte
])
def test_what_the_folders_do_not_hold_gets_django_s_french_404(site, path):
    folders, django = site
    status, _, body = call(folders, path)
    assert status == 404 and body == b"Page introuvable"
    assert django.paths == [("GET", path)]


def test_writes_and_other_paths_go_to_django(site):
    folders, django = site
    call(folders, "/static/filinfo/live.js", method="POST")
    call(folders, "/monde/")
    call(folders, "/staticfiles/filinfo/live.js")
    assert django.paths == [("POST", "/static/filinfo/live.js"), ("GET", "/monde/"), ("GET", "/staticfiles/filinfo/live.js")]


@pytest.mark.django_db
def test_pages_link_static_files_by_their_hashed_names(settings):
    html = Client().get("/nulle-part/").content.decode()
    for name in ("manchette/site.css", "filinfo/filinfo.css"):
        stem, extension = name.rsplit(".", 1)
        (link,) = re.findall(rf'href="/static/({re.escape(stem)}\.[0-9a-f]{{12}}\.{extension})"', html)
        assert Path(settings.STATIC_ROOT, link).is_file()
