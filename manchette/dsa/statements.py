"""The statement of reasons (Art. 17) every author of a removed or refused comment receives, whoever removed it:
a moderator in either queue, a sanction's sweep of the queue, or an automatic check at posting.

It is made when the removal is committed (comments.audit.decided), from the decision's record: the facts (which
comment, how it came to the moderators' attention — a notice, readers' reports, an automatic check), the ground
(the notice's law when the comment was removed as illegal, else the charter's rule as the decision gives it),
whether automated means detected it and whether they decided, and the ways to contest it: a review by another
moderator within six months through a signed link (Art. 20), an out-of-court dispute settlement body (Art. 21),
the courts.
"""

import datetime
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _t
from django.utils.translation import ngettext
from django_tasks import task

from manchette.comments.models import Comment, Decision, Flag, Report, Status
from manchette.comments.thread import display_name
from manchette.news.visibility import is_visible

from . import grounds, mail, notices
from .models import Notice, Statement

logger = logging.getLogger(__name__)

# Art. 20(1): complaints are open for at least six months after the decision; 184 days is the longest six months.
COMPLAINT_DAYS = 184
REVIEW_SALT = "manchette.dsa.review"


def on_decided(sender, decisions, **kwargs):
    """comments.audit.decided: each removal closes the notices still open on its comment, and its author gets a
    statement. A failure is logged, never raised: the moderator's decision is committed already."""
    for decision in decisions:
        if decision.action != Decision.Action.REJECT or decision.comment_number is None:
            continue
        try:
            notices.close_for(decision)
            if decision.author_id is not None:
                issue(decision)
        except Exception:
            logger.exception("Exposé des motifs non établi pour la décision %s", decision.pk)


def when(moment):
    return formats.date_format(timezone.localtime(moment), "j F Y à H:i")


def issue(decision):
    """The statement of reasons for DECISION (a removal with an author), made once, and sent to the author."""
    if Statement.objects.filter(decision=decision).exists():
        return None
    comment = Comment.objects.select_related("article").filter(pk=decision.comment_number).first()
    author = get_user_model().objects.filter(pk=decision.author_id).first()
    notice = Notice.objects.filter(decision=decision).order_by("pk").first()
    flags = list(Flag.objects.filter(comment_id=decision.comment_number, action__in=[Flag.Action.HOLD, Flag.Action.REJECT])
                 .values_list("label", flat=True)) if comment is not None else []
    with translation.override(settings.LANGUAGE_CODE):
        basis, ground = _ground(decision, notice)
        statement = Statement(
            reference=grounds.new_reference("MOT"), decision=decision, moderator_id=decision.moderator_id,
            comment=comment, comment_number=decision.comment_number,
            article_title=(comment.article.title if comment is not None else "")[:255],
            author=author, email=(author.email if author is not None else "") or "", notice=notice,
            published=comment is not None and comment.published_at is not None, basis=basis, ground=ground[:600],
            automated_detection=decision.automated or bool(flags), automated_decision=decision.automated,
            created_at=decision.created_at,
        )
        statement.facts = _facts(statement, decision, comment, notice, flags)
    with transaction.atomic():
        statement.save()
        if statement.email:
            transaction.on_commit(lambda: send_statement.enqueue(statement.pk))
    return statement


def _ground(decision, notice):
    if notice is not None and notice.decided_ground:
        return Statement.Basis.LAW, _t("Contenu illicite : %(cited)s") % {"cited": grounds.cited(notice.decided_ground)}
    rule = _t(" (règle automatique « %(rule)s »)") % {"rule": decision.rule} if decision.automated and decision.rule else ""
    reason = decision.reason or _t("contraire à notre charte")
    return Statement.Basis.TERMS, _t("Charte de participation : %(reason)s%(rule)s") % {"reason": reason, "rule": rule}


def _facts(statement, decision, comment, notice, flags):
    """The facts and circumstances (Art. 17(3)(b)), as sentences in the site's language."""
    lines = []
    if comment is not None:
        lines.append(_t("Commentaire n° %(number)s, posté le %(date)s sous l’article « %(title)s ».") % {
            "number": comment.pk, "date": when(comment.created_at), "title": statement.article_title})
    if notice is not None:
        lines.append(_t("Un signalement de contenu illicite (référence %(reference)s), reçu le %(date)s, le désignait comme : %(ground)s.") % {
            "reference": notice.reference, "date": when(notice.created_at), "ground": notice.get_ground_display()})
    reports = Report.objects.filter(comment_id=decision.comment_number, resolved_at=decision.created_at)
    readers = reports.exclude(pk=getattr(notice, "report_id", None)).count() if comment is not None else 0
    if readers:
        lines.append(ngettext("Un lecteur l’avait signalé aux modérateurs.",
                              "%(count)s lecteurs l’avaient signalé aux modérateurs.", readers) % {"count": readers})
    if flags:
        lines.append(_t("Un contrôle automatique l’avait repéré : %(flags)s.") % {"flags": " ; ".join(flags)})
    if decision.automated:
        lines.append(_t("Il a été refusé automatiquement à son envoi, le %(date)s.") % {"date": when(decision.created_at)})
    elif statement.published:
        lines.append(_t("Un modérateur l’a retiré du site le %(date)s.") % {"date": when(decision.created_at)})
    else:
        lines.append(_t("Un modérateur en a refusé la publication le %(date)s.") % {"date": when(decision.created_at)})
    return "\n".join(lines)


# --- the review link ---------------------------------------------------------------------------------------------------

class Invalid(Exception):
    """A forged or altered link."""


class Expired(Exception):
    """The complaint period is over."""


def deadline(statement):
    return statement.created_at + datetime.timedelta(days=COMPLAINT_DAYS)


def review_token(statement):
    return signing.TimestampSigner(salt=REVIEW_SALT).sign(str(statement.pk))


def review_url(statement):
    return settings.SITE_URL + reverse("dsa:review_link", args=[review_token(statement)])


def read_review_token(token):
    """The statement's pk; Invalid when forged or altered, Expired once the complaint period is over."""
    signer = signing.TimestampSigner(salt=REVIEW_SALT)
    try:
        value = signer.unsign(token, max_age=datetime.timedelta(days=COMPLAINT_DAYS))
    except signing.SignatureExpired:
        raise Expired from None
    except signing.BadSignature:
        raise Invalid from None
    if not (value.isascii() and value.isdigit() and len(value) <= 18):
        raise Invalid
    return int(value)


@task()
def send_statement(statement_id):
    statement = Statement.objects.select_related("comment__article", "author__profile", "notice").filter(pk=statement_id).first()
    if statement is None or not statement.email:
        return False
    comment = statement.comment
    if comment is not None and comment.status != Status.REJECTED:
        return False  # published again since the click (a moderator's second thought): nothing to explain
    article = comment.article if comment is not None else None
    mail.send("statement", {
        "statement": statement, "name": display_name(statement.author) if statement.author else "",
        "title": statement.article_title, "reason": statement.decision.reason if statement.decision else "",
        "text": comment.text if comment is not None else "",
        "url": article.full_url if article is not None and is_visible(article) else "",
        "review_url": review_url(statement), "deadline": timezone.localtime(deadline(statement)),
    }, statement.email)
    Statement.objects.filter(pk=statement.pk).update(sent_at=timezone.now())
    return True
