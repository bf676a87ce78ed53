"""Comments in Chromium, on the shared article page: a reader posts, replies, edits, reports and loads « Plus de
commentaires » in place (comments.js, the reader's part from /commentaires/<id>/moi/); a second open page sees
the new comment arrive live; an anonymous reader is invited to log in; and the thread passes axe-core."""

import json

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

SETUP = """
import json
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone
from manchette.accounts.models import Profile
from manchette.comments.models import Comment
from manchette.news.models import Article

User = get_user_model()
reader = User.objects.create_user("lectrice.commentaires", "lectrice.commentaires@example.com", "motdepasse-solide-42")
Profile.objects.create(user=reader, display_name="Inès Navigatrice")
other = User.objects.create_user("lecteur.commentaires", "lecteur.commentaires@example.com", "motdepasse-solide-42")
Profile.objects.create(user=other, display_name="Hugo Voisin")
article = Article.objects.live().filter(view_restrictions__isnull=True).order_by("-first_published_at")[3]
Article.objects.filter(pk=article.pk).update(discussion="open")
Comment.objects.filter(article=article).delete()
now = timezone.now()
for i in range(7):
    Comment.objects.create(article=article, author=other, text=f"Avis numéro {i} de Hugo.", status="approved",
                           created_at=now - timezone.timedelta(hours=10 - i), published_at=now)
session = SessionStore()
session[SESSION_KEY] = str(reader.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = reader.get_session_auth_hash()
session.create()
print(json.dumps({"session": session.session_key, "url": article.url, "pk": article.pk}))
"""

TEARDOWN = """
from django.contrib.auth import get_user_model
get_user_model().objects.filter(username__in=("lectrice.commentaires", "lecteur.commentaires")).delete()
"""


@pytest.fixture
def thread(server_shell):
    made = json.loads(server_shell(SETUP).strip().splitlines()[-1])
    yield made
    server_shell(TEARDOWN)


def open_article(browser, live_server_url, url, session=None):
    context = browser.new_context(base_url=live_server_url, locale="fr-BE", timezone_id="Europe/Brussels",
                                  viewport={"width": 1280, "height": 900})
    if session:
        context.add_cookies([{"name": "sessionid", "value": session, "url": live_server_url}])
    page = context.new_page()
    page.goto(url)
    return context, page


def test_an_anonymous_reader_reads_loads_more_and_is_invited_to_log_in(browser, live_server_url, thread, assert_accessible):
    context, page = open_article(browser, live_server_url, thread["url"])
    comments = page.locator("#commentaires")
    expect(comments.locator("[data-count]")).to_have_text("7 commentaires")
    top = comments.locator("[data-list] > li.comment")
    expect(top).to_have_count(5)
    expect(top.first.locator(".comment__text").first).to_have_text("Avis numéro 6 de Hugo.")
    expect(comments.locator("[data-invite]")).to_be_visible()
    expect(comments.locator("[data-invite] a").first).to_have_attribute("href", f"/compte/login/?next={thread['url'].replace('/', '%2F')}%23commentaires")
    expect(comments.locator("form[data-comment-form]")).to_be_hidden()
    comments.get_by_role("link", name="Plus de commentaires").click()
    expect(top).to_have_count(7)
    expect(page).to_have_url(f"{live_server_url}{thread['url']}")  # in place, not a new page
    expect(comments.get_by_role("link", name="Plus de commentaires")).to_have_count(0)
    comments.get_by_role("link", name="Les plus anciens").click()
    expect(top.first.locator(".comment__text").first).to_have_text("Avis numéro 0 de Hugo.")
    assert_accessible(page)
    context.close()


def test_a_reader_posts_replies_edits_and_reports_and_another_page_sees_it_live(browser, live_server_url, thread, assert_accessible):
    watcher_context, watcher = open_article(browser, live_server_url, thread["url"])
    watched = watcher.locator("#commentaires")
    expect(watched.locator("[data-count]")).to_have_text("7 commentaires")
    context, page = open_article(browser, live_server_url, thread["url"], session=thread["session"])
    comments = page.locator("#commentaires")
    form = comments.locator("form[data-comment-form]")
    expect(form).to_be_visible()
    expect(comments.locator("[data-invite]")).to_be_hidden()
    assert_accessible(page)

    form.get_by_label("Votre commentaire").fill("Le tram change tout,\npour le quartier.")
    form.get_by_role("button", name="Publier").click()
    mine = comments.locator("[data-list] > li.comment").first
    expect(mine.locator(".comment__text").first).to_have_text("Le tram change tout,pour le quartier.")
    expect(mine.locator(".comment__author").first).to_have_text("Inès Navigatrice")
    expect(comments.locator("[data-count]")).to_have_text("8 commentaires")
    # The other page gets it through the live stream, without a reload.
    expect(watched.locator("[data-list] > li.comment").first.locator(".comment__text").first).to_have_text(
        "Le tram change tout,pour le quartier.", timeout=10_000)
    expect(watched.locator("[data-count]")).to_have_text("8 commentaires")

    # « Modifier » on the reader's own comment only, within five minutes.
    expect(mine.locator('[data-action="edit"]').first).to_be_visible()
    hugo = comments.locator("[data-list] > li.comment").nth(1)
    expect(hugo.locator('[data-action="edit"]').first).to_be_hidden()
    mine.locator('[data-action="edit"]').first.click()
    mine.get_by_label("Modifier votre commentaire").fill("Le tram change tout.")
    mine.get_by_role("button", name="Enregistrer").click()
    expect(mine.locator(".comment__text").first).to_have_text("Le tram change tout.")
    expect(watched.locator(f"#{mine.get_attribute('id')} .comment__text").first).to_have_text("Le tram change tout.", timeout=10_000)

    # A reply goes under its comment, here and there.
    hugo.locator('[data-action="reply"]').first.click()
    hugo.get_by_label("Votre commentaire").fill("Je vous rejoins, Hugo.")
    hugo.get_by_role("button", name="Publier").click()
    expect(hugo.locator("[data-replies] .comment__text")).to_have_text(["Je vous rejoins, Hugo."])
    hugo_id = hugo.get_attribute("id")
    expect(watched.locator(f"#{hugo_id} [data-replies] .comment__text")).to_have_text(["Je vous rejoins, Hugo."], timeout=10_000)

    # Report, with a reason.
    hugo.locator(":scope > [data-comment-body] [data-action='report']").click()
    hugo.get_by_label("Motif").select_option("off_topic")
    hugo.locator("form[data-report-form]").get_by_role("button", name="Signaler").click()
    expect(hugo.get_by_role("status")).to_contain_text("transmis aux modérateurs")
    assert_accessible(page)
    context.close()
    watcher_context.close()
