import pytest


@pytest.fixture
def home(db):
    from django.core.management import call_command

    from manchette.news.models import HomePage

    call_command("setup_newsroom", verbosity=0)
    return HomePage.objects.get()


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
