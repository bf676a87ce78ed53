"""What moderators do to comments and their authors, as plain functions: the admin's views (admin_views.py),
the tests and the benches call them, and nothing else changes a comment's moderation.

Each action is one transaction. It locks the comments it touches, changes those whose state allows it and says
what became of each (an Outcome): changed; unchanged, being so already (a second click changes nothing); or
skipped, having changed since the moderator saw it (deleted by its author, edited since) — left as it is, and
the moderator is told. Every change of a comment's status or featured flag goes through
events.comment_changed, in the transaction, so the cached thread and open pages follow; it also counts the
parent's approved replies again (reply_count) when a reply is published or taken off.
"""

import logging
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, F, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from manchette.news.visibility import is_visible

from . import audit, events
from .models import Comment, Decision, Report, Sanction, Status
from .thread import display_name

logger = logging.getLogger(__name__)

# The reasons a moderator picks from (the first is the default, so one click rejects); free text may add to it.
REJECTION_REASONS = [
    ("charte", _("Contraire à notre charte de participation")),
    ("insulte", _("Propos insultants ou agressifs")),
    ("haine", _("Propos haineux ou discriminatoires")),
    ("spam", _("Publicité ou spam")),
    ("hors_sujet", _("Hors sujet")),
    ("vie_privee", _("Atteinte à la vie privée d’autrui")),
]
REASON_MAX_LENGTH = 300  # Comment.rejection_reason, Sanction.reason
# Whether reject() e-mails the author itself; an app that tells them more turns it off (replace_rejection_notice).
_rejection_notice = True


@dataclass
class Outcome:
    changed: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)
    skipped: list = field(default_factory=list)  # (comment, why: a French sentence)


def version(comment):
    """What a moderator saw of COMMENT's text: the form sends it back, and an action on a comment edited since
    is skipped rather than applied to a text nobody read."""
    return comment.edited_at.isoformat() if comment.edited_at else ""


def one_line(text):
    """TEXT with its runs of spaces, tabs and line breaks made one space; no-break spaces (French typography) kept."""
    return re.sub(r"[^\S\u00a0\u202f]+", " ", text or "").strip()


def reason_text(code, details=""):
    """The rejection reason kept and sent to the author: the chosen reason's label, then the moderator's words."""
    labels = dict(REJECTION_REASONS)
    details = one_line(details)
    label = str(labels[code]) if code in labels else ""
    text = f"{label} : {details}" if label and details else (label or details)
    return text[:REASON_MAX_LENGTH]


def _locked(comments):
    """The comments (instances, ids or a queryset) read again under a row lock, in id order (no deadlock between
    two moderators' bulk actions)."""
    if hasattr(comments, "values_list"):
        ids = list(comments.values_list("pk", flat=True))
    else:
        ids = [getattr(comment, "pk", comment) for comment in comments]
    return list(Comment.objects.select_for_update().filter(pk__in=ids).order_by("pk"))


def _stale(comment, seen):
    if comment.purged_at is not None:
        return _t("Commentaire n° %(id)s : son texte a été effacé au terme de sa conservation, il ne peut plus être publié.") % {"id": comment.pk}
    if comment.status == Status.DELETED:
        return _t("Commentaire n° %(id)s supprimé par son auteur entre-temps : rien n’a été fait.") % {"id": comment.pk}
    if seen is not None and comment.pk in seen and seen[comment.pk] != version(comment):
        return _t("Commentaire n° %(id)s modifié par son auteur entre-temps : relisez-le.") % {"id": comment.pk}
    return None


def _open_reports(ids):
    return Report.objects.filter(comment_id__in=ids, resolved_at__isnull=True)


def _to_change(locked, status, seen, outcome):
    """Those of LOCKED to bring to STATUS; the others go to OUTCOME: skipped when changed since the moderator
    saw them, changed when already there but reported (their reports get resolved), unchanged otherwise."""
    reported = set(_open_reports([c.pk for c in locked]).values_list("comment_id", flat=True))
    to_change = []
    for comment in locked:
        why = _stale(comment, seen)
        if why:
            outcome.skipped.append((comment, why))
        elif comment.status == status:
            (outcome.changed if comment.pk in reported else outcome.unchanged).append(comment)
        else:
            to_change.append(comment)
    return to_change


def _decided(outcome, changed, now):
    """CHANGED join OUTCOME's changed comments, and every decided comment's reports are resolved."""
    outcome.changed = changed + outcome.changed
    decided = [c.pk for c in outcome.changed]
    if decided:
        _open_reports(decided).update(resolved_at=now)


