"""The front page's hierarchy, « Les plus lus », the phone menu and the masthead's logo and date."""

import datetime
import zoneinfo

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from manchette.edge.views_counter import record
from manchette.news.context import _front_split
from manchette.news.models import FrontPageLead
from manchette.news.templatetags import front_tags
from manchette.news.templatetags.front_tags import long_date, seconds_to_midnight

from .factories import ArticleFactory, ImageFactory, SectionFactory

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


@pytest.fixture
def front(home):
    now = timezone.now()
    monde = SectionFactory(title="Monde", slug="monde")
    sport = SectionFactory(title="Sport", slug="sport")
    # Monde's newest has no image: the block's lead is the newest that has one.
    monde_articles = [
        ArticleFactory(parent=monde, slug=f"monde-{n}", hero_image=ImageFactory() if n == 1 else None,
                       first_published_at=now - datetime.timedelta(hours=n + 1))
        for n in range(5)
    ]
    sport_articles = [
        ArticleFactory(parent=sport, slug=f"sport-{n}", first_published_at=now - datetime.timedelta(hours=n + 1))
        for n in range(2)
    ]
    return {"monde": monde, "sport": sport, "monde_articles": monde_articles, "sport_articles": sport_articles}


def test_each_section_block_has_one_lead_and_text_cards(client, front):
    page = soup(client.get("/"))
    blocks = page.select(".section-block")
    assert [b.h2.text for b in blocks] == ["Monde", "Sport"]
    monde = blocks[0]
    lead = monde.select_one(".card--lead")
    assert lead.select_one(".card__title a")["href"] == front["monde_articles"][1].url
    assert lead.select_one(".card__image picture") is not None and lead.select_one(".card__lead")
    others = [a["href"] for a in monde.select(".card-list--text .card__title a")]
    assert others == [front["monde_articles"][n].url for n in (0, 2, 3)]
    assert monde.select(".card-list--text .card__image") == []
    # Without any image, the lead is the newest, as text.
    sport = blocks[1]
    assert sport.select_one(".card--lead .card__title a")["href"] == front["sport_articles"][0].url


def test_lead_cards_are_all_images_or_all_text(client, front, home):
    articles = front["monde_articles"]
    for order, article in enumerate(articles[:3]):
        FrontPageLead.objects.create(page=home, article=article, sort_order=order)
    page = soup(client.get("/"))
    cards = page.select_one(".card-list--leads")
    # One of the two cards has an image, the other none: both are shown as text, with their lead.
    assert "card-list--text" in cards["class"]
    assert cards.select(".card__image") == [] and len(cards.select(".card__lead")) == 2
    FrontPageLead.objects.filter(article=articles[2]).delete()
    FrontPageLead.objects.create(page=home, article=ArticleFactory(parent=front["sport"], hero_image=ImageFactory()), sort_order=5)
    FrontPageLead.objects.filter(article=articles[0]).update(sort_order=-1)  # the lead story, without image
    cards = soup(client.get("/")).select_one(".card-list--leads")
    assert "card-list--text" not in cards["class"] and len(cards.select(".card__image")) == 2


@pytest.mark.parametrize(
    ("count", "split"), [(1, (1, 4)), (5, (1, 4)), (6, (2, 4)), (8, (2, 3)), (9, (1, 4)), (10, (2, 4)), (12, (1, 4))],
)
def test_the_sections_below_the_side_column_fill_whole_rows(count, split):
    assert _front_split(count) == split


def test_the_front_page_uses_the_side_column(client, front):
    page = soup(client.get("/"))
    side = page.select_one("aside.front__side")
    assert side.select_one(".best-of") is None  # no picks in this newsroom: no empty block
    assert page.select_one(".front__main .section-block") is not None


