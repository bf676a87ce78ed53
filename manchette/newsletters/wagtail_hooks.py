"""The « Newsletters » menu of the admin: the lists, their editions (with each one's page: preview, test, send,
report — admin_views.py), the subscribers and the suppression list."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import CreateView, EditView, SnippetViewSet

from . import admin_views
from .models import Edition, Newsletter


class PermittedMenuItem(MenuItem):
    permission = None

    def is_shown(self, request):
        return admin_views.may(request.user, self.permission)


def menu_item_for(codename):
    return type("PermittedMenuItem", (PermittedMenuItem,), {"permission": codename})


class SubscribersColumn(Column):
    def get_value(self, instance):
        counts = getattr(self, "_counts", None)
        if counts is None:
            counts = self._counts = admin_views.subscriber_counts()
        return counts.get(instance.pk, 0)


class NewsletterViewSet(SnippetViewSet):
    model = Newsletter
    icon = "mail"
    menu_label = _("Listes")
    menu_order = 100
    url_prefix = "newsletters/listes"
    list_display = ["name", "frequency", "send_time", "active", SubscribersColumn("abonnes", label=_("Abonnés confirmés"))]
    search_fields = ["name", "description"]
    panels = [
        MultiFieldPanel([FieldPanel("name"), FieldPanel("slug"), FieldPanel("description")], heading=_("La liste")),
        MultiFieldPanel([FieldRowPanel([FieldPanel("frequency"), FieldPanel("send_time"), FieldPanel("weekday")])],
                        heading=_("Envoi")),
        MultiFieldPanel([FieldPanel("lead_count"), FieldPanel("sections"), FieldPanel("per_section")],
                        heading=_("Composition automatique")),
        MultiFieldPanel([FieldPanel("offered_on_articles"), FieldPanel("active"), FieldPanel("position")],
                        heading=_("Proposée aux lecteurs")),
    ]

    def get_menu_item(self, order=None):
        self.menu_item_class = menu_item_for("view_newsletter")
        return super().get_menu_item(order)


class EditionPageColumn(Column):
    """A link to the edition's page (preview, test, send, report)."""

    def get_value(self, instance):
        label = _t("Rapport d’envoi") if instance.started_at else _t("Aperçu et envoi")
        return format_html('<a href="{}">{}</a>', reverse("newsletter_sends:edition", args=[instance.pk]), label)


class StatusColumn(Column):
    def get_value(self, instance):
        return instance.get_status_display()


class EditionCreateView(CreateView):
    def save_instance(self):
        instance = super().save_instance()
        if instance.created_by_id is None and self.request.user.is_authenticated:
            Edition.objects.filter(pk=instance.pk).update(created_by=self.request.user)
        return instance

    def get_success_url(self):
        return reverse("newsletter_sends:edition", args=[self.object.pk])


class EditionEditView(EditView):
    """An edition gone (or going) out is what was sent: it is no longer edited."""

    def dispatch(self, request, *args, **kwargs):
        edition = Edition.objects.filter(pk=kwargs.get("pk")).first() if str(kwargs.get("pk", "")).isdigit() else None
        if edition is not None and edition.status not in admin_views.SENDABLE:
            messages.info(request, _t("Cette édition est partie ou annulée : elle ne se modifie plus."))
            return redirect("newsletter_sends:edition", edition.pk)
        return super().dispatch(request, *args, **kwargs)


class EditionViewSet(SnippetViewSet):
    model = Edition
    icon = "doc-full"
    menu_label = _("Éditions")
    menu_order = 200
    url_prefix = "newsletters/editions"
    add_view_class = EditionCreateView
    edit_view_class = EditionEditView
    list_display = ["subject", "newsletter", StatusColumn("status", label=_("Statut")), "due_at", "recipients",
                    EditionPageColumn("page", label=_("Envoi"))]
    list_filter = ["newsletter", "status"]
    search_fields = ["subject"]
    ordering = ["-created_at"]
    panels = [
        FieldPanel("newsletter"),
        FieldPanel("subject"),
        FieldPanel("intro"),
        InlinePanel("items", label=_("Article"), heading=_("Articles choisis"), panels=[FieldPanel("article")],
                    help_text=_("Sans article choisi, l’édition reprend les articles de la Une puis les derniers "
                                "articles des rubriques de la liste.")),
    ]

    def get_menu_item(self, order=None):
        self.menu_item_class = menu_item_for("view_edition")
        return super().get_menu_item(order)


class SendsViewSet(ViewSet):
    """An edition's page, its preview, its test and send, its report: reached from the editions' list."""

    name = "newsletter_sends"
    url_prefix = "newsletters/envois"

    def get_urlpatterns(self):
        return [
            path("<id:pk>/", admin_views.EditionView.as_view(), name="edition"),
            path("<id:pk>/apercu/", admin_views.preview, name="preview"),
            path("<id:pk>/test/", admin_views.TestSendView.as_view(), name="test"),
            path("<id:pk>/envoyer/", admin_views.SendView.as_view(), name="send"),
            path("<id:pk>/rapport/", admin_views.ReportView.as_view(), name="report"),
            path("<id:pk>/rapport.json", admin_views.report_json, name="report_json"),
        ]


class SubscribersViewSet(ViewSet):
    name = "newsletter_subscribers"
    url_prefix = "newsletters/abonnes"
    icon = "group"
    menu_label = _("Abonnés")
    menu_order = 300
    menu_item_class = menu_item_for("view_subscriber")

    def get_urlpatterns(self):
        return [
            path("", admin_views.SubscribersView.as_view(), name="index"),
            path("<id:pk>/", admin_views.SubscriberView.as_view(), name="subscriber"),
            path("<id:pk>/supprimer/", admin_views.DeleteSubscriberView.as_view(), name="delete"),
            path("export/", admin_views.export, name="export"),
            path("import/", admin_views.ImportView.as_view(), name="import"),
        ]


class SuppressionsViewSet(ViewSet):
    name = "newsletter_suppressions"
    url_prefix = "newsletters/exclusions"
    icon = "warning"
    menu_label = _("Adresses exclues")
    menu_order = 400
    menu_item_class = menu_item_for("view_suppression")

    def get_urlpatterns(self):
        return [path("", admin_views.SuppressionsView.as_view(), name="index")]


class NewslettersGroup(ViewSetGroup):
    menu_label = _("Newsletters")
    menu_icon = "mail"
    menu_order = 260
    items = (NewsletterViewSet, EditionViewSet, SubscribersViewSet, SuppressionsViewSet)


register_snippet(NewslettersGroup)


@hooks.register("register_admin_viewset")
def register_sends():
    return SendsViewSet()