def approve(comments, by, seen=None):
    """Publish COMMENTS (pending, rejected, or approved and reported: the reports are then resolved)."""
    outcome = Outcome()
    with transaction.atomic():
        now = timezone.now()
        to_publish = _to_change(_locked(comments), Status.APPROVED, seen, outcome)
        if to_publish:
            Comment.objects.filter(pk__in=[c.pk for c in to_publish]).update(
                status=Status.APPROVED, published_at=Coalesce("published_at", now), moderated_by=by,
                moderated_at=now, rejection_reason="",
            )
        for comment in to_publish:
            comment.status, comment.moderated_by, comment.moderated_at = Status.APPROVED, by, now
            comment.published_at, comment.rejection_reason = comment.published_at or now, ""
            events.comment_changed(comment)
        audit.record_many(Decision.Action.APPROVE, to_publish, moderator=by, now=now)
        _decided(outcome, to_publish, now)
    return outcome


def reject(comments, by, reason, seen=None, notify=True):
    """Take COMMENTS off the site (or keep them off) with REASON; their authors are told by e-mail if NOTIFY."""
    reason = one_line(reason)[:REASON_MAX_LENGTH]
    if not reason:
        raise ValidationError(_t("Indiquez le motif du refus."))
    outcome = Outcome()
    with transaction.atomic():
        now = timezone.now()
        to_reject = _to_change(_locked(comments), Status.REJECTED, seen, outcome)
        if to_reject:
            Comment.objects.filter(pk__in=[c.pk for c in to_reject]).update(
                status=Status.REJECTED, featured=False, moderated_by=by, moderated_at=now, rejection_reason=reason,
            )
        for comment in to_reject:
            comment.status, comment.featured, comment.rejection_reason = Status.REJECTED, False, reason
            comment.moderated_by, comment.moderated_at = by, now
            events.comment_changed(comment)
            if notify and comment.author_id and _rejection_notice:
                pk = comment.pk
                transaction.on_commit(lambda pk=pk: send_rejection_notice.enqueue(pk))
        audit.record_many(Decision.Action.REJECT, to_reject, moderator=by, reason=reason, now=now)
        _decided(outcome, to_reject, now)
    return outcome


def feature(comment, by, on=True):
    """Pin an approved COMMENT first in its thread (« Choix de la rédaction »), or unpin it."""
    outcome = Outcome()
    with transaction.atomic():
        locked = _locked([comment])
        if not locked:
            raise Comment.DoesNotExist
        comment = locked[0]
        if comment.featured == on:
            outcome.unchanged.append(comment)
        elif on and comment.status != Status.APPROVED:
            outcome.skipped.append((comment, _t("Seul un commentaire publié peut être choisi par la rédaction.")))
        elif on and comment.parent_id:
            # The choice is pinned first among the top-level comments; a reply stays under its parent.
            outcome.skipped.append((comment, _t("Une réponse ne peut pas être choisie par la rédaction : choisissez le commentaire auquel elle répond.")))
        else:
            Comment.objects.filter(pk=comment.pk).update(featured=on, moderated_by=by, moderated_at=timezone.now())
            comment.featured = on
            events.comment_changed(comment)
            audit.record(Decision.Action.FEATURE if on else Decision.Action.UNFEATURE, comment=comment, moderator=by)
            outcome.changed.append(comment)
    return outcome


def sanction(user, by, until, reason, reject_pending=False):
    """Suspend USER until UNTIL (a future datetime) or ban them (UNTIL None), with REASON; with REJECT_PENDING,
    their comments waiting in the queue are rejected with the same reason (without an e-mail each: the refusal
    they meet when they post says what happened). Returns the sanction, with `.rejected`: that rejection's
    Outcome, or None."""
    reason = one_line(reason)[:REASON_MAX_LENGTH]
    if not reason:
        raise ValidationError(_t("Indiquez le motif de la sanction."))
    if until is not None and until <= timezone.now():
        raise ValidationError(_t("La fin d’une suspension doit être dans le futur."))
    if by is not None and user.pk == by.pk:
        raise ValidationError(_t("Vous ne pouvez pas vous sanctionner vous-même."))
    with transaction.atomic():
        made = Sanction.objects.create(user=user, until=until, reason=reason, created_by=by)
        audit.record(Decision.Action.SANCTION, author=user, moderator=by, reason=reason)
        made.rejected = None
        if reject_pending:
            made.rejected = reject(Comment.objects.filter(author=user, status=Status.PENDING), by, reason, notify=False)
    logger.info("Sanction %s de %s par %s jusqu’au %s", made.pk, user.pk, getattr(by, "pk", None), until)
    return made


