"""The moderators' pages in the admin: the queue (why each comment waits, by desk, by flag, by score), the actions
on a comment or a selection, an author's page with their sanctions and warnings. Only users with
comments.moderate_comment reach any of them (checked by every view, whatever the object); the decisions
themselves are moderation.py's (warning.py's for a warning). With COMMENTS_DESKS_ENFORCED, an action on a
comment outside the moderator's desks is refused (403) before anything changes (desks.py).

Every action is a POST (CSRF-checked by Django) answered by a redirect back to where the moderator was, with
what happened in the admin's messages: a click replayed or a comment changed meanwhile is said, not repeated.
"""

import datetime
import re
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, F, Min, Prefetch
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import escape, format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.text import normalize_newlines
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.generic import TemplateView, View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from manchette.news.visibility import is_visible

from . import desks, moderation, warning
from .models import Comment, Flag, Sanction, Status

PERMISSION = "comments.moderate_comment"
PER_PAGE = 50
BULK_LIMIT = 500  # ids in one bulk action: ten pages of the queue
SORTS = [("attente", _("Attente la plus longue d’abord")), ("score", _("Score de rejet le plus haut d’abord"))]
RULE = re.compile(r"[\w.-]{1,40}", re.ASCII)  # a flag's rule, as the checks name it


def may_moderate(user):
    return user.is_active and user.has_perm(PERMISSION)


def forbidden(request, message=""):
    # A 403 (Wagtail would turn PermissionDenied into a redirect to the dashboard).
    return TemplateResponse(
        request, "comments/admin/forbidden.html", {"page_title": _t("Accès refusé"), "message": message}, status=403
    )


class ModeratorsOnly:
    """Every view of the moderators checks the permission itself: a journalist who knows a URL gets a 403."""

    def dispatch(self, request, *args, **kwargs):
        if not may_moderate(request.user):
            return forbidden(request)
        return super().dispatch(request, *args, **kwargs)


def outside_desks(request, ids):
    """A 403 when desks are enforced and some of the comments IDS are outside the moderator's, else None."""
    others = desks.outside(request.user, ids)
    if not others:
        return None
    numbers = ", ".join(str(pk) for pk in sorted(others)[:20]) + ("…" if len(others) > 20 else "")
    return forbidden(request, ngettext(
        "Le commentaire n° %(ids)s n’est pas dans vos pupitres : seuls les modérateurs de sa rubrique peuvent en décider. Rien n’a été fait.",
        "Les commentaires n° %(ids)s ne sont pas dans vos pupitres : seuls les modérateurs de leurs rubriques peuvent en décider. Rien n’a été fait.",
        len(others),
    ) % {"ids": numbers})


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


def highlighted(text, found):
    """TEXT as HTML with its line breaks, each of FOUND (what the checks matched, as the reader wrote it) marked
    wherever it occurs, whatever its case. A match the checks made only after folding look-alike letters or
    spacing is not in the text as such: the flag beside it says what it was."""
    spans = []
    for start, end in sorted(
        match.span() for needle in {needle for needle in found if needle.strip()}
        for match in re.finditer(re.escape(needle), text, re.IGNORECASE)
    ):
        if spans and start <= spans[-1][1]:  # overlapping or touching matches make one mark
            spans[-1][1] = max(spans[-1][1], end)
        else:
            spans.append([start, end])
    parts, at = [], 0
    for start, end in spans:
        parts += [escape(text[at:start]), format_html("<mark>{}</mark>", text[start:end])]
        at = end
    parts.append(escape(text[at:]))
    return mark_safe(normalize_newlines("".join(parts)).replace("\n", "<br>"))


def with_flags(comments):
    """COMMENTS with their automatic flags (`.flag_list`, one query for all)."""
    return comments.prefetch_related(Prefetch("flags", queryset=Flag.objects.order_by("pk"), to_attr="flag_list"))


