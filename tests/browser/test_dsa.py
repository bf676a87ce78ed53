"""« Signaler un contenu illicite » in Chromium, on the shared article page served by `manchette serve`: an
anonymous reader follows the link beside a comment (on a phone-sized screen, where the comment's links must still
fit), fills the notice form, gets its reference and the acknowledgement by e-mail; the form passes axe-core."""

import json
import time

import pytest
from playwright.sync_api import expect

from manchette.testing.smtp import body

pytestmark = pytest.mark.browser

SETUP = """
import json
from django.contrib.auth import get_user_model
from django.utils import timezone
from manchette.accounts.models import Profile
from manchette.comments.models import Comment
from manchette.news.models import Article

User = get_user_model()
author = User.objects.create_user("auteur.dsa", "auteur.dsa@example.com", "motdepasse-solide-42")
Profile.objects.create(user=author, display_name="Victor Polémiste")
article = Article.objects.live().filter(view_restrictions__isnull=True).order_by("-first_published_at")[4]
Article.objects.filter(pk=article.pk).update(discussion="open")
now = timezone.now()
comment = Comment.objects.create(article=article, author=author, text="Ces gens-là, il faudrait tous les chasser du pays.",
                                 status="approved", created_at=now, published_at=now)
print(json.dumps({"url": article.url, "comment": comment.pk}))
"""
TEARDOWN = """
from django.contrib.auth import get_user_model
from manchette.comments.models import Comment
from manchette.dsa.models import Notice
Notice.objects.filter(comment_number={comment}).delete()
Comment.objects.filter(pk={comment}).delete()
get_user_model().objects.filter(username="auteur.dsa").delete()
"""
RUN_TASKS = """
from django.core.management import call_command
call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
"""


@pytest.fixture
def noticed(server_shell):
    made = json.loads(server_shell(SETUP).strip().splitlines()[-1])
    yield made
    server_shell(TEARDOWN.format(comment=made["comment"]))


def test_an_anonymous_reader_notifies_illegal_content_from_a_phone(browser, live_server_url, noticed, server_shell, smtp_server,
                                                                  assert_accessible, screenshot):
    context = browser.new_context(base_url=live_server_url, locale="fr-BE", timezone_id="Europe/Brussels",
                                  viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.goto(noticed["url"])
    item = page.locator(f"#commentaire-{noticed['comment']}")
    link = item.get_by_role("link", name="Signaler un contenu illicite")
    expect(link).to_be_visible()
    # The comment's links fit the phone's width: none pushes the page sideways.
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 375
    link.click()
    expect(page.get_by_role("heading", name="Signaler un contenu illicite")).to_be_visible()
    expect(page.locator(".dsa-comment")).to_contain_text("il faudrait tous les chasser")
    assert_accessible(page)

    # Sent incomplete, the form says what is missing and keeps what was written.
    page.get_by_label("Harcèlement").check()
    page.get_by_role("button", name="Envoyer le signalement").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    assert page.get_by_label("Harcèlement").is_checked()

    page.get_by_label("Incitation à la haine, à la violence ou à la discrimination").check()
    page.get_by_label("Expliquez précisément en quoi ce contenu est illicite").fill(
        "Ce commentaire appelle à chasser un groupe de personnes du pays : c’est une incitation à la haine.")
    page.get_by_label("Vos nom et prénom").fill("Nora Vigilante")
    page.get_by_label("Votre adresse e-mail").fill("nora.vigilante@example.org")
    page.get_by_label("Je déclare de bonne foi").check()
    page.get_by_role("button", name="Envoyer le signalement").click()
    expect(page.get_by_role("heading", name="Signalement reçu")).to_be_visible()
    reference = page.get_by_role("status").inner_text().split("référence ")[1].split(".")[0]
    assert reference.startswith("DSA-")
    screenshot(page, "dsa-notice-375")

    deadline = time.monotonic() + 30
    while not smtp_server.to("nora.vigilante@example.org") and time.monotonic() < deadline:
        server_shell(RUN_TASKS)
        time.sleep(0.5)
    [ack] = smtp_server.to("nora.vigilante@example.org")
    assert reference in ack["Subject"] and "Bonjour Nora Vigilante" in body(ack)
    context.close()
