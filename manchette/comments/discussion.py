"""Whether an article takes comments, and whether a reader may post there now.

An article's mode is its own choice, else its nearest section's that makes one, else the site's setting
(COMMENTS_DEFAULT). Closed keeps published comments visible. Only articles readers may see
(news/visibility.py) show a thread or take a comment.
"""

from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from manchette.edge import keys
from manchette.news.models import Discussion, Section
from manchette.news.visibility import is_visible

from .models import active_sanction


def mode(article):
    if article.discussion:
        return article.discussion
    sections = list(Section.objects.filter(path__in=ancestor_paths(article)).order_by("-depth").values_list("pk", "comments_default"))
    # A cached thread follows its sections' choice: publishing one of them invalidates its page key.
    keys.add(*(f"page-{pk}" for pk, _ in sections))
    chosen = next((choice for _, choice in sections if choice), None)
    return chosen or settings.COMMENTS_DEFAULT


def ancestor_paths(page):
    step = page.steplen
    return [page.path[:end] for end in range(step, len(page.path), step)]


def is_open(article_mode):
    return article_mode in (Discussion.OPEN, Discussion.PREMODERATED)


def valid_id(value):
    """VALUE as a database id, or None: a digit string or int the database's integer columns can hold."""
    if isinstance(value, str):
        if not (len(value) <= 19 and value.isascii() and value.isdigit()):
            return None
        value = int(value)
    if not isinstance(value, int) or not 0 < value < 2**63:
        return None
    return value


def visible_article(pk):
    """The article with id PK if readers may see it, else None."""
    from manchette.news.models import Article

    pk = valid_id(pk)
    if pk is None:
        return None
    article = Article.objects.filter(pk=pk).defer("body").first()
    if article is None or not is_visible(article):
        return None
    return article


def refusal(user, article_mode):
    """Why USER may not post on an article in ARTICLE_MODE now (a French sentence), or None."""
    if not user.is_authenticated:
        return _("Connectez-vous pour commenter.")
    if not is_open(article_mode):
        return _("Les commentaires sont fermés sur cet article.")
    sanction = active_sanction(user)
    if sanction is not None:
        if sanction.until is None:
            return _("Vous ne pouvez plus commenter : vous en êtes exclu définitivement.")
        until = formats.date_format(timezone.localtime(sanction.until), "l j F Y, H:i")
        return _("Vous ne pouvez pas commenter jusqu’au %(date)s.") % {"date": until}
    return None
