"""Bad input, everywhere: every URL pattern of the project, with out-of-range, malformed and hostile values.

The walk is data-driven. The URL patterns come from Django's resolver, the page types and their sub-routes from
Wagtail, the blocks from the edge's register and the sitemaps from the apps; each must be in this file's tables
(ROUTES for the project's own patterns and Wagtail's public ones, PAGE_ROUTES, FRAGMENT_ARGS, SITEMAP_NAMES),
so a new one fails `test_every_pattern_is_known` until it is given its hostile values here. The admin's
patterns (Wagtail's) are walked generically from their converters, as a superuser and anonymously; the admin
views of the project's own (their view's module is ours) must be named in OWN_ADMIN_VIEWS.

Every answer must be one of ALLOWED, never a 5xx; a 400 from one of our views says why in French; nothing is
saved by a refused request (the row counts of the project's models do not move).
"""

import json
import re
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.models import Page, PageViewRestriction

from manchette import sitemaps
from manchette.edge import fragments, queries
from manchette.filinfo.models import Dispatch
from manchette.filinfo.tests.factories import publish_dispatch
from manchette.news.tests.factories import ArticleFactory, AuthorFactory, SectionFactory, StoryFactory, publish

ALLOWED = {200, 301, 302, 304, 400, 401, 403, 404, 405, 413, 415, 429}

HUGE_INTEGERS = ["99999999999999999999", str(2**63), str(2**63 - 1), str(2**64), "-1", "0", "1e400", "0x10", "٣", "%C2%B2"]  # ² is a digit to str.isdigit(), not to int()
HOSTILE_SEGMENTS = [
    *HUGE_INTEGERS,
    "inconnu-de-nos-services",
    "%C3%A9t%C3%A9-%E2%98%83-%F0%9F%92%A5",  # été-☃-💥
    "%FF%FE%FD",  # not UTF-8
    "%E2%80%AE%E2%80%8B",  # right-to-left override, zero-width space
    "%00", "a%00b",
    "%252e%252e%252f",  # double-encoded ../
    "..%2F..%2F..%2Fetc%2Fpasswd",
    "<script>alert(1)<%2Fscript>",
    "'%20OR%201=1--",
    "x" * 300,  # longer than a file name may be
    "x" * 10_000,
]
HOSTILE_VALUES = [
    *HUGE_INTEGERS, "", " ", "-99999999999999999999", "1.5", "NaN", "inf", "%00", "a%00b", "%FF%FE", "%C3%A9%E2%98%83",
    "..%2F..%2Fetc%2Fpasswd", "<script>", "x" * 100_000, "9" * 100_000,
]
# Headers Django or our views read: conditional requests, language, cookies, the edge's token, forwarding.
HOSTILE_HEADERS = {
    "HTTP_IF_MODIFIED_SINCE": "Sat, 01 Jan 9999 00:00:00 GMT",
    "HTTP_IF_NONE_MATCH": '"' + "x" * 10_000,
    "HTTP_ACCEPT_LANGUAGE": "xx-" + "x" * 1000 + ";q=99999999999999999999",
    "HTTP_COOKIE": "sessionid=%00; csrftoken=x; manchette_lecteur=%FF; manchette_equipe=1; " + "a=" * 1000,
    "HTTP_X_MANCHETTE_EDGE": "pas-le-bon-jeton",
    "HTTP_X_FORWARDED_FOR": "999.999.999.999, ::ffff:%00, " + "1," * 1000,
    "HTTP_X_FORWARDED_PROTO": "gopher",
    "HTTP_HOST": "evil.example",
    "HTTP_RANGE": "bytes=99999999999999999999-",
    "HTTP_LAST_EVENT_ID": "99999999999999999999",
}
TRAVERSALS = ["../../../../etc/passwd", "..%2F..%2F..%2Fetc%2Fpasswd", "%2e%2e/%2e%2e/etc/passwd", "....//....//etc/passwd"]
FRENCH = re.compile(r"\b(le|la|les|de|des|du|une?|et|en|est|pas|au|aux|entre|hors|par|pour|sans|avec|invalide|ligne|trop|aucune?|seule?)\b|[éèàçù’\u202f]", re.IGNORECASE)


@dataclass
class Route:
    """How to exercise one URL pattern: valid values for its arguments (each is then replaced in turn by every
    hostile value), the query parameters its view reads, the methods tried, and whether the view is ours."""

    args: dict = field(default_factory=dict)
    params: tuple = ()
    methods: tuple = ("GET", "HEAD", "POST", "PUT", "DELETE")
    own: bool = True
    extra: tuple = ()  # further URLs for this pattern (hostile paths that a template cannot express)
    query: str = ""  # a query the parameters are added to (the search's words, for its page and order to matter)
    values: dict = field(default_factory=dict)  # hostile values of a parameter's own, besides HOSTILE_VALUES
    template: str | None = None  # for a regex pattern: the URL with {name} for each argument
    statuses: frozenset = frozenset()  # answers of this pattern's own besides ALLOWED (a readiness check's 503)


