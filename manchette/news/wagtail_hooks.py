import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.views.pages.create import CreateView
from wagtail.admin.viewsets.pages import PageViewSet, page_viewset_registry
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .admin_listing import register_section_viewset
from .models import Article, Author, Story

# How recently the journalist's own unpublished draft must have been saved to be the one their open create
# form has just autosaved: an autosave's round trip, with room for a form sent back with errors and fixed.
AUTOSAVE_RACE_WINDOW = datetime.timedelta(minutes=10)


class AuthorViewSet(SnippetViewSet):
    model = Author
    icon = "user"
    menu_label = _("Auteurs")
    menu_order = 210
    add_to_admin_menu = True
    list_display = ["name", "role"]
    search_fields = ["name"]


class StoryViewSet(SnippetViewSet):
    model = Story
    icon = "folder-open-inverse"
    menu_label = _("Sujets")
    menu_order = 220
    add_to_admin_menu = True
    list_display = ["title", "created_at"]
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