def test_most_read_lists_visible_articles_by_views_over_a_day(client, front):
    monde = front["monde_articles"]
    withdrawn = monde[4]
    now = timezone.now()
    record({(b"localhost", monde[2].url): 9, (b"localhost", withdrawn.url): 50}, now)
    record({(b"localhost", monde[3].url): 4, (b"localhost", "/monde/"): 99}, now - datetime.timedelta(hours=1))
    record({(b"localhost", monde[0].url): 500}, now - datetime.timedelta(hours=25))
    withdrawn.unpublish()
    for url in ("/", "/monde/"):
        block = soup(client.get(url)).select_one(".most-read")
        assert block.h2.text == "Les plus lus", url
        assert [a["href"] for a in block.select("li a")] == [monde[2].url, monde[3].url], url


def test_no_views_no_block(client, front):
    assert soup(client.get("/")).select_one(".most-read") is None


def test_the_most_read_block_is_a_shared_fragment_kept_five_minutes(client, front):
    response = client.get("/_fragments/plus-lus/")
    assert response.status_code == 200
    assert "s-maxage=300" in response["Cache-Control"]


def test_every_section_is_in_the_phone_menu(client, front):
    page = soup(client.get("/monde/"))
    menu = page.select_one("nav.main-nav details.main-nav__menu")
    assert menu.summary.text.strip() == "Rubriques"
    assert [a.text for a in menu.select("a")] == ["À la Une", "Monde", "Sport", "Fil info"]
    assert [a.text for a in page.select(".main-nav__strip a")] == ["À la Une", "Monde", "Sport", "Fil info"]
    assert menu.select_one('a[aria-current="page"]').text == "Monde"
    assert len(page.select('input[type="search"]')) == 1


def test_the_masthead_has_the_logo_and_todays_date(client, front):
    response = client.get("/")
    page = soup(response)
    title = page.select_one(".masthead__title")
    assert title.select_one("svg.masthead__logo")["aria-hidden"] == "true"
    assert title.text.strip() == "Le Quotidien de Manchette"
    today = timezone.localtime()
    time = page.select_one(".masthead__date time")
    assert time["datetime"] == today.date().isoformat()
    assert time.text == long_date(today)
    assert "s-maxage=300," in response["Cache-Control"] + ","


@pytest.mark.parametrize("url", ["/", "/monde/", "monde-0"])
def test_a_page_with_the_date_is_shared_only_until_midnight(client, front, monkeypatch, url):
    """Nothing else on the page may lengthen it again: « Les plus lus » asks for five minutes."""
    late = datetime.datetime(2026, 12, 5, 23, 59, 37, tzinfo=BRUSSELS)
    monkeypatch.setattr(front_tags, "now", lambda: late)
    record({(b"localhost", front["monde_articles"][2].url): 9}, timezone.now())
    article = url == "monde-0"
    response = client.get(front["monde_articles"][0].url if article else url)
    assert (soup(response).select_one(".most-read") is None) == article
    assert soup(response).select_one(".masthead__date time")["datetime"] == "2026-12-05"
    assert response["Cache-Control"] == f"public, max-age=0, s-maxage={seconds_to_midnight(late)}"
    assert seconds_to_midnight(late) == 24


def test_the_date_in_french():
    assert long_date(datetime.datetime(2026, 12, 5, 9, tzinfo=BRUSSELS)) == "samedi 5 décembre 2026"
    assert long_date(datetime.datetime(2026, 12, 1, 9, tzinfo=BRUSSELS)) == "mardi 1er décembre 2026"


@pytest.mark.parametrize(
    ("moment", "seconds"),
    [
        (datetime.datetime(2026, 12, 5, 23, 59, 0, tzinfo=BRUSSELS), 61),
        (datetime.datetime(2026, 12, 5, 12, 0, 0, tzinfo=BRUSSELS), 12 * 3600 + 1),
        # The night the clocks go back (25 October 2026): 24 hours and one more from midnight to midnight.
        (datetime.datetime(2026, 10, 25, 0, 0, 0, tzinfo=BRUSSELS), 25 * 3600 + 1),
    ],
)
def test_a_page_with_the_date_is_shared_until_midnight_in_brussels(moment, seconds):
    assert seconds_to_midnight(moment) == seconds
