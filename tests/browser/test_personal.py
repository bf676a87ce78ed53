"""A logged-in reader in Chromium: the shared page from the cache, their name in the masthead from their cookie."""

import json

import pytest

pytestmark = pytest.mark.browser

LOG_IN = """
import json
from django.contrib.auth import get_user_model
from django.test import Client
reader, _ = get_user_model().objects.get_or_create(username="lectrice-navigateur", defaults={"first_name": "Élise", "last_name": "Dœuf"})
client = Client(HTTP_HOST="127.0.0.1")  # a host the server answers (ALLOWED_HOSTS, from SITE_URL)
client.force_login(reader)
client.get("/")
print("COOKIES " + json.dumps({name: morsel.value for name, morsel in client.cookies.items() if morsel.value}))
"""


def reader_cookies(server_shell, url):
    output = server_shell(LOG_IN)
    cookies = json.loads(output.split("COOKIES ", 1)[1].splitlines()[0])
    return [{"name": name, "value": value, "url": url} for name, value in cookies.items()]


def test_a_logged_in_reader_gets_the_cached_page_with_their_name(browser, live_server_url, server_shell, screenshot):
    context = browser.new_context(base_url=live_server_url, locale="fr-BE", viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto("/")
    article_url = page.locator(".leads a").first.get_attribute("href")
    page.goto(article_url)  # an anonymous reader puts it in the cache
    context.add_cookies(reader_cookies(server_shell, live_server_url))
    response = page.goto(article_url)
    assert response.headers["x-cache"] == "HIT"
    personal = page.locator("[data-personal]")
    assert personal.inner_text().startswith("Bonjour, Élise Dœuf")
    assert not page.get_by_role("link", name="Se connecter").is_visible()
    screenshot(page, "article-logged-in-1280")
    context.close()


def test_an_article_does_not_list_itself_in_the_blocks_it_shares(page):
    page.goto("/")
    page.goto(page.locator(".leads a").first.get_attribute("href"))
    own = page.evaluate("document.querySelector('head style').textContent.match(/data-page=\"(\\d+)\"/)[1]")
    for block, shown in ((".headlines", 6), (".best-of", 5), (".also-in", 4)):
        items = page.locator(f"{block} li")
        visible = [items.nth(i) for i in range(items.count()) if items.nth(i).is_visible()]
        assert all(item.get_attribute("data-page") != own for item in visible), block
        assert len(visible) == min(shown, items.count() - (1 if page.locator(f'{block} li[data-page="{own}"]').count() else 0)), block
