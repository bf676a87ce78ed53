import pytest

# The `server` and `browser` markers, and the fixtures that start processes (redis_server).
pytest_plugins = ["manchette.testing.pytest_plugin"]


@pytest.fixture
def home(db):
    from django.core.management import call_command

    from manchette.news.models import HomePage

    call_command("setup_newsroom", verbosity=0)
    return HomePage.objects.get()


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


@pytest.fixture(scope="session", autouse=True)
def buses_shut_before_the_database_goes(django_db_setup):
    """Listeners and publishers of the invalidation buses hold PostgreSQL sessions on the test database:
    they must end before pytest-django drops it (this fixture's teardown runs before django_db_setup's)."""
    yield
    from manchette.edge.bus import shut_all

    shut_all()
