import pytest


@pytest.fixture
def home(db):
    from django.core.management import call_command

    from manchette.news.models import HomePage

    call_command("setup_newsroom", verbosity=0)
    return HomePage.objects.get()
