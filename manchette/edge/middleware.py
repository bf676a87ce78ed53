"""Marks which responses readers may share, and with the keys of what they show, so the edge cache and a CDN
can keep them and drop them when what they show changes.

A view, a block or a tag may shorten (never lengthen) how long its answer is shared with
`share_for(request, seconds)`: the shortest wish of everything on the page wins (the masthead's date until
midnight, the most-read list for five minutes). A page whose answer depends on who asks (a view restriction)
sets `request.edge_personal`: it is never shared, and the edge then sends the reader's own cookies to Django
for it (app.py).
"""

from django.conf import settings
from django.utils.cache import patch_cache_control
from wagtail.views import serve as wagtail_serve

from . import fragments, keys

PRIVATE_PREFIXES = ("/admin/", "/django-admin/", "/static/", "/media/", "/documents/")
# Internal headers between Django and the edge; the edge takes them off before anything is stored or sent.
PERSONAL_HEADER = "X-Manchette-Personal"
FRAGMENTS_HEADER = "X-Manchette-Fragments"


def share_for(request, seconds):
    request.edge_max_age = min(getattr(request, "edge_max_age", seconds), seconds)


class CacheHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = keys.start(request)
        try:
            response = self.get_response(request)
        finally:
            keys.stop(token)
        if getattr(request, "edge_personal", False) and fragments.assembled_by_edge(request):
            response[PERSONAL_HEADER] = "1"
        if self.shareable(request, response):
            max_age = min(getattr(request, "edge_max_age", settings.EDGE_CACHE_MAX_AGE), settings.EDGE_CACHE_MAX_AGE)
            patch_cache_control(response, public=True, max_age=0, s_maxage=max_age)
            response[settings.EDGE_KEYS_HEADER] = " ".join(sorted({*request.edge_keys, keys.path(request.path)}))
            if getattr(request, "edge_fragments", False):
                response[FRAGMENTS_HEADER] = "1"
        elif "Cache-Control" not in response:
            patch_cache_control(response, private=True, no_cache=True)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        # A Wagtail page's keys are collected once it is found (wagtail_hooks.py): routing loads the home
        # page and the sections on the way, which an article page does not show.
        if view_func is not wagtail_serve:
            keys.collect(request)

    @staticmethod
    def shareable(request, response):
        return (
            request.method in ("GET", "HEAD")
            and response.status_code in (200, 404)
            and not request.path.startswith(PRIVATE_PREFIXES)
            and not getattr(request, "edge_personal", False)
            and not request.user.is_authenticated
            and not response.cookies
            # A form's CSRF token is per reader; its cookie is only added after this middleware.
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            and "Cache-Control" not in response
            and not getattr(request, "is_preview", False)
        )
