"""E-mail to a reader when someone else's reply to their comment is published, if they asked for it
(Profile.notify_replies), sent as background work; and the one-click way out that each e-mail carries.

Each reply is told once, at its first publication (Comment.notified_at), whether it was approved at once or
by a moderator later: an edit or a later moderator's decision tells nobody again. The way out is a signed
link (no login): opening it turns the e-mails off, and so does a POST to it (List-Unsubscribe-Post, RFC 8058,
which mail clients send without a CSRF token: the signature is what proves the request).
"""

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from django_tasks import task

from .models import Comment, Status

SALT = "manchette.comments.unsubscribe"


def reply_published(reply):
    """In the transaction that published REPLY: its parent's author is told once it commits, if they want it."""
    if reply.parent_id is None or reply.status != Status.APPROVED:
        return
    # The first publication only, even when two transactions publish it at once.
    if not Comment.objects.filter(pk=reply.pk, notified_at__isnull=True).update(notified_at=timezone.now()):
        return
    parent = Comment.objects.select_related("author__profile").get(pk=reply.parent_id)
    author = parent.author
    if author is None or author.pk == reply.author_id or not wants_replies(author):
        return
    transaction.on_commit(lambda: send_reply_notice.enqueue(reply.pk))


def wants_replies(user):
    from manchette.accounts.models import Profile

    return Profile.objects.filter(user=user, notify_replies=True).exists()


def unsubscribe_url(user):
    token = signing.dumps(user.pk, salt=SALT, compress=True)
    return settings.SITE_URL + reverse("comments:unsubscribe", args=[token])


@task()
def send_reply_notice(reply_id):
    from . import thread

    reply = Comment.objects.select_related("author__profile", "parent__author", "article").filter(pk=reply_id).first()
    if reply is None or reply.status != Status.APPROVED or reply.parent.author is None:
        return False
    reader = reply.parent.author
    if not reader.email or not wants_replies(reader):
        return False
    article = reply.article
    context = {
        "reader": thread.display_name(reader), "replier": thread.display_name(reply.author), "reply": reply,
        "comment": reply.parent, "article": article, "site": settings.SITE_NAME,
        "url": f"{settings.SITE_URL}{article.get_url()}#commentaire-{reply.pk}", "unsubscribe": unsubscribe_url(reader),
    }
    subject = _("%(name)s vous a répondu sur « %(title)s »") % {"name": context["replier"], "title": article.title}
    message = EmailMultiAlternatives(
        subject=f"[{settings.SITE_NAME}] {subject}",
        body=render_to_string("comments/email/reply.txt", context),
        to=[reader.email],
        headers={"List-Unsubscribe": f"<{context['unsubscribe']}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    )
    message.send()
    return True


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    from manchette.accounts.models import Profile

    try:
        user_id = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        raise Http404(_("Ce lien de désabonnement n’est pas valable.")) from None
    if not isinstance(user_id, int):
        raise Http404(_("Ce lien de désabonnement n’est pas valable."))
    Profile.objects.filter(user_id=user_id).update(notify_replies=False)
    return render(request, "comments/unsubscribed.html", {"account_url": settings.ACCOUNT_URL})
