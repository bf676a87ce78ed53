"""The moderation queue in Chromium: a moderator works through it with the keyboard alone (« a » publishes, « j »
moves on, « r » refuses with the row's reason); the comment published on a pre-moderated article arrives on an
anonymous reader's open page (the live stream), and the next reader gets it with the page's shell still a cache
hit; the queue and an author's page pass axe-core."""

import json
import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

SETUP = """
import json
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.auth.models import Group
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone
from manchette.accounts.models import Profile
from manchette.comments.models import Comment, Report
from manchette.news.management.commands.setup_newsroom import MODERATORS
from manchette.news.models import Article

# The browser tests share this server's database: what others left in the queue is dealt with first, so the
# queue holds this test's comments alone.
Report.objects.filter(resolved_at__isnull=True).update(resolved_at=timezone.now())
Comment.objects.filter(status="pending").update(status="rejected", rejection_reason="Laissé par un autre test")
User = get_user_model()
moderator = User.objects.create_user("sacha.moderation", "sacha.moderation@manchette.example", "motdepasse-solide-42")
moderator.groups.add(Group.objects.get(name=MODERATORS))
reader = User.objects.create_user("lecteur.moderation", "lecteur.moderation@example.com", "motdepasse-solide-42")
Profile.objects.create(user=reader, display_name="Lucie Moderation")
article = Article.objects.live().filter(view_restrictions__isnull=True).order_by("-first_published_at").first()
Article.objects.filter(pk=article.pk).update(discussion="premoderated")
now = timezone.now()
texts = ["Premier avis à publier.", "Deuxième avis à refuser.", "Troisième avis signalé."]
made = [Comment.objects.create(article=article, author=reader, text=text, created_at=now - timezone.timedelta(minutes=10 - i))
        for i, text in enumerate(texts)]
made[2].status = "approved"
made[2].published_at = now
made[2].save()
Report.objects.create(comment=made[2], reporter=moderator, reason="spam", details="Lien publicitaire")
session = SessionStore()
session[SESSION_KEY] = str(moderator.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = moderator.get_session_auth_hash()
session.create()
print(json.dumps({"session": session.session_key, "url": article.url, "ids": [c.pk for c in made], "reader": reader.pk}))
"""

STATE = """
import json
from manchette.comments.models import Comment
print(json.dumps(list(Comment.objects.filter(pk__in={ids}).order_by("pk").values_list("status", "rejection_reason"))))
"""

TEARDOWN = """
from django.contrib.auth import get_user_model
get_user_model().objects.filter(username__in=("sacha.moderation", "lecteur.moderation")).delete()
"""


@pytest.fixture
def queue(server_shell):
    made = json.loads(server_shell(SETUP).strip().splitlines()[-1])
    yield made
    server_shell(TEARDOWN)


def test_a_moderator_works_through_the_queue_with_the_keyboard(
    page, browser, live_server_url, queue, server_shell, assert_accessible, screenshot
):
    # An anonymous reader has the article open (its shell now in the server's cache): no comment yet.
    reader = browser.new_context(base_url=live_server_url, locale="fr-BE")
    open_page = reader.new_page()
    open_page.goto(queue["url"])
    expect(open_page.locator("[data-comments]")).to_be_visible()
    expect(open_page.get_by_text("Premier avis à publier.")).to_have_count(0)

    page.context.add_cookies([{"name": "sessionid", "value": queue["session"], "url": live_server_url}])
    page.goto("/admin/moderation/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Modération des commentaires")
    items = page.locator("[data-moderation-item]")
    expect(items).to_have_count(3)
    expect(page.locator("[data-moderation-shortcuts]")).to_be_visible()
    expect(items.first).to_contain_text("Premier avis à publier.")
    expect(items.nth(2)).to_contain_text("Lien publicitaire")
    assert_accessible(page)
    screenshot(page, "moderation-queue-1280")

    # The first comment is the current one on arrival: « a » publishes it.
    page.keyboard.press("a")
    expect(page.get_by_text("1 commentaire publié.")).to_be_visible()
    expect(items).to_have_count(2)
    expect(items.first).to_contain_text("Deuxième avis à refuser.")
    # « j » then « k » come back to it; « r » refuses it with the reason chosen on its row.
    items.first.locator("select[name=motif]").select_option("hors_sujet")
    items.first.focus()
    page.keyboard.press("j")
    expect(items.nth(1)).to_have_class(re.compile(r"\bis-current\b"))
    page.keyboard.press("k")
    expect(items.first).to_have_class(re.compile(r"\bis-current\b"))
    page.keyboard.press("r")
    expect(page.get_by_text("1 commentaire refusé", exact=False)).to_be_visible()
    expect(items).to_have_count(1)
    states = json.loads(server_shell(STATE.format(ids=queue["ids"])).strip().splitlines()[-1])
    assert states == [["approved", ""], ["rejected", "Hors sujet"], ["approved", ""]]

    # The open page got the published comment without a reload; the next reader too, the shell still cached.
    expect(open_page.get_by_text("Premier avis à publier.")).to_be_visible()
    expect(open_page.get_by_text("Deuxième avis à refuser.")).to_have_count(0)
    next_page = reader.new_page()
    response = next_page.goto(queue["url"])
    # The shell was not rendered again: put back together with the thread's new block (ASSEMBLED), then whole.
    assert response.headers["x-cache"] in ("ASSEMBLED", "HIT")
    assert next_page.reload().headers["x-cache"] == "HIT"
    expect(next_page.get_by_text("Premier avis à publier.")).to_be_visible()
    expect(next_page.get_by_text("Deuxième avis à refuser.")).to_have_count(0)
    reader.close()

    page.goto(f"/admin/moderation/lecteur/{queue['reader']}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Lucie Moderation")
    assert_accessible(page)
    screenshot(page, "moderation-author-1280")
