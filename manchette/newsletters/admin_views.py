"""The newsroom's pages for newsletters in the admin, beside the lists and editions (wagtail_hooks.py):

- an edition's page: its preview (the e-mail as subscribers will see it), « Envoyer un test » to the editor's own
  address, « Envoyer maintenant » (a confirmation, then sending.start), and its live send report;
- subscribers: search, each one's lists and consents, deletion on request (RGPD), CSV export and import
  (imports.py), and the suppression list (hashes only: no address is shown, none is kept).

Every view checks its permission itself and answers a 403 page (Wagtail turns PermissionDenied into a redirect
to the dashboard): viewing needs the model's view permission, sending newsletters.send_edition.
"""

import csv

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Prefetch
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.generic import View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from . import compose, imports, sending
from .models import (
    Edition,
    EditionStatus,
    Subscriber,
    Subscription,
    Suppression,
)

PER_PAGE = 50
SENDABLE = {EditionStatus.DRAFT, EditionStatus.SCHEDULED}


def may(user, codename):
    return user.is_active and user.has_perm(f"newsletters.{codename}")


def forbidden(request):
    return TemplateResponse(request, "newsletters/admin/forbidden.html", {"page_title": _t("Accès refusé")}, status=403)


def refused(message):
    return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")


class Guarded:
    """Checks `permission` (a codename of newsletters) before anything else."""

    permission = None

    def dispatch(self, request, *args, **kwargs):
        if not may(request.user, self.permission):
            return forbidden(request)
        return super().dispatch(request, *args, **kwargs)


class AdminPage(Guarded, WagtailAdminTemplateMixin, View):
    header_icon = "mail"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def show(self, status=200, **context):
        return TemplateResponse(self.request, self.template_name, self.get_context_data(**context), status=status)


# --- the send report ---------------------------------------------------------------------------------------------

def report(edition):
    """Where an edition's send stands (sending.report), with what the page shows beyond the counts: progress, the
    status's label, the times, whether it is over (the page stops polling)."""
    data = sending.report(edition)
    recipients = data.get("recipients") or 0
    left = data.get("left", 0)
    done = data.get("sent", 0) + data.get("failed", 0) + data.get("bounced", 0) + data.get("skipped", 0)
    finished = edition.started_at is not None and edition.status != EditionStatus.SENDING
    status = edition.status
    data.update({
        "queued": left,
        "done": done,
        "progress": round(100 * done / recipients, 1) if recipients else (100.0 if finished else 0.0),
        "status_label": str(EditionStatus(status).label) if status in EditionStatus.values else status,
        "started_at": edition.started_at.isoformat() if edition.started_at else None,
        "finished_at": edition.finished_at.isoformat() if edition.finished_at else None,
        "finished": finished or status in (EditionStatus.FAILED, EditionStatus.SKIPPED, EditionStatus.CANCELLED),
    })
    return data


# --- an edition: preview, test, send, report ---------------------------------------------------------------------

class EditionMixin:
    template_name = "newsletters/admin/edition.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.edition = None

    def get_edition(self, pk):
        self.edition = get_object_or_404(Edition.objects.select_related("newsletter"), pk=pk)
        return self.edition

    def get_page_title(self):
        return self.edition.subject if self.edition else _t("Édition")

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("wagtailsnippets_newsletters_edition:list"), "label": _t("Éditions")},
            {"url": "", "label": self.get_page_title()},
        ]


def sendable(edition):
    return edition.status in SENDABLE


class EditionView(EditionMixin, AdminPage):
    """The edition's page: the e-mail's preview, its test, its send, its report."""

    permission = "view_edition"

    def get(self, request, pk):
        edition = self.get_edition(pk)
        user = request.user
        return self.show(
            edition=edition,
            may_send=may(user, "send_edition") and sendable(edition),
            may_test=may(user, "send_edition") or may(user, "change_edition"),
            may_edit=may(user, "change_edition") and sendable(edition),
            articles=compose.select_articles(edition),
            started=edition.started_at is not None,
            address=user.email,
        )


@xframe_options_sameorigin
def preview(request, pk):
    """The e-mail as subscribers will see it (the frozen one once sent), links pointing at the public pages."""
    if not may(request.user, "view_edition"):
        return forbidden(request)
    edition = get_object_or_404(Edition.objects.select_related("newsletter"), pk=pk)
    text = request.GET.get("format") == "texte"
    body = compose.web_text(edition) if text else compose.web_html(edition)
    response = HttpResponse(body, content_type="text/plain; charset=utf-8" if text else "text/html; charset=utf-8")
    # Nothing in an e-mail runs; its links open outside the admin's frame.
    response["Content-Security-Policy"] = "default-src 'none'; img-src * data:; style-src 'unsafe-inline'; frame-ancestors 'self'"
    return response