ROUTES = {
    "_fragments/<slug:name>/": Route(args={"name": "fil-info"}),
    "_fragments/<slug:name>/<slug:arg>/": Route(args={"name": "fil-info", "arg": "x"}),
    "_jeton/": Route(),
    # Health (manchette/operations): readiness answers 503 when something it checks is missing (in tests, the worker).
    "sante/": Route(),
    "sante/pret/": Route(statuses=frozenset({503})),
    "tag/<str:slug>/": Route(args={"slug": "budget"}, params=("page",)),
    "auteur/<slug:slug>/": Route(args={"slug": "camille-dupont"}, params=("page",)),
    # An author's feeds (news/feeds.py).
    "auteur/<slug:slug>/rss/": Route(args={"slug": "camille-dupont"}),
    "auteur/<slug:slug>/atom/": Route(args={"slug": "camille-dupont"}),
    "favicon.ico": Route(),
    # A story's page and feeds (news/stories.py).
    "sujet/<slug:slug>/": Route(args={"slug": "{story.slug}"}, params=("page",), values={"page": ["2", "100000"]}),
    "sujet/<slug:slug>/rss/": Route(args={"slug": "{story.slug}"}),
    "sujet/<slug:slug>/atom/": Route(args={"slug": "{story.slug}"}),
    "robots.txt": Route(),
    "rss/": Route(),
    "atom/": Route(),
    "sitemap-news.xml": Route(params=("p",)),
    "sitemap.xml": Route(params=("p",)),  # declared for every sitemap path (news/apps.py), read by the sections
    "sitemap-<slug:section>.xml": Route(args={"section": "articles"}, params=("p",)),
    "fil-info/": Route(params=("onglet", "avant"), values={
        # Cursors of the right shape, out of range: the largest the pattern takes, before 1970, ids past 2**63.
        "avant": ["9999999999999999-999999999999999999", "0-0", "0-9223372036854775808", "-1-1", "1-1-1",
                  "%D9%A3-%D9%A3", "%C2%B2-1"],  # \d takes Arabic-Indic digits (int() does too), not ²
        "onglet": ["une", "UNE", "tous%00"],
    }),
    "fil-info/bloc/": Route(),
    "fil-info/rss/": Route(),
    "fil-info/atom/": Route(),
    "fil-info/<id:pk>/<slug:slug>/": Route(args={"pk": "{dispatch.pk}", "slug": "{dispatch.slug}"}),
    "fil-info/ninjs.json": Route(),
    "recherche/": Route(params=("q", "tri", "page"), query="q=budget&tri=pertinence", values={
        "q": ['"', "*", "AND", "NOT", "(", ")", "-budget", "budget*", "%25", "%5C", "%27%22", "NEAR(a b)", "a:b", "^", "{}", "[]"],
        "tri": ["pertinence", "date", "PERTINENCE"],
    }),
    # Comments (manchette/comments): the thread's pages, the reader's part, and the actions (their forms posted
    # with garbage by a logged-in reader in manchette/comments/tests/test_bad_forms.py).
    "commentaires/<int:article>/": Route(args={"article": "{article.pk}"}, params=("tri", "page", "partiel"), values={
        "tri": ["recents", "anciens", "reponses", "RECENTS", "reponses%00"], "page": ["2", "100000", "1000000"],
        "partiel": ["1", "0"],
    }),
    "commentaires/<int:article>/moi/": Route(args={"article": "{article.pk}"}),
    "commentaires/<int:article>/ecrire/": Route(args={"article": "{article.pk}"}),
    "commentaires/reponses/<int:comment>/": Route(args={"comment": "1"}, params=("page",)),
    "commentaires/repondre/<int:comment>/": Route(args={"comment": "1"}),
    "commentaires/modifier/<int:comment>/": Route(args={"comment": "1"}),
    "commentaires/supprimer/<int:comment>/": Route(args={"comment": "1"}),
    "commentaires/signaler/<int:comment>/": Route(args={"comment": "1"}),
    "commentaires/desabonnement/<str:token>/": Route(args={"token": "x"}),
    # EU Digital Services Act (manchette/dsa): the notice form, open to anyone, and the author's review request.
    "contenu-illicite/<int:comment>/": Route(args={"comment": "1"}),
    "contenu-illicite/reexamen/<int:statement>/": Route(args={"statement": "1"}),
    "contenu-illicite/reexamen/lien/<str:token>/": Route(args={"token": "x"}),
    # Newsletters, the readers' pages (manchette/newsletters/views.py; their forms with garbage in
    # manchette/newsletters/tests/test_readers_*.py): signed links with forged tokens, the archive's pages.
    "newsletters/": Route(),
    "newsletters/inscription/": Route(),
    "newsletters/confirmer/<str:token>/": Route(args={"token": "MQ:1abc:xyz"}),
    "newsletters/preferences/<str:token>/": Route(args={"token": "x"}),
    "newsletters/desabonnement/<str:token>/": Route(args={"token": "x"}),
    "newsletters/archives/": Route(params=("page",), values={"page": ["2", "100000", "1000000"]}),
    "newsletters/archives/<int:pk>/": Route(args={"pk": "1"}),
    "newsletters/archives/<slug:newsletter>/<int:pk>/": Route(args={"newsletter": "une-du-matin", "pk": "1"}),
    # The wire endpoint has its own test below (bad tokens, bodies, dates): here, its URL and methods only.
    "api/depeches/": Route(),
    "media/<path:path>": Route(args={"path": "inexistant.jpg"}, own=False, extra=tuple(f"/media/{t}" for t in TRAVERSALS)),
    "documents/^(\\d+)/(.*)$": Route(
        template="/documents/{id}/{name}", args={"id": "1", "name": "note.pdf"}, own=False,
        extra=tuple(f"/documents/1/{t}" for t in TRAVERSALS),
    ),
    "documents/authenticate_with_password/<int:restriction_id>/": Route(args={"restriction_id": "1"}, own=False),
    "_util/authenticate_with_password/<int:page_view_restriction_id>/<int:page_id>/": Route(
        args={"page_view_restriction_id": "{restriction.pk}", "page_id": "{restricted.pk}"}, params=("return_url",), own=False,
    ),
    "_util/login/": Route(params=("next",), own=False),
    # Accounts (manchette/accounts): the reader's own pages, then allauth's (its forms posted with garbage in
    # test_login_forms_with_garbage below; anonymous here, most of them send to the login).
    "compte/": Route(),
    "compte/donnees/": Route(),
    "compte/supprimer/": Route(),
    "compte/login/": Route(params=("next",), own=False),
    "compte/logout/": Route(params=("next",), own=False),
    "compte/inactive/": Route(own=False),
    "compte/signup/": Route(params=("next",), own=False),
    "compte/reauthenticate/": Route(params=("next",), own=False),
    "compte/reauthenticate/code/": Route(own=False),
    "compte/reauthenticate/code/confirm/": Route(own=False),
    "compte/email/": Route(own=False),
    "compte/confirm-email/": Route(own=False),
    "compte/password/change/": Route(own=False),
    "compte/password/set/": Route(own=False),
    "compte/password/reset/": Route(own=False),
    "compte/password/reset/done/": Route(own=False),
    "compte/password/reset/key/done/": Route(own=False),
    "compte/login/code/confirm/": Route(own=False),
    "compte/^confirm-email/(?P<key>[-:\\w]+)/$": Route(template="/compte/confirm-email/{key}/", args={"key": "MQ:1abc:xyz"}, own=False),
    "compte/^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$": Route(
        template="/compte/password/reset/key/{uidb36}-{key}/", args={"uidb36": "1", "key": "set-password"}, own=False,
    ),
    "compte/2fa/": Route(own=False),
    "compte/2fa/authenticate/": Route(own=False),
    "compte/2fa/reauthenticate/": Route(params=("next",), own=False),
    "compte/2fa/totp/activate/": Route(own=False),
    "compte/2fa/totp/deactivate/": Route(own=False),
    "compte/2fa/recovery-codes/": Route(own=False),
    "compte/2fa/recovery-codes/generate/": Route(own=False),
    "compte/2fa/recovery-codes/download/": Route(own=False),
    # Wagtail's pages: each page type and sub-route, in PAGE_ROUTES.
    "^((?:[\\w\\-]+/)*)$": Route(template="/{path}", args={"path": "belgique/"}, params=("page",), own=False),
}

