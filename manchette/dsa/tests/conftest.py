"""Readers, an article open to comments with a published comment, two moderators, and e-mails sent at once (the
immediate task backend) to the tests' real SMTP server."""

import re

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

from manchette.accounts.models import Profile
from manchette.comments.models import Comment, Status
from manchette.news.management.commands.setup_newsroom import MODERATORS

PASSWORD = "motdepasse-solide-42"


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def make_reader(django_user_model, db):
    def make(name="Jeanne Dupont", email=None):
        username = name.lower().replace(" ", ".")
        user = django_user_model.objects.create_user(username, email or f"{username}@example.com", PASSWORD)
        Profile.objects.create(user=user, display_name=name)
        return user

    return make


@pytest.fixture
def author(make_reader):
    return make_reader("Jeanne Dupont", email="jeanne@example.com")


@pytest.fixture
def article(published_article):
    return published_article(title="Le budget communal adopté", slug="budget-communal")


@pytest.fixture
def comment(article, author):
    now = timezone.now()
    return Comment.objects.create(article=article, author=author, text="Tous les élus de ce parti sont des parasites à chasser.",
                                  status=Status.APPROVED, created_at=now, published_at=now)


@pytest.fixture
def moderators(staff, django_user_model):
    """Two moderators: the newsroom's (sacha) and another (camille)."""
    other = django_user_model.objects.create_user("camille", "camille@example.com", PASSWORD)
    other.groups.add(Group.objects.get(name=MODERATORS))
    return staff["moderator"], other


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def csrf_post(client, url, data):
    """POST DATA to URL as a browser does: the form's page first, its CSRF token sent back."""
    page = client.get(url)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())[1]
    return client.post(url, {**data, "csrfmiddlewaretoken": token})


NOTICE = {
    "ground": "haine",
    "explanation": "Ce commentaire appelle à « chasser » les élus d’un parti, ce qui est une incitation à la haine.",
    "name": "Marc Lambert",
    "email": "marc.lambert@example.org",
    "good_faith": "on",
}
