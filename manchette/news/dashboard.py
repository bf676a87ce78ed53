"""The journalist's dashboard: a « Nouvel article » button, their drafts, what awaits review."""

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.ui.components import Component
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.models import Page, WorkflowState
from wagtail.permission_policies.pages import PagePermissionPolicy

from .models import Article, Section

SHOWN = 10


def in_review_ids():
    states = WorkflowState.objects.active().filter(base_content_type=ContentType.objects.get_for_model(Page))
    return [int(pk) for pk in states.values_list("object_id", flat=True) if str(pk).isdigit()]


class DeskPanel(Component):
    name = "mon_bureau"
    template_name = "news/admin/dashboard_desk.html"
    order = 50

    def get_context_data(self, parent_context):
        request = parent_context["request"]
        user = request.user
        reviewing = in_review_ids()
        drafts = (
            Article.objects.filter(owner=user, live=False)
            .exclude(pk__in=reviewing)
            .order_by("-latest_revision_created_at")[:SHOWN]
        )
        in_review = Article.objects.filter(pk__in=reviewing).select_related("owner")
        if not can(user, "publish"):
            # A journalist follows their own; an editor sees all the newsroom's.
            in_review = in_review.filter(owner=user)
        return {
            "request": request,
            "drafts": drafts,
            "in_review": in_review.order_by("-latest_revision_created_at")[:SHOWN],
            "new_article_url": new_article_url(user),
        }


def new_article_url(user):
    if not can(user, "add"):
        return None
    return reverse("newsroom_new_article")


def can(user, action):
    """Whether USER may ACTION some page (page permissions are granted on a part of the tree)."""
    return user.is_superuser or PagePermissionPolicy().instances_user_has_permission_for(user, action).exists()


class NewArticleView(WagtailAdminTemplateMixin, TemplateView):
    """« Nouvel article »: the sections the journalist may write in, each leading to a new article's form."""

    template_name = "news/admin/new_article.html"
    page_title = _("Nouvel article")
    header_icon = "doc-full-inverse"

    def get_context_data(self, **kwargs):
        allowed = PagePermissionPolicy().instances_user_has_permission_for(self.request.user, "add")
        paths = list(allowed.values_list("path", flat=True))
        sections = [
            section for section in Section.objects.order_by("path")
            if self.request.user.is_superuser or any(section.path.startswith(path) for path in paths)
        ]
        return super().get_context_data(sections=sections, **kwargs)
