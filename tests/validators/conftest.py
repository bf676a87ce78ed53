"""Independent validators run over what a real server sends: one `manchette serve` on the demo newspaper.

The demo is loaded once per session into a SQLite database of its own (a temporary MANCHETTE_DATA_DIR), whatever
database the rest of the suite runs on: the validators are slow and check templates and outputs, not the
database, so CI runs them on its SQLite pass only (`-m "not validators"` on PostgreSQL, .ci/run).

`site` is that server: `site.pages` names one URL of every page type readers meet (None where the demo has none,
with the reason in `site.missing`), `site.get(path)` fetches over HTTP, and `site.html` holds every page's HTML,
fetched once for all the validators (Nu checker, JSON-LD, the feeds and sitemaps they link to).
"""

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings

from manchette.testing import servers
from manchette.testing.pytest_plugin import server_fixture
from manchette.testing.reference import reference_dir

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
# Reference material shared beside the checkout (the W3C feed validator, IPTC's ninjs schemas).
REFERENCE = reference_dir()
NODE_MODULES = REPO / "node_modules"

# Loads the demo newspaper without collecting static files again (the session's STATIC_ROOT has them).
LOAD_DEMO = """
from django.core.management import call_command
from manchette.cli import _data_dirs

_data_dirs()
call_command("migrate", interactive=False, verbosity=0)
call_command("setup_newsroom", verbosity=0)
call_command("load_demo", verbosity=0)
"""

# Prints, as JSON, one URL of each page type in the demo (None and a reason where there is none), and the session
# cookie of a reader who commented, for the pages only a logged-in reader sees.
DISCOVER = r"""
import json
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode

from manchette.comments.models import Comment, Status
from manchette.filinfo.models import Dispatch
from manchette.news.models import Article, Author, Section, Story
from manchette.newsletters.models import Edition, Subscriber
from manchette.newsletters import links

pages, missing = {}, {}

def put(name, url, reason=""):
    if url:
        pages[name] = url
    else:
        missing[name] = reason or "none in the demo"

articles = Article.objects.live().public().order_by("-first_published_at")
put("front", "/")
sections = Section.objects.live().public().order_by("path")
put("section", sections.filter(depth=3).first().url)
sub = sections.filter(depth=4).first()
put("subsection", sub and sub.url, "no section under a section")
opinions = Section.objects.filter(slug="opinions").first()
plain = articles.exclude(path__startswith=opinions.path) if opinions else articles
with_image = plain.filter(hero_image__isnull=False).first()
put("article with image", with_image and with_image.url)
without = plain.filter(hero_image__isnull=True).first()
put("article without image", without and without.url, "every demo article has an image")
opinion = articles.filter(path__startswith=opinions.path).first() if opinions else None
put("opinion article", opinion and opinion.url, "no article under /opinions/")
tagged = next((a for a in articles[:50] if a.tags.exists()), None)
put("tag", tagged and reverse("news:tag", args=[tagged.tags.first().slug]))
author = Author.objects.filter(articles__in=articles).first()
put("author", author and reverse("news:author", args=[author.slug]))
try:
    story = Story.objects.filter(articles__in=articles).first()
    put("story", story and reverse("news:story", args=[story.slug]))
except NoReverseMatch:
    put("story", None, "no URL named news:story yet (the story pages are another helper's)")
word = with_image.title.split()[0] if with_image else "Bruxelles"
put("search with results", "/recherche/?" + urlencode({"q": word}))
put("search without results", "/recherche/?" + urlencode({"q": "xqzwvj"}))
put("search without query", "/recherche/")
put("fil info", reverse("filinfo:feed"))
dispatch = Dispatch.objects.filter(live=True).order_by("-created_at").first()
put("dispatch", dispatch and dispatch.get_absolute_url())
put("newsletters", reverse("newsletters:index"))
put("newsletters archive", reverse("newsletters:archive"))
edition = Edition.objects.filter(status="sent").order_by("-pk").first()
put("newsletter edition", edition and reverse("newsletters:edition", args=[edition.newsletter.slug, edition.pk]),
    "no sent edition in the demo")
from django.utils import timezone
from manchette.newsletters.models import Newsletter, Subscription
subscriber = Subscriber.objects.filter(confirmed_at__isnull=False).first()
if subscriber is None and Newsletter.objects.exists():
    subscriber = Subscriber.objects.create(email="validateurs@manchette.example", confirmed_at=timezone.now())
    Subscription.objects.create(subscriber=subscriber, newsletter=Newsletter.objects.first())
put("newsletter preferences", subscriber and reverse("newsletters:preferences", args=[links.subscriber_token(subscriber)]),
    "no confirmed subscriber in the demo")
put("newsletter unsubscribe", subscriber and reverse("newsletters:unsubscribe", args=[links.subscriber_token(subscriber)]),
    "no confirmed subscriber in the demo")
comment = Comment.objects.filter(status=Status.APPROVED, parent__isnull=True, article__in=articles).order_by("-pk").first()
put("comments", comment and reverse("comments:thread", args=[comment.article_id]))
replied = Comment.objects.filter(status=Status.APPROVED, parent__isnull=False, article__in=articles).first()
put("comment replies", replied and reverse("comments:replies", args=[replied.parent_id]))
put("login", reverse("account_login"))
put("signup", reverse("account_signup"))
put("password reset", reverse("account_reset_password"))
put("404", "/cette-page-n-existe-pas/")

# A reader who commented, logged in: the account page, and the forms to write, answer and report.
session_key = None
reader = comment and comment.author
if reader is not None and not reader.is_staff:
    session = SessionStore()
    session[SESSION_KEY] = str(reader.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = reader.get_session_auth_hash()
    session.create()
    session_key = session.session_key
    put("account (logged in)", reverse("accounts:account"))
    put("account deletion (logged in)", reverse("accounts:delete"))
    put("article (logged in)", comment.article.url)
    put("write a comment (logged in)", reverse("comments:write", args=[comment.article_id]))
    put("reply to a comment (logged in)", reverse("comments:reply", args=[comment.pk]))
    put("report a comment (logged in)", reverse("comments:report", args=[comment.pk]))
else:
    missing["logged-in pages"] = "no reader among the demo's commenters"
print(json.dumps({"pages": pages, "missing": missing, "session": session_key}))
"""

