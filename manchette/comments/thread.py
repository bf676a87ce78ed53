"""The thread under an article as every reader sees it: the count, batches of top-level comments with their
replies, and the HTML of one comment (for the page and for live events alike).

A batch costs the same few queries whatever the thread's size: one for its top-level comments (with authors
and profiles), one for their replies (at most REPLIES_SHOWN each, cut by a window function), one for the
badges. Nothing here depends on who asks: the thread is cached and shared.
"""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist
from django.db import connection
from django.db.models import F, Q, Window
from django.db.models.functions import RowNumber
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from manchette.accounts.names import default_name
from manchette.edge import keys
from manchette.live.models import Event

from .models import Comment, Status

BATCH = 5
REPLIES_SHOWN = 10
REPLIES_PAGE = 50
SORTS = {
    "recents": ("-created_at", "-pk"),
    "anciens": ("created_at", "pk"),
    "reponses": ("-reply_count", "-created_at", "-pk"),
}
SORT_LABELS = {"recents": gettext_lazy("Les plus récents"), "anciens": gettext_lazy("Les plus anciens"),
               "reponses": gettext_lazy("Les plus commentés")}
DEFAULT_SORT = "recents"


def list_key(article_id):
    """Carried by everything that shows an article's comments; every change to them invalidates it."""
    return keys.list_of(f"comments-{article_id}")


def topic(article_id):
    return f"commentaires-{article_id}"


def visible_count(article_id):
    return Comment.objects.filter(article_id=article_id, status=Status.APPROVED).count()


def count_and_since(article_id):
    """The article's published comments and the live log's position, in one statement (a thread's block is
    under every article): both are of one snapshot, read before the comments shown."""
    quote = connection.ops.quote_name
    comments, events = quote(Comment._meta.db_table), quote(Event._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT COUNT(*) FROM {comments} WHERE article_id = %s AND status = %s), (SELECT MAX(id) FROM {events})",
            [article_id, Status.APPROVED.value],
        )
        count, since = cursor.fetchone()
    return count, since or 0


def count_text(count):
    if not count:
        return _("Aucun commentaire")
    return ngettext("%(count)s commentaire", "%(count)s commentaires", count) % {"count": count}


def top_level(article_id):
    """The top-level comments readers see: approved ones, and deleted ones that still hold approved replies."""
    return top_level_all().filter(article_id=article_id)


def is_shown(comment):
    if comment.status == Status.APPROVED:
        return True
    return comment.status == Status.DELETED and comment.parent_id is None and comment.reply_count > 0


@dataclass
class Shown:
    """One comment as the thread shows it."""

    comment: Comment
    name: str
    staff: bool = False
    article_author: bool = False
    replies: list = field(default_factory=list)
    more_replies: int = 0
    # When another author in the same batch has the same name: when this one joined, which tells them apart.
    member_since: object = None

    @property
    def deleted(self):
        return self.comment.status == Status.DELETED


def display_name(user):
    if user is None:
        return _("Compte supprimé")
    try:
        name = user.profile.display_name
    except ObjectDoesNotExist:  # no profile (an account made outside the signup form: staff, scripts)
        name = ""
    return name or default_name(user)


def _author_ids(comments):
    return {c.author_id for c in comments if c.author_id is not None}


def staff_ids(user_ids):
    """Those of USER_IDS who belong to the newsroom: staff, or with access to the Wagtail admin."""
    if not user_ids:
        return set()
    users = get_user_model().objects.filter(pk__in=user_ids).filter(
        Q(is_staff=True) | Q(is_superuser=True)
        | Q(groups__permissions__codename="access_admin", groups__permissions__content_type__app_label="wagtailadmin")
        | Q(user_permissions__codename="access_admin", user_permissions__content_type__app_label="wagtailadmin")
    )
    return set(users.values_list("pk", flat=True).distinct())


def article_author_ids(article):
    from manchette.news.models import Author

    return set(Author.objects.filter(articles__pk=article.pk, user__isnull=False).values_list("user_id", flat=True))


def shown(comments, article, replies=None, more=None):
    """COMMENTS wrapped for display, with their badges, in one query for the staff and one for the authors."""
    everyone = list(comments) + [r for rs in (replies or {}).values() for r in rs]
    ids = _author_ids(everyone)
    staff = staff_ids(ids)
    authors = article_author_ids(article) if ids else set()

    def wrap(comment):
        return Shown(comment, display_name(comment.author), comment.author_id in staff, comment.author_id in authors)

    result = []
    for comment in comments:
        item = wrap(comment)
        item.replies = [wrap(reply) for reply in (replies or {}).get(comment.pk, [])]
        item.more_replies = (more or {}).get(comment.pk, 0)
        result.append(item)
    _tell_namesakes_apart(result)
    return result