def decorate(request, comments, bounds=None):
    """What a listing shows of each comment beyond its fields: the author's name, history and last warning, the
    article's links, the text with what the checks matched marked, and whether the moderator may act on it
    (BOUNDS: the sections they are kept to, None for everywhere). Queries: the histories' counts, their sanctions,
    the warnings, whatever the number of comments."""
    authors = {comment.author_id for comment in comments}
    histories = moderation.histories(authors)
    warned = warning.last_warnings(authors)
    for comment in comments:
        comment.author_name = moderation.display_name(comment.author)
        comment.history = histories.get(comment.author_id)
        comment.warned = warned.get(comment.author_id)
        comment.seen = moderation.version(comment)
        comment.marked_text = highlighted(comment.text, [flag.matched for flag in getattr(comment, "flag_list", [])])
        comment.actionable = bounds is None or desks.covers(bounds, comment.article)
        article = comment.article
        comment.article_url = article.get_url(request) if is_visible(article) else ""
        comment.edit_url = reverse("wagtailadmin_pages:edit", args=[article.pk])
        if comment.parent_id:
            comment.parent_name = moderation.display_name(comment.parent.author)
    return comments


def page_of(request, queryset):
    return Paginator(queryset, PER_PAGE).get_page(request.GET.get("p"))


def query_string(params, **changes):
    """PARAMS with CHANGES, the empty ones left out, as a URL's query (without « ? »)."""
    return urlencode({name: value for name, value in {**params, **changes}.items() if value})


def flag_rules(comments, chosen):
    """The rules that flagged COMMENTS, each with a label and how many comments it flagged (one query); CHOSEN
    among them even when it flags none of them any more (the moderator cleared the last one)."""
    rules = list(
        Flag.objects.filter(comment__in=comments.values("pk")).values("rule")
        .annotate(label=Min("label"), count=Count("comment", distinct=True)).order_by("rule")
    )
    if chosen and chosen not in {rule["rule"] for rule in rules}:
        rules.append({"rule": chosen, "label": chosen, "count": 0})
    return rules


def desk_choice(value, mine, sections):
    """(the choice, the sections it keeps, None for all) for the queue's « rubrique » VALUE: « miens » (the
    moderator's desks, MINE: the default when they have some), « toutes », or a section's id among SECTIONS."""
    chosen = next((section for section in sections if str(section.pk) == value), None)
    if chosen is not None:
        return value, [chosen]
    if mine and value in ("", "miens"):
        return "miens", mine
    return "toutes", None


class QueueView(ModeratorsOnly, WagtailAdminTemplateMixin, TemplateView):
    template_name = "comments/admin/queue.html"
    page_title = _("Modération des commentaires")
    header_icon = "comment"
    filters = [("tout", _("Tout")), ("attente", _("En attente")), ("signales", _("Signalés"))]

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        get = self.request.GET
        kind = get.get("filtre") if get.get("filtre") in moderation.QUEUE_FILTERS else "tout"
        sort = get.get("tri") if get.get("tri") in dict(SORTS) else "attente"
        rule = get.get("regle", "") if RULE.fullmatch(get.get("regle", "")) else ""
        mine, sections = desks.sections_of(self.request.user), desks.all_sections()
        desk, kept_to = desk_choice(get.get("rubrique", ""), mine, sections)
        comments = moderation.queue(kind)
        rules = flag_rules(comments, rule)
        if rule:
            comments = comments.filter(pk__in=Flag.objects.filter(rule=rule).values("comment_id"))
        if kept_to is not None:
            comments = comments.filter(desks.covering(kept_to))
        if sort == "score":
            comments = comments.order_by(F("score").desc(nulls_last=True), "waiting_since", "pk")
        page = page_of(self.request, with_flags(comments))
        params = {"filtre": kind, "rubrique": desk, "regle": rule, "tri": sort}
        return super().get_context_data(
            page=page, comments=decorate(self.request, list(page.object_list), desks.bounds(self.request.user, mine)),
            kind=kind, sort=sort, sorts=SORTS, rule=rule, rules=rules, desk=desk, my_sections=mine,
            sections=indented(sections), filters=[(value, label, query_string(params, filtre=value)) for value, label in self.filters],
            query=query_string(params), reasons=moderation.REJECTION_REASONS, sanction_form=SanctionForm(),
            here=self.request.get_full_path(), **kwargs,
        )


