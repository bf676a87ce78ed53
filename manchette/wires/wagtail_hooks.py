"""Wire sources in the admin, with their access token: generated or replaced, shown once, revoked."""

from django.contrib import messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils import formats, timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.views.generic import View
from wagtail import hooks
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.admin.views.generic.base import BaseObjectMixin, WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.widgets.button import Button
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import EditView, IndexView, SnippetViewSet

from manchette.news.admin_french import in_french

from .models import WireSource


def token_status(source):
    if not source.token_hash:
        return _t("aucun")
    if source.token_revoked_at:
        return _t("révoqué le %(date)s") % {"date": short_date(source.token_revoked_at)}
    return _t("%(prefix)s… (créé le %(date)s)") % {"prefix": source.token_prefix, "date": short_date(source.token_created_at)}


def short_date(moment):
    return formats.date_format(timezone.localtime(moment), "j F Y à H:i")


class TokenView(PermissionCheckedMixin, WagtailAdminTemplateMixin, BaseObjectMixin, View):
    """Generates (or replaces) and revokes a source's token. A new token is shown in the answer, never again."""

    model = WireSource
    permission_required = "change"
    template_name = "wires/admin/token.html"
    header_icon = "key"
    index_url_name = None
    edit_url_name = None
    breadcrumbs_items = None

    def get_page_title(self):
        return _t("Jeton d’accès de « %(name)s »") % {"name": self.object.name}

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": WireSource._meta.verbose_name_plural.capitalize()},
            {"url": reverse(self.edit_url_name, args=[self.object.pk]), "label": self.object.name},
            {"url": "", "label": _t("Jeton d’accès")},
        ]

    def get(self, request, *args, **kwargs):
        return self.render()

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action")
        if action == "generate":
            response = self.render(token=self.object.generate_token())
            # The token must not outlive this page: no cache, no back-button copy.
            add_never_cache_headers(response)
            patch_cache_control(response, no_store=True)
            return response
        if action == "revoke":
            self.object.revoke_token()
            messages.success(request, _t("Le jeton de « %(name)s » est révoqué : il ne donne plus accès.") % {"name": self.object.name})
            return redirect(self.edit_url_name, self.object.pk)
        return self.render(status=400)

    def render(self, token=None, status=200):
        context = self.get_context_data(
            source=self.object, token=token, token_status=token_status(self.object), endpoint=endpoint_url(self.request)
        )
        return TemplateResponse(self.request, self.template_name, context, status=status)


def endpoint_url(request):
    try:
        return request.build_absolute_uri(reverse("wires:receive"))
    except NoReverseMatch:
        return ""


class WireSourceIndexView(IndexView):
    token_url_name = None

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if self.user_has_permission("change"):
            url = reverse(self.token_url_name, args=[instance.pk])
            buttons.append(MenuItem(_("Jeton d’accès"), url=url, icon_name="key", priority=15))
        return buttons


class WireSourceEditView(EditView):
    token_url_name = None

    @property
    def header_more_buttons(self):
        buttons = super().header_more_buttons
        if self.user_has_permission("change"):
            url = reverse(self.token_url_name, args=[self.object.pk])
            buttons.append(Button(_("Jeton d’accès"), url=url, icon_name="key", priority=5))
        return buttons


@in_french
class WireSourceViewSet(SnippetViewSet):
    model = WireSource
    icon = "key"
    menu_label = _("Sources de dépêches")
    menu_order = 230
    add_to_admin_menu = True
    index_view_class = WireSourceIndexView
    edit_view_class = WireSourceEditView
    list_display = [
        "name",
        "slug",
        Column("publication", label=_("Publication"), accessor="get_publish_immediately_display"),
        BooleanColumn("active", label=_("En service")),
        Column("token", label=_("Jeton d’accès"), accessor=token_status),
    ]
    search_fields = ["name", "slug"]
    form_fields = ["name", "slug", "publish_immediately", "active"]

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(token_url_name=self.get_url_name("token"), **kwargs)

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("token/<id:pk>/", self.construct_view(TokenView), name="token"),
        ]


register_snippet(WireSourceViewSet)


@hooks.register("before_delete_snippet")
def keep_sources_that_sent_wires(request, instances):
    """What a source sent is how its resends are recognised: forgetting it would publish them again."""
    kept = [instance.name for instance in instances if isinstance(instance, WireSource) and instance.items.exists()]
    if kept:
        messages.error(request, _t(
            "Une source qui a déjà envoyé des dépêches se met hors service, elle ne se supprime pas : %(names)s."
        ) % {"names": ", ".join(kept)})
        return redirect("wagtailsnippets_wires_wiresource:list")
    return None
