"""The front page and the phone menu in Chromium, at 375 and 1280 px; screenshots in tests/artifacts/ (those of the
README, in docs/screenshots/, are taken from a demo once its lazy images are in)."""

import json
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "tests" / "artifacts"

# Top-level sections as the server's newsroom has them, and a few views so « Les plus lus » is filled: counted as
# the edge's flush would, and the block's cached copy dropped.
SECTIONS_AND_VIEWS = """
import json
from django.utils import timezone
from manchette.edge import invalidation, keys, views_counter
from manchette.news.models import Article, Section

sections = Section.objects.live().order_by("path")
depth = min(s.depth for s in sections)
articles = list(Article.objects.live().order_by("-first_published_at")[:5])
paths = {(b"localhost", "/" + a.url_path.split("/", 2)[2]): 10 - n for n, a in enumerate(articles)}
views_counter.record(paths, timezone.now())
invalidation.invalidate([keys.path("/_fragments/plus-lus/")])
print(json.dumps([s.url for s in sections if s.depth == depth]))
"""

# For each grid of the front page: the children's content bottoms and the bottom of their row, in px.
COLUMN_GAPS = """() => {
  const gaps = [];
  for (const grid of document.querySelectorAll(".front, .front__more")) {
    const items = [...grid.children];
    const rows = new Map();
    for (const item of items) {
      const top = Math.round(item.getBoundingClientRect().top);
      const content = Math.max(...[...item.children].map(c => c.getBoundingClientRect().bottom), item.getBoundingClientRect().top);
      const row = rows.get(top) || [];
      row.push([item.className, content]);
      rows.set(top, row);
    }
    for (const row of rows.values()) {
      const bottom = Math.max(...row.map(([, b]) => b));
      for (const [name, b] of row) gaps.push([name, Math.round(bottom - b)]);
    }
  }
  return gaps;
}"""


@pytest.fixture(scope="module")
def sections(server_shell):
    return json.loads(server_shell(SECTIONS_AND_VIEWS).strip().splitlines()[-1])


def save(page, name):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"front-test-{name}.png", full_page=True)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_every_section_is_reachable_from_the_phone_menu(browser, live_server_url, sections, javascript):
    context = browser.new_context(
        base_url=live_server_url, locale="fr-BE", viewport={"width": 375, "height": 800}, java_script_enabled=javascript,
    )
    try:
        page = context.new_page()
        page.goto("/")
        menu = page.locator(".main-nav__menu")
        assert page.locator(".main-nav__strip").is_hidden()
        assert menu.locator("a").first.is_hidden()
        menu.locator("summary").click()
        if javascript:
            page.screenshot(path=ARTIFACTS / "front-test-menu-375.png")
        links = menu.locator("a")
        hrefs = [links.nth(n).get_attribute("href") for n in range(links.count())]
        assert set(sections) <= set(hrefs) and "/" in hrefs and "/fil-info/" in hrefs
        for n in range(links.count()):
            box = links.nth(n).bounding_box()
            assert links.nth(n).is_visible() and box["x"] >= 0 and box["x"] + box["width"] <= 375, hrefs[n]
        for href in sections:
            page.goto("/")
            page.locator(".main-nav__menu summary").click()
            page.locator(f'.main-nav__menu a[href="{href}"]').click()
            page.wait_for_url(f"**{href}")
            assert page.locator("h1").first.is_visible()
        # One search box on the phone, and the fil info near the top of the front page.
        page.goto("/")
        assert page.locator('input[type="search"]:visible').count() == 1
        assert page.locator(".filinfo").bounding_box()["y"] < 1600
    finally:
        context.close()


@pytest.mark.parametrize("width", [375, 1280])
def test_front_and_section_pages(page, sections, width):
    page.set_viewport_size({"width": width, "height": 800})
    page.goto("/")
    page.wait_for_load_state()
    date = page.locator(".masthead__date time")
    assert date.is_visible() and date.get_attribute("datetime")
    assert page.locator(".masthead__logo").is_visible()
    if width == 1280:
        # The side column is used down the page: no column of the front page is empty for more than a screen.
        gaps = page.evaluate(COLUMN_GAPS)
        assert gaps and all(gap < 800 for _, gap in gaps), gaps
        assert page.locator(".front__side .most-read li").count() > 0
        assert page.locator(".main-nav__strip").is_visible() and page.locator(".main-nav__menu").is_hidden()
    save(page, f"front-{width}")
    page.goto(sections[0])
    page.wait_for_load_state()
    save(page, f"section-{width}")
