"""The record of every moderation decision (models.Decision): written in the same transaction as the decision,
read by the moderators' pages per moderator and per author. It names the comment by number, never copies its
text, so it outlives the retention purge of rejected comments' text."""

from django.db import transaction
from django.dispatch import Signal

from .models import Decision

# Sent once the decisions' transaction commits, with `decisions`: the Decision rows just recorded. Other apps
# act on them (manchette/dsa sends a removed comment's author the statement of reasons) without comments naming them.
decided = Signal()


def record(action, *, comment=None, author=None, moderator=None, reason="", rule="", score=None, automated=False, now=None):
    return record_many(action, [comment] if comment is not None else [None], author=author, moderator=moderator,
                       reason=reason, rule=rule, score=score, automated=automated, now=now)[0]


def record_many(action, comments, *, author=None, moderator=None, reason="", rule="", score=None, automated=False, now=None):
    """One Decision per comment of COMMENTS (None: a decision about AUTHOR alone), in one query."""
    extra = {"created_at": now} if now is not None else {}
    rows = [
        Decision(
            comment=comment, comment_number=getattr(comment, "pk", None),
            article_id=getattr(comment, "article_id", None),
            author_id=getattr(comment, "author_id", None) if comment is not None else getattr(author, "pk", author),
            moderator=moderator if getattr(moderator, "is_authenticated", False) else None,
            action=action, reason=(reason or "")[:300], rule=(rule or "")[:40],
            score=score if score is not None else getattr(comment, "score", None), automated=automated, **extra,
        )
        for comment in comments
    ]
    made = Decision.objects.bulk_create(rows)
    transaction.on_commit(lambda: decided.send(sender=Decision, decisions=made))
    return made