# Every page type readers reach, and each sub-route of a routable page: the URL of one, the query parameters read.
PAGE_ROUTES = {
    ("news.HomePage", None): ("/", ()),
    # RoutablePageMixin's own route for "" and the section's listing: the same URL, one of them answers.
    ("news.Section", "index_route"): ("/belgique/", ("page",)),
    ("news.Section", "listing"): ("/belgique/", ("page",)),
    ("news.Section", "rss"): ("/belgique/rss/", ()),
    ("news.Section", "atom"): ("/belgique/atom/", ()),
    ("news.Article", None): ("/belgique/{article.slug}/", ()),
}
# Under each page: what a reader may type after its URL.
PAGE_SUFFIXES = [
    *HOSTILE_SEGMENTS[:9], "inconnu/", "rss/inconnu/", "%C3%A9t%C3%A9/", "été/", "x" * 10_000 + "/", "a/" * 500,
    "%00/", "..%2F/", "-/", "_/",
]
HOSTILE_ARGS = ("", "x", "0", "-1", "99999999999999999999", str(2**63), "%C3%A9t%C3%A9", "x" * 300, "x" * 10_000)
FRAGMENT_ARGS = {
    "fil-info": HOSTILE_ARGS, "une": HOSTILE_ARGS, "meilleur": HOSTILE_ARGS, "aussi-en": ("{section.pk}", *HOSTILE_ARGS),
    "commentaires": ("{article.pk}", "{restricted.pk}", *HOSTILE_ARGS),
    "newsletters": HOSTILE_ARGS,
    "plus-lus": HOSTILE_ARGS,
}
SITEMAP_NAMES = {"articles", "rubriques", "sujets", "depeches"}

