"""A reader's visit in Chromium: front page, a lead story, every block of the article, breadcrumb, search."""

import pytest

pytestmark = pytest.mark.browser

ARTICLE_BLOCKS = [
    ".breadcrumb", "h1", ".article__lead", ".reading-time", ".byline", ".article__body",
    ".filinfo", ".also-in", ".best-of", ".headlines",
]


def no_horizontal_scroll(page):
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def open_first_lead(page):
    page.goto("/")
    lead = page.locator(".leads a").first
    title = lead.inner_text()
    lead.click()
    page.wait_for_load_state()
    return title


def test_reader_follows_a_lead_story_and_sees_every_block_in_order(page, screenshot):
    title = open_first_lead(page)

    assert page.locator("h1").inner_text() == title
    tops = [page.locator(f"main {selector}").first.bounding_box()["y"] for selector in ARTICLE_BLOCKS[:6]]
    assert tops == sorted(tops), "the article's blocks are out of order"
    for selector in ARTICLE_BLOCKS:
        assert page.locator(f"main {selector}").first.is_visible(), selector
    assert page.get_by_text("Temps de lecture").is_visible()
    assert page.get_by_role("link", name="Voir tout le Fil info").is_visible()
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        assert no_horizontal_scroll(page), f"the article page scrolls sideways at {width} px"
        screenshot(page, f"article-{width}")


def test_breadcrumb_leads_to_the_section(page):
    open_first_lead(page)
    crumbs = page.locator(".breadcrumb a")
    assert crumbs.first.inner_text() == "Accueil"
    section_name = crumbs.last.inner_text()
    crumbs.last.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == section_name
    assert page.locator(".card").count() > 0


def test_search_from_the_masthead(page, screenshot):
    title = open_first_lead(page)
    word = max(title.split(), key=len).strip("«»:;!?,.\u202f")
    page.get_by_role("searchbox").first.fill(word)
    page.get_by_role("searchbox").first.press("Enter")
    page.wait_for_load_state()
    assert "/recherche/" in page.url
    assert page.locator("main .card").count() > 0
    screenshot(page, "search")


@pytest.mark.parametrize("width", [375, 1280])
def test_front_and_section_pages_fit_the_screen(page, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/")
    assert no_horizontal_scroll(page)
    if width < 768:  # on a phone, the sections are in the menu (tests/browser/test_front.py)
        page.locator(".main-nav__menu summary").click()
    page.locator(".main-nav a:visible").nth(1).click()
    page.wait_for_load_state()
    assert no_horizontal_scroll(page)


@pytest.mark.parametrize("kind", ["front", "section", "article", "search", "feed", "not-found"])
def test_pages_meet_wcag_22_aa(page, assert_accessible, kind):
    if kind == "article":
        open_first_lead(page)
    elif kind == "section":
        page.goto("/")
        page.locator(".main-nav a").nth(1).click()
    else:
        page.goto({"front": "/", "search": "/recherche/?q=budget", "feed": "/fil-info/", "not-found": "/introuvable/"}[kind])
    page.wait_for_load_state()
    assert_accessible(page)


def test_pages_work_without_javascript(browser, live_server_url):
    context = browser.new_context(base_url=live_server_url, java_script_enabled=False)
    page = context.new_page()
    open_first_lead(page)
    assert page.locator(".article__body p").count() > 0
    page.get_by_role("searchbox").first.fill("budget")
    page.get_by_role("button", name="Rechercher").first.click()
    page.wait_for_load_state()
    assert "/recherche/" in page.url
    context.close()