def indented(sections):
    """SECTIONS as (id, title) with a dash per level below the top ones, as a select shows the tree."""
    top = min((section.depth for section in sections), default=0)
    return [(section.pk, "— " * (section.depth - top) + section.title) for section in sections]


class CommentActionView(ModeratorsOnly, View):
    """One comment: publier, refuser (motif, précisions), choisir, retirer (the « Choix de la rédaction »)."""

    http_method_names = ["post"]

    def post(self, request, pk):
        comment = get_object_or_404(Comment, pk=pk)
        if (refusal := outside_desks(request, [comment.pk])) is not None:
            return refusal
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
        if (refusal := outside_desks(request, ids)) is not None:
            return refusal
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
    """A suspension or a ban. A reader never warned (warning.py) is sanctioned only once the moderator confirms
    it, WARNED being when they were last warned, or None."""

    kind = forms.ChoiceField(
        label=_("Sanction"), widget=forms.RadioSelect, initial="suspension",
        choices=[("suspension", _("Suspendre jusqu’à une date")), ("exclusion", _("Exclure définitivement"))],
    )
    until = forms.DateField(label=_("Jusqu’au (inclus)"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    reason = forms.CharField(label=_("Motif"), max_length=moderation.REASON_MAX_LENGTH,
                             error_messages={"required": _("Indiquez le motif de la sanction.")})
    reject_pending = forms.BooleanField(label=_("Refuser aussi ses commentaires en attente"), required=False, initial=True)
    without_warning = forms.BooleanField(label=_("Sanctionner sans avertissement préalable"), required=False)

    def __init__(self, *args, warned=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.warned = warned
        self.fields["until"].initial = timezone.localdate() + datetime.timedelta(days=7)
        if warned is not None:
            del self.fields["without_warning"]

    def clean(self):
        data = super().clean()
        if data.get("kind") == "suspension":
            until = data.get("until")
            if until is None:
                self.add_error("until", _t("Indiquez jusqu’à quand la suspension dure."))
            elif not timezone.localdate() <= until < datetime.date(2200, 1, 1):
                self.add_error("until", _t("Choisissez une date entre aujourd’hui et 2199."))
        if self.warned is None and not data.get("without_warning"):
            self.add_error("without_warning", _t(
                "Ce lecteur n’a jamais été averti : avertissez-le d’abord, ou cochez « Sanctionner sans avertissement préalable »."
            ))
        return data

    def end(self):
        """The moment the suspension ends (the day after its last day, at midnight here), or None for a ban."""
        if self.cleaned_data["kind"] != "suspension":
            return None
        day = self.cleaned_data["until"] + datetime.timedelta(days=1)
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def apply_sanction(form, author, by):
    """FORM's sanction of AUTHOR by BY, with the sweep of their pending comments kept to BY's desks when desks are
    enforced (`.left`: how many pending comments outside them it leaves to their desks' moderators)."""
    bounds = desks.bounds(by)
    sweep = form.cleaned_data["reject_pending"]
    reason = form.cleaned_data["reason"]
    with transaction.atomic():
        made = moderation.sanction(author, by, form.end(), reason, sweep and bounds is None)
        made.left = 0
        if sweep and bounds is not None:
            pending = Comment.objects.filter(author=author, status=Status.PENDING)
            made.rejected = moderation.reject(pending.filter(desks.covering(bounds)), by, made.reason, notify=False)
            made.left = pending.exclude(desks.covering(bounds)).count()
    return made


class ReaderPage(ModeratorsOnly, WagtailAdminTemplateMixin, TemplateView):
    """A page about one reader (`self.author`, a 404 if there is none), under the queue in the breadcrumbs."""

    header_icon = "user"

    def dispatch(self, request, *args, **kwargs):
        if may_moderate(request.user):
            self.author = get_object_or_404(get_user_model().objects.select_related("profile"), pk=kwargs["user_id"])
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("moderation:queue"), "label": _t("Modération des commentaires")},
            {"url": "", "label": moderation.display_name(self.author)},
        ]


class AuthorView(ReaderPage):
    """A reader as moderators see them: their history, their warnings and sanctions (lifted ones too), their
    comments, newest first; and the forms that warn, suspend or ban them."""

    template_name = "comments/admin/author.html"

    def get_page_title(self):
        return _t("Lecteur : %(name)s") % {"name": moderation.display_name(self.author)}

    def warned(self):
        return warning.last_warnings({self.author.pk}).get(self.author.pk)

    def post(self, request, user_id):
        form = SanctionForm(request.POST, warned=self.warned())
        if form.is_valid():
            try:
                made = apply_sanction(form, self.author, request.user)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, describe(made))
                if made.rejected is not None:
                    tell(request, made.rejected, swept)
                if made.left:
                    messages.info(request, ngettext(
                        "%(count)s commentaire en attente hors de vos pupitres reste à ses modérateurs.",
                        "%(count)s commentaires en attente hors de vos pupitres restent à leurs modérateurs.", made.left,
                    ) % {"count": made.left})
                return back(request, request.path)
        if request.POST.get("next"):  # from the queue: the errors there, the form not shown again
            for error in [*form.non_field_errors(), *(e for name in form.errors if name != "__all__" for e in form.errors[name])]:
                messages.error(request, error)
            return back(request, request.path)
        return self.render_to_response(self.get_context_data(sanction_form=form), status=400)

    def get_context_data(self, **kwargs):
        comments = moderation.with_context(Comment.objects.filter(author=self.author)).order_by("-created_at", "-pk")
        page = page_of(self.request, with_flags(comments))
        warned = self.warned()
        kwargs.setdefault("sanction_form", SanctionForm(warned=warned))
        return super().get_context_data(
            author=self.author, author_name=moderation.display_name(self.author),
            history=moderation.histories({self.author.pk})[self.author.pk], warned=warned,
            sanctions=Sanction.objects.filter(user=self.author).select_related("created_by").order_by("-created_at"),
            page=page, comments=decorate(self.request, list(page.object_list), desks.bounds(self.request.user)),
            now=timezone.now(), reasons=moderation.REJECTION_REASONS, here=self.request.get_full_path(),
            statuses=Status, query="", **kwargs,
        )


