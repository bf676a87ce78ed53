"""Browser tests: Debian's Chromium, driven by Playwright, against a real `manchette serve`.

The server runs in a subprocess on a database of its own (a SQLite file under a temporary folder, or
`<name>_browser` on PostgreSQL), so these tests never touch pytest-django's test database. To change
data the server sees, use `server_shell`, which runs Django code against that same database.
"""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings

from manchette.testing.pytest_plugin import server_fixture
from manchette.testing.servers import ManchetteServer

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "tests" / "artifacts"
AXE_SCRIPT = REPO / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]

# The demo newspaper, or, where `load_demo` does not exist yet, a section with a few articles.
LOAD_CONTENT = """
from django.core.management import call_command, get_commands
from manchette.cli import prepare

prepare()
if "load_demo" in get_commands():
    call_command("load_demo")
else:
    from manchette.news.tests.factories import ArticleFactory, SectionFactory

    for title, slug in (("Belgique", "belgique"), ("Monde", "monde")):
        section = SectionFactory(title=title, slug=slug)
        for _ in range(3):
            ArticleFactory(parent=section)
"""


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    # Playwright's sync API leaves an event loop marked as running in the main thread, and Django then
    # refuses ORM calls there: browser tests go last so every database test has run before.
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


FAILED = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.failed:
        item.stash[FAILED] = True
    return report


def run_manchette(env, *args, timeout=900):
    """Runs `manchette ARGS…` with ENV; a failure shows what the command printed."""
    result = subprocess.run(
        [sys.executable, "-m", "manchette.cli", *args],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL,
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"manchette {' '.join(args)} exited with {result.returncode}\n{result.stdout}\n{result.stderr}"
        )
    return result.stdout


def recreate_postgres_database(url):
    """Drops and recreates `<name>_browser` beside DATABASE_URL's database; returns its URL."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/')}_browser"
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return urlunsplit(parts._replace(path=f"/{name}"))


@pytest.fixture(scope="session")
def server_env(tmp_path_factory, _smtp_session):
    """Environment of the browser server and of `server_shell`: its own database, files and static, and its
    mail sent to the tests' SMTP server (read through the `smtp_server` fixture)."""
    env = {key: value for key, value in os.environ.items() if key not in {"SQLITE_PATH", "STATIC_ROOT", "MEDIA_ROOT"}}
    env.update({"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(_smtp_session.port), "EMAIL_USE_TLS": "false", "EMAIL_USE_SSL": "false"})
    env["MANCHETTE_DATA_DIR"] = str(tmp_path_factory.mktemp("browser") / "var")
    env["DEBUG"] = "false"
    env["SECRET_KEY"] = settings.SECRET_KEY  # the session's own (manchette/testing/pytest_plugin.py)
    if os.environ.get("DATABASE_URL"):
        env["DATABASE_URL"] = recreate_postgres_database(os.environ["DATABASE_URL"])
    run_manchette(env, "shell", "-c", LOAD_CONTENT)
    return env


@pytest.fixture(scope="session")
def server_shell(server_env):
    """server_shell(code) runs Python code in `manchette shell` on the browser server's database."""

    def run(code):
        return run_manchette(server_env, "shell", "-c", code, timeout=300)

    return run


@server_fixture(scope="session")
def live_server_url(server_env, tmp_path_factory):
    """URL of a production server (`manchette serve`, uvicorn) on the browser database."""
    with ManchetteServer(server_env, tmp_path_factory.mktemp("server")) as server:
        yield server.url


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server_url, request):
    """A fresh French-speaking desktop tab whose relative URLs go to the live server."""
    context = browser.new_context(
        base_url=live_server_url, locale="fr-BE", timezone_id="Europe/Brussels",
        viewport={"width": 1280, "height": 800},
    )
    page = context.new_page()
    yield page
    if request.node.stash.get(FAILED, False):
        save_screenshot(page, f"{request.node.name}-failure")
    context.close()


def save_screenshot(page, name):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=path, full_page=True)
    return path


@pytest.fixture
def screenshot():
    """screenshot(page, name) saves the whole page to tests/artifacts/NAME.png and returns the path."""
    return save_screenshot


@pytest.fixture(scope="session")
def axe_source():
    if not AXE_SCRIPT.exists():
        pytest.fail(f"{AXE_SCRIPT} is missing: run `bash scripts/install.sh` (npm ci).")
    return AXE_SCRIPT.read_text()


@pytest.fixture
def axe(axe_source):
    """axe(page) runs axe-core on the page for WCAG 2.2 AA and returns its violations."""

    def run(page):
        # Evaluated through the DevTools protocol rather than a <script> tag, so the page's CSP cannot block it.
        if not page.evaluate("() => typeof window.axe === 'object'"):
            page.evaluate(axe_source)
        return page.evaluate(
            "options => axe.run(document, options).then(results => results.violations)",
            {"runOnly": {"type": "tag", "values": AXE_TAGS}},
        )

    return run


def describe_violations(url, violations):
    lines = [f"{len(violations)} accessibility rule(s) violated on {url}:"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']} <{violation['helpUrl']}>")
        for node in violation["nodes"]:
            lines.append(f"    {' '.join(map(str, node['target']))}")
            lines.extend(f"      {line}" for line in node["failureSummary"].splitlines())
    return "\n".join(lines)


@pytest.fixture
def assert_accessible(axe):
    """assert_accessible(page) fails with a readable list of axe-core's WCAG 2.2 AA violations."""

    def check(page):
        violations = axe(page)
        if violations:
            pytest.fail(describe_violations(page.url, violations), pytrace=False)

    return check