class TestSendView(EditionMixin, Guarded, View):
    """« Envoyer un test »: the edition, as it stands, to the editor's own address."""

    permission = "view_edition"
    http_method_names = ["post"]

    def post(self, request, pk):
        edition = self.get_edition(pk)
        if not (may(request.user, "send_edition") or may(request.user, "change_edition")):
            return forbidden(request)
        address = request.user.email
        here = reverse("newsletter_sends:edition", args=[edition.pk])
        if not address:
            messages.error(request, _t("Votre compte n’a pas d’adresse e-mail : ajoutez-en une à votre profil pour recevoir un test."))
            return HttpResponseRedirect(here)
        try:
            sending.send_test(edition, address)
        except Exception as error:  # CannotSend, or the SMTP server's refusal: told, not a 500
            messages.error(request, _t("Le test n’a pas pu être envoyé : %(error)s") % {"error": str(error)[:200]})
        else:
            messages.success(request, _t("Un test a été envoyé à %(address)s.") % {"address": address})
        return HttpResponseRedirect(here)


def estimated_recipients(edition):
    return Subscription.objects.filter(
        newsletter_id=edition.newsletter_id, active=True, subscriber__confirmed_at__isnull=False).count()


class SendView(EditionMixin, AdminPage):
    """« Envoyer maintenant »: a confirmation page, then the send starts (sending.start)."""

    permission = "send_edition"
    template_name = "newsletters/admin/send.html"

    def get_page_title(self):
        return _t("Envoyer « %(subject)s »") % {"subject": self.edition.subject} if self.edition else _t("Envoyer")

    def get(self, request, pk):
        edition = self.get_edition(pk)
        if not sendable(edition):
            messages.info(request, _t("Cette édition est déjà partie ou annulée : voici son rapport d’envoi."))
            return HttpResponseRedirect(reverse("newsletter_sends:report", args=[edition.pk]))
        return self.show(edition=edition, recipients=estimated_recipients(edition),
                         articles=compose.select_articles(edition))

    def post(self, request, pk):
        edition = self.get_edition(pk)
        if request.POST.get("confirmer") != "oui":
            return refused(_t("Confirmez l’envoi en cochant la case prévue : rien n’a été envoyé."))
        if not sendable(edition):
            messages.info(request, _t("Cette édition est déjà partie ou annulée : rien n’a été renvoyé."))
            return HttpResponseRedirect(reverse("newsletter_sends:report", args=[edition.pk]))
        try:
            sending.start(edition, user=request.user)
        except sending.CannotSend as error:
            messages.error(request, _t("L’envoi n’a pas commencé : %(reason)s") % {"reason": str(error)})
            return HttpResponseRedirect(reverse("newsletter_sends:edition", args=[edition.pk]))
        messages.success(request, _t("L’envoi de « %(subject)s » a commencé.") % {"subject": edition.subject})
        return HttpResponseRedirect(reverse("newsletter_sends:report", args=[edition.pk]))


class ReportView(EditionMixin, AdminPage):
    permission = "view_edition"
    template_name = "newsletters/admin/report.html"

    def get_page_title(self):
        return _t("Rapport d’envoi : %(subject)s") % {"subject": self.edition.subject} if self.edition else _t("Rapport d’envoi")

    def get(self, request, pk):
        edition = self.get_edition(pk)
        return self.show(edition=edition, report=report(edition),
                         json_url=reverse("newsletter_sends:report_json", args=[edition.pk]))


def report_json(request, pk):
    if not may(request.user, "view_edition"):
        return JsonResponse({"error": _t("Accès refusé.")}, status=403)
    edition = get_object_or_404(Edition, pk=pk)
    response = JsonResponse(report(edition))
    response["Cache-Control"] = "no-store"
    return response


# --- subscribers -------------------------------------------------------------------------------------------------

def page_number(request):
    raw = request.GET.get("p", "1")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 6 else 1


def active_subscriptions():
    return Prefetch("subscriptions", queryset=Subscription.objects.select_related("newsletter").order_by("newsletter__position", "newsletter__name"))


class SubscribersView(AdminPage):
    permission = "view_subscriber"
    template_name = "newsletters/admin/subscribers.html"
    page_title = _("Abonnés")

    def get(self, request):
        query = request.GET.get("q", "").strip()[:254].replace("\x00", "")
        subscribers = Subscriber.objects.order_by("-created_at", "-pk").prefetch_related(active_subscriptions())
        if query:
            subscribers = subscribers.filter(email__icontains=query.lower())
        page = Paginator(subscribers, PER_PAGE).get_page(page_number(request))
        return self.show(
            page=page, subscribers=list(page.object_list), query=query, total=page.paginator.count,
            may_import=may(request.user, "add_subscriber"), may_delete=may(request.user, "delete_subscriber"),
            may_see_suppressions=may(request.user, "view_suppression"),
        )


