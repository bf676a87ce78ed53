import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import avoid_wrapping
from django.utils.timesince import timesince
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.templatetags import wagtailadmin_tags
from wagtail.admin.ui.tables import DateColumn
from wagtail.admin.views.pages.create import CreateView
from wagtail.admin.viewsets.pages import PageViewSet, page_viewset_registry
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .admin_french import in_french
from .admin_listing import register_section_viewset
from .dashboard import DeskPanel, NewArticleView
from .guide import GuideView
from .models import Article, Author, Story

# How recently the journalist's own unpublished draft must have been saved to be the one their open create
# form has just autosaved: an autosave's round trip, with room for a form sent back with errors and fixed.
AUTOSAVE_RACE_WINDOW = datetime.timedelta(minutes=10)


@in_french
class AuthorViewSet(SnippetViewSet):
    model = Author
    icon = "user"
    menu_label = _("Auteurs")
    menu_order = 210
    add_to_admin_menu = True
    list_display = ["name", "role"]
    search_fields = ["name"]


@in_french
class StoryViewSet(SnippetViewSet):
    model = Story
    icon = "folder-open-inverse"
    menu_label = _("Sujets")
    menu_order = 220
    add_to_admin_menu = True
    list_display = ["title", DateColumn("created_at", label=_("Créé le"), sort_key="created_at")]
    search_fields = ["title"]


class ArticleCreateView(CreateView):
    """Wagtail's create view, safe against the page editor's first autosave.

    Wagtail 8 autosaves a new page by posting the create form in the background; only once that request has
    come back does the editor send the form to the new draft's edit view. An action clicked before then
    (« Soumettre à … », « Publier », « Enregistrer le brouillon ») posts the create form a second time, for the
    page the autosave is creating. If the autosave has committed, the form finds the slug taken and the article
    is not submitted; if it commits between the form's validation and its insert, Page.save() raises a
    ValidationError (or the tree path clashes): a 500. The clicked action carries the journalist's latest
    content for that very draft, so it is applied to the draft through Wagtail's edit view, as it would have
    been had the autosave come back first.
    """

    retried = False

    def post(self, request):
        try:
            # Nothing saved half-way; on SQLite the two requests take turns, so the draft is seen here.
            with transaction.atomic():
                draft = self.autosaved_draft()
                if draft is not None:
                    return page_viewset_registry.get_by_type(Article).edit_view(request, page_id=draft.pk)
                return super().post(request)
        except (ValidationError, IntegrityError):
            if self.retried:
                raise
            # The page appeared after the form was validated; a second pass sees it, as a draft to edit or,
            # for another page or an autosave, as the slug error of Wagtail's form.
            self.retried = True
            return self.dispatch(request, **self.kwargs)

    def autosaved_draft(self):
        if self.expects_json_response:
            # An autosave never takes over a page: it may carry older content than the action that made it.
            return None
        slug = self.request.POST.get("slug", "")
        if "\x00" in slug:
            # No page has it (PostgreSQL refuses a NUL in a query: a 500); the form says what is wrong with it.
            return None
        draft = (
            Article.objects.child_of(self.parent_page)
            .filter(
                slug=slug,
                owner=self.request.user,
                live=False,
                first_published_at__isnull=True,
                latest_revision_created_at__gte=timezone.now() - AUTOSAVE_RACE_WINDOW,
            )
            .first()
        )
        if draft is None or draft.workflow_in_progress:
            return None
        return draft


class ArticleViewSet(PageViewSet):
    model = Article
    add_view_class = ArticleCreateView


register_snippet(AuthorViewSet)
register_snippet(StoryViewSet)


@hooks.register("register_admin_viewset")
def register_article_viewset():
    return ArticleViewSet("articles")


# Sections get their own listing in the admin (admin_listing.py).
hooks.register("register_admin_viewset", register_section_viewset)


# The help menu leads to the newsroom's own guide (docs/redaction.md), in French, not to Wagtail's English ones.
WAGTAIL_HELP_ITEMS = {"editor-guide"}


@hooks.register("register_admin_urls")
def register_guide_url():
    return [
        path("redaction/guide/", GuideView.as_view(), name="newsroom_guide"),
        path("redaction/nouvel-article/", NewArticleView.as_view(), name="newsroom_new_article"),
    ]


@hooks.register("register_help_menu_item")
def register_guide_menu_item():
    return MenuItem(_("Guide de la rédaction"), reverse("newsroom_guide"), icon_name="help", order=900, name="guide-redaction")


@hooks.register("construct_help_menu")
def leave_out_wagtail_guides(request, items):
    items[:] = [item for item in items if item.name not in WAGTAIL_HELP_ITEMS and not item.name.startswith("whats-new")]


@hooks.register("construct_homepage_panels")
def add_desk_panel(request, panels):
    panels.insert(0, DeskPanel())


def timesince_simple(value):
    """Wagtail's « Il y a 19 heures », saying « À l’instant » for less than a minute: Wagtail compares Django's
    « 0 minute » to its own « 0 minutes » and says « Il y a 0 minute »."""
    period = timesince(value).split(",")[0]
    if period == avoid_wrapping(ngettext("%(num)d minute", "%(num)d minutes", 0) % {"num": 0}):
        return gettext("À l’instant")
    return gettext("Il y a %(time_period)s") % {"time_period": period}


wagtailadmin_tags.register.filters["timesince_simple"] = timesince_simple