def _tell_namesakes_apart(items):
    """Two readers may bear the same name (accounts/lookalike.py refuses only imitations): where a batch shows
    two authors of one name, each says since when they are a member."""
    everyone = [i for item in items for i in (item, *item.replies) if i.comment.author_id is not None]
    authors = {}
    for item in everyone:
        authors.setdefault(item.name, set()).add(item.comment.author_id)
    for item in everyone:
        if len(authors[item.name]) > 1:
            item.member_since = item.comment.author.date_joined


def _with_authors(queryset):
    return queryset.select_related("author__profile")


def replies_of(parent_ids, limit=REPLIES_SHOWN):
    """The first LIMIT approved replies of each of PARENT_IDS, oldest first, in one query."""
    if not parent_ids:
        return {}
    ranked = Comment.objects.filter(parent_id__in=parent_ids, status=Status.APPROVED).annotate(
        rank=Window(RowNumber(), partition_by=[F("parent_id")], order_by=[F("created_at").asc(), F("pk").asc()])
    )
    found = {}
    for reply in _with_authors(ranked.filter(rank__lte=limit)).order_by("parent_id", "created_at", "pk"):
        found.setdefault(reply.parent_id, []).append(reply)
    return found


def batch(article, sort=DEFAULT_SORT, page=1):
    """Page PAGE of the top-level comments (featured first), with their replies; and whether more follow."""
    order = ("-featured", *SORTS[sort])
    start = (page - 1) * BATCH
    rows = list(_with_authors(top_level(article.pk)).order_by(*order)[start:start + BATCH + 1])
    has_more = len(rows) > BATCH
    rows = rows[:BATCH]
    replies = replies_of([c.pk for c in rows])
    more = {c.pk: max(0, c.reply_count - len(replies.get(c.pk, []))) for c in rows}
    return shown(rows, article, replies, more), has_more


def render_comment(item, article, request=None):
    return render_to_string("comments/includes/comment.html", {"item": item, "article": article}, request).strip()


def comment_html(comment, article):
    """The HTML of COMMENT alone (a top-level one with an empty list of replies), for a live event."""
    comment = _with_authors(Comment.objects.filter(pk=comment.pk)).get()
    return render_comment(shown([comment], article)[0], article)


def shown_one(comment, article):
    return shown([comment], article)[0]


def render_own(comments, article):
    """The reader's own comments waiting for moderation, marked so: only they get this HTML (views.me)."""
    items = shown(comments, article)
    return "".join(
        render_to_string("comments/includes/comment.html", {"item": item, "article": article, "pending": True}).strip()
        for item in items
    )


def render_thread(context, request=None):
    return render_to_string("comments/thread.html", context, request)


def top_level_or_none(comment_id):
    from .discussion import valid_id

    if valid_id(comment_id) is None:
        return None
    return top_level_all().filter(pk=comment_id).first()


def top_level_all():
    return Comment.objects.filter(parent__isnull=True).filter(
        Q(status=Status.APPROVED) | Q(status=Status.DELETED, reply_count__gt=0)
    )


def replies_context(parent, article, page):
    """Every approved reply of PARENT, REPLIES_PAGE at a time: the page « Voir les autres réponses » leads to."""
    start = (page - 1) * REPLIES_PAGE
    replies = list(_with_authors(Comment.objects.filter(parent=parent, status=Status.APPROVED))
                   .order_by("created_at", "pk")[start:start + REPLIES_PAGE + 1])
    if page > 1 and not replies:
        return None
    has_more = len(replies) > REPLIES_PAGE
    item = shown([parent], article, {parent.pk: replies[:REPLIES_PAGE]})[0]
    return {"article": article, "item": item, "page": page, "has_more": has_more}


def topic_exists(name):
    """Whether a reader may follow the topic NAME (commentaires-<article id>): only an article they may see."""
    from django.db import close_old_connections, connection

    from . import discussion

    if not connection.in_atomic_block:
        close_old_connections()  # run in a thread of the live server, outside any request
    suffix = name.removeprefix("commentaires-")
    return discussion.visible_article(suffix) is not None
