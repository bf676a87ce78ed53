"""The `server` and `browser` markers, kept true (loaded by the root conftest.py).

A test is marked `server` when it uses, directly or through other fixtures, a fixture made with
server_fixture, or when it is marked `browser` (a browser test always drives a live server). A test that is
not marked and starts a process anyway through manchette.testing.servers fails at once: `-m "not server and
not browser"`, the fast loop, starts none.
"""

import os
import secrets
from urllib.parse import quote

import pytest

from . import servers

SERVER_FIXTURES = set()


def server_fixture(function=None, **kwargs):
    """pytest.fixture for a fixture that starts a process: every test that uses it is marked `server`."""

    def register(function):
        SERVER_FIXTURES.add(kwargs.get("name", function.__name__))
        return pytest.fixture(function, **kwargs)

    return register(function) if function else register


def pytest_configure(config):
    """A SECRET_KEY of the session's own when none is set: `manchette serve` refuses the public default, and the
    servers tests start must share the key of the test process (sessions, the edge's fragment token)."""
    from django.conf import settings

    if settings.configured and settings.SECRET_KEY == settings.DEFAULT_SECRET_KEY:
        settings.SECRET_KEY = secrets.token_urlsafe(50)
    # Hashing a password takes a quarter of a second by design: hundreds of test accounts would take minutes.
    # The servers the tests start inherit the variable, so they check the hashes the tests made.
    os.environ["MANCHETTE_TESTS_FAST_PASSWORD_HASHER"] = "1"
    if settings.configured:
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *settings.PASSWORD_HASHERS]


@pytest.hookimpl(tryfirst=True)  # before -m deselects by marker
def pytest_collection_modifyitems(items):
    for item in items:
        if item.get_closest_marker("browser") or SERVER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.server)


@pytest.hookimpl(tryfirst=True)  # before the fixtures are set up
def pytest_runtest_setup(item):
    servers.unmarked_test = None if item.get_closest_marker("server") else item.nodeid


def database_env():
    """What points a subprocess at the database this test runs on."""
    from django.db import connection

    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return {"SQLITE_PATH": db["NAME"], "DATABASE_URL": ""}
    credentials = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    host = quote(db["HOST"] or "127.0.0.1", safe="")  # a socket folder is a percent-encoded host
    return {"DATABASE_URL": f"postgres://{credentials}@{host}:{db['PORT'] or 5432}/{quote(db['NAME'])}"}


def serving_env(**extra):
    """The environment of a server on this test's database and data dir, without Redis unless EXTRA gives one."""
    from django.conf import settings

    env = {key: value for key, value in os.environ.items() if key not in {"STATIC_ROOT", "MEDIA_ROOT", "REDIS_URL"}}
    env["STATIC_ROOT"] = str(settings.STATIC_ROOT)  # collected once for the session (conftest.py)
    env.update({"MANCHETTE_DATA_DIR": str(settings.DATA_DIR), "DEBUG": "false", "SECRET_KEY": settings.SECRET_KEY,
                **database_env()})
    env.update({key: str(value) for key, value in extra.items()})
    return env


@server_fixture
def redis_server(tmp_path):
    """A Redis of the test's own (RedisServer: it can be stopped and started again)."""
    server = servers.RedisServer(tmp_path).start()
    yield server
    server.stop()


@server_fixture
def postgres_server(tmp_path):
    """A PostgreSQL of the test's own (PostgresServer: it can be stopped and started again), its cluster removed after."""
    server = servers.PostgresServer(tmp_path).start()
    yield server
    server.remove()


class ServerPool:
    """pool(workers=1, **env): a `manchette serve` on this test's database (serving_env(**env)), once it serves.
    stop_all() stops every server the pool started."""

    def __init__(self, log_dir):
        self.log_dir = log_dir
        self.started = []

    def __call__(self, workers=1, **extra):
        server = servers.ManchetteServer(serving_env(**extra), self.log_dir, workers)
        self.started.append(server)
        return server.start()

    def stop_all(self):
        for server in self.started:
            server.stop()


@server_fixture(name="servers")
def server_pool(tmp_path):
    """A ServerPool whose servers stop at the end of the test."""
    pool = ServerPool(tmp_path)
    yield pool
    pool.stop_all()


@pytest.fixture(scope="session")
def _smtp_session():
    from .smtp import SMTPServer

    with SMTPServer() as server:
        yield server


@pytest.fixture
def smtp_server(_smtp_session, settings):
    """A real SMTP server on 127.0.0.1 that Django's SMTP backend sends to; `.messages`, `.wait_for(n)`, `.to(addr)`.
    Server tests pass `smtp_env(smtp_server)` to the processes they start."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = _smtp_session.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    mailbox = _smtp_session.mailbox
    mailbox.clear()
    yield mailbox
    mailbox.clear()


def smtp_env(mailbox_or_port):
    """What points a subprocess's mail at the test SMTP server."""
    from django.conf import settings

    return {"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(settings.EMAIL_PORT)}


@server_fixture(scope="session")
def _imap_session():
    from .imap import IMAPServer

    server = IMAPServer()
    try:
        yield server.start()
    finally:
        server.close()


@server_fixture
def imap_server(_imap_session, settings):
    """A real IMAP server (a private Dovecot on 127.0.0.1) holding the bounce mailbox, empty at the start of the
    test, that NEWSLETTER_BOUNCE_IMAP_URL points at: host, port, user, password, url, append(message), messages()."""
    _imap_session.clear()
    settings.NEWSLETTER_BOUNCE_IMAP_URL = _imap_session.url
    yield _imap_session
    _imap_session.clear()