# The project's own views in the admin: they are walked with the admin's patterns, and each is also given a
# test of its own below (forms posted with garbage).
OWN_ADMIN_VIEWS = {
    "admin/snippets/wires/wiresource/": "test_admin_forms_with_garbage",
    "admin/snippets/wires/wiresource/results/": "test_admin_forms_with_garbage",
    "admin/snippets/wires/wiresource/edit/<int:pk>/": "test_admin_forms_with_garbage",
    "admin/snippets/wires/wiresource/token/<id:pk>/": "test_admin_forms_with_garbage",
    # The newsroom's guide and « Nouvel article » (manchette/news/guide.py, dashboard.py), in
    # manchette/news/tests/test_journalist_day.py.
    "admin/redaction/guide/": "test_newsroom_pages_with_garbage",
    "admin/redaction/nouvel-article/": "test_newsroom_pages_with_garbage",
    # Comments' moderation (manchette/comments/admin_views.py), in manchette/comments/tests/test_moderation_bad_input.py.
    "admin/moderation/": "test_moderation_with_garbage",
    "admin/moderation/<id:pk>/": "test_moderation_with_garbage",
    "admin/moderation/lot/": "test_moderation_with_garbage",
    "admin/moderation/lecteur/<id:user_id>/": "test_moderation_with_garbage",
    "admin/moderation/sanction/<id:pk>/lever/": "test_moderation_with_garbage",
    # The warning and the journal of decisions, in manchette/comments/tests/test_queue_bad_input.py.
    "admin/moderation/lecteur/<id:user_id>/avertir/": "test_desks_warnings_and_journal_with_garbage",
    "admin/moderation/journal/": "test_desks_warnings_and_journal_with_garbage",
    "admin/moderation/journal/moderateur/<id:user_id>/": "test_desks_warnings_and_journal_with_garbage",
    "admin/moderation/journal/lecteur/<id:user_id>/": "test_desks_warnings_and_journal_with_garbage",
    # Notices and reviews of the Digital Services Act (manchette/dsa/admin_views.py), in
    # manchette/dsa/tests/test_admin_bad_input.py.
    "admin/dsa/": "test_dsa_admin_with_garbage",
    "admin/dsa/<id:pk>/": "test_dsa_admin_with_garbage",
    "admin/dsa/reexamens/": "test_dsa_admin_with_garbage",
    "admin/dsa/reexamens/<id:pk>/": "test_dsa_admin_with_garbage",
    # A reader's trust set by a moderator (manchette/automoderation/trust_admin.py), in
    # manchette/automoderation/tests/test_trust_admin.py.
    "admin/moderation/confiance/<int:user_id>/": "test_trust_with_garbage",
    # Newsletters in the admin (manchette/newsletters/admin_views.py, wagtail_hooks.py), in
    # manchette/newsletters/tests/test_newsroom_bad_input.py.
    "admin/newsletters/editions/add/": "test_newsroom_admin_with_garbage",
    "admin/newsletters/editions/edit/<int:pk>/": "test_newsroom_admin_with_garbage",
    "admin/newsletters/abonnes/": "test_newsroom_admin_with_garbage",
    "admin/newsletters/abonnes/<id:pk>/": "test_newsroom_admin_with_garbage",
    "admin/newsletters/abonnes/<id:pk>/supprimer/": "test_newsroom_admin_with_garbage",
    "admin/newsletters/abonnes/export/": "test_newsroom_admin_with_garbage",
    "admin/newsletters/abonnes/import/": "test_newsroom_admin_with_garbage",
    "admin/newsletters/exclusions/": "test_newsroom_admin_with_garbage",
    "admin/newsletters/envois/<id:pk>/": "test_newsroom_admin_with_garbage",
    "admin/newsletters/envois/<id:pk>/apercu/": "test_newsroom_admin_with_garbage",
    "admin/newsletters/envois/<id:pk>/test/": "test_newsroom_admin_with_garbage",
    "admin/newsletters/envois/<id:pk>/envoyer/": "test_newsroom_admin_with_garbage",
    "admin/newsletters/envois/<id:pk>/rapport/": "test_newsroom_admin_with_garbage",
    "admin/newsletters/envois/<id:pk>/rapport.json": "test_newsroom_admin_with_garbage",
}
# Admin patterns that answer 5xx on purpose, and to whom.
ADMIN_ON_PURPOSE = {
    # Wagtail's page for trying the error reporting: it raises, for staff only (anonymous readers are sent to log in).
    "admin/failwhale/": 500,
}
# Faults of Wagtail's, not of this project: the answer allowed them, and why (reported upstream, not patched here).
LIBRARY_FAULTS = {
    # RevisionsRevertView takes revision 0 for "no revision" and renders None (wagtail.admin.views.pages.revisions).
    r"^/admin/pages/\d+/revisions/0/revert/$": (500, "Wagtail 8.0: reverting to revision 0 renders None"),
    # The task type's content type is looked up with the raw segments; PostgreSQL refuses a NUL in a query.
    r"^/admin/workflows/tasks/add/.*%00": (500, "Wagtail 8.0: NUL in a content type lookup, on PostgreSQL"),
}
# Regex patterns of the admin, with a URL template for their groups.
ADMIN_TEMPLATES = {
    "admin/api/main/^pages/": "/admin/api/main/pages/",
    "admin/api/main/^pages/<int:pk>/": "/admin/api/main/pages/{pk}/",
    "admin/api/main/^pages/find/": "/admin/api/main/pages/find/",
    "admin/api/main/^pages/<int:pk>/action/<str:action_name>/": "/admin/api/main/pages/{pk}/action/{action_name}/",
    "admin/api/main/^documents/": "/admin/api/main/documents/",
    "admin/api/main/^documents/<int:pk>/": "/admin/api/main/documents/{pk}/",
    "admin/api/main/^documents/find/": "/admin/api/main/documents/find/",
    "admin/api/main/^images/": "/admin/api/main/images/",
    "admin/api/main/^images/<int:pk>/": "/admin/api/main/images/{pk}/",
    "admin/api/main/^images/find/": "/admin/api/main/images/find/",
    "admin/pages/^(?P<pk>\\d+)/revisions/compare/(?P<revision_id_a>live|earliest|\\d+)\\.\\.\\.(?P<revision_id_b>live|latest|\\d+)/$":
        "/admin/pages/{pk}/revisions/compare/{revision_id_a}...{revision_id_b}/",
    "admin/snippets/filinfo/dispatch/history/(?P<pk>.+)/revisions/compare/(?P<revision_id_a>live|earliest|\\d+)\\.\\.\\.(?P<revision_id_b>live|latest|\\d+)/$":
        "/admin/snippets/filinfo/dispatch/history/{pk}/revisions/compare/{revision_id_a}...{revision_id_b}/",
    "admin/^.*/$": "/admin/{rest}/",
}
ADMIN_VALUES = ["99999999999999999999", str(2**63), "0", "%00", "x" * 2_000]
# One query string that gives every admin listing's parameters (Wagtail's) hostile values at once.
ADMIN_QUERY = "p=99999999999999999999&page=-1&q=%00&ordering=%FF&per_page=9999999999999999999999&next=//evil.example&p=2"


