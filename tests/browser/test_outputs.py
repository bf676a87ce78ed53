"""What a browser fetches besides the page: the icon it shows in the tab, with nothing answered 404."""

import pytest

pytestmark = pytest.mark.browser


def test_pages_say_fr_be_and_the_browser_finds_their_icon(page, live_server_url):
    missing = []
    page.on("response", lambda response: response.status >= 400 and missing.append(f"{response.status} {response.url}"))
    for path in ("/", "/fil-info/", "/recherche/?q=budget"):
        assert page.goto(path).status == 200, path
        assert page.locator("html").get_attribute("lang") == "fr-BE", path
        href = page.locator('link[rel="icon"][type="image/svg+xml"]').get_attribute("href")
        icon = page.request.get(href)
        assert icon.status == 200 and icon.headers["content-type"].startswith("image/svg+xml"), href
    fallback = page.request.get("/favicon.ico")
    assert fallback.status == 200 and fallback.headers["content-type"] in ("image/x-icon", "image/vnd.microsoft.icon")
    assert missing == []