LOGGED_IN = " (logged in)"
# Every page type DISCOVER looks for, in its order: tests are made for each at collection time.
PAGE_TYPES = [
    "front", "section", "subsection", "article with image", "article without image", "opinion article", "tag",
    "author", "story", "search with results", "search without results", "search without query", "fil info",
    "dispatch", "newsletters", "newsletters archive", "newsletter edition", "newsletter preferences",
    "newsletter unsubscribe", "comments", "comment replies", "login", "signup", "password reset", "404",
    "account (logged in)", "account deletion (logged in)", "article (logged in)", "write a comment (logged in)",
    "reply to a comment (logged in)", "report a comment (logged in)",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if HERE in Path(item.path).parents:
            item.add_marker(pytest.mark.validators)


def run_manchette(env, *args, timeout=600):
    result = subprocess.run(
        [sys.executable, "-m", "manchette.cli", *args],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL,
    )
    if result.returncode != 0:
        raise RuntimeError(f"manchette {args[0]} exited with {result.returncode}\n{result.stdout}\n{result.stderr}")
    return result.stdout


@dataclass
class Response:
    url: str
    status: int
    content_type: str
    body: bytes

    @property
    def text(self):
        return self.body.decode("utf-8")


@dataclass
class Site:
    url: str
    pages: dict
    missing: dict
    session: str | None
    html: dict = field(default_factory=dict)  # name → Response, every page in `pages`

    def get(self, path, logged_in=False):
        """The answer to GET PATH, whatever its status (a 404 page is a page to check too)."""
        request = urllib.request.Request(self.url + path, headers={"Accept-Language": "fr-BE,fr;q=0.9"})
        if logged_in and self.session:
            request.add_header("Cookie", f"sessionid={self.session}")
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:
                return Response(answer.url, answer.status, answer.headers.get("Content-Type", ""), answer.read())
        except urllib.error.HTTPError as error:
            return Response(error.url, error.code, error.headers.get("Content-Type", ""), error.read())

    def page(self, name):
        """The fetched page NAME, or a skip saying why the demo has none."""
        if name not in self.html:
            pytest.skip(f"{name}: {self.missing.get(name, 'not fetched')}")
        return self.html[name]


@server_fixture(scope="session")
def site(tmp_path_factory, collected_static):
    folder = tmp_path_factory.mktemp("validators")
    port = servers.free_port()
    env = {key: value for key, value in os.environ.items()
           if key not in {"SQLITE_PATH", "STATIC_ROOT", "MEDIA_ROOT", "REDIS_URL", "DATABASE_URL"}}
    env.update({
        "MANCHETTE_DATA_DIR": str(folder / "var"), "STATIC_ROOT": str(collected_static), "DEBUG": "false",
        "SECRET_KEY": settings.SECRET_KEY, "SITE_URL": f"http://127.0.0.1:{port}",
    })
    run_manchette(env, "shell", "-c", LOAD_DEMO)
    found = json.loads(run_manchette(env, "shell", "-c", DISCOVER).strip().splitlines()[-1])
    with servers.ManchetteServer(env, folder, port=port) as server:
        site = Site(server.url, found["pages"], found["missing"], found["session"])
        for name, path in site.pages.items():
            site.html[name] = site.get(path, logged_in=name.endswith(LOGGED_IN))
        yield site
