from django.conf import settings
from django.http import Http404
from django.urls import include, path
from django.views.generic import RedirectView
from django.views.static import serve as static_serve
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from manchette import sitemaps
from manchette.accounts import urls as accounts_urls
from manchette.comments import urls as comments_urls
from manchette.dsa import urls as dsa_urls
from manchette.edge import urls as edge_urls
from manchette.filinfo import urls as filinfo_urls
from manchette.news import urls as news_urls
from manchette.newsletters import urls as newsletters_urls
from manchette.operations import urls as operations_urls
from manchette.search import urls as search_urls
from manchette.wires import urls as wires_urls


def media(request, path):
    """Media when Django serves them (the edge does in production): a name the file system refuses, too long
    for it, is a missing file (404), not an OSError (500)."""
    try:
        return static_serve(request, path, document_root=settings.MEDIA_ROOT)
    except OSError as error:
        raise Http404 from error


urlpatterns = [
    # Staff log in through allauth's login, with its TOTP step (WAGTAILADMIN_LOGIN_URL sends the admin's own
    # redirects there; this is for whoever types the old address or follows an old link).
    path("admin/login/", RedirectView.as_view(pattern_name="account_login", query_string=True)),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("media/<path:path>", media),
    path("", include(edge_urls)),
    path("", include(operations_urls)),
    path("", include(news_urls)),
    # After news' own sitemap-news.xml, which this pattern would take.
    path("sitemap.xml", sitemaps.index, name="sitemap"),
    path("sitemap-<slug:section>.xml", sitemaps.section, name="sitemap-section"),
    path("", include(filinfo_urls)),
    path("", include(wires_urls)),
    path("", include(search_urls)),
    path("", include(comments_urls)),
    path("", include(dsa_urls)),
    path("newsletters/", include(newsletters_urls)),
    path("compte/", include(accounts_urls)),
    path("compte/", include("allauth.urls")),
    path("", include(wagtail_urls)),
]

handler404 = "manchette.news.views.page_not_found"
handler500 = "manchette.news.views.server_error"
