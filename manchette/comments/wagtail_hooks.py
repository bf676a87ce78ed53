"""The moderators' menu and pages in the admin (admin_views.py, admin_audit.py), for users with
comments.moderate_comment; and the moderators' desks (DeskAssignment), set in Paramètres › « Pupitres de
modération » by whoever may change them (administrators)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Q
from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import DateColumn
from wagtail.admin.viewsets.base import ViewSet
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from manchette.news.admin_french import Wording, in_french, register

from . import admin_audit, admin_views
from .models import DeskAssignment

register("comments.deskassignment", Wording(
    False, _("pupitre de modération"), _("un pupitre de modération"), _("ce pupitre de modération"),
    _("Nouveau pupitre de modération"),
))


class ModeratorsMenuItem(MenuItem):
    def is_shown(self, request):
        return admin_views.may_moderate(request.user)


class ModerationViewSet(ViewSet):
    name = "moderation"
    icon = "comment"
    menu_label = _("Commentaires")
    menu_order = 240
    add_to_admin_menu = True
    menu_item_class = ModeratorsMenuItem

    def get_urlpatterns(self):
        return [
            path("", admin_views.QueueView.as_view(), name="queue"),
            path("<id:pk>/", admin_views.CommentActionView.as_view(), name="comment"),
            path("lot/", admin_views.BulkActionView.as_view(), name="bulk"),
            path("lecteur/<id:user_id>/", admin_views.AuthorView.as_view(), name="author"),
            path("lecteur/<id:user_id>/avertir/", admin_views.WarnView.as_view(), name="warn"),
            path("sanction/<id:pk>/lever/", admin_views.LiftView.as_view(), name="lift"),
            path("journal/", admin_audit.DecisionsView.as_view(), name="decisions"),
            path("journal/moderateur/<id:user_id>/", admin_audit.ModeratorDecisionsView.as_view(), name="moderator_decisions"),
            path("journal/lecteur/<id:user_id>/", admin_audit.ReaderDecisionsView.as_view(), name="reader_decisions"),
        ]


@hooks.register("register_admin_viewset")
def register_moderation():
    return ModerationViewSet()


def moderators():
    """The active accounts that may moderate (by their groups, their own permissions, or as superusers)."""
    users = get_user_model().objects
    permission = Permission.objects.filter(codename="moderate_comment", content_type__app_label="comments")
    granted = Q(groups__permissions__in=permission) | Q(user_permissions__in=permission)
    return users.filter(Q(is_superuser=True) | Q(pk__in=users.filter(granted).values("pk")), is_active=True).order_by("username")


class DeskForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["moderator"].queryset = moderators()


@in_french
class DeskViewSet(SnippetViewSet):
    model = DeskAssignment
    icon = "group"
    menu_label = _("Pupitres de modération")
    add_to_settings_menu = True
    list_display = ["moderator", "section", DateColumn("created_at", label=_("Attribué le"), sort_key="created_at")]
    edit_handler = ObjectList([FieldPanel("moderator"), FieldPanel("section")], base_form_class=DeskForm)


register_snippet(DeskViewSet)
