"""The public side: the notice form « Signaler un contenu illicite », open to anyone, account or not (Art. 16(1));
and the author's request for a review, from their account or through the signed link of their statement of
reasons. Each is a page of its own (never shared by the edge, with its CSRF token), rate-limited per address."""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from manchette.accounts import rates
from manchette.accounts.throttle import network
from manchette.comments import posting
from manchette.comments.discussion import valid_id
from manchette.comments.posting import Refused
from manchette.comments.thread import display_name
from manchette.comments.views import anchor, personal

from . import notices, reviews, statements
from .forms import NoticeForm, ReviewForm
from .models import Review, Statement


def over_limit(request, scope):
    """Counts this attempt from the request's address; the seconds to wait when over DSA_RATE_PER_ADDRESS."""
    address = network(request.META.get("REMOTE_ADDR", ""))
    return rates.hit(scope, address, settings.DSA_RATE_PER_ADDRESS)


def refused(request, message, status, retry_after=None):
    response = render(request, "dsa/refused.html", {"message": message}, status=status)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


def too_fast(request, wait):
    message = _("Trop d’envois depuis votre connexion. Réessayez dans %(seconds)s secondes.") % {"seconds": wait}
    return refused(request, message, 429, retry_after=wait)


@never_cache
@personal
@require_http_methods(["GET", "POST"])
def notice(request, comment):
    try:
        found = posting.reportable(comment)
    except Refused as error:
        return refused(request, error.message, error.status)
    article = found.article
    context = {"article": article, "comment": found, "author_name": display_name(found.author),
               "location": settings.SITE_URL + anchor(article, found), "back": anchor(article, found)}
    if request.method == "GET":
        return render(request, "dsa/notice_page.html", {**context, "form": NoticeForm()})
    wait = over_limit(request, "dsa-notice")
    if wait:
        return too_fast(request, wait)
    form = NoticeForm(request.POST)
    if not form.is_valid():
        return render(request, "dsa/notice_page.html", {**context, "form": form}, status=400)
    data = form.cleaned_data
    try:
        made = notices.submit(found, context["location"], data["ground"], data["explanation"], data["name"], data["email"],
                              sender=request.user)
    except Refused as error:
        return refused(request, error.message, error.status)
    return render(request, "dsa/notice_done.html", {**context, "notice": made})


def _statement_of(request, statement):
    """The logged-in author's own statement STATEMENT; Http404 for anyone else's."""
    pk = valid_id(statement)
    found = Statement.objects.filter(pk=pk, author=request.user).first() if pk is not None else None
    if found is None:
        raise Http404(_("Cette décision n’existe pas ou ne vous concerne pas."))
    return found


@never_cache
@personal
@require_http_methods(["GET", "POST"])
def review(request, statement):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
    return _review(request, _statement_of(request, statement))


@never_cache
@personal
@require_http_methods(["GET", "POST"])
def review_link(request, token):
    """The signed link of the statement's e-mail: no login needed, the signature names the statement."""
    try:
        pk = statements.read_review_token(token)
    except statements.Invalid:
        raise Http404(_("Ce lien de réexamen n’est pas valable.")) from None
    except statements.Expired:
        return refused(request, reviews.too_late(), 403)
    found = Statement.objects.filter(pk=pk).first()
    if found is None:
        raise Http404(_("Cette décision n’existe plus."))
    return _review(request, found)


def _review(request, statement):
    context = {"statement": statement, "deadline": statements.deadline(statement)}
    asked = Review.objects.filter(statement=statement).first()
    if asked is not None:
        return render(request, "dsa/review_done.html", {**context, "review": asked})
    if timezone.now() > context["deadline"]:
        return refused(request, reviews.too_late(), 403)
    if request.method == "GET":
        return render(request, "dsa/review_page.html", {**context, "form": ReviewForm()})
    wait = over_limit(request, "dsa-review")
    if wait:
        return too_fast(request, wait)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return render(request, "dsa/review_page.html", {**context, "form": form}, status=400)
    try:
        made = reviews.ask(statement, form.cleaned_data["explanation"])
    except Refused as error:
        return refused(request, error.message, error.status)
    return render(request, "dsa/review_done.html", {**context, "review": made, "just_asked": True})
