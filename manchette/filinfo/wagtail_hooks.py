"""« Dépêches » in the admin: journalists write, mark « La Une », publish, correct (publish again) and
withdraw (unpublish) dispatches; publishing and withdrawing reach readers through signals.py."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, PageChooserPanel
from wagtail.admin.ui.tables import DateColumn, LiveStatusTagColumn, StatusFlagColumn
from wagtail.admin.widgets import BooleanRadioSelect
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from manchette.news.admin_french import in_french

from .models import TEXT_MAX_LENGTH, Dispatch


def source_choices():
    sources = Dispatch.objects.exclude(source="").order_by("source").values_list("source", flat=True).distinct()
    return [(source, source) for source in sources]


class DispatchFilterSet(WagtailFilterSet):
    live = django_filters.BooleanFilter(label=_("Publiée"), widget=BooleanRadioSelect)
    important = django_filters.BooleanFilter(label=_("La Une"), widget=BooleanRadioSelect)
    source = django_filters.ChoiceFilter(label=_("Source"), choices=source_choices, empty_label=_("Toutes"))

    class Meta:
        model = Dispatch
        fields = ["live", "important", "source"]


@in_french
class DispatchViewSet(SnippetViewSet):
    model = Dispatch
    icon = "time"
    menu_label = _("Dépêches")
    menu_order = 200
    add_to_admin_menu = True
    list_display = [
        "title",
        StatusFlagColumn("important", label=_("La Une"), true_label=_("La Une")),
        "source",
        LiveStatusTagColumn(label=_("Statut")),
        DateColumn("first_published_at", label=_("Publiée le"), sort_key="first_published_at"),
    ]
    list_per_page = 50
    filterset_class = DispatchFilterSet
    # Searched in the database, so a dispatch saved a second ago is found and the source is searched too.
    search_backend_name = None
    search_fields = ["title", "text", "source"]
    panels = [
        FieldPanel("title"),
        FieldPanel("text", widget=forms.Textarea(attrs={"rows": 5, "maxlength": TEXT_MAX_LENGTH})),
        FieldPanel("important"),
        FieldPanel("source"),
        PageChooserPanel("article", page_type="news.Article"),
    ]


register_snippet(DispatchViewSet)
