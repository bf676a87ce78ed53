"""Newsletters in Chromium: a reader signs up from the block beside an article (the shared page), follows the
link of the confirmation e-mail the test's SMTP server received, changes their lists on the preferences page,
and unsubscribes from the welcome e-mail's link; the pages pass axe-core, at 375 and 1280 px."""

import json
import re
import time

import pytest
from playwright.sync_api import expect

from manchette.testing.smtp import body

pytestmark = pytest.mark.browser

ARTICLE = """
import json
from manchette.news.models import Article
article = Article.objects.live().filter(view_restrictions__isnull=True).order_by("-first_published_at")[2]
print(json.dumps({"url": article.url}))
"""
# The confirmation and welcome e-mails are background work: the queue, run once.
RUN_TASKS = """
from django.core.management import call_command
call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
"""
STATE = """
import json
from manchette.newsletters.models import Subscriber, Subscription, Suppression
subscriber = Subscriber.objects.filter(email={email!r}).first()
print(json.dumps({{
    "confirmed": bool(subscriber and subscriber.confirmed_at),
    "active": sorted(Subscription.objects.filter(subscriber=subscriber, active=True).values_list("newsletter__slug", flat=True)),
    "suppressed": Suppression.holds({email!r}),
}}))
"""


def path_of(link):
    return "/" + link.split("://", 1)[1].split("/", 1)[1]


def mail_to(smtp_server, server_shell, address, count):
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        server_shell(RUN_TASKS)
        found = smtp_server.to(address)
        if len(found) >= count:
            return found
        time.sleep(0.5)
    raise AssertionError(f"{count} e-mail(s) attendu(s) pour {address}, {len(smtp_server.to(address))} reçu(s)")


def state(server_shell, email):
    return json.loads(server_shell(STATE.format(email=email)).strip().splitlines()[-1])


def test_sign_up_from_an_article_confirm_change_preferences_unsubscribe(
        page, server_shell, smtp_server, assert_accessible, screenshot):
    email = f"lectrice.{int(time.time() * 1000)}@example.com"
    article = json.loads(server_shell(ARTICLE).strip().splitlines()[-1])["url"]

    page.goto(article)
    block = page.locator(".newsletter-block")
    expect(block.get_by_role("heading", name="Inscrivez-vous aux newsletters")).to_be_visible()
    block.scroll_into_view_if_needed()
    screenshot(page, "newsletters-article-1280")
    page.set_viewport_size({"width": 375, "height": 800})
    block.scroll_into_view_if_needed()
    screenshot(page, "newsletters-article-375")
    page.set_viewport_size({"width": 1280, "height": 800})
    # The block offers the lists shown under articles, checked.
    expect(block.get_by_label("La Une du matin")).to_be_checked()
    expect(block.get_by_label("Alertes")).to_be_checked()
    block.get_by_label("Alertes").uncheck()
    block.get_by_label("Votre adresse e-mail").fill(email)
    block.get_by_role("button", name="Je m’inscris").click()
    expect(page.get_by_role("heading", name="Vérifiez votre boîte e-mail")).to_be_visible()
    assert state(server_shell, email)["active"] == []

    [confirmation] = mail_to(smtp_server, server_shell, email, 1)
    link = re.search(r"https?://\S+/newsletters/confirmer/\S+/", body(confirmation, "plain")).group(0)
    page.goto(path_of(link))
    page.get_by_role("button", name="Je confirme mon inscription").click()
    expect(page.get_by_role("heading", name="Inscription confirmée")).to_be_visible()
    assert state(server_shell, email) == {"confirmed": True, "active": ["la-une-du-matin"], "suppressed": False}
    assert_accessible(page)

    # The preferences page, from the confirmation page's link: the weekly one too, then saved.
    page.get_by_role("link", name="Gérer mes newsletters").click()
    expect(page.get_by_role("heading", name="Mes newsletters")).to_be_visible()
    expect(page.get_by_label(re.compile("La Une du matin"))).to_be_checked()
    page.get_by_label(re.compile("L’hebdo du samedi")).check()
    page.get_by_role("button", name="Enregistrer mes choix").click()
    expect(page.get_by_text("Vos choix sont enregistrés.")).to_be_visible()
    assert state(server_shell, email)["active"] == ["l-hebdo-du-samedi", "la-une-du-matin"]
    assert_accessible(page)
    screenshot(page, "newsletters-preferences-1280")
    page.set_viewport_size({"width": 375, "height": 800})
    screenshot(page, "newsletters-preferences-375")
    page.set_viewport_size({"width": 1280, "height": 800})

    # The welcome e-mail's unsubscribe link: one button, then nothing more is sent.
    welcome = mail_to(smtp_server, server_shell, email, 2)[1]
    assert "Bienvenue" in welcome["Subject"]
    unsubscribe = str(welcome["List-Unsubscribe"]).strip().strip("<>")
    page.goto(path_of(unsubscribe))
    assert state(server_shell, email)["active"] == ["l-hebdo-du-samedi", "la-une-du-matin"]  # opening it changes nothing
    page.get_by_role("button", name="Me désabonner").click()
    expect(page.get_by_role("heading", name="Désabonnement enregistré")).to_be_visible()
    assert state(server_shell, email) == {"confirmed": True, "active": [], "suppressed": True}
    assert_accessible(page)


def test_the_newsletters_page(page, assert_accessible, screenshot):
    page.goto("/newsletters/")
    expect(page.get_by_role("heading", name="Nos newsletters", level=1)).to_be_visible()
    for name in ("La Une du matin", "L’hebdo du samedi", "Alertes"):
        expect(page.get_by_text(name, exact=True)).to_be_visible()
    expect(page.get_by_text("Chaque samedi à 8\u00a0h")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "newsletters-page-1280")
    page.set_viewport_size({"width": 375, "height": 800})
    screenshot(page, "newsletters-page-375")
    # Sent without choosing anything: a French message, the page again.
    page.get_by_label("Votre adresse e-mail").fill("quelquun@example.com")
    page.get_by_role("button", name="Je m’inscris").click()
    expect(page.get_by_text("Choisissez au moins une newsletter.")).to_be_visible()
