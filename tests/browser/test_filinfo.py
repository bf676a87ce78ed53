"""Le fil info in Chromium: items published, corrected and withdrawn reach open pages without a reload, and a
reader whose server went away gets what was published meanwhile, once each, when it comes back.

The server here is this module's own `manchette serve`, on the browser database, so that a test can stop it
and start it again on the same port while the page stays open. Dispatches are published from another
process (`server_shell`), as the newsroom's admin would.
"""

import pytest
from playwright.sync_api import expect

from manchette.testing.pytest_plugin import server_fixture
from manchette.testing.servers import ManchetteServer

from .conftest import ARTIFACTS

pytestmark = pytest.mark.browser

LIVE_TIMEOUT_MS = 2000  # the promise: on open pages within a second or two of publication
RECONNECT_TIMEOUT_MS = 20_000  # the browser retries every 2 s; the server needs a few seconds to start

PUBLISH = """
from manchette.filinfo.models import Dispatch
dispatch = Dispatch(title={title!r}, text="Deux phrases pour le test. Rien de plus.", important={important!r}, source="Agence de test")
dispatch.live = False
dispatch.save()
dispatch.save_revision().publish()
print(dispatch.pk)
"""
PUBLISH_MANY = """
from manchette.filinfo.models import Dispatch
for number in range({count}):
    dispatch = Dispatch(title=f"Manquée numéro {{number}}", text="Publiée pendant une longue absence. Deux phrases.")
    dispatch.live = False
    dispatch.save()
    dispatch.save_revision().publish()
    print(dispatch.pk)
"""
CORRECT = """
from manchette.filinfo.models import Dispatch
dispatch = Dispatch.objects.get(pk={pk})
dispatch.title = {title!r}
dispatch.save_revision().publish()
"""
WITHDRAW = """
from manchette.filinfo.models import Dispatch
Dispatch.objects.get(pk={pk}).unpublish()
"""
FIRST_ARTICLE = """
from manchette.news.models import visible_articles
print(visible_articles().first().url)
"""
FIRST_DISPATCH = """
from manchette.filinfo.models import FeedEntry
print(FeedEntry.objects.filter(kind="dispatch").order_by("-published_at").first().url)
"""


@server_fixture(scope="module")
def server(server_env, tmp_path_factory):
    with ManchetteServer(server_env, tmp_path_factory.mktemp("filinfo-server")) as server:
        yield server


@pytest.fixture
def reader(browser, server):
    context = browser.new_context(
        base_url=server.url, locale="fr-BE", timezone_id="Europe/Brussels", viewport={"width": 1280, "height": 900},
    )
    page = context.new_page()
    yield page
    context.close()


def printed(output):
    """What the code run by `server_shell` printed last (the shell may say a word first)."""
    return output.strip().splitlines()[-1]


@pytest.fixture(scope="module")
def article_url(server_shell):
    return printed(server_shell(FIRST_ARTICLE))


def publish(server_shell, title, important=False):
    return int(printed(server_shell(PUBLISH.format(title=title, important=important))))


def open_live(page, url):
    """Opens URL, waits for the block to follow the stream, and marks the page: a reload would lose the mark."""
    page.goto(url)
    expect(page.locator("[data-filinfo-status]")).to_have_text("En direct")
    page.evaluate("window.filinfoTestMark = 'same page'")


def assert_not_reloaded(page):
    assert page.evaluate("window.filinfoTestMark") == "same page", "the page was reloaded"


