"""Notices of illegal content (Art. 16): received from anyone, acknowledged by e-mail with their reference,
put in the moderators' queue as a report of the comment, decided, and their sender told the decision (Art. 16(5)).

A decision is about the comment, so it closes every open notice about that comment at once. It is taken in the
DSA queue (`decide`), or anywhere a moderator or a check removes the comment (`close_for`, called when the
removal is committed): the senders are told in both cases.
"""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _t
from django_tasks import task

from manchette.comments import moderation
from manchette.comments.models import Comment, Decision, Report, Status
from manchette.comments.posting import Refused

from . import grounds, mail
from .models import Ground, Notice

logger = logging.getLogger(__name__)

# What a notice counts as in the moderators' queue of reports.
REPORT_REASONS = {
    Ground.HATE: Report.Reason.HATE,
    Ground.DENIAL: Report.Reason.HATE,
    Ground.HARASSMENT: Report.Reason.ABUSE,
    Ground.DEFAMATION: Report.Reason.ABUSE,
}


def submit(comment, url, ground, explanation, name="", email="", sender=None):
    """A notice about COMMENT (one readers see), entered in the moderators' queue; its sender gets the
    acknowledgement when they gave an address. Refused (409) when the same address already waits on it."""
    email = email.strip().lower()
    with transaction.atomic():
        if email and Notice.objects.filter(comment=comment, email=email, status=Notice.Status.OPEN).exists():
            raise Refused(_t("Vous avez déjà signalé ce commentaire : votre signalement est en cours d’examen."), 409)
        reference = grounds.new_reference("DSA")
        details = _t("Contenu illicite (DSA), signalement %(reference)s : %(ground)s") % {
            "reference": reference, "ground": Ground(ground).label,
        }
        report = Report.objects.create(
            comment=comment, reporter=None, reason=REPORT_REASONS.get(ground, Report.Reason.OTHER), details=details[:500],
        )
        notice = Notice.objects.create(
            reference=reference, comment=comment, comment_number=comment.pk, url=url[:500], report=report, ground=ground,
            explanation=explanation, name=name, email=email, sender=sender if getattr(sender, "is_authenticated", False) else None,
            good_faith=True,
        )
        if email:
            transaction.on_commit(lambda: send_acknowledgement.enqueue(notice.pk))
    logger.info("Signalement DSA %s reçu sur le commentaire %s", reference, comment.pk)
    return notice


REMOVE_ILLEGAL, REMOVE_TERMS, KEEP = "retirer-illicite", "retirer-charte", "maintenir"
ACTIONS = (REMOVE_ILLEGAL, REMOVE_TERMS, KEEP)


def removal_reason(action, ground="", code="", details=""):
    """The rejection reason a removal from the DSA queue gives the comment (and its author's statement)."""
    if action == REMOVE_ILLEGAL:
        label = _t("Contenu illicite : %(ground)s") % {"ground": Ground(ground).label}
        details = moderation.one_line(details)
        return f"{label} : {details}"[: moderation.REASON_MAX_LENGTH] if details else label
    return moderation.reason_text(code, details)


def decide(notice, by, action, reason, ground=""):
    """Decide NOTICE, and every open notice about the same comment, as BY chose: ACTION is REMOVE_ILLEGAL (the
    comment is rejected as illegal under GROUND), REMOVE_TERMS (rejected as against the charter) or KEEP (left
    online; REASON says why). A comment already gone (deleted by its author, purged) closes them as GONE. Returns
    the notices decided: none when NOTICE was decided already. ValidationError when the comment cannot be
    changed (the moderator is told why)."""
    if action not in ACTIONS or (action == REMOVE_ILLEGAL and ground not in Ground.values):
        raise ValidationError(_t("Choisissez une décision : retirer le contenu (illicite ou contraire à la charte) ou le maintenir."))
    reason = moderation.one_line(reason)[: moderation.REASON_MAX_LENGTH]
    if not reason:
        raise ValidationError(_t("Indiquez le motif de la décision : il est envoyé à l’auteur du signalement."))
    with transaction.atomic():
        found = list(Notice.objects.select_for_update().filter(
            comment_number=notice.comment_number, status=Notice.Status.OPEN).order_by("pk"))
        if notice.pk not in {n.pk for n in found}:
            return []
        comment = Comment.objects.filter(pk=notice.comment_number).first()
        decision, status = None, Notice.Status.GONE
        if comment is not None and comment.status != Status.DELETED and comment.purged_at is None:
            if action == KEEP:
                outcome, status = moderation.approve([comment], by), Notice.Status.KEPT
            else:
                outcome, status = moderation.reject([comment], by, reason), Notice.Status.REMOVED
            for _comment, why in outcome.skipped:
                raise ValidationError(why)
            if status == Notice.Status.REMOVED:
                decision = Decision.objects.filter(comment=comment, action=Decision.Action.REJECT).order_by("-pk").first()
        now = timezone.now()
        Notice.objects.filter(pk__in=[n.pk for n in found]).update(
            status=status, decided_at=now, decided_by=by, decision=decision, reason=reason,
            decided_ground=ground if action == REMOVE_ILLEGAL and status == Notice.Status.REMOVED else "",
        )
        Report.objects.filter(pk__in=[n.report_id for n in found if n.report_id], resolved_at__isnull=True).update(resolved_at=now)
        _tell_senders(found)
    return found


def close_for(decision):
    """The comment of DECISION (a removal, committed) was removed outside the DSA queue: its open notices are
    decided by that removal, and their senders told."""
    with transaction.atomic():
        found = list(Notice.objects.select_for_update().filter(
            comment_number=decision.comment_number, status=Notice.Status.OPEN).order_by("pk"))
        if not found:
            return []
        Notice.objects.filter(pk__in=[n.pk for n in found]).update(
            status=Notice.Status.REMOVED, decided_at=decision.created_at, decided_by_id=decision.moderator_id,
            decision=decision, reason=decision.reason,
        )
        _tell_senders(found)
    return found


def _tell_senders(notices):
    for notice in notices:
        if notice.email:
            pk = notice.pk
            transaction.on_commit(lambda pk=pk: send_decision.enqueue(pk))


# --- e-mails ---------------------------------------------------------------------------------------------------------

@task()
def send_acknowledgement(notice_id):
    notice = Notice.objects.filter(pk=notice_id).first()
    if notice is None or not notice.email:
        return False
    mail.send("acknowledgement", {"notice": notice, "ground": Ground(notice.ground).label}, notice.email)
    return True


@task()
def send_decision(notice_id):
    """The decision on a notice, to its sender (Art. 16(5)): what was decided, why, and the ways to contest it."""
    notice = Notice.objects.filter(pk=notice_id).exclude(status=Notice.Status.OPEN).first()
    if notice is None or not notice.email:
        return False
    automated = notice.decision is not None and notice.decision.automated
    mail.send("notice_decision", {
        "notice": notice, "ground": Ground(notice.ground).label, "automated": automated,
        "cited": grounds.cited(notice.decided_ground) if notice.decided_ground else "",
    }, notice.email)
    return True
