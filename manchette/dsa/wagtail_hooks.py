"""« Contenus signalés (DSA) » in the admin menu, for users with comments.moderate_comment (admin_views.py)."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.base import ViewSet

from manchette.comments.wagtail_hooks import ModeratorsMenuItem

from . import admin_views


class DsaViewSet(ViewSet):
    name = "dsa_moderation"
    url_prefix = "dsa"
    icon = "warning"
    menu_label = _("Contenus signalés (DSA)")
    menu_order = 241
    add_to_admin_menu = True
    menu_item_class = ModeratorsMenuItem

    def get_urlpatterns(self):
        return [
            path("", admin_views.NoticeQueueView.as_view(), name="notices"),
            path("<id:pk>/", admin_views.NoticeDecideView.as_view(), name="notice"),
            path("reexamens/", admin_views.ReviewQueueView.as_view(), name="reviews"),
            path("reexamens/<id:pk>/", admin_views.ReviewDecideView.as_view(), name="review"),
        ]


@hooks.register("register_admin_viewset")
def register_dsa():
    return DsaViewSet()
