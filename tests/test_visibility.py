"""One rule for what readers may see (news/visibility.py), walked over every public surface.

Each kind of hidden article — restricted by password, by login, by group; under a section that was
unpublished; past its expiry before the worker unpublished it; expired and unpublished by the worker (which
Wagtail reports with sender=Page) — must be on no list, feed, sitemap, search result or fil info surface,
while an article published beside it is. The front page shows the fil info block: for an expiry the worker
has not acted on yet, it is left out with the fil info's own surfaces."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import PageViewRestriction

from manchette.news.tests.factories import ArticleFactory, AuthorFactory, SectionFactory, publish

SURFACES = (
    "/", "/belgique/", "/belgique/rss/", "/belgique/atom/", "/rss/", "/atom/", "/tag/budget/", "/auteur/camille-dupont/",
    "/sitemap-articles.xml", "/sitemap-news.xml", "/recherche/?q=budget", "/fil-info/", "/fil-info/bloc/",
    "/fil-info/rss/", "/fil-info/atom/", "/fil-info/ninjs.json",
)


def restrict(kind):
    def apply(article):
        restriction = PageViewRestriction.objects.create(
            page=article, restriction_type=kind, password="secret" if kind == PageViewRestriction.PASSWORD else "",
        )
        if kind == PageViewRestriction.GROUPS:
            restriction.groups.add(Group.objects.create(name="Abonnés"))

    return apply


def unpublish_section(article):
    article.get_parent().specific.unpublish()


def past_expiry(article):
    type(article).objects.filter(pk=article.pk).update(expire_at=timezone.now() - datetime.timedelta(minutes=1))


def expired_by_the_worker(article):
    past_expiry(article)
    call_command("publish_scheduled")


def deleted(article):
    article.delete()


def unpublished_in_bulk(article):
    """As an editor does from the admin's page listing (Wagtail's bulk action)."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    editor = get_user_model().objects.create_superuser("redac-chef", "redac@journal.example", "motdepasse")
    admin = Client()
    admin.force_login(editor)
    response = admin.post(f"/admin/bulk/wagtailcore/page/unpublish/?id={article.pk}", {"include_descendants": ""})
    assert response.status_code in (200, 302)
    assert not type(article).objects.get(pk=article.pk).live


def moved_under_a_closed_section(article):
    closed = SectionFactory(title="Archives", slug="archives")
    closed.unpublish()
    article.move(closed, pos="last-child")


HIDING = {
    "mot-de-passe": restrict(PageViewRestriction.PASSWORD),
    "connexion": restrict(PageViewRestriction.LOGIN),
    "groupes": restrict(PageViewRestriction.GROUPS),
    "rubrique-depubliee": unpublish_section,
    "expire": past_expiry,
    "expire-par-le-worker": expired_by_the_worker,
    "supprime": deleted,
    "depublie-en-masse": unpublished_in_bulk,
    "deplace-sous-rubrique-fermee": moved_under_a_closed_section,
}


@pytest.fixture
def newsroom(home, django_capture_on_commit_callbacks):
    author = AuthorFactory(name="Camille Dupont", slug="camille-dupont")
    belgique = SectionFactory(title="Belgique", slug="belgique")
    cachee = SectionFactory(parent=belgique, title="Bruxelles", slug="bruxelles")

    def article(parent, slug, title):
        page = ArticleFactory(parent=parent, slug=slug, title=title, lead=f"{title} : le budget communal en débat.")
        page.tags.add("budget")
        page.authors.add(author)
        with django_capture_on_commit_callbacks(execute=True):
            publish(page)
        return page

    shown = article(belgique, "visible", "Article visible budget")
    hidden = article(cachee, "cache", "Article caché budget")
    return shown, hidden


