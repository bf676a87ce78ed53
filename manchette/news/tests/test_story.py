"""A story's own page, its feeds and sitemap entry; « Sur le même sujet » leads to it; each article once a page."""

import datetime
import re
import xml.etree.ElementTree as ET

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone
from wagtail.models import PageViewRestriction

from manchette.news.models import EditorsPick, FrontPageLead

from .factories import ArticleFactory, SectionFactory, StoryFactory

ATOM = "{http://www.w3.org/2005/Atom}"


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


@pytest.fixture
def story_news(home, settings):
    """A story of 9 visible articles (one a day), a draft, an expired one and a restricted one."""
    settings.ARTICLES_PER_PAGE = 4
    monde = SectionFactory(title="Monde", slug="monde")
    story = StoryFactory(title="Présidentielle américaine", slug="presidentielle", description="")
    now = timezone.now()
    visible = [
        ArticleFactory(parent=monde, story=story, title=f"Épisode {n}", slug=f"episode-{n}",
                       first_published_at=now - datetime.timedelta(days=n))
        for n in range(1, 10)
    ]
    draft = ArticleFactory(parent=monde, story=story, title="Brouillon secret", slug="brouillon", live=False)
    expired = ArticleFactory(parent=monde, story=story, title="Périmé", slug="perime", expire_at=now - datetime.timedelta(minutes=1))
    closed = SectionFactory(title="Abonnés", slug="abonnes")
    restricted = ArticleFactory(parent=closed, story=story, title="Réservé aux abonnés", slug="reserve")
    PageViewRestriction.objects.create(page=closed, restriction_type=PageViewRestriction.PASSWORD, password="s")
    return {"story": story, "visible": visible, "hidden": [draft, expired, restricted], "monde": monde}


HIDDEN_TITLES = ("Brouillon secret", "Périmé", "Réservé aux abonnés")


def test_story_page_lists_its_visible_articles_newest_first_paginated(client, story_news):
    first = client.get("/sujet/presidentielle/")
    assert first.status_code == 200
    page = soup(first)
    assert "Présidentielle américaine" in page.h1.text
    assert [a.text for a in page.select(".card__title a")] == ["Épisode 1", "Épisode 2", "Épisode 3", "Épisode 4"]
    assert "9\u00a0articles" in page.select_one(".story-count").text.replace(" ", "\u00a0")
    assert page.select_one('a[rel="next"]')["href"] == "?page=2"
    last = soup(client.get("/sujet/presidentielle/?page=3"))
    assert [a.text for a in last.select(".card__title a")] == ["Épisode 9"]
    assert client.get("/sujet/presidentielle/?page=4").status_code == 404
    assert client.get("/sujet/presidentielle/?page=x").status_code == 404
    for response in (first, client.get("/sujet/presidentielle/?page=2"), client.get("/sujet/presidentielle/?page=3")):
        assert not any(title in response.content.decode() for title in HIDDEN_TITLES)
    head = str(page.head)
    assert 'href="http://testserver/sujet/presidentielle/rss/"' in head or "/sujet/presidentielle/rss/" in head
    assert page.select_one('link[rel="canonical"]')["href"].endswith("/sujet/presidentielle/")


def test_a_story_readers_cannot_see_any_article_of_is_a_404(client, story_news):
    only_hidden = StoryFactory(title="Projet confidentiel", slug="confidentiel")
    ArticleFactory(parent=story_news["monde"], story=only_hidden, live=False, slug="secret")
    for url in ("/sujet/confidentiel/", "/sujet/confidentiel/rss/", "/sujet/confidentiel/atom/", "/sujet/inconnu/"):
        response = client.get(url)
        assert response.status_code == 404
        assert "Projet confidentiel" not in response.content.decode()


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_story_feeds_list_its_visible_articles_newest_first(client, story_news, kind):
    response = client.get(f"/sujet/presidentielle/{kind}/")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    if kind == "rss":
        titles = [item.findtext("title") for item in root.iter("item")]
        assert "Présidentielle américaine" in root.find("channel").findtext("title")
        assert root.find("channel").findtext("link").endswith("/sujet/presidentielle/")
    else:
        titles = [entry.findtext(f"{ATOM}title") for entry in root.iter(f"{ATOM}entry")]
        self_link = [link.get("href") for link in root.findall(f"{ATOM}link") if link.get("rel") == "self"]
        assert self_link and self_link[0].endswith("/sujet/presidentielle/atom/")
    assert titles == [f"Épisode {n}" for n in range(1, 10)]


def test_story_sitemap_lists_stories_with_visible_articles_only(client, story_news):
    StoryFactory(title="Vide", slug="vide")
    index = client.get("/sitemap.xml").content.decode()
    assert "/sitemap-sujets.xml" in index
    body = client.get("/sitemap-sujets.xml").content.decode()
    assert re.findall(r"<loc>([^<]+)</loc>", body) == [f"{_site()}/sujet/presidentielle/"]


def _site():
    from django.conf import settings

    return settings.SITE_URL


def test_same_story_block_links_to_the_story_page(client, story_news):
    page = soup(client.get("/monde/episode-1/"))
    block = page.select_one(".same-story")
    assert "Sur le même sujet (8)" in block.h2.text
    assert len(block.select("li")) == 5
    link = block.select_one(".more a")
    assert link["href"] == "/sujet/presidentielle/"
    assert "Tout le sujet" in link.text
    assert not any(title in str(block) for title in HIDDEN_TITLES)


def test_shared_blocks_hide_what_the_same_story_block_shows(client, story_news, home):
    """« À la Une », « Le meilleur de l’actu » and « Aussi en… » are the same on every page: the page's style
    hides in them the article itself and those « Sur le même sujet » lists, each shown once."""
    visible = story_news["visible"]
    FrontPageLead.objects.create(page=home, article=visible[1], sort_order=1)
    EditorsPick.objects.create(page=home, article=visible[2], sort_order=1)
    response = client.get("/monde/episode-1/")
    page = soup(response)
    same_story = [a["href"] for a in page.select(".same-story li a")]
    style = " ".join(tag.text for tag in page.select("head style"))
    hidden_rule = style.split("{display:none!important}")[0]
    for article in [visible[0], *visible[1:6]]:
        assert f'[data-page="{article.pk}"]' in hidden_rule
    assert visible[1].url in same_story and visible[2].url in same_story
    # The shared blocks carry the items the rule hides (put in place by the edge, the same for every page).
    headlines = client.get("/_fragments/une/").content.decode()
    assert f'data-page="{visible[1].pk}"' in headlines
