"""What readers see of the newsletters: the signup block under articles (an edge fragment, the same on every
article page), the newsletters page, the signup, the confirmation, the preferences and unsubscribe pages
reached from the e-mails (signed links, no login), and the archive of sent editions.

The block and the newsletters page are shared by the edge: their forms carry no CSRF token (personal.js
fetches one when a reader starts filling the form in). The signup therefore takes anonymous posts without a
token (the double opt-in makes a forged one harmless: only the mailbox can confirm it), and takes the
logged-in shortcut (subscribed at once, no e-mail) only when the post carries a valid token.
"""

from urllib.parse import urlsplit

from csp.decorators import csp_update
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from manchette.edge import keys

from . import links, ratelimit, subscribing, suppressions
from .forms import CONSENT_TEXT, PREFERENCES_CONSENT_TEXT, PreferencesForm, SignupForm, clean_source
from .models import Edition, EditionStatus, Newsletter, Subscriber

LIST_KEY = keys.list_of("newsletters.newsletter")
ARCHIVE_KEY = keys.list_of("newsletters.edition")
EDITIONS_PER_PAGE = 20


def message(request, title, text, status=200, **context):
    return render(request, "newsletters/message.html", {"title": title, "text": text, **context}, status=status)


def preferences_path(subscriber):
    """The preferences page on this site (the e-mails carry links.preferences_url(), absolute)."""
    return reverse("newsletters:preferences", args=[links.subscriber_token(subscriber)])


def lists_with_labels(newsletters):
    return [(newsletter, subscribing.frequency_label(newsletter)) for newsletter in newsletters]


# --- the block under articles, the newsletters page, the signup ----------------------------------------------

def block(request, arg=""):
    """The edge fragment « Inscrivez-vous aux newsletters » (article_aside slot): the same on every page."""
    if arg:
        raise Http404
    keys.add(LIST_KEY)
    newsletters = subscribing.offered()
    if not newsletters:
        return ""
    return render_to_string("newsletters/block.html", {"newsletters": newsletters, "consent": CONSENT_TEXT}, request)


def index_context(form=None):
    keys.add(LIST_KEY)
    newsletters = list(Newsletter.objects.filter(active=True))
    chosen = None
    if form is not None and form.is_bound:
        chosen = {str(value) for value in form.data.getlist("listes")}
    return {
        "newsletters": [(newsletter, label, str(newsletter.pk) in chosen if chosen is not None else False)
                        for newsletter, label in lists_with_labels(newsletters)],
        "form": form, "consent": CONSENT_TEXT,
    }


@require_GET
def index(request):
    return render(request, "newsletters/index.html", index_context())


def referer_source(request):
    referer = request.headers.get("Referer", "")
    try:
        parts = urlsplit(referer)
    except ValueError:
        return ""
    if parts.netloc and parts.netloc != urlsplit(settings.SITE_URL).netloc:
        try:
            if parts.netloc != request.get_host():
                return ""
        except Exception:  # DisallowedHost: not ours
            return ""
    return clean_source(parts.path)


def csrf_valid(request):
    """Whether REQUEST (to a csrf_exempt view) carries a token Django's CSRF check accepts."""

    def checked(request):  # a view that is not exempt
        return None

    return CsrfViewMiddleware(lambda request: None).process_view(request, checked, (), {}) is None


@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def signup(request):
    if request.method != "POST":
        return redirect("newsletters:index")
    wait = ratelimit.per_address(request)
    if wait:
        response = message(request, _("Trop de demandes"), _(
            "Trop d’inscriptions sont parties de votre connexion ces dernières minutes. Réessayez un peu plus tard."),
            status=429)
        response["Retry-After"] = str(wait)
        return response
    user = request.user if request.user.is_authenticated else None
    form = SignupForm(request.POST, account=user is not None)
    if not form.is_valid():
        return render(request, "newsletters/index.html", index_context(form), status=400)
    newsletters = list(form.cleaned_data["listes"])
    source = form.cleaned_data["origine"] or referer_source(request) or "page newsletters"
    consent = str(CONSENT_TEXT)
    email = form.cleaned_data["email"]
    back = source if source.startswith("/") else None
    if user is not None:
        verified = subscribing.verified_email(user)
        if verified and (not email or email == verified) and csrf_valid(request):
            subscriber = subscribing.subscribe_user(user, newsletters, source, consent)
            if subscriber is not None:
                return render(request, "newsletters/done.html", {
                    "subscribed": lists_with_labels(newsletters), "email": subscriber.email,
                    "preferences": preferences_path(subscriber), "back": back,
                })
        if not email:
            email = user.email
    try:
        subscribing.request_signup(email, newsletters, source, consent, user=user)
    except ValidationError as error:
        form.add_error("email", error)
        return render(request, "newsletters/index.html", index_context(form), status=400)
    return render(request, "newsletters/done.html", {"email": subscribing.normalize_email(email), "back": back,
                                                     "hours": settings.NEWSLETTER_CONFIRM_HOURS})


