"""The record of moderation decisions in the admin (comments.Decision, written by audit.py): all of them, those of
one moderator, those about one reader (on their comments, their warnings, sanctions and trust), filtered by kind
and dates, counted, paginated. For comments.moderate_comment only, like the queue.

A decision outlives its comment's text: the text is shown while the comment exists and was not purged (RGPD
retention of rejected comments), never copied into the record.
"""

import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Count
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from .admin_views import ModeratorsOnly, may_moderate, page_of, query_string
from .models import Decision
from .thread import display_name

EARLIEST, LATEST = datetime.date(2000, 1, 1), datetime.date(2199, 12, 31)


class DecisionFilter(forms.Form):
    decision = forms.ChoiceField(label=_("Décision"), required=False, choices=[("", _("Toutes")), *Decision.Action.choices])
    par = forms.ChoiceField(label=_("Prises par"), required=False, choices=[
        ("", _("Tous")), ("moderateurs", _("Les modérateurs")), ("automatique", _("Les contrôles automatiques")),
    ])
    du = forms.DateField(label=_("Du"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    au = forms.DateField(label=_("Au (inclus)"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args, who=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not who:  # one moderator's page: the decisions are theirs
            del self.fields["par"]

    def clean(self):
        data = super().clean()
        for name in ("du", "au"):
            if data.get(name) and not EARLIEST <= data[name] <= LATEST:
                self.add_error(name, _t("Choisissez une date entre 2000 et 2199."))
        if data.get("du") and data.get("au") and data["du"] > data["au"]:
            self.add_error("au", _t("La fin de la période précède son début."))
        return data

    def within(self, decisions):
        """DECISIONS in the chosen dates and of the chosen hands (not of the chosen kind: the counts show them all)."""
        data = self.cleaned_data
        if data.get("du"):
            decisions = decisions.filter(created_at__gte=midnight(data["du"]))
        if data.get("au"):
            decisions = decisions.filter(created_at__lt=midnight(data["au"] + datetime.timedelta(days=1)))
        if data.get("par"):
            decisions = decisions.filter(moderator__isnull=data["par"] == "automatique")
        return decisions


def midnight(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def counts(decisions):
    """[(label, count)] of DECISIONS by kind, in the order of Decision.Action (one query)."""
    found = dict(decisions.order_by().values_list("action").annotate(n=Count("pk")))
    return [(label, found[value]) for value, label in Decision.Action.choices if value in found]


def by_moderator(decisions):
    """[(moderator or None, who, count)] of DECISIONS, most first (two queries): the moderator's name, or the
    automatic checks, or a moderator's account deleted since."""
    rows = decisions.order_by().values_list("moderator", "automated").annotate(n=Count("pk")).order_by("-n", "moderator")
    rows = list(rows)
    users = get_user_model().objects.select_related("profile").in_bulk([pk for pk, _auto, _n in rows if pk])
    return [
        (users.get(pk), display_name(users[pk]) if pk in users else _t("Contrôles automatiques") if automated else _t("Compte supprimé"), n)
        for pk, automated, n in rows
    ]


def shown(decisions):
    """DECISIONS as a listing shows them, with what each row names joined in one query."""
    return decisions.select_related(
        "moderator", "moderator__profile", "author", "author__profile", "comment", "article",
    ).order_by("-created_at", "-pk")


class DecisionsView(ModeratorsOnly, WagtailAdminTemplateMixin, TemplateView):
    """Every decision, newest first, and who took how many."""

    template_name = "comments/admin/decisions.html"
    header_icon = "history"
    page_title = _("Journal de modération")
    one_moderator = False
    under_journal = False  # a page of one person's decisions, under the whole journal in the breadcrumbs

    def decisions(self):
        return Decision.objects.all()

    def get_breadcrumbs_items(self):
        items = [*self.breadcrumbs_items, {"url": reverse("moderation:queue"), "label": _t("Modération des commentaires")}]
        if self.under_journal:
            items.append({"url": reverse("moderation:decisions"), "label": _t("Journal de modération")})
        return [*items, {"url": "", "label": self.get_page_title()}]

    def get(self, request, *args, **kwargs):
        form = DecisionFilter(request.GET, who=not self.one_moderator)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form, page=None), status=400)
        decisions = form.within(self.decisions())
        chosen = form.cleaned_data["decision"]
        listed = decisions.filter(action=chosen) if chosen else decisions
        page = page_of(request, shown(listed))
        for decision in page.object_list:
            decision.moderator_name = display_name(decision.moderator) if decision.moderator_id else ""
            decision.author_name = display_name(decision.author) if decision.author_id else ""
        return self.render_to_response(self.get_context_data(
            form=form, page=page, decisions=page.object_list, counts=counts(decisions),
            moderators=[] if self.one_moderator else by_moderator(decisions),
            query=query_string({name: request.GET.get(name, "") for name in form.fields}),
        ))

    def get_context_data(self, **kwargs):
        return super().get_context_data(one_moderator=self.one_moderator, **kwargs)


class PersonDecisionsView(DecisionsView):
    """The decisions of one person (`self.person`, from the URL; a 404 if there is none)."""

    under_journal = True

    def dispatch(self, request, *args, **kwargs):
        if may_moderate(request.user):
            self.person = get_object_or_404(get_user_model().objects.select_related("profile"), pk=kwargs["user_id"])
        return super().dispatch(request, *args, **kwargs)


class ModeratorDecisionsView(PersonDecisionsView):
    one_moderator = True

    def decisions(self):
        return Decision.objects.filter(moderator=self.person)

    def get_page_title(self):
        return _t("Décisions de %(name)s") % {"name": display_name(self.person)}


class ReaderDecisionsView(PersonDecisionsView):
    """All decisions about a reader: on their comments, their warnings, sanctions and trust."""

    def decisions(self):
        return Decision.objects.filter(author=self.person)

    def get_page_title(self):
        return _t("Décisions sur %(name)s") % {"name": display_name(self.person)}

    def get_context_data(self, **kwargs):
        return super().get_context_data(reader=self.person, **kwargs)
