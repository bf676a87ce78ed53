"""Dispatches and articles put in the feed the way the newsroom does it: through Wagtail's publishing."""

import pytest
from django.contrib.auth.models import Group

from manchette.news.management.commands.setup_newsroom import EDITORS, JOURNALISTS, MODERATORS
from manchette.news.tests.factories import ArticleFactory, SectionFactory, publish


@pytest.fixture
def section(home):
    return SectionFactory(title="Belgique", slug="belgique")


@pytest.fixture
def published_article(section):
    """An article published through Wagtail, hence in the feed."""

    def make(**fields):
        article = ArticleFactory(parent=section, **fields)
        publish(article)
        article.refresh_from_db()
        return article

    return make


@pytest.fixture
def staff(django_user_model, home):
    def member(username, group):
        user = django_user_model.objects.create_user(username, f"{username}@example.com", "motdepasse-solide")
        user.groups.add(Group.objects.get(name=group))
        return user

    return {
        "journalist": member("lea", JOURNALISTS),
        "editor": member("marc", EDITORS),
        "moderator": member("sacha", MODERATORS),
    }
