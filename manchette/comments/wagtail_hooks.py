"""The moderators' menu and pages in the admin (admin_views.py), for users with comments.moderate_comment."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet

from . import admin_views


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
            path("sanction/<id:pk>/lever/", admin_views.LiftView.as_view(), name="lift"),
        ]


@hooks.register("register_admin_viewset")
def register_moderation():
    return ModerationViewSet()