def describe(sanction):
    if sanction.until is None:
        return _t("Lecteur exclu définitivement des commentaires.")
    end = formats.date_format(timezone.localtime(sanction.until), "l j F Y à H:i")
    return _t("Lecteur suspendu jusqu’au %(date)s.") % {"date": end}


class WarnView(ModeratorsOnly, View):
    """« Avertir » : a warning to a reader, about one of their comments (`commentaire`) or in general, with a reason
    (avertissement-motif, avertissement-precisions) that the e-mail gives them."""

    http_method_names = ["post"]

    def post(self, request, user_id):
        author = get_object_or_404(get_user_model(), pk=user_id)
        comment = None
        number = request.POST.get("commentaire", "")
        if number:
            if not (number.isascii() and number.isdigit() and len(number) <= 18):
                return refused(_t("Commentaire invalide : un numéro de commentaire est attendu."))
            comment = get_object_or_404(Comment, pk=int(number), author=author)
            if (refusal := outside_desks(request, [comment.pk])) is not None:
                return refusal
        # Named apart from the rejection's fields, which sit in the same row of the queue.
        reason = moderation.reason_text(request.POST.get("avertissement-motif", ""), request.POST.get("avertissement-precisions", ""))
        try:
            made = warning.warn(author, request.user, reason, comment)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if made is None:
                messages.info(request, _t("Ce lecteur vient de recevoir le même avertissement : rien n’a été envoyé de nouveau."))
            else:
                messages.success(request, _t("Avertissement envoyé par e-mail à %(name)s.") % {"name": moderation.display_name(author)})
        return back(request, reverse("moderation:author", args=[author.pk]))


class LiftView(ModeratorsOnly, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        sanction = get_object_or_404(Sanction, pk=pk)
        if moderation.lift(sanction, request.user):
            messages.success(request, _t("Sanction levée : ce lecteur peut de nouveau commenter."))
        else:
            messages.info(request, _t("Cette sanction était déjà levée : rien n’a changé."))
        return back(request, reverse("moderation:author", args=[sanction.user_id]))
