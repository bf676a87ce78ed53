"""Readers, an article open to comments, and comments made directly (as a moderator's approval leaves them)."""

import pytest
from django.core.cache import cache
from django.utils import timezone

from manchette.accounts.models import Profile
from manchette.comments.models import Comment, Status

PASSWORD = "motdepasse-solide-42"


@pytest.fixture(autouse=True)
def fresh_counters():
    """Rate-limit counters live in the cache (per process in tests): each test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def make_reader(django_user_model, db):
    def make(name="Claire Dubois", email=None, notify=False, username=None):
        username = username or name.lower().replace(" ", ".")
        user = django_user_model.objects.create_user(username, email or f"{username}@example.com", PASSWORD)
        Profile.objects.create(user=user, display_name=name, notify_replies=notify)
        return user

    return make


@pytest.fixture
def reader(make_reader):
    return make_reader()


@pytest.fixture
def article(published_article):
    return published_article(title="Le tram de Liège roule enfin", slug="tram-liege")


@pytest.fixture
def reader_client(client, reader):
    client.force_login(reader)
    return client


@pytest.fixture
def make_comment():
    def make(article, author, text="Un avis mesuré.", parent=None, status=Status.APPROVED, **fields):
        now = fields.pop("created_at", timezone.now())
        return Comment.objects.create(
            article=article, author=author, text=text, parent=parent, status=status, created_at=now,
            published_at=now if status == Status.APPROVED else None, **fields,
        )

    return make


def json_post(client, url, data=None, **extra):
    return client.post(url, data or {}, headers={"accept": "application/json"}, **extra)
