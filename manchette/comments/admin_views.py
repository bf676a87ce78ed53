"""The moderators' pages in the admin: the queue, the actions on a comment or a selection, an author's page with
their sanctions. Only users with comments.moderate_comment reach any of them (checked by every view, whatever
the object); the decisions themselves are moderation.py's.

Every action is a POST (CSRF-checked by Django) answered by a redirect back to where the moderator was, with
what happened in the admin's messages: a click replayed or a comment changed meanwhile is said, not repeated.
"""

import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.generic import TemplateView, View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from manchette.news.visibility import is_visible

from . import moderation
from .models import Comment, Sanction, Status

PERMISSION = "comments.moderate_comment"
PER_PAGE = 50
BULK_LIMIT = 500  # ids in one bulk action: ten pages of the queue


def may_moderate(user):
    return user.is_active and user.has_perm(PERMISSION)


class ModeratorsOnly:
    """Every view of the moderators checks the permission itself: a journalist who knows a URL gets a 403."""

    def dispatch(self, request, *args, **kwargs):
        if not may_moderate(request.user):
            # A 403 (Wagtail would turn PermissionDenied into a redirect to the dashboard).
            return TemplateResponse(request, "comments/admin/forbidden.html", {"page_title": _t("Accès refusé")}, status=403)
        return super().dispatch(request, *args, **kwargs)


def refused(message):
    return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")


def back(request, default):
    """Where the moderator was (the form's `next`, on this site only), else DEFAULT."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return HttpResponseRedirect(target)
    return HttpResponseRedirect(default)


def tell(request, outcome, done):
    """The outcome of an action, in the admin's messages. DONE(n): what was done to the n comments changed."""
    if outcome.changed:
        messages.success(request, done(len(outcome.changed)))
    if outcome.unchanged:
        messages.info(request, ngettext(
            "%(count)s commentaire l’était déjà : rien n’a changé.",
            "%(count)s commentaires l’étaient déjà : rien n’a changé.", len(outcome.unchanged),
        ) % {"count": len(outcome.unchanged)})
    for _comment, why in outcome.skipped:
        messages.warning(request, why)


def approved(n):
    return ngettext("%(count)s commentaire publié.", "%(count)s commentaires publiés.", n) % {"count": n}


def rejected(n):
    return ngettext(
        "%(count)s commentaire refusé ; son auteur en est averti par e-mail.",
        "%(count)s commentaires refusés ; leurs auteurs en sont avertis par e-mail.", n,
    ) % {"count": n}


def featured(n):
    return _t("Commentaire mis en avant (« Choix de la rédaction »).")


def unfeatured(n):
    return _t("Commentaire retiré du « Choix de la rédaction ».")


def swept(n):
    return ngettext("%(count)s commentaire en attente refusé.", "%(count)s commentaires en attente refusés.", n) % {"count": n}


def decorate(request, comments):
    """What a listing shows of each comment beyond its fields: the author's name and history, the article's
    links. Queries: one for the histories' counts, one for their sanctions, whatever the number of comments."""
    histories = moderation.histories({comment.author_id for comment in comments})
    for comment in comments:
        comment.author_name = moderation.display_name(comment.author)
        comment.history = histories.get(comment.author_id)
        comment.seen = moderation.version(comment)
        article = comment.article
        comment.article_url = article.get_url(request) if is_visible(article) else ""
        comment.edit_url = reverse("wagtailadmin_pages:edit", args=[article.pk])
        if comment.parent_id:
            comment.parent_name = moderation.display_name(comment.parent.author)
    return comments


def page_of(request, queryset):
    return Paginator(queryset, PER_PAGE).get_page(request.GET.get("p"))


class QueueView(ModeratorsOnly, WagtailAdminTemplateMixin, TemplateView):
    template_name = "comments/admin/queue.html"
    page_title = _("Modération des commentaires")
    header_icon = "comment"
    filters = [("tout", _("Tout")), ("attente", _("En attente")), ("signales", _("Signalés"))]

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        kind = self.request.GET.get("filtre")
        kind = kind if kind in moderation.QUEUE_FILTERS else "tout"
        page = page_of(self.request, moderation.queue(kind))
        return super().get_context_data(
            page=page, comments=decorate(self.request, list(page.object_list)), kind=kind, filters=self.filters,
            reasons=moderation.REJECTION_REASONS, sanction_form=SanctionForm(), here=self.request.get_full_path(),
            **kwargs,
        )


class CommentActionView(ModeratorsOnly, View):
    """One comment: publier, refuser (motif, précisions), choisir, retirer (the « Choix de la rédaction »)."""

    http_method_names = ["post"]

    def post(self, request, pk):
        comment = get_object_or_404(Comment, pk=pk)
        action = request.POST.get("action", "")
        seen = {comment.pk: request.POST["vu"]} if "vu" in request.POST else None
        if action == "publier":
            tell(request, moderation.approve([comment], request.user, seen), approved)
        elif action == "refuser":
            reason = moderation.reason_text(request.POST.get("motif", ""), request.POST.get("precisions", ""))
            try:
                tell(request, moderation.reject([comment], request.user, reason, seen), rejected)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
        elif action in ("choisir", "retirer"):
            on = action == "choisir"
            tell(request, moderation.feature(comment, request.user, on), featured if on else unfeatured)
        else:
            return refused(_t("Action inconnue : choisissez publier, refuser, choisir ou retirer."))
        return back(request, reverse("moderation:queue"))


