"""Marks which responses anonymous readers may share, so the edge cache and a CDN can keep them.

A view may shorten (never lengthen) how long its answer is shared by setting `request.edge_max_age`
(seconds): a page that new items reach without an invalidation (the fil info) is kept only briefly.
"""

from django.conf import settings
from django.utils.cache import patch_cache_control

PRIVATE_PREFIXES = ("/admin/", "/django-admin/", "/static/", "/media/", "/documents/")


class CacheHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if self.shareable(request, response):
            max_age = min(getattr(request, "edge_max_age", settings.EDGE_CACHE_MAX_AGE), settings.EDGE_CACHE_MAX_AGE)
            patch_cache_control(response, public=True, max_age=0, s_maxage=max_age)
        elif "Cache-Control" not in response:
            patch_cache_control(response, private=True, no_cache=True)
        return response

    @staticmethod
    def shareable(request, response):
        return (
            request.method in ("GET", "HEAD")
            and response.status_code in (200, 404)
            and not request.path.startswith(PRIVATE_PREFIXES)
            and not request.user.is_authenticated
            and not response.cookies
            # A form's CSRF token is per reader; its cookie is only added after this middleware.
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            and "Cache-Control" not in response
            and not getattr(request, "is_preview", False)
        )