def test_published_corrected_and_withdrawn_items_reach_an_open_article_page(reader, article_url, server_shell):
    open_live(reader, article_url)
    block = reader.locator(".filinfo")
    block.get_by_role("tab", name="Tous").click()
    tous = block.locator('[data-list="tous"] > li')
    une = block.locator('[data-list="une"] > li')
    limit = int(block.locator('[data-list="tous"]').get_attribute("data-limit"))

    pk = publish(server_shell, "Dépêche en direct : le pont est rouvert")
    key = f"depeche-{pk}"
    expect(tous.first).to_have_attribute("data-key", key, timeout=LIVE_TIMEOUT_MS)
    expect(tous.first.locator("a")).to_have_text("Dépêche en direct\u202f: le pont est rouvert")
    assert tous.count() == limit, "the block keeps its length"
    assert block.locator(f'[data-list="une"] [data-key="{key}"]').count() == 0

    server_shell(CORRECT.format(pk=pk, title="Dépêche corrigée : le pont reste fermé"))
    expect(tous.first.locator("a")).to_have_text("Dépêche corrigée\u202f: le pont reste fermé", timeout=LIVE_TIMEOUT_MS)
    assert block.locator(f'[data-key="{key}"]').count() == 1

    important = publish(server_shell, "Alerte à la Une du fil", important=True)
    expect(une.first).to_have_attribute("data-key", f"depeche-{important}", timeout=LIVE_TIMEOUT_MS)
    expect(tous.first).to_have_attribute("data-key", f"depeche-{important}")

    server_shell(WITHDRAW.format(pk=pk))
    expect(block.locator(f'[data-key="{key}"]')).to_have_count(0, timeout=LIVE_TIMEOUT_MS)
    server_shell(WITHDRAW.format(pk=important))
    expect(block.locator(f'[data-key="depeche-{important}"]')).to_have_count(0, timeout=LIVE_TIMEOUT_MS)
    assert_not_reloaded(reader)


def test_a_reader_gets_what_was_published_while_the_server_was_down(reader, article_url, server, server_shell):
    open_live(reader, article_url)
    block = reader.locator(".filinfo")
    block.get_by_role("tab", name="Tous").click()
    status = block.locator("[data-filinfo-status]")

    server.stop()
    expect(status).to_have_text("Reconnexion…", timeout=RECONNECT_TIMEOUT_MS)
    missed = [
        publish(server_shell, "Publiée pendant la coupure", important=True),
        publish(server_shell, "Publiée aussi pendant la coupure"),
    ]
    server.start()

    expect(status).to_have_text("En direct", timeout=RECONNECT_TIMEOUT_MS)
    tous = block.locator('[data-list="tous"] > li')
    expect(tous.nth(0)).to_have_attribute("data-key", f"depeche-{missed[1]}", timeout=LIVE_TIMEOUT_MS)
    expect(tous.nth(1)).to_have_attribute("data-key", f"depeche-{missed[0]}")
    expect(block.locator('[data-list="une"] > li').first).to_have_attribute("data-key", f"depeche-{missed[0]}")
    for pk in missed:
        assert block.locator(f'[data-list="tous"] [data-key="depeche-{pk}"]').count() == 1
    keys = block.locator('[data-list="tous"] > li').evaluate_all("items => items.map(item => item.dataset.key)")
    assert len(keys) == len(set(keys))
    assert_not_reloaded(reader)
    for pk in missed:
        server_shell(WITHDRAW.format(pk=pk))


def test_a_reader_away_longer_than_the_server_remembers_gets_the_block_again(
    browser, server_env, tmp_path, article_url, server_shell,
):
    # This server keeps only the last three events: five published while it is down are too many to replay.
    forgetful = ManchetteServer({**server_env, "FILINFO_REPLAY_EVENTS": "3"}, tmp_path)
    forgetful.start()
    context = browser.new_context(base_url=forgetful.url, locale="fr-BE", viewport={"width": 1280, "height": 900})
    missed = []
    try:
        page = context.new_page()
        reloads = []
        page.on("request", lambda request: reloads.append(request.url) if "/fil-info/bloc/" in request.url else None)
        open_live(page, article_url)
        block = page.locator(".filinfo")
        block.get_by_role("tab", name="Tous").click()
        forgetful.stop()
        expect(block.locator("[data-filinfo-status]")).to_have_text("Reconnexion…", timeout=RECONNECT_TIMEOUT_MS)
        missed += [int(line) for line in server_shell(PUBLISH_MANY.format(count=5)).strip().splitlines()[-5:]]
        forgetful.start()

        expect(block.locator("[data-filinfo-status]")).to_have_text("En direct", timeout=RECONNECT_TIMEOUT_MS)
        tous = block.locator('[data-list="tous"] > li')
        expect(tous.nth(4)).to_have_attribute("data-key", f"depeche-{missed[0]}", timeout=RECONNECT_TIMEOUT_MS)
        keys = tous.evaluate_all("items => items.map(item => item.dataset.key)")
        assert keys[:5] == [f"depeche-{pk}" for pk in reversed(missed)]
        assert len(keys) == len(set(keys)) == int(block.locator('[data-list="tous"]').get_attribute("data-limit"))
        assert reloads, "the block was not fetched again"
        expect(block.get_by_role("tab", name="Tous")).to_have_attribute("aria-selected", "true")
        assert_not_reloaded(page)
    finally:
        context.close()
        forgetful.stop()
        for pk in missed:
            server_shell(WITHDRAW.format(pk=pk))


