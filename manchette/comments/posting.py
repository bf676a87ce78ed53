"""What readers do to comments: post, reply, edit their own, delete their own, report any. Each action
checks everything on the server, saves in one transaction with `events.comment_changed`, and refuses with a
`Refused` (a French message and an HTTP status) before anything is saved.
"""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from manchette.news.models import Discussion

from . import audit, discussion, events, screening
from .models import Comment, Decision, Flag, Report, Status

EDIT_SECONDS = 300
# The same text posted again by the same reader under the same comment within this time is the same post
# (a form sent twice: a double click, a reload of the answer).
REPLAY_SECONDS = 120


class Refused(Exception):
    def __init__(self, message, status=403):
        super().__init__(message)
        self.message = message
        self.status = status


def edit_seconds():
    return getattr(settings, "COMMENTS_EDIT_SECONDS", EDIT_SECONDS)


def article_or_404(pk):
    article = discussion.visible_article(pk)
    if article is None:
        raise Refused(_("Cet article n’existe pas ou n’est pas public."), 404)
    return article


def may_post(user, article):
    """The article's mode, or Refused when USER may not post there now."""
    mode = discussion.mode(article)
    reason = discussion.refusal(user, mode)
    if reason is not None:
        raise Refused(reason, 403)
    return mode


def parent_for(article, parent_id):
    """The top-level, published comment of ARTICLE a reply goes under; Refused for anything else."""
    if parent_id in (None, ""):
        return None
    parent_id = discussion.valid_id(parent_id)
    if parent_id is None:
        raise Refused(_("Ce commentaire n’existe pas."), 404)
    parent = Comment.objects.filter(pk=parent_id, article=article, status=Status.APPROVED).first()
    if parent is None:
        raise Refused(_("Ce commentaire n’existe pas ou n’est pas publié : on ne peut pas y répondre."), 404)
    if parent.parent_id is not None:
        # One level, as the page shows them: a reply to a reply would sit where nobody expects it.
        raise Refused(_("On ne répond qu’à un commentaire, pas à une réponse : répondez au commentaire au-dessus."), 400)
    return parent


def status_for(mode, verdict):
    """Where a comment goes, from its article's MODE and what the checks found (screening.py)."""
    if verdict.rejected:
        return Status.REJECTED
    if verdict.held:
        return Status.PENDING
    if mode == Discussion.OPEN and not verdict.premoderated:
        return Status.APPROVED
    if mode == Discussion.PREMODERATED and verdict.trusted and not verdict.premoderated:
        return Status.APPROVED
    return Status.PENDING


def _screened(comment, verdict, now):
    """COMMENT's flags made again from VERDICT, and the automatic decision recorded when the checks held or
    rejected it (in the caller's transaction)."""
    comment.flags.all().delete()
    Flag.objects.bulk_create(
        Flag(comment=comment, rule=f.rule, label=f.label[:200], matched=f.matched, action=f.action, created_at=now)
        for f in verdict.flags
    )
    decisive = verdict.first(screening.REJECT) if comment.status == Status.REJECTED else verdict.first(screening.HOLD)
    if decisive is not None:
        action = Decision.Action.REJECT if comment.status == Status.REJECTED else Decision.Action.HOLD
        audit.record(action, comment=comment, reason=decisive.label, rule=decisive.rule, automated=True, now=now)


def post(user, article, text, parent=None, mode=None):
    """A new comment (already cleaned TEXT), approved, waiting or refused as the article's mode and the checks
    say; or the same comment again when this reader just posted this text there (the form was sent twice). MODE
    is what `may_post` returned, when the caller has just asked it. The comment carries `.flags_found`, the
    checks' findings (a refused comment's reasons for its author)."""
    if mode is None:
        mode = may_post(user, article)
    verdict = screening.screen(screening.Submission(user=user, article=article, text=text, parent=parent))
    with transaction.atomic():
        # One post at a time per reader: two copies of a form sent together find each other.
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        replayed = Comment.objects.filter(
            article=article, parent=parent, author=user, text=text,
            created_at__gte=timezone.now() - datetime.timedelta(seconds=REPLAY_SECONDS),
        ).exclude(status=Status.DELETED).first()
        if replayed is not None:
            replayed.replayed = True
            replayed.flags_found = list(replayed.flags.all())
            return replayed
        now = timezone.now()
        status = status_for(mode, verdict)
        rejected = verdict.first(screening.REJECT)
        comment = Comment.objects.create(
            article=article, parent=parent, author=user, text=text, created_at=now, status=status,
            published_at=now if status == Status.APPROVED else None, score=verdict.score, links_shown=verdict.trusted,
            moderated_at=now if rejected else None, rejection_reason=rejected.label[:300] if rejected else "",
        )
        _screened(comment, verdict, now)
        events.comment_changed(comment, fresh=True)
    comment.replayed = False
    comment.flags_found = verdict.flags
    return comment