# --- the links of the e-mails ----------------------------------------------------------------------------------

def bad_link(request, text=None):
    return message(request, _("Lien non valable"), text or _(
        "Ce lien n’est pas valable : il a peut-être été mal copié. Utilisez le lien complet reçu par e-mail."),
        status=400)


@csrf_exempt  # the signed token is the proof; it reaches only the mailbox
@never_cache
@require_http_methods(["GET", "POST"])  # HEAD: a refusal without its page would say nothing
def confirm(request, token):
    """GET shows one button (mail scanners that open links confirm nothing); POST confirms, once."""
    try:
        signup_id = links.read_confirm_token(token)
    except links.Expired:
        return message(request, _("Lien expiré"), _(
            "Ce lien de confirmation a expiré (il est valable %(hours)s heures). Inscrivez-vous à nouveau : un "
            "nouveau lien vous sera envoyé.") % {"hours": settings.NEWSLETTER_CONFIRM_HOURS}, status=400,
            link=(reverse("newsletters:index"), _("S’inscrire à nouveau")))
    except links.Invalid:
        return bad_link(request)
    from .models import Signup

    signup = Signup.objects.select_related("subscriber").filter(pk=signup_id).first()
    if signup is None:
        return bad_link(request, _("Cette demande d’inscription n’existe plus."))
    if signup.confirmed_at is not None:
        return already_confirmed(request, signup.subscriber)
    if request.method != "POST":
        names = Newsletter.objects.filter(pk__in=signup.newsletter_ids, active=True)
        return render(request, "newsletters/confirm.html", {"newsletters": names, "email": signup.subscriber.email})
    try:
        subscriber, newsletters = subscribing.confirm(signup_id)
    except Signup.DoesNotExist:
        return bad_link(request, _("Cette demande d’inscription n’existe plus."))
    except subscribing.AlreadyConfirmed as already:
        return already_confirmed(request, already.subscriber)
    return render(request, "newsletters/confirmed.html", {
        "newsletters": lists_with_labels(newsletters), "preferences": preferences_path(subscriber),
    })


def already_confirmed(request, subscriber):
    return message(request, _("Inscription déjà confirmée"), _(
        "Cette inscription a déjà été confirmée : il n’y a plus rien à faire."),
        link=(preferences_path(subscriber), _("Gérer mes newsletters")))


def subscriber_from(token):
    """(Subscriber or None, newsletter pk or None); links.Invalid for a forged token."""
    key, newsletter = links.read_subscriber_token(token)
    return Subscriber.objects.filter(key=key).first(), newsletter


@never_cache
@require_http_methods(["GET", "POST"])  # HEAD: a refusal without its page would say nothing
def preferences(request, token):
    try:
        subscriber, _newsletter = subscriber_from(token)
    except links.Invalid:
        return bad_link(request)
    if subscriber is None:
        return message(request, _("Abonnement introuvable"), _(
            "Cette adresse n’est plus abonnée à nos newsletters : elle a été supprimée à votre demande."), status=404,
            link=(reverse("newsletters:index"), _("Voir nos newsletters")))
    saved = None
    if request.method == "POST":
        if "tout" in request.POST:
            suppressions.leave_all(subscriber)
            saved = "all"
        else:
            form = PreferencesForm(request.POST)
            if not form.is_valid():
                return render(request, "newsletters/preferences.html",
                              preferences_context(subscriber, form=form), status=400)
            subscribing.set_preferences(subscriber, list(form.cleaned_data["listes"]), "préférences",
                                        str(PREFERENCES_CONSENT_TEXT))
            saved = "lists"
    return render(request, "newsletters/preferences.html", preferences_context(subscriber, saved=saved))