def enumerate_patterns(resolver=None, prefix=""):
    """(route, pattern) of every URL pattern, nested includes flattened."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from enumerate_patterns(pattern, route)
        elif isinstance(pattern, URLPattern):
            yield route, pattern


def converters_of(route):
    """{name: converter} of a route, typed segments and regex groups alike."""
    typed = dict((name, kind) for kind, name in re.findall(r"<(?:(\w+):)?(\w+)>", route))
    groups = {name: "regex" for name in re.findall(r"\(\?P<(\w+)>", route)}
    return {**typed, **groups}


def page_types():
    return [model for model in apps.get_models() if issubclass(model, Page) and model._meta.app_label != "wagtailcore"]


def sub_routes(model):
    if not issubclass(model, RoutablePageMixin):
        return [None]
    return [name for name in (getattr(p, "name", None) for p in model.get_subpage_urls()) if name]


def test_every_pattern_is_known():
    """A new URL pattern, page type, sub-route, block or sitemap fails here until it is given its bad inputs."""
    routes = {route for route, _ in enumerate_patterns()}
    public = {route for route in routes if not route.startswith("admin/")}
    assert public == set(ROUTES), "patterns without a Route in ROUTES, or Routes of patterns gone"
    admin = {route for route in routes if route.startswith("admin/")}
    unknown = [route for route in admin if ("^" in route or "(?P" in route) and route not in ADMIN_TEMPLATES]
    assert unknown == [], "admin regex patterns without a URL template in ADMIN_TEMPLATES"
    kinds = {kind for route in admin for kind in converters_of(route).values()}
    assert kinds <= {"int", "str", "slug", "id", "path", "uuid", "regex", ""}, "a converter the walk cannot fill"
    ours = {route for route, pattern in enumerate_patterns() if route.startswith("admin/") and getattr(
        pattern.callback, "__module__", "").startswith("manchette.")}
    assert ours == set(OWN_ADMIN_VIEWS), "admin views of the project's own without a test of bad input"
    pages = {(f"{model._meta.app_label}.{model.__name__}", name) for model in page_types() for name in sub_routes(model)}
    assert pages == set(PAGE_ROUTES), "page types or sub-routes without an entry in PAGE_ROUTES"
    assert set(fragments._blocks) == set(FRAGMENT_ARGS)
    assert set(sitemaps.declared()) == SITEMAP_NAMES


def test_every_declared_query_parameter_is_exercised():
    """The parameters apps declare their pages read (edge/queries.py) are each given hostile values here."""
    for route, spec in ROUTES.items():
        if route.startswith("^"):
            continue
        path = fill(route, {name: "x1" for name in converters_of(route) | spec.args.keys()}).split("?")[0]
        missing = queries.declared(path) - queries._everywhere - set(spec.params)
        assert missing == set(), f"{route}: parameters read but not exercised"
    assert queries._everywhere <= {name for _, params in PAGE_ROUTES.values() for name in params}


# --- what the walk runs on ---------------------------------------------------------------------------------------

def counted_models():
    labels = {"news", "filinfo", "wires", "search", "live", "wagtailcore", "taggit", "auth", "wagtaildocs", "wagtailimages"}
    return [model for model in apps.get_models() if model._meta.app_label in labels and model._meta.managed and not model._meta.proxy]


# Bookkeeping Wagtail writes when an editor opens a page's form, whatever the form then says.
NOT_CONTENT = {"wagtailcore.PageSubscription"}


def row_counts():
    return {model._meta.label: model._default_manager.count() for model in counted_models() if model._meta.label not in NOT_CONTENT}


@pytest.fixture
def newspaper(home, django_capture_on_commit_callbacks):
    """A section, a published article with a tag and an author, a restricted one, a dispatch in the fil info."""
    author = AuthorFactory(name="Camille Dupont", slug="camille-dupont")
    belgique = SectionFactory(parent=home, title="Belgique", slug="belgique")
    story = StoryFactory(title="Le budget communal", slug="budget")
    with django_capture_on_commit_callbacks(execute=True):
        article = ArticleFactory(parent=belgique, slug="budget-communal", title="Le budget communal adopté", story=story)
        article.tags.add("budget")
        article.authors.add(author)
        publish(article)
        restricted = ArticleFactory(parent=belgique, slug="reserve", title="Réservé aux abonnés")
        publish(restricted)
        dispatch = publish_dispatch("Coupure de courant à Namur")
    restriction = PageViewRestriction.objects.create(page=restricted, restriction_type=PageViewRestriction.PASSWORD, password="s")
    return {"section": belgique, "article": article, "restricted": restricted, "restriction": restriction, "dispatch": dispatch, "home": home, "story": story}


def expand(value, objects):
    return re.sub(r"{(\w+)\.(\w+)}", lambda m: str(getattr(objects[m[1]], m[2])), value)


def fill(route, values):
    """The URL of ROUTE with VALUES (already URL-encoded) for its arguments."""
    spec = ROUTES.get(route)
    template = (spec.template if spec else None) or ADMIN_TEMPLATES.get(route) or route
    url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: "{" + m[1] + "}", template)
    return "/" + url.lstrip("/").format(**values)


class Walk:
    """Requests made, and what was wrong with their answers."""

    def __init__(self, client=None, statuses=frozenset()):
        self.client = client or Client(raise_request_exception=False)
        self.statuses = statuses
        self.problems = []
        self.count = 0

    def request(self, method, url, own=True, allowed=ALLOWED, **kwargs):
        self.count += 1
        response = getattr(self.client, method.lower())(url, **kwargs)
        status = response.status_code
        fault = next((known for pattern, known in LIBRARY_FAULTS.items() if re.search(pattern, url)), None)
        if fault and status == fault[0]:
            return response
        if status not in allowed | self.statuses:
            error = getattr(response, "exc_info", None)
            cause = f"{error[0].__name__}: {str(error[1])[:200]}" if error else ""
            self.problems.append(f"{method} {url[:150]} → {status} {cause}")
        elif status == 400 and own and not FRENCH.search(response.content.decode(errors="replace")):
            self.problems.append(f"{method} {url[:150]} → 400 without a French reason: {response.content[:200]!r}")
        return response

    def check(self):
        assert self.problems == [], f"{len(self.problems)} of {self.count} requests:\n" + "\n".join(self.problems)


def query_cases(params, base, values=None):
    separator = "&" if "?" in base else "?"
    for name in params:
        for value in [*HOSTILE_VALUES, *(values or {}).get(name, ())]:
            yield f"{base}{separator}{name}={value}"
        yield f"{base}{separator}{name}=1&{name}=2"  # an array
        yield f"{base}{separator}{name}[]=1"
        yield f"{base}{separator}{name}"  # no value at all
    yield f"{base}{separator}" + "&".join(f"{name}=%00" for name in params)


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_public_pattern_with_bad_input(route, newspaper):
    spec = ROUTES[route]
    valid = {name: expand(value, newspaper) for name, value in spec.args.items()}
    before = row_counts()
    walk = Walk(statuses=spec.statuses)
    urls = [fill(route, valid)]
    for name in valid:
        urls += [fill(route, {**valid, name: value}) for value in HOSTILE_SEGMENTS]
    urls += list(spec.extra)
    if route.startswith("^"):  # Wagtail's pages: each type and sub-route, then hostile paths below them
        page_urls = [(expand(url, newspaper), params) for url, params in PAGE_ROUTES.values()]
        urls = [url for url, _ in page_urls]
        urls += [url + suffix for url, _ in page_urls for suffix in PAGE_SUFFIXES]
        urls += [f"/{segment}/" for segment in HOSTILE_SEGMENTS]
        for url, params in page_urls:
            urls += list(query_cases(params, url))
    for url in urls:
        walk.request("GET", url, own=spec.own)
    for case in query_cases(spec.params, urls[0], spec.values):
        walk.request("GET", case, own=spec.own)
    if spec.query:
        for case in query_cases(spec.params, f"{urls[0]}?{spec.query}", spec.values):
            walk.request("GET", case, own=spec.own)
    for name, value in HOSTILE_HEADERS.items():
        walk.request("GET", urls[0], own=spec.own, **{name: value})
    for method in spec.methods:
        walk.request(method, urls[0], own=spec.own)
    # Forms and bodies nobody asked for: garbage, the wrong content type, no CSRF token.
    strict = Walk(Client(enforce_csrf_checks=True, raise_request_exception=False), spec.statuses)
    for body, content_type in [("{", "application/json"), ("\x00\xff", "application/octet-stream"), ("a=%00&b=" + "x" * 100_000, "application/x-www-form-urlencoded")]:
        walk.request("POST", urls[0], own=spec.own, data=body, content_type=content_type)
        strict.request("POST", urls[0], own=spec.own, data=body, content_type=content_type)
    walk.problems += strict.problems
    walk.check()
    assert row_counts() == before


@pytest.mark.parametrize("name", sorted(FRAGMENT_ARGS))
def test_every_block_with_bad_input(name, newspaper):
    walk = Walk()
    for arg in FRAGMENT_ARGS[name]:
        walk.request("GET", fragments.url(name, expand(arg, newspaper)))
    walk.check()


@pytest.mark.parametrize("name", sorted(SITEMAP_NAMES))
def test_every_sitemap_with_bad_input(name, newspaper):
    walk = Walk()
    for case in query_cases(["p"], f"/sitemap-{name}.xml"):
        walk.request("GET", case, own=False)
    walk.check()


# --- forms ---------------------------------------------------------------------------------------------------------

def test_page_password_form_with_garbage(newspaper):
    """Wagtail's form in front of a restricted page: missing, garbage and hostile fields, no CSRF token."""
    restriction, page = newspaper["restriction"], newspaper["restricted"]
    url = f"/_util/authenticate_with_password/{restriction.pk}/{page.pk}/"
    before = row_counts()
    walk = Walk()
    strict = Walk(Client(enforce_csrf_checks=True, raise_request_exception=False))
    bodies = [
        {}, {"password": ""}, {"password": "x" * 100_000}, {"password": "\x00"}, {"return_url": "//evil.example/"},
        {"password": "faux", "return_url": "\x00"}, {"password": ["a", "b"]},
    ]
    for body in bodies:
        walk.request("POST", url, own=False, data=body)
        strict.request("POST", url, own=False, data=body)
    walk.request("POST", url, own=False, data="{}", content_type="application/json")
    walk.problems += strict.problems
    walk.check()
    assert row_counts() == before


