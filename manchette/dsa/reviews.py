"""Reviews of removals (Art. 20): the author asks, within six months, once per decision; a moderator other
than the one who decided (any moderator for an automatic decision) upholds the decision or reverses it, which
publishes the comment again; the review is recorded among the moderation decisions (action « review ») and
the author told the outcome by e-mail."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _t
from django_tasks import task

from manchette.comments import audit, moderation
from manchette.comments.models import Comment, Decision, Status
from manchette.comments.posting import Refused
from manchette.comments.thread import display_name

from . import mail, statements
from .models import Review


def too_late():
    return _t("Le délai de six mois pour demander un réexamen de cette décision est écoulé.")


def ask(statement, explanation, now=None):
    """The author's request for a review of STATEMENT's decision; Refused when the complaint period is over (403)
    or a review was asked already (409)."""
    now = now or timezone.now()
    if now > statements.deadline(statement):
        raise Refused(too_late(), 403)
    try:
        with transaction.atomic():
            return Review.objects.create(statement=statement, explanation=explanation, created_at=now)
    except IntegrityError:
        raise Refused(_t("Vous avez déjà demandé le réexamen de cette décision : un modérateur va l’examiner."), 409) from None


def may_decide(review, user):
    """Whether USER may decide REVIEW: anyone but the moderator who took the decision under review."""
    return review.statement.moderator_id is None or review.statement.moderator_id != user.pk


UPHOLD, REVERSE = "maintenir", "annuler"


def decide(review, by, action, reason):
    """BY upholds (UPHOLD) or reverses (REVERSE: the comment is published again) REVIEW's decision, for REASON.
    PermissionDenied for the moderator who decided; ValidationError when the comment can no longer be published
    or the form is incomplete. Returns False when the review was decided already (nothing changes)."""
    if not may_decide(review, by):
        raise PermissionDenied(_t("Vous avez pris la décision contestée : un autre modérateur doit la réexaminer."))
    if action not in (UPHOLD, REVERSE):
        raise ValidationError(_t("Choisissez : maintenir la décision ou l’annuler."))
    reason = moderation.one_line(reason)[: moderation.REASON_MAX_LENGTH]
    if not reason:
        raise ValidationError(_t("Indiquez le motif du réexamen : il est envoyé à l’auteur."))
    with transaction.atomic():
        locked = Review.objects.select_for_update().select_related("statement").get(pk=review.pk)
        if locked.status != Review.Status.OPEN:
            return False
        statement = locked.statement
        comment = Comment.objects.filter(pk=statement.comment_number).first()
        if action == REVERSE:
            if comment is None or comment.status == Status.DELETED:
                raise ValidationError(_t("Ce commentaire n’existe plus : la décision ne peut qu’être maintenue."))
            for _comment, why in moderation.approve([comment], by).skipped:
                raise ValidationError(why)
        status = Review.Status.REVERSED if action == REVERSE else Review.Status.UPHELD
        Review.objects.filter(pk=locked.pk).update(status=status, decided_at=timezone.now(), decided_by=by, reason=reason)
        said = _t("Décision annulée : %(reason)s") if action == REVERSE else _t("Décision maintenue : %(reason)s")
        audit.record(Decision.Action.REVIEW, comment=comment, author=statement.author_id, moderator=by,
                     reason=said % {"reason": reason})
        if statement.email:
            transaction.on_commit(lambda: send_outcome.enqueue(locked.pk))
    review.status = status
    return True


@task()
def send_outcome(review_id):
    review = Review.objects.select_related("statement__author__profile").filter(pk=review_id).exclude(status=Review.Status.OPEN).first()
    if review is None or not review.statement.email:
        return False
    statement = review.statement
    mail.send("review_outcome", {
        "review": review, "statement": statement, "reversed": review.status == Review.Status.REVERSED,
        "name": display_name(statement.author) if statement.author else "", "title": statement.article_title,
    }, statement.email)
    return True