def preferences_context(subscriber, form=None, saved=None):
    current = subscribing.subscriptions_of(subscriber)
    if form is not None:
        current = {int(value) for value in form.data.getlist("listes") if value.isdigit() and len(value) < 10}
    return {
        "subscriber": subscriber, "form": form, "saved": saved, "consent": PREFERENCES_CONSENT_TEXT,
        "newsletters": [(newsletter, label, newsletter.pk in current)
                        for newsletter, label in lists_with_labels(Newsletter.objects.filter(active=True))],
    }


@csrf_exempt  # RFC 8058: mail clients POST « List-Unsubscribe=One-Click » with no token; the signature is the proof
@never_cache
@require_http_methods(["GET", "POST"])  # HEAD: a refusal without its page would say nothing
def unsubscribe(request, token):
    """GET shows one button (link scanners unsubscribe nobody); POST unsubscribes from the list the link names,
    or from everything. Done already, or for an address deleted since: the same page, nothing changes."""
    try:
        subscriber, newsletter_id = subscriber_from(token)
    except links.Invalid:
        return bad_link(request, _("Ce lien de désabonnement n’est pas valable : il a peut-être été mal copié. "
                                   "Utilisez le lien complet reçu par e-mail."))
    newsletter = Newsletter.objects.filter(pk=newsletter_id).first() if newsletter_id is not None else None
    if request.method != "POST":
        return render(request, "newsletters/unsubscribe.html", {"newsletter": newsletter, "subscriber": subscriber})
    if subscriber is not None:
        if newsletter is not None:
            suppressions.leave(subscriber, newsletter)
        elif newsletter_id is None:
            suppressions.leave_all(subscriber)
    return render(request, "newsletters/unsubscribed.html", {
        "newsletter": newsletter,
        "preferences": preferences_path(subscriber) if subscriber is not None else None,
    })


# --- the archive -----------------------------------------------------------------------------------------------

def sent_editions():
    return Edition.objects.filter(status=EditionStatus.SENT).select_related("newsletter").order_by(
        F("finished_at").desc(nulls_last=True), "-pk")


@require_GET
def archive(request):
    keys.add(ARCHIVE_KEY)
    number = request.GET.get("page", "1")
    if not (len(number) <= 6 and number.isascii() and number.isdigit() and int(number) >= 1):
        raise Http404(_("Cette page des archives n’existe pas."))
    paginator = Paginator(sent_editions().defer("html", "text"), EDITIONS_PER_PAGE)
    if int(number) > max(paginator.num_pages, 1):
        raise Http404(_("Cette page des archives n’existe pas."))
    page = paginator.page(int(number))
    return render(request, "newsletters/archive.html", {"page": page, "editions": page.object_list})


def edition_url(edition):
    return reverse("newsletters:edition", args=[edition.newsletter.slug, edition.pk])


@require_GET
def edition_by_pk(request, pk):
    edition = sent_editions().filter(pk=pk).first()
    if edition is None:
        raise Http404(_("Cette édition n’existe pas ou n’a pas été envoyée."))
    return redirect(edition_url(edition), permanent=True)


@require_GET
@csp_update({"style-src": ["'unsafe-inline'"]})  # the e-mail's inline styles, as mail clients show them
def edition(request, newsletter, pk):
    """The web version of a sent edition: the e-mail as it went out, its readers' own links replaced by the
    newsletters page."""
    found = sent_editions().filter(pk=pk).first()
    if found is None:
        raise Http404(_("Cette édition n’existe pas ou n’a pas été envoyée."))
    if found.newsletter.slug != newsletter:
        return redirect(edition_url(found), permanent=True)
    keys.add(keys.of(found))
    from . import compose

    # A whole document already (the e-mail's), images with their text alternatives.
    return HttpResponse(compose.web_html(found), content_type="text/html; charset=utf-8")