@pytest.mark.parametrize("url", ["/_util/login/", "/admin/login/", "/compte/login/", "/compte/signup/", "/compte/password/reset/"])
def test_login_forms_with_garbage(url, db):
    before = row_counts()
    walk = Walk()
    strict = Walk(Client(enforce_csrf_checks=True, raise_request_exception=False))
    bodies = [
        {}, {"username": "", "password": ""}, {"username": "x" * 100_000, "password": "y"}, {"username": "\x00", "password": "\x00"},
        {"email": "\x00@example.com"}, {"email": "x" * 10_000}, {"username": ["a", "b"], "password": ["c", "d"]},
        {"username": "admin", "password": "x", "next": "//evil.example/"},
        # allauth's field names: its login, and its signup with the name fields of READER_NAME_POLICY.
        {"login": "x" * 100_000, "password": "y"}, {"login": "\x00", "password": "\x00"}, {"login": ["a", "b"], "password": "c"},
        {"email": "a@example.com", "password1": "x", "first_name": "\x00", "last_name": "y" * 100_000},
        {"email": "a@example.com", "password1": "un-mot-de-passe-solide", "first_name": "Léa\u202e", "last_name": "!!"},
    ]
    for body in bodies:
        walk.request("POST", url, own=False, data=body)
        strict.request("POST", url, own=False, data=body)
    walk.request("POST", url, own=False, data="\x00\xff", content_type="application/octet-stream")
    walk.problems += strict.problems
    walk.check()
    assert row_counts() == before