class BulkActionView(ModeratorsOnly, View):
    """The comments ticked in the queue, all published or all refused, in one transaction."""

    http_method_names = ["post"]

    def post(self, request):
        action = request.POST.get("action", "")
        if action not in ("publier", "refuser"):
            return refused(_t("Action groupée inconnue : choisissez publier ou refuser."))
        raw = request.POST.getlist("ids")
        if len(raw) > BULK_LIMIT:
            return refused(_t("Trop de commentaires à la fois : %(limit)s au plus.") % {"limit": BULK_LIMIT})
        if not all(value.isascii() and value.isdigit() and len(value) <= 18 for value in raw):
            return refused(_t("Sélection invalide : des numéros de commentaires sont attendus."))
        ids = {int(value) for value in raw}
        if not ids:
            messages.warning(request, _t("Aucun commentaire sélectionné."))
            return back(request, reverse("moderation:queue"))
        if Comment.objects.filter(pk__in=ids).count() != len(ids):
            raise Http404(_t("Un des commentaires sélectionnés n’existe pas : rien n’a été fait."))
        seen = {pk: request.POST[f"vu-{pk}"] for pk in ids if f"vu-{pk}" in request.POST}
        if action == "publier":
            tell(request, moderation.approve(ids, request.user, seen), approved)
        else:
            reason = moderation.reason_text(request.POST.get("motif", ""), request.POST.get("precisions", ""))
            try:
                tell(request, moderation.reject(ids, request.user, reason, seen), rejected)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
        return back(request, reverse("moderation:queue"))


class SanctionForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Sanction"), widget=forms.RadioSelect, initial="suspension",
        choices=[("suspension", _("Suspendre jusqu’à une date")), ("exclusion", _("Exclure définitivement"))],
    )
    until = forms.DateField(label=_("Jusqu’au (inclus)"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    reason = forms.CharField(label=_("Motif"), max_length=moderation.REASON_MAX_LENGTH,
                             error_messages={"required": _("Indiquez le motif de la sanction.")})
    reject_pending = forms.BooleanField(label=_("Refuser aussi ses commentaires en attente"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["until"].initial = timezone.localdate() + datetime.timedelta(days=7)

    def clean(self):
        data = super().clean()
        if data.get("kind") == "suspension":
            until = data.get("until")
            if until is None:
                self.add_error("until", _t("Indiquez jusqu’à quand la suspension dure."))
            elif not timezone.localdate() <= until < datetime.date(2200, 1, 1):
                self.add_error("until", _t("Choisissez une date entre aujourd’hui et 2199."))
        return data

    def end(self):
        """The moment the suspension ends (the day after its last day, at midnight here), or None for a ban."""
        if self.cleaned_data["kind"] != "suspension":
            return None
        day = self.cleaned_data["until"] + datetime.timedelta(days=1)
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class AuthorView(ModeratorsOnly, WagtailAdminTemplateMixin, TemplateView):
    """A reader as moderators see them: their history, their sanctions (lifted ones too), their comments, newest
    first; and the form that suspends or bans them."""

    template_name = "comments/admin/author.html"
    header_icon = "user"

    def dispatch(self, request, *args, **kwargs):
        from django.contrib.auth import get_user_model

        if may_moderate(request.user):
            self.author = get_object_or_404(get_user_model().objects.select_related("profile"), pk=kwargs["user_id"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _t("Lecteur : %(name)s") % {"name": moderation.display_name(self.author)}

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("moderation:queue"), "label": _t("Modération des commentaires")},
            {"url": "", "label": moderation.display_name(self.author)},
        ]

    def post(self, request, user_id):
        form = SanctionForm(request.POST)
        if form.is_valid():
            try:
                made = moderation.sanction(
                    self.author, request.user, form.end(), form.cleaned_data["reason"], form.cleaned_data["reject_pending"]
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, describe(made))
                if made.rejected is not None:
                    tell(request, made.rejected, swept)
                return back(request, request.path)
        if request.POST.get("next"):  # from the queue: the errors there, the form not shown again
            for error in [*form.non_field_errors(), *(e for name in form.errors if name != "__all__" for e in form.errors[name])]:
                messages.error(request, error)
            return back(request, request.path)
        return self.render_to_response(self.get_context_data(sanction_form=form), status=400)

    def get_context_data(self, **kwargs):
        comments = moderation.with_context(Comment.objects.filter(author=self.author)).order_by("-created_at", "-pk")
        page = page_of(self.request, comments)
        kwargs.setdefault("sanction_form", SanctionForm())
        return super().get_context_data(
            author=self.author, author_name=moderation.display_name(self.author),
            history=moderation.histories({self.author.pk})[self.author.pk],
            sanctions=Sanction.objects.filter(user=self.author).select_related("created_by").order_by("-created_at"),
            page=page, comments=decorate(self.request, list(page.object_list)), now=timezone.now(),
            reasons=moderation.REJECTION_REASONS, here=self.request.get_full_path(), statuses=Status, **kwargs,
        )


def describe(sanction):
    if sanction.until is None:
        return _t("Lecteur exclu définitivement des commentaires.")
    end = formats.date_format(timezone.localtime(sanction.until), "l j F Y à H:i")
    return _t("Lecteur suspendu jusqu’au %(date)s.") % {"date": end}


class LiftView(ModeratorsOnly, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        sanction = get_object_or_404(Sanction, pk=pk)
        if moderation.lift(sanction, request.user):
            messages.success(request, _t("Sanction levée : ce lecteur peut de nouveau commenter."))
        else:
            messages.info(request, _t("Cette sanction était déjà levée : rien n’a changé."))
        return back(request, reverse("moderation:author", args=[sanction.user_id]))
