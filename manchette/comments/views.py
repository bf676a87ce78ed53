"""The readers' side of comments: the thread (a fragment of the shared article page, and pages of its own),
the reader's own part (a JSON never cached), and the actions, each usable with JavaScript (fetch with
`Accept: application/json`, JSON back) and without (a page of its own with its CSRF token, then back to the
article).
"""

import functools

from django.conf import settings
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from manchette.edge import keys

from . import discussion, posting, ratelimit, thread
from .forms import CommentForm, ReportForm
from .models import Comment, Report, Status
from .posting import Refused


def personal(view):
    """For views whose answer depends on who asks: the edge, which takes the session cookie off reads it may
    share, asks again with the reader's cookies (edge/middleware.py), and keeps sending them for that URL."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        request.edge_personal = True
        return view(request, *args, **kwargs)

    return wrapped


def wants_json(request):
    return "application/json" in request.headers.get("Accept", "")


def refused(request, error, retry_after=None):
    if wants_json(request):
        response = JsonResponse({"erreur": error.message}, status=error.status)
    else:
        response = render(request, "comments/refused.html", {"message": error.message}, status=error.status)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


def login_url(next_url):
    return f"{settings.LOGIN_URL}?{urlencode({'next': next_url})}"


def anchor(article, comment=None):
    return article.get_url() + (f"#commentaire-{comment.pk}" if comment is not None else "#commentaires")


def page_number(text):
    return len(text) <= 6 and text.isascii() and text.isdigit() and int(text) >= 1


def parse_sort_and_page(request):
    sort = request.GET.get("tri", thread.DEFAULT_SORT)
    page = request.GET.get("page", "1")
    if sort not in thread.SORTS or not page_number(page):
        raise Http404(_("Cette page de commentaires n’existe pas."))
    return sort, int(page)


def thread_context(article, sort=thread.DEFAULT_SORT, page=1, count=None):
    keys.add(thread.list_key(article.pk))
    mode = discussion.mode(article)
    if count is None:
        count = thread.visible_count(article.pk)
    items, has_more = thread.batch(article, sort, page)
    return {
        "article": article, "items": items, "has_more": has_more, "sort": sort, "page": page,
        "count": count, "mode": mode, "open": discussion.is_open(mode),
        "sorts": [(key, label) for key, label in thread.SORT_LABELS.items()],
        "signup_url": reverse("account_signup"), "reasons": Report.Reason.choices,
    }


# The fragment under every article (edge/fragments.py): the same for every reader.

def fragment(request, arg):
    article = discussion.visible_article(arg)
    if article is None:
        raise Http404
    return render_fragment(request, article)


def render_fragment(request, article):
    """The thread of ARTICLE (one readers may see): for the edge's block, or in place on a page Django
    serves itself (an editor's, or without the edge), which then has the article at hand."""
    # Read before the comments: what is logged in between is replayed to the page, never missed.
    count, since = thread.count_and_since(article.pk)
    context = thread_context(article, count=count)
    context.update(since=since, login_url=login_url(anchor(article)))
    return thread.render_thread(context, request)


@require_GET
def thread_page(request, article):
    """A batch of comments: a page of its own without JavaScript, the HTML « Plus de commentaires » adds with it."""
    sort, page = parse_sort_and_page(request)
    found = discussion.visible_article(article)
    if found is None:
        raise Http404(_("Cet article n’existe pas ou n’est pas public."))
    context = thread_context(found, sort, page)
    if page > 1 and not context["items"]:
        raise Http404(_("Cette page de commentaires n’existe pas."))
    if request.GET.get("partiel") == "1":
        return render(request, "comments/includes/batch.html", context)
    context["login_url"] = login_url(request.get_full_path())
    return render(request, "comments/page.html", context)


@require_GET
def replies_page(request, comment):
    parent = thread.top_level_or_none(comment)
    article = discussion.visible_article(parent.article_id) if parent is not None else None
    if article is None:
        raise Http404(_("Ce commentaire n’existe pas ou n’est plus publié."))
    page = request.GET.get("page", "1")
    if not page_number(page):
        raise Http404(_("Cette page de réponses n’existe pas."))
    keys.add(thread.list_key(article.pk))
    context = thread.replies_context(parent, article, int(page))
    if context is None:
        raise Http404(_("Cette page de réponses n’existe pas."))
    return render(request, "comments/replies_page.html", context)


# The reader's own part of the thread.

@never_cache
@personal
@require_GET
def me(request, article):
    found = discussion.visible_article(article)
    if found is None:
        raise Http404(_("Cet article n’existe pas ou n’est pas public."))
    user = request.user
    data = {"connecte": user.is_authenticated, "connexion": login_url(anchor(found)), "inscription": reverse("account_signup")}
    if not user.is_authenticated:
        return JsonResponse({**data, "peut_ecrire": False, "raison": None})
    mode = discussion.mode(found)
    reason = discussion.refusal(user, mode)
    own = list(
        Comment.objects.filter(article=found, author=user, status__in=[Status.APPROVED, Status.PENDING])
        .order_by("-created_at")[:200]
    )
    now = timezone.now()
    pending = [c for c in own if c.status == Status.PENDING]
    data.update(
        nom=thread.display_name(user), peut_ecrire=reason is None, raison=reason, avertir=notify_choice(user),
        miens=[c.pk for c in own],
        modifiables={c.pk: int(posting.edit_seconds() - (now - c.created_at).total_seconds()) for c in own
                     if posting.editable(c, now) and reason is None},
        en_attente=thread.render_own(pending, found),
    )
    return JsonResponse(data)


def notify_choice(user):
    from manchette.accounts.models import Profile

    return Profile.objects.filter(user=user, notify_replies=True).exists()


def remember_notify_choice(user, form):
    if not form.cleaned_data.get("avertir_choix"):
        return
    from manchette.accounts.models import Profile
    from manchette.accounts.names import profile_of

    profile_of(user)
    Profile.objects.filter(user=user).update(notify_replies=form.cleaned_data["avertir"])


# Actions.

def _must_log_in(request):
    if request.method == "GET" and not wants_json(request):
        return HttpResponseRedirect(login_url(request.get_full_path()))
    return refused(request, Refused(_("Connectez-vous pour commenter."), 403))


def _over_limit(request):
    wait = ratelimit.check(request)
    if wait:
        message = _("Vous écrivez trop vite. Réessayez dans %(seconds)s secondes.") % {"seconds": wait}
        return refused(request, Refused(message, 429), retry_after=wait)
    return None


def _form_errors(request, form, template, context):
    if wants_json(request):
        errors = [str(message) for messages in form.errors.values() for message in messages]
        return JsonResponse({"erreur": " ".join(errors), "champs": form.errors}, status=400)
    return render(request, template, {**context, "form": form}, status=400)


def _posted(request, comment, article, created=True):
    if comment.status == Status.REJECTED:
        message = refused_message(comment)
        if wants_json(request):
            return JsonResponse({"id": comment.pk, "parent": comment.parent_id, "statut": comment.status, "html": "",
                                 "message": message}, status=200)
        return render(request, "comments/done.html", {"article": article, "message": message, "back": anchor(article)})
    if wants_json(request):
        if comment.status == Status.PENDING:
            html = thread.render_own([comment], article)
        else:
            html = getattr(comment, "event_html", None) or thread.comment_html(comment, article)
        return JsonResponse({
            "id": comment.pk, "parent": comment.parent_id, "statut": comment.status, "html": html,
            "message": pending_message() if comment.status == Status.PENDING else "",
            "modifiable": posting.edit_seconds(),
        }, status=201 if created and not getattr(comment, "replayed", False) else 200)
    if comment.status == Status.PENDING:
        return render(request, "comments/done.html", {"article": article, "message": pending_message(), "back": anchor(article)})
    return HttpResponseRedirect(anchor(article, comment))


def refused_message(comment):
    """What the author of a comment the checks refused is told at once: which rule, in the site's words."""
    return _("Votre commentaire n’a pas été publié : %(reason)s. Il enfreint notre charte de participation ; "
             "vous pouvez le reformuler.") % {"reason": comment.rejection_reason or _("contraire à notre charte")}


def pending_message():
    return _("Merci ! Votre commentaire attend la validation d’un modérateur ; vous seul le voyez en attendant.")


@never_cache
@personal
@require_http_methods(["GET", "POST"])
def write(request, article):
    """A new comment under ARTICLE; the form sent by the page's script names the comment it answers in its
    `parent` field."""
    try:
        found = posting.article_or_404(article)
    except Refused as error:
        return refused(request, error)
    return _write(request, found)


def _write(request, found, parent=None):
    """A new comment under FOUND (an article readers may see), or under PARENT (`reply`)."""
    try:
        if not request.user.is_authenticated:
            return _must_log_in(request)
        mode = posting.may_post(request.user, found)
        if parent is None and request.method == "POST":
            parent = posting.parent_for(found, request.POST.get("parent"))
    except Refused as error:
        return refused(request, error)
    context = {"article": found, "parent": parent, "parent_item": thread.shown_one(parent, found) if parent else None,
               "back": anchor(found, parent)}
    if request.method == "GET":
        initial = {"avertir": notify_choice(request.user), "avertir_choix": True}
        return render(request, "comments/write_page.html", {**context, "form": CommentForm(initial=initial)})
    over = _over_limit(request)
    if over:
        return over
    form = CommentForm(request.POST)
    if not form.is_valid():
        return _form_errors(request, form, "comments/write_page.html", context)
    try:
        comment = posting.post(request.user, found, form.cleaned_data["text"], parent, mode=mode)
    except Refused as error:
        return refused(request, error)
    remember_notify_choice(request.user, form)
    return _posted(request, comment, found)


@never_cache
@personal
@require_http_methods(["GET", "POST"])
def reply(request, comment):
    parent = Comment.objects.filter(pk=comment).first() if discussion.valid_id(comment) else None
    if parent is None:
        return refused(request, Refused(_("Ce commentaire n’existe pas."), 404))
    try:
        found = posting.article_or_404(parent.article_id)
        parent = posting.parent_for(found, parent.pk)
    except Refused as error:
        return refused(request, error)
    return _write(request, found, parent=parent)


@never_cache
@personal
@require_http_methods(["GET", "POST"])
def edit(request, comment):
    try:
        own = posting.own_comment(request.user, comment)
        article = own.article
        if not posting.editable(own):
            raise Refused(_("Un commentaire ne se modifie que dans les cinq minutes qui suivent son envoi."), 403)
        mode = posting.may_post(request.user, article)
    except Refused as error:
        if not request.user.is_authenticated:
            return _must_log_in(request)
        return refused(request, error)
    context = {"article": article, "comment": own, "back": anchor(article, own)}
    if request.method == "GET":
        return render(request, "comments/edit_page.html", {**context, "form": CommentForm(initial={"text": own.text})})
    over = _over_limit(request)
    if over:
        return over
    form = CommentForm(request.POST)
    if not form.is_valid():
        return _form_errors(request, form, "comments/edit_page.html", context)
    try:
        own = posting.edit(request.user, own, form.cleaned_data["text"], mode=mode)
    except Refused as error:
        return refused(request, error)
    return _posted(request, own, article, created=False)


@never_cache
@personal
@require_http_methods(["GET", "POST"])
def delete(request, comment):
    try:
        own = posting.own_comment(request.user, comment)
    except Refused as error:
        if not request.user.is_authenticated:
            return _must_log_in(request)
        return refused(request, error)
    article = own.article
    if request.method == "GET":
        return render(request, "comments/delete_page.html", {
            "article": article, "item": thread.shown_one(own, article), "back": anchor(article, own),
        })
    posting.delete(own)
    if wants_json(request):
        return JsonResponse({"id": own.pk, "statut": own.status, "message": _("Votre commentaire a été supprimé.")})
    return HttpResponseRedirect(anchor(article))


@never_cache
@personal
@require_http_methods(["GET", "POST"])
def report(request, comment):
    try:
        found = posting.reportable(comment)
        if not request.user.is_authenticated:
            return _must_log_in(request)
    except Refused as error:
        return refused(request, error)
    article = found.article
    context = {"article": article, "item": thread.shown_one(found, article), "back": anchor(article, found)}
    if request.method == "GET":
        return render(request, "comments/report_page.html", {**context, "form": ReportForm()})
    over = _over_limit(request)
    if over:
        return over
    form = ReportForm(request.POST)
    if not form.is_valid():
        return _form_errors(request, form, "comments/report_page.html", context)
    try:
        posting.report(request.user, found, form.cleaned_data["reason"], form.cleaned_data["details"])
    except Refused as error:
        return refused(request, error)
    message = _("Merci : votre signalement a été transmis aux modérateurs.")
    if wants_json(request):
        return JsonResponse({"id": found.pk, "message": message}, status=201)
    return render(request, "comments/done.html", {"article": article, "message": message, "back": anchor(article, found)})
