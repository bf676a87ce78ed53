"""Search in Chromium on the demo newspaper: the fil info's dispatches are found beside the articles,
labelled « Fil info », their words marked; one published, then withdrawn, through the newsroom's publishing
is found, then no longer."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PUBLISH = """
from manchette.filinfo.models import Dispatch
dispatch = Dispatch(title="Chantier au viaduc de Zwartberg", text="Le viaduc de Zwartberg est fermé pour travaux. Deux phrases.")
dispatch.live = False
dispatch.save()
dispatch.save_revision().publish()
print(dispatch.pk)
"""
WITHDRAW = """
from manchette.filinfo.models import Dispatch
Dispatch.objects.get(pk={pk}).unpublish()
"""


def search_from_the_masthead(page, words):
    page.goto("/")
    box = page.get_by_role("searchbox").first
    box.fill(words)
    box.press("Enter")
    page.wait_for_load_state()


@pytest.mark.parametrize("words", ["météo", "E411"])
def test_the_demo_dispatches_that_say_the_words_are_found(page, words, assert_accessible, screenshot):
    search_from_the_masthead(page, words)
    dispatches = page.locator("main li", has=page.locator(".card--dispatch"))
    expect(dispatches.first).to_be_visible()
    first = dispatches.first
    assert first.locator(".kicker").inner_text().casefold() == "fil info"
    # The demo's dispatches say the words in their titles (excerpts mark them in the text alone, as articles').
    title = first.locator(".card__title").inner_text()
    assert words.casefold() in title.casefold()
    assert page.get_by_role("status").inner_text().endswith(("résultat", "résultats"))
    if words == "E411":
        for width in (375, 1280):
            page.set_viewport_size({"width": width, "height": 900})
            screenshot(page, f"search-dispatches-{width}")
    assert_accessible(page)
    first.locator(".card__title a").click()
    page.wait_for_load_state()
    assert "/fil-info/" in page.url and page.locator("h1").inner_text() == title


def test_a_published_then_withdrawn_dispatch_is_found_then_no_longer(page, server_shell):
    pk = int(server_shell(PUBLISH).strip().splitlines()[-1])
    try:
        page.goto("/recherche/?q=zwartberg")
        expect(page.locator(".card--dispatch .card__title")).to_have_text(["Chantier au viaduc de Zwartberg"])
    finally:
        server_shell(WITHDRAW.format(pk=pk))
    page.goto("/recherche/?q=zwartberg")
    expect(page.get_by_role("status")).to_have_text("0 résultat")
    assert page.locator(".card--dispatch").count() == 0