def lift(sanction, by):
    """End SANCTION now. Returns False if it was lifted already (nothing changes)."""
    with transaction.atomic():
        locked = Sanction.objects.select_for_update().get(pk=sanction.pk)
        if locked.lifted_at is not None:
            return False
        locked.lifted_at = sanction.lifted_at = timezone.now()
        locked.save(update_fields=["lifted_at"])
        audit.record(Decision.Action.LIFT, author=locked.user_id, moderator=by, reason=locked.reason)
    logger.info("Sanction %s levée par %s", sanction.pk, getattr(by, "pk", None))
    return True


# --- what moderators read ----------------------------------------------------------------------------------------

QUEUE_FILTERS = ("tout", "attente", "signales")


def queue(kind="tout"):
    """Comments waiting for a decision, oldest wait first: pending ones (since they were posted or edited back
    into the queue) and those readers reported (since the first report not yet resolved), a deleted one apart.
    Each carries its article, parent, author and profile, and its open reports (one query for all)."""
    # Both halves use an index (comment_queue, report_queue): the queue is found without reading every comment.
    unresolved = Report.objects.filter(resolved_at__isnull=True)
    pending = Q(status=Status.PENDING)
    reported = Q(pk__in=unresolved.values("comment_id")) & ~Q(status=Status.DELETED)
    where = {"attente": pending, "signales": reported}.get(kind, pending | reported)
    first_report = unresolved.filter(comment=OuterRef("pk")).order_by("created_at").values("created_at")[:1]
    comments = Comment.objects.filter(where).annotate(waiting_since=Coalesce(Subquery(first_report), "edited_at", "created_at"))
    return with_context(comments).order_by("waiting_since", "pk")


def with_context(comments):
    """COMMENTS with what a moderator reads beside each: its article, parent, author and profile (joined), and its
    open reports (`.open_reports`, one query for all)."""
    unresolved = Report.objects.filter(resolved_at__isnull=True).order_by("created_at")
    return comments.select_related(
        "article", "parent", "parent__author", "parent__author__profile", "author", "author__profile",
    ).prefetch_related(Prefetch("reports", queryset=unresolved, to_attr="open_reports"))


@dataclass
class History:
    approved: int = 0
    rejected: int = 0
    pending: int = 0
    sanction: Sanction | None = None


def histories(user_ids):
    """{user id: History} for USER_IDS: their comments counted by status, their active sanction (two queries)."""
    found = {pk: History() for pk in user_ids if pk}
    counts = (
        Comment.objects.filter(author_id__in=found).values("author_id")
        .annotate(
            approved=Count("pk", filter=Q(status=Status.APPROVED)),
            rejected=Count("pk", filter=Q(status=Status.REJECTED)),
            pending=Count("pk", filter=Q(status=Status.PENDING)),
        )
    )
    for row in counts:
        history = found[row["author_id"]]
        history.approved, history.rejected, history.pending = row["approved"], row["rejected"], row["pending"]
    now = timezone.now()
    active = Sanction.objects.filter(user_id__in=found, lifted_at__isnull=True).filter(Q(until__isnull=True) | Q(until__gt=now))
    # Per user, a ban before a suspension, a later end before an earlier one: as active_sanction chooses.
    for current in active.order_by("user_id", F("until").asc(nulls_last=True)):
        found[current.user_id].sanction = current
    return found


# --- the author's e-mail ---------------------------------------------------------------------------------------------

def replace_rejection_notice():
    """Called from the AppConfig.ready() of an app that tells a rejected comment's author itself, whoever
    rejected it (manchette/dsa: the statement of reasons the law asks for): reject() no longer sends this one."""
    global _rejection_notice
    _rejection_notice = False


@task()
def send_rejection_notice(comment_id):
    """Tell a rejected comment's author which comment, on which article, and why (background work: the
    moderator's click does not wait for the mail server)."""
    comment = (
        Comment.objects.select_related("article", "author", "author__profile")
        .filter(pk=comment_id, status=Status.REJECTED).first()
    )
    if comment is None or comment.author is None or not comment.author.email:
        return  # approved again, or its author gone, since the click
    with translation.override(settings.LANGUAGE_CODE):
        article = comment.article
        context = {
            "comment": comment,
            "name": display_name(comment.author),
            "title": article.title,
            "url": article.full_url if is_visible(article) else "",
            "posted": timezone.localtime(comment.created_at),
            "site_name": settings.SITE_NAME,
        }
        subject = one_line(render_to_string("comments/email/rejected_subject.txt", context))
        body = render_to_string("comments/email/rejected_message.txt", context)
    send_mail(subject, body, None, [comment.author.email])

