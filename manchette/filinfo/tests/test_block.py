"""The fil info block of the front, section, article and dispatch pages, and its fragment for live.js."""

import datetime
import json
import re

from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from manchette.filinfo import feed
from manchette.filinfo.models import FeedEntry
from manchette.live.models import Event

from .factories import correct, publish_dispatch


def soup(response):
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def listed(block, name):
    return [li.a.text for li in block.select(f'[data-list="{name}"] > li')]


def test_block_has_both_tabs_and_follows_the_log(client, published_article):
    article = published_article(title="Le budget communal adopté", slug="budget")
    publish_dispatch("Alerte orages sur la province", important=True, source="Agence Test")
    publish_dispatch("Un nouveau parc ouvre à Jambes")
    last_event = Event.objects.latest("id").id
    for url in ("/", "/belgique/", article.url):
        block = soup(client.get(url)).select_one("[data-filinfo]")
        assert block is not None, url
        assert block.h2.text == "Le fil info"
        assert listed(block, "une") == ["Alerte orages sur la province"]
        assert listed(block, "tous") == ["Un nouveau parc ouvre à Jambes", "Alerte orages sur la province", "Le budget communal adopté"]
        assert block["data-live-since"] == str(last_event)
        assert block["data-live-topic"] == "filinfo"
        assert block["data-refresh"] == "/fil-info/bloc/"
        assert [tab.text for tab in block.select('[role="tab"]')] == ["La Une", "Tous"]
        # Fewer items than the block holds: the lists show the whole feed, older items may join them live.
        assert all(list_.has_attr("data-complete") for list_ in block.select("[data-list]"))
        assert block.select_one('[role="tablist"]').has_attr("hidden"), "tabs are live.js's: without it both lists show"
        assert block.select_one('[role="status"]').text == ""
        assert block.select_one(".more a")["href"] == "/fil-info/"
        scripts = block.find_all_next("script")
        assert re.search(r"/filinfo/live(\.\w+)?\.js$", scripts[0]["src"]) and scripts[0].has_attr("defer")
        assert re.search(r"/live/stream(\.\w+)?\.js$", scripts[1]["src"]) and scripts[1].has_attr("defer")
        assert scripts[1]["data-stream"] == "/direct/", "one stream for the page, whatever its topics"


def test_items_carry_their_key_cursor_time_and_link(client, home):
    dispatch = publish_dispatch("Grève des bus lundi")
    entry = FeedEntry.objects.get()
    item = soup(client.get("/")).select_one('[data-list="tous"] > li')
    assert item["data-key"] == f"depeche-{dispatch.pk}"
    assert item["data-cursor"] == feed.cursor_of(entry)
    assert item.a["href"] == dispatch.get_absolute_url()
    assert item.time["datetime"] == timezone.localtime(entry.published_at).isoformat(timespec="seconds")


def test_block_holds_the_newest_items_of_each_list(client, home, monkeypatch):
    monkeypatch.setattr(feed, "FEED_BLOCK_SIZE", 3)
    important = [publish_dispatch(f"Importante {n}", important=True) for n in range(2)]
    ordinary = [publish_dispatch(f"Ordinaire {n}") for n in range(4)]
    lists = soup(client.get("/")).select("[data-filinfo] [data-list]")
    assert [list_.has_attr("data-complete") for list_ in lists] == [True, False], "La Une is whole, Tous is cut"
    ticker = feed.latest_items(limit=3)
    assert [e.title for e in ticker.tous] == [d.title for d in reversed(ordinary)][:3]
    # Older than every item of « Tous », still at the top of « La Une ».
    assert [e.title for e in ticker.une] == ["Importante 1", "Importante 0"]
    assert ticker.limit == 3 and ticker.last_event_id == Event.objects.latest("id").id
    assert {e.key for e in ticker.une} == {f"depeche-{d.pk}" for d in important}


def test_latest_items_is_one_query_even_with_an_empty_feed(home):
    with CaptureQueriesContext(connection) as queries:
        ticker = feed.latest_items()
    assert len(queries) == 1
    assert (ticker.une, ticker.tous, ticker.last_event_id) == ([], [], 0)

    dispatch = publish_dispatch("Retirée aussitôt")
    dispatch.unpublish()
    with CaptureQueriesContext(connection) as queries:
        ticker = feed.latest_items()
    assert len(queries) == 1
    assert ticker.tous == [] and ticker.last_event_id == Event.objects.latest("id").id


def test_an_empty_block_says_so(client, home):
    block = soup(client.get("/")).select_one("[data-filinfo]")
    assert block["data-live-since"] == "0", "a reader replays the log from its start"
    for empty in block.select("[data-empty]"):
        assert not empty.has_attr("hidden") and "pour l’instant" in empty.text


def test_ties_are_broken_by_id_in_every_list(home):
    dispatches = [publish_dispatch(f"Même minute {n}", important=True) for n in range(3)]
    FeedEntry.objects.update(published_at=timezone.now() - datetime.timedelta(minutes=5))
    ticker = feed.latest_items()
    expected = [d.title for d in reversed(dispatches)]
    assert [e.title for e in ticker.tous] == expected and [e.title for e in ticker.une] == expected


def test_a_correction_and_a_withdrawal_change_the_block(client, home):
    dispatch = publish_dispatch("Premier titre", important=True)
    correct(dispatch, title="Titre corrigé", important=False)
    block = soup(client.get("/")).select_one("[data-filinfo]")
    assert listed(block, "tous") == ["Titre corrigé"] and listed(block, "une") == []
    dispatch.unpublish()
    block = soup(client.get("/")).select_one("[data-filinfo]")
    assert listed(block, "tous") == []


def test_fragment_is_the_block_alone_briefly_shared(client, home):
    publish_dispatch("Dans le fragment", important=True)
    response = client.get("/fil-info/bloc/")
    page = soup(response)
    assert "<html" not in response.content.decode() and page.select_one("main") is None
    assert listed(page.select_one("[data-filinfo]"), "une") == ["Dans le fragment"]
    assert page.select_one("[data-filinfo]")["data-live-since"] == str(Event.objects.latest("id").id)
    assert response["Cache-Control"] == "public, max-age=0, s-maxage=10"
    assert response["X-Robots-Tag"] == "noindex"


def test_events_carry_the_block_and_page_html_of_the_item(home, published_article):
    article = published_article(title="Article lié", slug="lie")
    dispatch = publish_dispatch("Avec un lien", article=article, source="Agence Test", important=True)
    data = json.loads(Event.objects.latest("id").data)
    block = BeautifulSoup(data["block"], "html.parser").li
    page = BeautifulSoup(data["page"], "html.parser").li
    entry = FeedEntry.objects.get(dispatch=dispatch)
    for item in (block, page):
        assert item["data-key"] == entry.key and item["data-cursor"] == feed.cursor_of(entry)
    assert block.a.text == "Avec un lien"
    assert page.h2.a["href"] == dispatch.get_absolute_url()
    assert page.select_one(".filinfo__article a")["href"] == article.url
    assert page.select_one(".filinfo__source").text == "Source\u202f: Agence Test"
    assert page.select_one(".filinfo__badge").text == "La Une"


def test_block_times_say_today_yesterday_or_the_date():
    from manchette.filinfo.templatetags.filinfo_tags import feed_time

    now = timezone.localtime()
    assert feed_time(now) == now.strftime("%H:%M")
    yesterday = now - datetime.timedelta(days=1)
    assert feed_time(yesterday) == f"hier {yesterday:%H:%M}"
    earlier = now - datetime.timedelta(days=3)
    assert feed_time(earlier) == f"{earlier.day}/{earlier:%m}"
