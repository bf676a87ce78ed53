"""The moderators' DSA pages in the admin: « Contenus signalés (DSA) », the notices waiting for a decision (and
those decided), and the authors' requests for review. Only users with comments.moderate_comment reach them,
and each action is a POST (CSRF-checked) answered by a redirect with what happened in the admin's messages;
a refused one changes nothing."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.generic import TemplateView, View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from manchette.comments import moderation
from manchette.comments.admin_views import ModeratorsOnly, back, forbidden, outside_desks, refused
from manchette.news.visibility import is_visible

from . import notices, reviews
from .models import Ground, Notice, Review

PER_PAGE = 30


class DsaPage(ModeratorsOnly, WagtailAdminTemplateMixin, TemplateView):
    header_icon = "warning"
    filters = [("a-traiter", _("À traiter")), ("traites", _("Traités"))]

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def kind(self):
        return "traites" if self.request.GET.get("etat") == "traites" else "a-traiter"

    def page(self, queryset, open_status):
        """A page of QUERYSET: those still open, oldest first, or those decided, latest decision first."""
        if self.kind() == "traites":
            queryset = queryset.exclude(status=open_status).order_by("-decided_at", "-pk")
        else:
            queryset = queryset.filter(status=open_status).order_by("created_at", "pk")
        return Paginator(queryset, PER_PAGE).get_page(self.request.GET.get("p"))

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            kind=self.kind(), filters=self.filters, here=self.request.get_full_path(),
            open_notices=Notice.objects.filter(status=Notice.Status.OPEN).count(),
            open_reviews=Review.objects.filter(status=Review.Status.OPEN).count(), **kwargs,
        )


def article_link(request, comment):
    """The comment's place on the site, when readers can see its article."""
    if comment is None or not is_visible(comment.article):
        return ""
    return f"{comment.article.get_url(request)}#commentaire-{comment.pk}"


class NoticeQueueView(DsaPage):
    template_name = "dsa/admin/notices.html"
    page_title = _("Contenus signalés (DSA)")

    def get_context_data(self, **kwargs):
        found = Notice.objects.select_related("comment__article", "comment__author__profile", "decided_by")
        page = self.page(found, Notice.Status.OPEN)
        for notice in page.object_list:
            notice.comment_author = moderation.display_name(notice.comment.author) if notice.comment else ""
            notice.comment_url = article_link(self.request, notice.comment)
        return super().get_context_data(
            page=page, notices=page.object_list, grounds=Ground.choices, reasons=moderation.REJECTION_REASONS,
            actions=notices, **kwargs,
        )


class NoticeDecideView(ModeratorsOnly, View):
    """Remove the comment (illegal under a ground, or against the charter) or keep it; the notices about it are
    closed and their senders told."""

    http_method_names = ["post"]

    def post(self, request, pk):
        notice = get_object_or_404(Notice, pk=pk)
        elsewhere = outside_desks(request, [notice.comment_number])
        if elsewhere:
            return elsewhere
        action, details = request.POST.get("action", ""), request.POST.get("precisions", "")
        ground, code = request.POST.get("motif_legal", ""), request.POST.get("motif", "")
        if action not in notices.ACTIONS:
            return refused(_t("Décision inconnue : choisissez de retirer le contenu ou de le maintenir."))
        if action == notices.REMOVE_ILLEGAL and ground not in Ground.values:
            return refused(_t("Choisissez le motif légal du retrait dans la liste."))
        reason = notices.removal_reason(action, ground, code, details) if action != notices.KEEP else details
        try:
            decided = notices.decide(notice, request.user, action, reason, ground)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if decided:
                messages.success(request, ngettext(
                    "Signalement traité ; son auteur est informé de la décision.",
                    "%(count)s signalements de ce commentaire traités ; leurs auteurs sont informés de la décision.",
                    len(decided)) % {"count": len(decided)})
            else:
                messages.info(request, _t("Ce signalement était déjà traité : rien n’a changé."))
        return back(request, reverse("dsa_moderation:notices"))


class ReviewQueueView(DsaPage):
    template_name = "dsa/admin/reviews.html"
    page_title = _("Demandes de réexamen (DSA)")

    def get_context_data(self, **kwargs):
        found = Review.objects.select_related(
            "statement__comment__article", "statement__author__profile", "statement__moderator", "decided_by",
        )
        page = self.page(found, Review.Status.OPEN)
        for review in page.object_list:
            statement = review.statement
            review.author_name = moderation.display_name(statement.author) if statement.author else _t("Compte supprimé")
            review.mine = not reviews.may_decide(review, self.request.user)
        return super().get_context_data(page=page, reviews=page.object_list, **kwargs)


class ReviewDecideView(ModeratorsOnly, View):
    """Uphold or reverse the decision under review; the moderator who took it is refused (403)."""

    http_method_names = ["post"]

    def post(self, request, pk):
        review = get_object_or_404(Review.objects.select_related("statement"), pk=pk)
        elsewhere = outside_desks(request, [review.statement.comment_number])
        if elsewhere:
            return elsewhere
        action = request.POST.get("action", "")
        if action not in (reviews.UPHOLD, reviews.REVERSE):
            return refused(_t("Décision inconnue : choisissez de maintenir ou d’annuler la décision."))
        try:
            changed = reviews.decide(review, request.user, action, request.POST.get("motif", ""))
        except PermissionDenied as error:
            return forbidden(request, str(error))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if not changed:
                messages.info(request, _t("Cette demande était déjà réexaminée : rien n’a changé."))
            elif action == reviews.REVERSE:
                messages.success(request, _t("Décision annulée : le commentaire est publié de nouveau et son auteur informé."))
            else:
                messages.success(request, _t("Décision maintenue ; son auteur est informé."))
        return back(request, reverse("dsa_moderation:reviews"))
