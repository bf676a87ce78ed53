"""Every page type through the W3C Nu HTML checker (npm `vnu-jar`, run by the machine's Java): zero errors.

All pages go to one `java -jar vnu.jar` run (the JVM's start-up is most of its time); each page type is then a test
of its own, failing with the checker's messages for that page. Warnings ("info") are not errors and are left out.
"""

import json
import shutil
import subprocess

import pytest

from .conftest import NODE_MODULES, PAGE_TYPES

VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
EXPECTED_STATUS = {"404": 404}
SERVER_ERROR = "500"
# A page the checker must refuse (an image without alt): proof that its messages reach the tests.
CANARY = "(canary)"
CANARY_HTML = b'<!DOCTYPE html><html lang="fr-BE"><head><title>Canari</title></head><body><img src="a.png"></body></html>'


@pytest.fixture(scope="session")
def nu_errors(site, tmp_path_factory):
    """{page type: [the checker's errors on it]}, from one run over every fetched page."""
    if not VNU_JAR.exists():
        pytest.fail(f"{VNU_JAR} is missing: run `bash scripts/install.sh` (npm ci).")
    java = shutil.which("java")
    if java is None:
        pytest.fail("Java is missing: run `bash scripts/install.sh` (default-jre-headless).")
    folder = tmp_path_factory.mktemp("nu")
    files = {}
    pages = {**{name: response.body for name, response in site.html.items()}, SERVER_ERROR: server_error_page(),
             CANARY: CANARY_HTML}
    for number, (name, body) in enumerate(pages.items()):
        path = folder / f"{number:02d}.html"
        path.write_bytes(body)
        files[path.resolve().as_uri().replace("file:///", "file:/")] = name
    result = subprocess.run(
        [java, "-Xss8m", "-jar", str(VNU_JAR), "--format", "json", "--stdout", "--exit-zero-always", *map(str, sorted(folder.iterdir()))],
        capture_output=True, text=True, timeout=180, stdin=subprocess.DEVNULL,
    )
    try:
        messages = json.loads(result.stdout)["messages"]
    except (ValueError, KeyError):
        pytest.fail(f"vnu.jar did not answer in JSON:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    errors = {name: [] for name in pages}
    for message in messages:
        if message.get("type") == "info":
            continue
        name = files.get(message.get("url", ""))
        errors.setdefault(name or "(vnu)", []).append(message)
    return errors


def server_error_page():
    """What readers see when the site fails (no request reaches it on purpose): manchette.news.views.server_error."""
    from django.test import RequestFactory

    from manchette.news.views import server_error

    return server_error(RequestFactory().get("/")).content


def describe(message):
    where = f"line {message['lastLine']}" if "lastLine" in message else "document"
    extract = message.get("extract", "").replace("\n", " ").strip()
    return f"{where}: {message['message']}" + (f"\n      « {extract[:160]} »" if extract else "")


def test_the_checker_ran_on_every_page(nu_errors):
    assert "(vnu)" not in nu_errors, "\n".join(describe(m) for m in nu_errors["(vnu)"])
    assert any("“alt”" in message["message"] for message in nu_errors[CANARY]), nu_errors[CANARY]


@pytest.mark.parametrize("name", PAGE_TYPES)
def test_page_is_valid_html(site, nu_errors, name):
    response = site.page(name)
    assert response.status == EXPECTED_STATUS.get(name, 200), f"{site.pages[name]} answered {response.status}"
    assert response.content_type.startswith("text/html"), response.content_type
    errors = nu_errors[name]
    if errors:
        listed = "\n".join(f"  - {describe(message)}" for message in errors)
        pytest.fail(f"{len(errors)} Nu HTML checker error(s) on {name} ({site.pages[name]}):\n{listed}", pytrace=False)


def test_server_error_page_is_valid_html(nu_errors):
    errors = nu_errors[SERVER_ERROR]
    if errors:
        listed = "\n".join(f"  - {describe(message)}" for message in errors)
        pytest.fail(f"{len(errors)} Nu HTML checker error(s) on the 500 page:\n{listed}", pytrace=False)