def test_article_forms_with_garbage_as_a_journalist(newspaper, staff):
    """The article form as the newsroom sends it, create (ArticleCreateView, ours) and edit, with garbage: the
    form answers, as an autosave (JSON) or not, and nothing is saved."""
    walk = Walk()
    walk.client.force_login(staff["journalist"])
    section, article = newspaper["section"], newspaper["article"]
    before = row_counts()
    garbage = [
        {}, {"title": "\x00", "slug": "\x00"}, {"title": "x" * 100_000, "slug": "-" * 1000, "lead": "\x00"},
        {"title": "Titre", "slug": "a\x00b", "body": "{" * 10_000},
        {"title": "Titre", "slug": "titre", "go_live_at": "demain", "authors": ["99999999999999999999"], "story": "-1"},
        {"title": "Titre", "slug": "titre", "authors": ["-1", "1.5", "%00"], "story": "99999999999999999999"},
    ]
    for body in garbage:
        for accept in ("text/html", "application/json"):
            for url in (f"/admin/pages/add/news/article/{section.pk}/", f"/admin/pages/{article.pk}/edit/"):
                walk.request("POST", url, own=False, data=body, HTTP_ACCEPT=accept)
                assert row_counts() == before, f"{url} saved {body!r}"[:300]
    # A draft may be saved from these (Wagtail saves drafts without the required fields; of repeated values
    # Django takes the last): no 500, whatever is kept.
    for body in [{"go_live_at": "9999-12-31 23:59", "expire_at": "0001-01-01 00:00"}, {"go_live_at": "0001-01-01 00:00"},
                 {"title": ["a", "b"], "slug": ["c", "d"]}]:
        response = walk.request("POST", f"/admin/pages/{article.pk}/edit/", own=False, data={"title": "Titre", "slug": article.slug, **body})
        if "go_live_at" in body:
            assert "Date hors limites : entre 1900 et 2200." in response.content.decode()
    walk.check()


def test_dispatch_forms_with_garbage_as_an_editor(newspaper, staff):
    """The fil info's dispatches in the admin (a snippet with drafts and scheduling), sent garbage."""
    walk = Walk()
    walk.client.force_login(staff["editor"])
    dispatch = newspaper["dispatch"]
    garbage = [
        {}, {"title": "\x00", "text": "\x00"}, {"title": "x" * 100_000, "text": "y" * 100_000},
        # The form has no scheduling fields (go_live_at… are not in its panels): an id past 64 bits, unknown ids.
        {"title": "Titre", "text": "Texte", "article": "99999999999999999999"},
        {"title": "Titre", "text": "Texte", "article": str(2**63)},
        {"title": "Titre", "text": "Texte", "article": "-1"},
    ]
    for body in garbage:
        for url in ("/admin/snippets/filinfo/dispatch/add/", f"/admin/snippets/filinfo/dispatch/edit/{dispatch.pk}/"):
            # Saved as a draft, an empty dispatch may be kept (Wagtail leaves required fields to publishing); the
            # dispatch as it was is the one published.
            walk.request("POST", url, own=False, data=body)
            for action in ({"action-publish": "publish"},):
                before = row_counts()
                walk.request("POST", url, own=False, data={**body, **action})
                assert row_counts() == before, f"{url} saved {body!r}"[:300]
    walk.check()


# --- the wire endpoint -----------------------------------------------------------------------------------------------

WIRE = {
    "uri": "urn:psm:2025:essai", "version": "1", "versionCreated": "2025-03-18T14:05:00+01:00",
    "headlines": [{"value": "Coupure de courant à Namur"}], "bodies": [{"value": "Plusieurs quartiers sont privés d’électricité."}],
}
BAD_DATES = ["9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z", "2025-13-45T99:99:99Z", "demain", "", 20250318, None, [], {},
             "2025-03-18T14:05:00+99:00", "+275760-09-13T00:00:00Z", "2025-03-18T14:05:00.99999999999999999999Z"]


def wire_bodies():
    """(what is wrong, body): each must be refused, nothing saved."""
    yield "bad JSON", b"{"
    yield "not UTF-8", b"\xff\xfe{}"
    yield "empty", b""
    yield "empty list", b"[]"
    yield "a string", b'"ninjs"'
    yield "a number", b"1"
    yield "NaN", b'{"uri": NaN}'
    yield "a huge number", json.dumps({**WIRE, "urgency": 10**400}).encode()
    yield "a huge integer", ('{"uri": "urn:x", "urgency": ' + "9" * 5_000 + "}").encode()
    yield "deep nesting", b"[" * 100_000 + b"]" * 100_000
    yield "deep objects", b'{"a":' * 10_000 + b"1" + b"}" * 10_000
    yield "a NUL", json.dumps({**WIRE, "uri": "urn:psm:\x00"}).encode()
    for field_name in ("versionCreated", "firstCreated", "embargoedUntil"):
        # An optional date may be null; the date a version was made may not.
        for value in BAD_DATES if field_name == "versionCreated" else [v for v in BAD_DATES if v is not None]:
            yield f"{field_name}={value!r}", json.dumps({**WIRE, field_name: value}).encode()
    for value in (0, -1, 10, 2**63, 1.5, "1", True):
        yield f"urgency={value!r}", json.dumps({**WIRE, "urgency": value}).encode()
    for value in ("", "x" * 10_000, 1, None, "urn:\x00"):
        yield f"uri={value!r}", json.dumps({**WIRE, "uri": value}).encode()
    # A null version is no version (ninjs makes it optional): the item is ordered by its dates.
    for value in ("", 2**63, "x" * 100):
        yield f"version={value!r}", json.dumps({**WIRE, "version": value}).encode()
    yield "a batch whose first item is bad", json.dumps([{**WIRE, "versionCreated": "9999-01-01T00:00:00Z"}, WIRE]).encode()


@pytest.fixture
def agency_token(db):
    from manchette.wires.models import WireSource

    return WireSource.objects.create(name="Presse Sambre-et-Meuse", slug="psm", publish_immediately=True).generate_token()