class SubscriberView(AdminPage):
    permission = "view_subscriber"
    template_name = "newsletters/admin/subscriber.html"

    def get_page_title(self):
        return self.subscriber.email

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": reverse("newsletter_subscribers:index"), "label": _t("Abonnés")},
                {"url": "", "label": self.get_page_title()}]

    def get(self, request, pk):
        self.subscriber = get_object_or_404(Subscriber.objects.prefetch_related(active_subscriptions()), pk=pk)
        deliveries = self.subscriber.deliveries.count()
        return self.show(subscriber=self.subscriber, subscriptions=list(self.subscriber.subscriptions.all()),
                         deliveries=deliveries, may_delete=may(request.user, "delete_subscriber"),
                         suppressed=Suppression.holds(self.subscriber.email))


class DeleteSubscriberView(SubscriberView):
    """« Supprimer à la demande »: the subscriber, its subscriptions, requests and deliveries, gone; its address
    stays on the suppression list as a hash, so that no later import brings it back."""

    permission = "delete_subscriber"
    template_name = "newsletters/admin/delete_subscriber.html"

    def get_page_title(self):
        return _t("Supprimer %(email)s") % {"email": self.subscriber.email}

    def post(self, request, pk):
        with transaction.atomic():
            subscriber = get_object_or_404(Subscriber.objects.select_for_update(), pk=pk)
            email = subscriber.email
            Suppression.add(email, Suppression.Reason.UNSUBSCRIBED, _t("supprimé à la demande"))
            subscriber.delete()
        messages.success(request, _t("L’abonné %(email)s est supprimé, avec ses abonnements et ses envois.") % {"email": email})
        return HttpResponseRedirect(reverse("newsletter_subscribers:index"))


class Echo:
    def write(self, value):
        return value


def safe_cell(value):
    """A cell a spreadsheet will not take for a formula."""
    value = "" if value is None else str(value)
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def local_iso(moment):
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else ""


EXPORT_HEADER = ["email", "listes", "confirmé le", "consentement le", "origine"]


def export_rows():
    subscriptions = Prefetch("subscriptions", queryset=Subscription.objects.filter(active=True).select_related("newsletter").order_by("newsletter__slug"))
    subscribers = Subscriber.objects.order_by("pk").prefetch_related(subscriptions)
    yield EXPORT_HEADER
    for subscriber in subscribers.iterator(chunk_size=2000):
        active = list(subscriber.subscriptions.all())
        consented = max((s.consented_at for s in active), default=None)
        sources = sorted({s.source for s in active if s.source})
        yield [
            safe_cell(subscriber.email), ";".join(s.newsletter.slug for s in active), local_iso(subscriber.confirmed_at),
            local_iso(consented), safe_cell(" ; ".join(sources)),
        ]


def export(request):
    if not may(request.user, "view_subscriber"):
        return forbidden(request)
    writer = csv.writer(Echo())
    stamp = timezone.localtime().strftime("%Y-%m-%d")
    response = StreamingHttpResponse(("\ufeff" if i == 0 else "") + writer.writerow(row) for i, row in enumerate(export_rows()))
    response["Content-Type"] = "text/csv; charset=utf-8"
    response["Content-Disposition"] = f'attachment; filename="abonnes-{stamp}.csv"'
    response["Cache-Control"] = "no-store"
    return response


class ImportView(AdminPage):
    permission = "add_subscriber"
    template_name = "newsletters/admin/import.html"
    page_title = _("Importer des abonnés")

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": reverse("newsletter_subscribers:index"), "label": _t("Abonnés")},
                {"url": "", "label": self.get_page_title()}]

    def get(self, request):
        return self.show(limits=imports.limits())

    def post(self, request):
        upload = request.FILES.get("fichier")
        if upload is None:
            return self.show(status=400, limits=imports.limits(), problem=_t("Choisissez un fichier CSV à importer."))
        result = imports.import_csv(upload)
        status = 200 if result.ok else 400
        if result.ok:
            messages.success(request, result.summary())
        return self.show(status=status, limits=imports.limits(), result=result)


class SuppressionsView(AdminPage):
    permission = "view_suppression"
    template_name = "newsletters/admin/suppressions.html"
    page_title = _("Adresses exclues")

    def get(self, request):
        reason = request.GET.get("motif", "")
        rows = Suppression.objects.order_by("-created_at", "-pk")
        if reason in Suppression.Reason.values:
            rows = rows.filter(reason=reason)
        else:
            reason = ""
        page = Paginator(rows, PER_PAGE).get_page(page_number(request))
        counts = dict(Suppression.objects.values_list("reason").annotate(n=Count("pk")).values_list("reason", "n"))
        return self.show(page=page, rows=list(page.object_list), reason=reason,
                         reasons=[(value, label, counts.get(value, 0)) for value, label in Suppression.Reason.choices])


def subscriber_counts():
    """Active confirmed subscribers of each list (the lists' listing column)."""
    return dict(
        Subscription.objects.filter(active=True, subscriber__confirmed_at__isnull=False)
        .values_list("newsletter_id").annotate(n=Count("pk")).values_list("newsletter_id", "n")
    )

