"""Moderation desks: the comments a moderator's desks cover, and, with COMMENTS_DESKS_ENFORCED, the only ones
they may act on.

A desk is a section and its subsections (comments.DeskAssignment): an article is in it when its page's path in
Wagtail's tree starts with the section's, so a subsection created later joins its parent's desk. A moderator
without desks, and a superuser, moderate everywhere, enforced or not.
"""

from django.conf import settings
from django.db.models import Q

from manchette.news.models import Section

from .models import Comment, DeskAssignment


def sections_of(user):
    """The sections of USER's desks, in the tree's order."""
    return list(Section.objects.filter(pk__in=DeskAssignment.objects.filter(moderator=user).values("section_id")).order_by("path"))


def all_sections():
    """Every section, in the tree's order (a subsection under its parent), for the queue's choice of desk."""
    return list(Section.objects.order_by("path").only("pk", "title", "path", "depth"))


def covering(sections):
    """A filter of comments on the articles of SECTIONS and of their subsections (none for no section)."""
    where = Q(pk__in=[])
    for section in sections:
        where |= Q(article__path__startswith=section.path)
    return where


def covers(sections, article):
    return any(article.path.startswith(section.path) for section in sections)


def bounds(user, mine=None):
    """The sections USER may act in, or None where they may act everywhere: desks not enforced, a superuser, a
    moderator with no desk. MINE: USER's sections when the caller has them already."""
    if not settings.COMMENTS_DESKS_ENFORCED or user.is_superuser:
        return None
    return (sections_of(user) if mine is None else mine) or None


def outside(user, ids):
    """Those of the comments numbered IDS that USER may not act on (an empty list when they may act on all)."""
    sections = bounds(user)
    if sections is None:
        return []
    return list(Comment.objects.filter(pk__in=ids).exclude(covering(sections)).values_list("pk", flat=True))
