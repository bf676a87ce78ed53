"""`<time datetime>` is a valid HTML date string with time zone: to the second, never with microseconds."""

import datetime
import re

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from manchette.filinfo.tests.factories import publish_dispatch
from manchette.news.tests.factories import AuthorFactory

# HTML's « valid global date and time string », as the |iso filter writes it (seconds, then the offset), or a
# date alone (the masthead's).
DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2})?")


def times(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    return [tag["datetime"] for tag in BeautifulSoup(response.content, "html.parser").find_all("time")]


@pytest.fixture
def corrected_article(published_article):
    # timezone.now() carries microseconds: what publishing stamps.
    moment = timezone.now() - datetime.timedelta(hours=2, microseconds=-123456)
    article = published_article(title="Un article corrigé", authors=[AuthorFactory()])
    type(article).objects.filter(pk=article.pk).update(
        first_published_at=moment, last_published_at=moment + datetime.timedelta(hours=1, microseconds=654321)
    )
    article.refresh_from_db()
    assert article.first_published_at.microsecond and article.was_updated
    return article


def test_times_have_no_microseconds_on_articles_and_lists(client, corrected_article):
    dispatch = publish_dispatch("Une dépêche")
    assert dispatch.first_published_at.microsecond or dispatch.last_published_at.microsecond
    pages = {
        "article": corrected_article.url,
        "section": corrected_article.get_parent().url,
        "front": "/",
        "fil info": "/fil-info/",
        "dispatch": dispatch.get_absolute_url(),
        "block": "/fil-info/bloc/",
    }
    for name, path in pages.items():
        found = times(client, path)
        assert found, name
        assert [value for value in found if not DATETIME.fullmatch(value)] == [], name
    byline = times(client, corrected_article.url)
    local = timezone.localtime(corrected_article.first_published_at).replace(microsecond=0)
    assert local.isoformat() in byline
