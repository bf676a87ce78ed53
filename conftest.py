import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

# The `server` and `browser` markers, and the fixtures that start processes (redis_server).
pytest_plugins = ["manchette.testing.pytest_plugin"]


@pytest.fixture
def home(db):
    from django.core.management import call_command

    from manchette.news.models import HomePage

    call_command("setup_newsroom", verbosity=0)
    return HomePage.objects.get()


@pytest.fixture
def section(home):
    from manchette.news.tests.factories import SectionFactory

    return SectionFactory(title="Belgique", slug="belgique")


@pytest.fixture
def published_article(section):
    """An article published through Wagtail (hence in the fil info), as the newsroom does it."""
    from manchette.news.tests.factories import ArticleFactory, publish

    def make(**fields):
        article = ArticleFactory(parent=section, **fields)
        publish(article)
        article.refresh_from_db()
        return article

    return make


@pytest.fixture
def staff(django_user_model, home):
    """A journalist, an editor and a moderator, in the newsroom's groups (setup_newsroom)."""
    from django.contrib.auth.models import Group

    from manchette.news.management.commands.setup_newsroom import EDITORS, JOURNALISTS, MODERATORS

    def member(username, group):
        user = django_user_model.objects.create_user(username, f"{username}@example.com", "motdepasse-solide")
        user.groups.add(Group.objects.get(name=group))
        return user

    return {
        "journalist": member("lea", JOURNALISTS),
        "editor": member("marc", EDITORS),
        "moderator": member("sacha", MODERATORS),
    }


class PurgeRecorder(BaseHTTPRequestHandler):
    purged = None

    def do_PURGE(self):
        self.purged.append(f"http://{self.headers['Host']}{self.path}")
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def varnish(settings):
    """A stand-in for Varnish on a free local port, recording the PURGE requests Wagtail sends it."""
    recorder = type("Recorder", (PurgeRecorder,), {"purged": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.WAGTAILFRONTENDCACHE = {
        "varnish": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": f"http://127.0.0.1:{server.server_address[1]}",
        }
    }
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    yield recorder.purged
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session", autouse=True)
def collected_static(tmp_path_factory):
    """{% static %} reads hashed names from the manifest collectstatic writes: it runs once, into a folder of
    the session's that the servers tests start are given too (STATIC_ROOT). Without the .br and .gz copies,
    which take brotli 12 s on Wagtail's scripts (manchette/edge/tests/test_files.py makes and serves them)."""
    from django.core.management import call_command
    from django.test import override_settings

    folder = tmp_path_factory.mktemp("static")
    with override_settings(STATIC_ROOT=folder, SERVESTATIC_USE_BROTLI=False, SERVESTATIC_USE_GZIP=False):
        call_command("collectstatic", interactive=False, verbosity=0)
        yield folder


@pytest.fixture(autouse=True)
def fresh_cache():
    """Wagtail caches renditions by image id; ids are reused between tests, so the cache must not be."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()


@pytest.fixture(autouse=True)
def masthead_at_midday(monkeypatch):
    """A page with the masthead's date is shared only until midnight in Brussels: run near midnight, every
    test that reads a page's Cache-Control would see a few seconds instead of EDGE_CACHE_MAX_AGE. The
    masthead's clock is today's midday here; the tests of midnight set their own (news/tests/test_front_page.py)."""
    import datetime

    from django.utils import timezone

    from manchette.news.templatetags import front_tags

    midday = datetime.datetime.combine(timezone.localdate(), datetime.time(12), timezone.get_current_timezone())
    monkeypatch.setattr(front_tags, "now", lambda: midday)


@pytest.fixture(scope="session", autouse=True)
def buses_shut_before_the_database_goes(django_db_setup):
    """Listeners and publishers of the invalidation buses hold PostgreSQL sessions on the test database:
    they must end before pytest-django drops it (this fixture's teardown runs before django_db_setup's)."""
    yield
    from manchette.edge.bus import shut_all

    shut_all()
