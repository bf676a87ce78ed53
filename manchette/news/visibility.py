"""One rule for what a reader may see: live, its time come and not expired, every page above it live, and
no view restriction on it or above it. A restricted page answers its own URL as Wagtail decides (password,
login, groups); it is on no public surface: lists, feeds, sitemaps, search, the fil info.

`shown(queryset)` applies the rule to a list, `is_visible(page)` to one page. The subtrees readers may not
see (restricted pages, pages not live that hold others) are few: they are read once per request
(`VisibilityMiddleware`), or at each call outside a request (signals, commands).
"""

import contextvars

from django.db.models import Q
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction

_per_request = contextvars.ContextVar("news_hidden_paths", default=None)


def _hidden():
    memo = _per_request.get()
    if memo is not None and "hidden" in memo:
        return memo["hidden"]
    restricted = frozenset(PageViewRestriction.objects.values_list("page__path", flat=True))
    unpublished = frozenset(Page.objects.filter(live=False, numchild__gt=0).values_list("path", flat=True))
    paths = restricted | unpublished
    hidden = (tuple(sorted(p for p in paths if not any(p != q and p.startswith(q) for q in paths))), unpublished)
    if memo is not None:
        memo["hidden"] = hidden
    return hidden


def hidden_paths():
    """The tree paths of the outermost subtrees readers may not see."""
    return _hidden()[0]


def under_unpublished(page):
    """Whether a page above PAGE is not live: then PAGE is gone for readers, whatever its own state."""
    return any(page.path.startswith(path) and page.path != path for path in _hidden()[1])


def shown(queryset):
    """QUERYSET (of pages) without what readers may not see."""
    now = timezone.now()
    queryset = queryset.live().filter(Q(expire_at__isnull=True) | Q(expire_at__gt=now))
    for path in hidden_paths():
        queryset = queryset.exclude(path__startswith=path)
    return queryset


def expired(page):
    """Past its expiry, before the worker gets to unpublishing it."""
    return page.expire_at is not None and page.expire_at <= timezone.now()


def is_visible(page):
    if not page.live or expired(page):
        return False
    return not any(page.path.startswith(path) for path in hidden_paths())


class VisibilityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _per_request.set({})
        try:
            return self.get_response(request)
        finally:
            _per_request.reset(token)