def own_comment(user, comment_id):
    """USER's own comment COMMENT_ID, not deleted nor rejected; a 404 for anyone else's (nothing told)."""
    if not user.is_authenticated:
        raise Refused(_("Connectez-vous pour gérer vos commentaires."), 403)
    comment = None
    if discussion.valid_id(comment_id) is not None:
        comment = Comment.objects.filter(pk=comment_id, author=user, status__in=[Status.APPROVED, Status.PENDING]).first()
    article = discussion.visible_article(comment.article_id) if comment is not None else None
    if article is None:
        raise Refused(_("Ce commentaire n’existe pas ou n’est pas le vôtre."), 404)
    comment.article = article  # read once, with the visibility check
    return comment


def editable(comment, now=None):
    return (now or timezone.now()) - comment.created_at <= datetime.timedelta(seconds=edit_seconds())


def edit(user, comment, text, mode=None):
    """MODE: what `may_post` returned, when the caller has just asked it. The text is checked again, as a new
    comment's: an edit cannot slip past the checks what a post could not."""
    if not editable(comment):
        raise Refused(_("Un commentaire ne se modifie que dans les cinq minutes qui suivent son envoi."), 403)
    if mode is None:
        mode = may_post(user, comment.article)
    verdict = screening.screen(screening.Submission(
        user=user, article=comment.article, text=text, parent=comment.parent, comment=comment,
    ))
    with transaction.atomic():
        now = timezone.now()
        comment.text = text
        comment.edited_at = now
        comment.score = verdict.score
        comment.links_shown = verdict.trusted
        wanted = status_for(mode, verdict)
        if wanted == Status.REJECTED:
            comment.status = Status.REJECTED
            comment.rejection_reason = verdict.first(screening.REJECT).label[:300]
            comment.moderated_at = now
        elif wanted == Status.PENDING and comment.status == Status.APPROVED:
            # The moderators approved another text: this one waits for them (its first publication date stays).
            comment.status = Status.PENDING
        comment.save(update_fields=["text", "edited_at", "status", "score", "links_shown", "rejection_reason", "moderated_at"])
        _screened(comment, verdict, now)
        events.comment_changed(comment)
    comment.flags_found = verdict.flags
    return comment


def delete(comment):
    """Deleted by its author: the text goes; the comment keeps its place while a reply sits under it."""
    with transaction.atomic():
        comment.status = Status.DELETED
        comment.text = ""
        comment.featured = False
        comment.save(update_fields=["status", "text", "featured"])
        events.comment_changed(comment)
    return comment


def reportable(comment_id):
    comment = None
    if discussion.valid_id(comment_id) is not None:
        comment = Comment.objects.filter(pk=comment_id, status=Status.APPROVED).first()
    article = discussion.visible_article(comment.article_id) if comment is not None else None
    if article is None:
        raise Refused(_("Ce commentaire n’existe pas ou n’est plus publié."), 404)
    comment.article = article
    return comment


def report(user, comment, reason, details=""):
    if not user.is_authenticated:
        raise Refused(_("Connectez-vous pour signaler un commentaire."), 403)
    try:
        with transaction.atomic():
            return Report.objects.create(comment=comment, reporter=user, reason=reason, details=details)
    except IntegrityError:
        raise Refused(_("Vous avez déjà signalé ce commentaire : les modérateurs vont l’examiner."), 409) from None