@pytest.mark.parametrize("how", HIDING)
def test_a_hidden_article_is_on_no_public_surface(client, newsroom, how, django_capture_on_commit_callbacks):
    _, hidden = newsroom
    for url in ("/fil-info/", "/belgique/"):
        assert "Article caché" in client.get(url).content.decode(), f"{url} listed it before it was hidden"
    with django_capture_on_commit_callbacks(execute=True):
        HIDING[how](hidden)
    # The fil info is a feed of events: an expiry reaches it when the worker unpublishes the article, at the
    # time it was scheduled for (news/scheduling.py), not before.
    # The front page and the section show the fil info block: left out with the fil info's own pages then.
    surfaces = SURFACES
    if how == "expire":
        surfaces = [url for url in SURFACES if not url.startswith("/fil-info/") and url not in ("/", "/belgique/")]
    for url in surfaces:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert "Article caché" not in body and "/cache/" not in body, (how, url)
    for url in ("/", "/belgique/", "/rss/", "/fil-info/", "/sitemap-articles.xml", "/recherche/?q=budget"):
        assert "visible" in client.get(url).content.decode(), url


@pytest.mark.parametrize("how", ["rubrique-depubliee", "expire"])
def test_its_own_url_is_gone(client, newsroom, how):
    _, hidden = newsroom
    HIDING[how](hidden)
    assert client.get("/belgique/bruxelles/cache/").status_code == 404


def test_a_restricted_article_still_answers_its_own_url_as_wagtail_decides(client, newsroom):
    _, hidden = newsroom
    restrict(PageViewRestriction.PASSWORD)(hidden)
    response = client.get("/belgique/bruxelles/cache/")
    assert response.status_code == 200 and "Article caché budget" not in response.content.decode()
    assert 'name="password"' in response.content.decode()


def test_opening_the_section_again_brings_its_articles_back(client, newsroom, django_capture_on_commit_callbacks):
    _, hidden = newsroom
    with django_capture_on_commit_callbacks(execute=True):
        unpublish_section(hidden)
    assert "Article caché" not in client.get("/fil-info/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        publish(hidden.get_parent().specific)
    for url in ("/fil-info/", "/belgique/", "/rss/"):
        assert "Article caché" in client.get(url).content.decode(), url


def test_open_pages_are_told_when_a_section_closes_and_opens_again(newsroom, django_capture_on_commit_callbacks):
    from manchette.live import log
    from manchette.live.models import Event

    def events_after(start):
        rows = Event.objects.filter(id__gt=start).order_by("id")
        return list(rows.values_list("id", "topic", "key", "action", "data"))

    _, hidden = newsroom
    key = f"article-{hidden.pk}"
    start = log.last_id()
    with django_capture_on_commit_callbacks(execute=True):
        unpublish_section(hidden)
    told = [(row[2], row[3]) for row in events_after(start)]
    assert (key, log.REMOVE) in told
    # Whoever replays the log from its start no longer gets the article's headline.
    assert not any("Article caché" in row[4] for row in events_after(0))
    start = log.last_id()
    with django_capture_on_commit_callbacks(execute=True):
        publish(hidden.get_parent().specific)
    told = [(row[2], row[3], row[4]) for row in events_after(start)]
    assert any(k == key and action == "upsert" and "Article caché" in data for k, action, data in told)


def test_closing_a_big_section_tells_open_pages_of_the_newest_items_and_forgets_them_all(
    newsroom, django_capture_on_commit_callbacks, monkeypatch
):
    import json

    from manchette.filinfo import events
    from manchette.live.models import Event

    _, hidden = newsroom
    section = hidden.get_parent()
    more = [ArticleFactory(parent=section, slug=f"autre-{n}", title=f"Autre article caché {n}") for n in range(4)]
    for page in more:
        with django_capture_on_commit_callbacks(execute=True):
            publish(page)
    monkeypatch.setattr(events, "TOLD_AT_MOST", 2)
    start = Event.objects.order_by("-id").values_list("id", flat=True).first()
    with django_capture_on_commit_callbacks(execute=True):
        unpublish_section(hidden)
    told = list(Event.objects.filter(id__gt=start, action="remove").values_list("key", flat=True))
    assert told == [f"article-{more[-2].pk}", f"article-{more[-1].pk}"]
    rows = Event.objects.filter(topic="filinfo").values_list("key", "action", "data")
    assert not any("caché" in data for _, _, data in rows)
    assert all(json.loads(data)["key"] == key for key, action, data in rows if action == "remove")
