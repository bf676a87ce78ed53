"""What a change to a comment tells readers: the cached thread's keys, and an event on the article's live topic.

Every change of a comment's status or text goes through `comment_changed(comment)`, called in the transaction
that saved it, by the readers' views and by the moderators' alike. It also keeps the parent's `reply_count`
(approved replies) right, since a reply's status decides both the parent's place in the « most replies » order
and whether a deleted parent still shows as « Commentaire supprimé ».

Events of the topic `commentaires-<article id>`, key `comment-<id>`:
- upsert: {"id", "parent", "html", "count", "count_text"}: show the comment (add it or replace it);
- remove: {"key", "id", "parent", "count", "count_text"}: take it off the page.
"""

from django.db import transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce

from manchette.edge import keys, readers
from manchette.live import log

from . import notify, thread
from .models import Comment, Status

UPSERT = "upsert"
REMOVE = log.REMOVE


def event_key(comment_id):
    return f"comment-{comment_id}"


def comment_changed(comment, fresh=False):
    """Tells the cache and open pages that COMMENT (saved in the caller's transaction) changed. FRESH: the
    caller has just created it, so the instance is exactly what the database holds. The HTML told to open
    pages stays on the instance (`event_html`) for the answer to its author."""
    with transaction.atomic():
        parent = None
        if comment.parent_id is not None:
            _recount_replies(comment.parent_id)
            parent = Comment.objects.get(pk=comment.parent_id)
        readers.changed([thread.list_key(comment.article_id), keys.of(comment)])
        notify.reply_published(comment)
        article = comment.article
        count = thread.visible_count(comment.article_id)
        _tell(comment, article, count, fresh=fresh)
        if parent is not None and parent.status == Status.DELETED:
            # Its last visible reply gone, a deleted comment leaves the page; its first one brings it back.
            _tell(parent, article, count)


def _recount_replies(parent_id):
    approved = Comment.objects.filter(parent_id=OuterRef("pk"), status=Status.APPROVED).order_by()
    counted = approved.values("parent_id").annotate(n=Count("pk")).values("n")
    Comment.objects.filter(pk=parent_id).update(reply_count=Coalesce(Subquery(counted), 0))


def _tell(comment, article, count, fresh=False):
    if not fresh:
        comment.refresh_from_db(fields=["status", "reply_count", "text", "featured", "edited_at"])
    data = {"id": comment.pk, "parent": comment.parent_id, "count": count, "count_text": thread.count_text(count)}
    key = event_key(comment.pk)
    if thread.is_shown(comment):
        comment.event_html = thread.comment_html(comment, article)
        log.append(thread.topic(article.pk), key, UPSERT, {**data, "html": comment.event_html})
    else:
        log.append(thread.topic(article.pk), key, REMOVE, {**data, "key": key})


