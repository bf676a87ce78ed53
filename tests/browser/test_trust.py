"""Readers' trust in Chromium: a reader whose comments a moderator kept publishing posts on a pre-moderated article
and is published at once, their link a link; a moderator sees why on the reader's page, puts them back under
pre-moderation with a reason, and the reader's next comment waits; the page passes axe-core."""

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
from manchette.comments.models import Comment
from manchette.news.management.commands.setup_newsroom import MODERATORS
from manchette.news.models import Article

User = get_user_model()
moderator = User.objects.create_user("camille.confiance", "camille.confiance@manchette.example", "motdepasse-solide-42")
moderator.groups.add(Group.objects.get(name=MODERATORS))
reader = User.objects.create_user("lectrice.confiance", "lectrice.confiance@example.com", "motdepasse-solide-42")
Profile.objects.create(user=reader, display_name="Noémie Confiance")
articles = list(Article.objects.live().filter(view_restrictions__isnull=True).order_by("-first_published_at")[5:7])
Article.objects.filter(pk=articles[0].pk).update(discussion="premoderated")
earlier = timezone.now() - timezone.timedelta(days=40)
for n in range(5):
    Comment.objects.create(article=articles[1], author=reader, text=f"Avis n° {n} publié par la modération.",
                           status="approved", created_at=earlier, published_at=earlier, moderated_by=moderator,
                           moderated_at=earlier)

def session(user):
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key

print(json.dumps({"reader": session(reader), "moderator": session(moderator), "url": articles[0].url, "id": reader.pk}))
"""

TEARDOWN = """
from django.contrib.auth import get_user_model
get_user_model().objects.filter(username__in=("camille.confiance", "lectrice.confiance")).delete()
"""


@pytest.fixture
def trusted(server_shell):
    made = json.loads(server_shell(SETUP).strip().splitlines()[-1])
    yield made
    server_shell(TEARDOWN)


def logged_in(browser, live_server_url, session):
    context = browser.new_context(base_url=live_server_url, locale="fr-BE", timezone_id="Europe/Brussels",
                                  viewport={"width": 1280, "height": 900})
    context.add_cookies([{"name": "sessionid", "value": session, "url": live_server_url}])
    return context, context.new_page()


def test_a_trusted_reader_is_published_at_once_until_a_moderator_says_otherwise(
        browser, live_server_url, trusted, assert_accessible, screenshot):
    reader_context, reader = logged_in(browser, live_server_url, trusted["reader"])
    reader.goto(trusted["url"])
    comments = reader.locator("#commentaires")
    form = comments.locator("form[data-comment-form]")
    form.get_by_label("Votre commentaire").fill("Le rapport complet : https://www.example.be/rapport.pdf")
    form.get_by_role("button", name="Publier").click()
    mine = comments.locator("[data-list] > li.comment").first
    link = mine.locator(".comment__text a").first
    expect(link).to_have_attribute("href", "https://www.example.be/rapport.pdf")
    expect(link).to_have_attribute("rel", "nofollow ugc noopener")
    expect(mine.locator(".badge--pending")).to_have_count(0)

    moderator_context, moderator = logged_in(browser, live_server_url, trusted["moderator"])
    moderator.goto(f"/admin/moderation/lecteur/{trusted['id']}/")
    panel = moderator.locator('section[aria-labelledby="confiance"]')
    expect(panel).to_contain_text(re.compile(r"Niveau\s: De confiance — selon son historique"))
    expect(panel).to_contain_text("5 commentaires publiés par un modérateur (5 pour la confiance)")
    assert_accessible(moderator)
    panel.scroll_into_view_if_needed()
    screenshot(moderator, "trust-panel-1280")
    panel.get_by_label("Motif (facultatif)").fill("Liens à vérifier")
    panel.get_by_role("button", name="Le prémodérer").click()
    expect(moderator.get_by_text(re.compile(r"Niveau de confiance\s: Prémodéré\."))).to_be_visible()
    expect(panel).to_contain_text(re.compile(r"Niveau\s: Prémodéré — choisi par"))
    expect(panel).to_contain_text("(Liens à vérifier)")
    expect(panel.get_by_role("button", name="Le prémodérer")).to_be_disabled()

    reader.reload()
    form.get_by_label("Votre commentaire").fill("Un second avis, sans lien.")
    form.get_by_role("button", name="Publier").click()
    waiting = comments.locator("[data-pending]")
    expect(waiting).to_contain_text("Un second avis, sans lien.")
    expect(waiting.locator(".badge--pending")).to_be_visible()
    expect(comments.locator("[data-list]")).not_to_contain_text("Un second avis, sans lien.")
    reader_context.close()
    moderator_context.close()