def test_the_feed_page_takes_new_items_at_the_top(reader, server_shell):
    open_live(reader, "/fil-info/")
    pk = publish(server_shell, "En tête de la page du fil")
    entries = reader.locator(".filinfo__list--full > li")
    expect(entries.first).to_have_attribute("data-key", f"depeche-{pk}", timeout=LIVE_TIMEOUT_MS)
    expect(entries.first.locator("h2")).to_have_text("En tête de la page du fil")
    expect(entries.first.locator(".filinfo__source")).to_have_text("Source\u202f: Agence de test")
    assert_not_reloaded(reader)
    server_shell(WITHDRAW.format(pk=pk))
    expect(reader.locator(f'[data-key="depeche-{pk}"]')).to_have_count(0, timeout=LIVE_TIMEOUT_MS)


def test_tabs_follow_the_keyboard(reader, article_url):
    reader.goto(article_url)
    une = reader.get_by_role("tab", name="La Une")
    tous = reader.get_by_role("tab", name="Tous")
    expect(une).to_have_attribute("aria-selected", "true")
    expect(reader.locator("#filinfo-tous")).to_be_hidden()
    une.focus()
    reader.keyboard.press("ArrowRight")
    expect(tous).to_be_focused()
    expect(tous).to_have_attribute("aria-selected", "true")
    expect(reader.locator("#filinfo-tous")).to_be_visible()
    expect(reader.locator("#filinfo-une")).to_be_hidden()
    reader.keyboard.press("Home")
    expect(une).to_have_attribute("aria-selected", "true")
    assert reader.get_by_role("tabpanel").count() == 1


def test_without_javascript_both_lists_are_plain_links(browser, server, article_url):
    context = browser.new_context(base_url=server.url, java_script_enabled=False, locale="fr-BE")
    page = context.new_page()
    page.goto(article_url)
    block = page.locator(".filinfo")
    expect(block.get_by_role("heading", name="La Une")).to_be_visible()
    expect(block.get_by_role("heading", name="Tous")).to_be_visible()
    assert block.get_by_role("tab").count() == 0
    assert block.locator('[data-list="tous"] > li').count() > 0
    expect(block.locator("[data-filinfo-status]")).to_be_hidden()
    page.goto("/fil-info/")
    page.get_by_role("link", name="Plus anciens »").click()
    assert "avant=" in page.url and page.locator(".filinfo__list--full > li").count() > 0
    context.close()


def test_feed_page_and_dispatch_page_are_accessible(reader, server_shell, assert_accessible):
    open_live(reader, "/fil-info/")
    assert_accessible(reader)
    reader.goto("/fil-info/?onglet=une")
    assert_accessible(reader)
    open_live(reader, printed(server_shell(FIRST_DISPATCH)))
    assert reader.locator('script[type="application/ld+json"]').count() == 2
    assert_accessible(reader)


def test_screenshots_of_the_block_and_the_feed_page(reader, article_url, screenshot):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for width in (375, 1280):
        reader.set_viewport_size({"width": width, "height": 900})
        open_live(reader, article_url)
        reader.locator(".filinfo").screenshot(path=ARTIFACTS / f"filinfo-block-{width}.png")
        open_live(reader, "/fil-info/")
        assert reader.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"), width
        screenshot(reader, f"filinfo-page-{width}")
