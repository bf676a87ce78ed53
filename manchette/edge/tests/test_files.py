"""Static files and media in front of Django (edge/files.py): served from the folders, everything else passed on."""

import asyncio

import pytest

from manchette.edge.files import Folders


class Django:
    """Stands where Django is: answers what the folders do not hold, and says it was asked."""

    def __init__(self):
        self.paths = []

    async def __call__(self, scope, receive, send):
        self.paths.append((scope["method"], scope["path"]))
        await send({"type": "http.response.start", "status": 404, "headers": [(b"content-type", b"text/html")]})
        await send({"type": "http.response.body", "body": "Page introuvable".encode()})


@pytest.fixture
def site(tmp_path):
    static, media = tmp_path / "static", tmp_path / "media"
    (static / "css").mkdir(parents=True)
    (static / "css" / "site.css").write_text("body { color: #222; }")
    (media / "images").mkdir(parents=True)
    (media / "images" / "une.webp").write_bytes(b"RIFF....WEBP")
    (tmp_path / "secret.txt").write_text("ne pas servir")
    django = Django()
    return Folders(django, {"/static/": static, "/media/": media}), django


def call(app, path, method="GET"):
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
             "root_path": "", "headers": [(b"host", b"journal.example")]}
    asyncio.run(app(scope, receive, send))
    start = messages[0]
    headers = {name.decode().lower(): value.decode() for name, value in start["headers"]}
    return start["status"], headers, b"".join(m.get("body", b"") for m in messages[1:])


def test_a_static_file_is_served_with_its_type_and_a_day_of_cache(site):
    folders, django = site
    status, headers, body = call(folders, "/static/css/site.css")
    assert status == 200 and body == b"body { color: #222; }"
    assert headers["content-type"].startswith("text/css")
    assert headers["cache-control"] == "public, max-age=86400"
    assert "etag" in headers
    assert django.paths == []


def test_a_media_file_appearing_while_the_site_runs_is_served(site, tmp_path):
    folders, _ = site
    assert call(folders, "/media/images/rendu.webp")[0] == 404
    (tmp_path / "media" / "images" / "rendu.webp").write_bytes(b"RIFF..nouveau")
    status, _, body = call(folders, "/media/images/rendu.webp")
    assert status == 200 and body == b"RIFF..nouveau"


def test_head_gets_no_body(site):
    status, headers, body = call(site[0], "/media/images/une.webp", method="HEAD")
    assert status == 200 and body == b"" and headers["content-length"] == "12"


@pytest.mark.parametrize("path", [
    "/static/absent.css",  # missing
    "/static/css/",  # a folder
    "/static/../secret.txt",  # out of the folder
    "/static/" + "x" * 5000,  # a name too long for the file system
    "/static/a\x00b",  # a NUL byte
])
def test_what_the_folders_do_not_hold_gets_django_s_french_404(site, path):
    folders, django = site
    status, _, body = call(folders, path)
    assert status == 404 and body == "Page introuvable".encode()
    assert django.paths == [("GET", path)]


def test_writes_and_other_paths_go_to_django(site):
    folders, django = site
    call(folders, "/static/css/site.css", method="POST")
    call(folders, "/monde/")
    call(folders, "/staticfiles/css/site.css")
    assert django.paths == [("POST", "/static/css/site.css"), ("GET", "/monde/"), ("GET", "/staticfiles/css/site.css")]
