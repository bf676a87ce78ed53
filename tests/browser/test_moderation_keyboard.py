"""A moderator clears a queue of five comments with the keyboard alone (« a », « r », « j », « k », ↓, « ? »,
Échap), the one the keyboard is on focused and outlined, a flag's match marked in its text; then the database
says what became of each comment, and so does the journal of decisions. The queue with its help, and the
journal, pass axe-core."""

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
from manchette.comments.models import Comment, Flag, Report
from manchette.news.management.commands.setup_newsroom import MODERATORS
from manchette.news.models import Article

# The browser tests share this server's database: what others left in the queue is dealt with first.
Report.objects.filter(resolved_at__isnull=True).update(resolved_at=timezone.now())
Comment.objects.filter(status="pending").update(status="rejected", rejection_reason="Laissé par un autre test")
User = get_user_model()
moderator = User.objects.create_user("camille.clavier", "camille.clavier@manchette.example", "motdepasse-solide-42")
moderator.groups.add(Group.objects.get(name=MODERATORS))
reader = User.objects.create_user("lecteur.clavier", "lecteur.clavier@example.com", "motdepasse-solide-42")
Profile.objects.create(user=reader, display_name="Noé Clavier")
article = Article.objects.live().filter(view_restrictions__isnull=True).order_by("-first_published_at")[1]
now = timezone.now()
made = [Comment.objects.create(article=article, author=reader, text=f"Avis numéro {i} au clavier.", status="pending",
                               created_at=now - timezone.timedelta(minutes=10 - i)) for i in range(1, 6)]
made[1].text = "Avis numéro 2 au clavier, avec un lien http://promo.example."
made[1].score = 0.88
made[1].save()
Flag.objects.create(comment=made[1], rule="liens", label="Lien", matched="http://promo.example", action="hold")
session = SessionStore()
session[SESSION_KEY] = str(moderator.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = moderator.get_session_auth_hash()
session.create()
print(json.dumps({"session": session.session_key, "ids": [c.pk for c in made]}))
"""

STATE = """
import json
from manchette.comments.models import Comment, Decision
ids = {ids}
print(json.dumps({{
    "comments": list(Comment.objects.filter(pk__in=ids).order_by("pk").values_list("status", "rejection_reason")),
    "decisions": list(Decision.objects.filter(comment_id__in=ids, moderator__username="camille.clavier")
                      .order_by("pk").values_list("comment_number", "action")),
}}))
"""

TEARDOWN = """
from django.contrib.auth import get_user_model
get_user_model().objects.filter(username__in=("camille.clavier", "lecteur.clavier")).delete()
"""

CURRENT = re.compile(r"\bis-current\b")


@pytest.fixture
def queue(server_shell):
    made = json.loads(server_shell(SETUP).strip().splitlines()[-1])
    yield made
    server_shell(TEARDOWN)


def focused_item(page):
    return page.evaluate("() => document.activeElement.id")


def test_a_moderator_clears_the_queue_with_the_keyboard_only(
    page, live_server_url, queue, server_shell, screenshot, assert_accessible
):
    ids = queue["ids"]
    page.context.add_cookies([{"name": "sessionid", "value": queue["session"], "url": live_server_url}])
    page.goto("/admin/moderation/")
    items = page.locator("[data-moderation-item]")
    expect(items).to_have_count(5)
    # The first comment is current on arrival: focused, outlined.
    expect(items.first).to_have_class(CURRENT)
    assert focused_item(page) == f"commentaire-{ids[0]}"
    assert items.first.evaluate("item => getComputedStyle(item).outlineStyle") != "none"
    # Why the second waits: its flag, what matched marked in its text, its score.
    second = items.nth(1)
    expect(second.locator("mark").first).to_have_text("http://promo.example")
    expect(second).to_contain_text("Score de rejet\u00a0: 0,88")

    # « ? » shows every shortcut, Escape hides them again.
    help_list = page.locator("[data-moderation-help]")
    expect(help_list).to_be_hidden()
    page.keyboard.press("?")
    expect(help_list).to_be_visible()
    expect(help_list).to_contain_text("Commentaire suivant")
    assert_accessible(page)
    screenshot(page, "moderation-keyboard-help-1280")
    page.keyboard.press("Escape")
    expect(help_list).to_be_hidden()

    # « a » publishes the first; back on the queue, the next one is current.
    page.keyboard.press("a")
    expect(items).to_have_count(4)
    expect(page.get_by_text("1 commentaire publié.")).to_be_visible()
    expect(items.first).to_have_class(CURRENT)
    # « r » refuses it (the second) with its row's reason, the first of the list.
    page.keyboard.press("r")
    expect(items).to_have_count(3)
    expect(items.first).to_have_class(CURRENT)
    # ↓ then « a »: the fourth published, the third left for later.
    page.keyboard.press("ArrowDown")
    expect(items.nth(1)).to_have_class(CURRENT)
    assert focused_item(page) == f"commentaire-{ids[3]}"
    page.keyboard.press("a")
    expect(items).to_have_count(2)
    # « j », « k », « j »: on the fifth, refused.
    expect(items.first).to_have_class(CURRENT)
    page.keyboard.press("j")
    page.keyboard.press("k")
    expect(items.first).to_have_class(CURRENT)
    page.keyboard.press("j")
    expect(items.nth(1)).to_have_class(CURRENT)
    page.keyboard.press("r")
    expect(items).to_have_count(1)
    # The third, last: published.
    expect(items.first).to_have_class(CURRENT)
    page.keyboard.press("a")
    expect(page.get_by_text("Rien à modérer pour l’instant.")).to_be_visible()
    expect(items).to_have_count(0)

    state = json.loads(server_shell(STATE.format(ids=ids)).strip().splitlines()[-1])
    charte = "Contraire à notre charte de participation"
    assert state["comments"] == [["approved", ""], ["rejected", charte], ["approved", ""], ["approved", ""], ["rejected", charte]]
    assert state["decisions"] == [[ids[0], "approve"], [ids[1], "reject"], [ids[3], "approve"], [ids[4], "reject"], [ids[2], "approve"]]

    # The journal of the moderator's decisions says the same.
    page.goto("/admin/moderation/journal/?par=moderateurs&decision=reject")
    expect(page.locator(".moderation-decisions tbody tr").filter(has_text="Noé Clavier")).to_have_count(2)
    assert_accessible(page)
    screenshot(page, "moderation-journal-1280")
