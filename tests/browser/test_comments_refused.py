"""A comment the automatic checks refuse, in Chromium: the reader is told why where the thread speaks to them
(comments.js, statut « rejected »), their text stays in the form to be reworded, and nothing reaches the thread;
an edit that brings a banned word takes the comment off the page with the same message."""

import json

import pytest
from playwright.sync_api import expect

from .test_comments import open_article

pytestmark = pytest.mark.browser

SETUP = """
import json
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
from manchette.accounts.models import Profile
from manchette.automoderation.models import Word
from manchette.comments.models import Comment
from manchette.news.models import Article

reader = get_user_model().objects.create_user("lectrice.refusee", "lectrice.refusee@example.com", "motdepasse-solide-42")
Profile.objects.create(user=reader, display_name="Nora Refusée")
Word.objects.get_or_create(kind="banned", text="connard")
article = Article.objects.live().filter(view_restrictions__isnull=True).order_by("-first_published_at")[4]
Article.objects.filter(pk=article.pk).update(discussion="open")
Comment.objects.filter(article=article).delete()
session = SessionStore()
session[SESSION_KEY] = str(reader.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = reader.get_session_auth_hash()
session.create()
print(json.dumps({"session": session.session_key, "url": article.url}))
"""

TEARDOWN = """
from django.contrib.auth import get_user_model
get_user_model().objects.filter(username="lectrice.refusee").delete()
"""

REFUSED = "Mot interdit\u00a0: «\u00a0connard\u00a0»"


@pytest.fixture
def refused_reader(server_shell):
    made = json.loads(server_shell(SETUP).strip().splitlines()[-1])
    yield made
    server_shell(TEARDOWN)


def test_a_refused_comment_says_why_and_keeps_the_text(browser, live_server_url, refused_reader, assert_accessible):
    context, page = open_article(browser, live_server_url, refused_reader["url"], session=refused_reader["session"])
    comments = page.locator("#commentaires")
    form = comments.locator("form[data-comment-form]")
    note = comments.locator("[data-refusal]")
    form.get_by_label("Votre commentaire").fill("Ce maire est un c0nn4rd.")
    form.get_by_role("button", name="Publier").click()
    expect(note).to_be_visible()
    expect(note).to_contain_text(REFUSED)
    expect(form.get_by_label("Votre commentaire")).to_have_value("Ce maire est un c0nn4rd.")
    expect(comments.locator("[data-list] > li.comment")).to_have_count(0)
    expect(comments.locator("[data-pending] li.comment")).to_have_count(0)
    assert_accessible(page)

    # Reworded, it is published; an edit that brings the word back takes it off the page.
    form.get_by_label("Votre commentaire").fill("Merci pour cet article très complet sur les métiers de l’électricité.")
    form.get_by_role("button", name="Publier").click()
    mine = comments.locator("[data-list] > li.comment").first
    expect(mine.locator(".comment__text").first).to_have_text("Merci pour cet article très complet sur les métiers de l’électricité.")
    mine.locator('[data-action="edit"]').first.click()
    mine.get_by_label("Modifier votre commentaire").fill("Merci, bande de CONNARDS.")
    mine.get_by_role("button", name="Enregistrer").click()
    expect(comments.locator("[data-list] > li.comment")).to_have_count(0)
    expect(note).to_contain_text(REFUSED)
    page.reload()
    expect(comments.locator("li.comment")).to_have_count(0)
    context.close()