def test_wire_endpoint_with_bad_input(agency_token, home):
    url = "/api/depeches/"
    walk = Walk()
    before = row_counts()
    bearer = f"Bearer {agency_token}"
    for authorization in ["", "Bearer", "Bearer ", "Bearer x", "Basic dXNlcjpwYXNz", "Bearer " + "x" * 10_000,
                          "Bearer \x00", f"bearer  {agency_token}x", "Bearer " + agency_token[:-1]]:
        walk.request("POST", url, data=json.dumps(WIRE), content_type="application/json", HTTP_AUTHORIZATION=authorization)
    for length in ["-1", "abc", "99999999999999999999", str(2**63)]:
        walk.request("POST", url, data=b"{}", content_type="application/json", HTTP_AUTHORIZATION=bearer, CONTENT_LENGTH=length)
    for content_type in ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml", ""]:
        walk.request("POST", url, data=b"a=1&b=2", content_type=content_type, HTTP_AUTHORIZATION=bearer)
    walk.request("POST", url, data=b"x" * (1024 * 1024 + 1), content_type="application/json", HTTP_AUTHORIZATION=bearer)
    refused = []
    for what, body in wire_bodies():
        response = walk.request("POST", url, data=body, content_type="application/json", HTTP_AUTHORIZATION=bearer)
        if response.status_code != 400:
            refused.append(f"{what} → {response.status_code}")
        elif response.status_code == 400 and "erreur" not in response.json():
            refused.append(f"{what} → 400 without `erreur`")
    assert refused == [], "\n".join(refused)
    walk.check()
    assert row_counts() == before
    # Control characters are not refused but taken out: nothing of them is stored.
    headline = {**WIRE, "headlines": [{"value": "Coupure\x00 de courant\x1b à Namur"}]}
    response = walk.request("POST", url, data=json.dumps(headline), content_type="application/json", HTTP_AUTHORIZATION=bearer)
    assert response.status_code == 201
    assert Dispatch.objects.get().title == "Coupure de courant à Namur"


# --- the admin -------------------------------------------------------------------------------------------------------

def admin_urls(route):
    """The URLs the generic walk asks for ROUTE: each argument given each of ADMIN_VALUES in turn."""
    names = list(converters_of(route))
    if route == "admin/^.*/$":
        names = ["rest"]
    if not names:
        return [fill(route, {}), fill(route, {}) + "?" + ADMIN_QUERY]
    valid = {name: "1" for name in names}
    return [fill(route, {**valid, name: value}) for name in names for value in ADMIN_VALUES]


def admin_posts(route):
    """URLs of ROUTE whose every argument is hostile: nothing has them, a POST there may change nothing."""
    names = ["rest"] if route == "admin/^.*/$" else list(converters_of(route))
    return [fill(route, dict.fromkeys(names, value)) for value in ADMIN_VALUES] if names else []


@pytest.fixture
def superuser(django_user_model, newspaper):
    return django_user_model.objects.create_superuser("chef", "chef@example.com", "motdepasse-solide")


def test_every_admin_pattern_with_bad_input(superuser):
    routes = [route for route, _ in enumerate_patterns() if route.startswith("admin/")]
    before = row_counts()
    anonymous, staff = Walk(), Walk()
    staff.client.force_login(superuser)
    for route in routes:
        urls = admin_urls(route)
        anonymous.request("GET", urls[0], own=False)
        allowed = ALLOWED | ({ADMIN_ON_PURPOSE[route]} if route in ADMIN_ON_PURPOSE else set())
        for url in urls:
            staff.request("GET", url, own=False, allowed=allowed)
        for url in admin_posts(route):
            staff.request("POST", url, own=False, allowed=allowed, data={"title": "\x00", "slug": "x" * 1000, "action": "%00"})
    anonymous.problems += staff.problems
    anonymous.check()
    counts = row_counts()
    # Opening an edit view as staff may start an editing session (Wagtail's): anything else saved is a fault.
    assert {k: v for k, v in counts.items() if v != before[k]} == {}


def test_admin_forms_with_garbage(superuser):
    """The project's own admin views (wire sources and their token) and the article form, sent garbage."""
    from manchette.wires.models import WireSource

    source = WireSource.objects.create(name="Agence", slug="agence")
    walk = Walk()
    walk.client.force_login(superuser)
    before = row_counts()
    section = Page.objects.get(slug="belgique")
    token_url = f"/admin/snippets/wires/wiresource/token/{source.pk}/"
    for action in ["", "inconnue", "\x00", "x" * 100_000]:
        walk.request("POST", token_url, data={"action": action})
    walk.request("POST", token_url, data="\x00\xff", content_type="application/octet-stream")
    garbage = [{}, {"name": "\x00", "slug": "\x00"}, {"name": "x" * 100_000, "slug": "-" * 1000}, {"name": ["a", "b"]}]
    for body in garbage:
        walk.request("POST", f"/admin/snippets/wires/wiresource/edit/{source.pk}/", own=False, data=body)
        walk.request("POST", "/admin/snippets/wires/wiresource/add/", own=False, data=body)
        walk.request("POST", f"/admin/pages/add/news/article/{section.pk}/", own=False, data=body)
    # No longer query than the server lets through (HTTP_MAX_URL_BYTES, 8 KiB): Wagtail's search of a snippet
    # listing gives SQLite a LIKE pattern, which it refuses past 50,000 bytes (a 500).
    for query in ["?q=%00", "?q=" + "x" * 7_000, "?p=99999999999999999999", "?ordering=%00", "?q=%25%5F%5C" * 500]:
        walk.request("GET", "/admin/snippets/wires/wiresource/" + query, own=False)
        walk.request("GET", "/admin/snippets/wires/wiresource/results/" + query, own=False)
    walk.check()
    assert row_counts() == before
