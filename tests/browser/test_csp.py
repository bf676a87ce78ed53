"""The Content-Security-Policy in Chromium: reader pages, their scripts, the live ticker and the newsroom's user
bar run under it without a single violation, and the article's own style (allowed by its hash) applies."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

LIVE_TIMEOUT_MS = 5000
# Set up before any script of the page runs (through the DevTools protocol, which the policy does not govern).
LISTEN = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.cspViolations.push(event.violatedDirective + " blocked " + (event.blockedURI || "inline")
    + " at " + event.sourceFile + ":" + event.lineNumber);
});
"""
PUBLISH = """
from manchette.filinfo.models import Dispatch
dispatch = Dispatch(title="Dépêche sous CSP : le direct passe", text="Deux phrases pour le test. Rien de plus.", source="Agence de test")
dispatch.live = False
dispatch.save()
dispatch.save_revision().publish()
print(dispatch.pk)
"""


@pytest.fixture
def watched(browser, live_server_url):
    """A tab that records every CSP violation, from the page's events and from the console."""
    context = browser.new_context(base_url=live_server_url, locale="fr-BE", viewport={"width": 1280, "height": 900})
    context.add_init_script(LISTEN)
    page = context.new_page()
    console = []
    page.on("console", lambda message: console.append(message.text) if "Content Security Policy" in message.text else None)
    page.console_csp = console
    yield page
    context.close()


def assert_no_violation(page):
    page.wait_for_load_state("networkidle")
    violations = page.evaluate("window.cspViolations")
    assert not violations and not page.console_csp, f"{page.url}: {violations + page.console_csp}"


def test_reader_pages_run_under_the_policy_without_violation(watched, server_shell):
    page = watched
    assert "script-src 'self'" in page.goto("/").headers["content-security-policy"]
    assert_no_violation(page)
    section = page.locator(".main-nav a").nth(1).get_attribute("href")
    article = page.locator(".leads a").first.get_attribute("href")
    for url in (section, "/fil-info/", "/recherche/?q=budget", "/introuvable/"):
        page.goto(url)
        assert_no_violation(page)

    # The article: its own style hides it in the blocks it shares, and the ticker follows the stream.
    page.goto(article)
    expect(page.locator("[data-filinfo-status]")).to_have_text("En direct")
    own = page.evaluate("document.querySelector('head style').textContent.match(/data-page=\"(\\d+)\"/)[1]")
    hidden = page.locator(f'.headlines li[data-page="{own}"]')
    if hidden.count():
        expect(hidden).to_be_hidden()
    block = page.locator(".filinfo")
    block.get_by_role("tab", name="Tous").click()
    pk = int(server_shell(PUBLISH).strip().splitlines()[-1])
    expect(block.locator('[data-list="tous"] > li').first).to_have_attribute(
        "data-key", f"depeche-{pk}", timeout=LIVE_TIMEOUT_MS
    )
    assert_no_violation(page)


def test_the_newsroom_user_bar_runs_under_the_policy(watched):
    page = watched
    page.goto("/admin/")  # to the site's login (allauth's, under the reader's policy), and back
    page.get_by_role("textbox", name="Identifiant").fill("admin")
    page.get_by_role("textbox", name="Mot de passe").fill("manchette-demo")
    page.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
    page.goto("/")
    article = page.locator(".leads a").first.get_attribute("href")
    page.goto(article)
    expect(page.locator("wagtail-userbar")).to_have_count(1)
    page.locator("wagtail-userbar").locator("#wagtail-userbar-trigger").click()
    assert_no_violation(page)
