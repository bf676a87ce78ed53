"""The sitemap index at /sitemap.xml, over the sitemaps every app declares.

An app lists its sitemaps in its AppConfig as `sitemaps = {"name": "dotted.path.To.Sitemap"}`; each is
served at /sitemap-<name>.xml, paged, and named in the index. A new app plugs in without editing this file.
"""

import functools

from django.apps import apps
from django.conf import settings
from django.contrib.sitemaps.views import SitemapIndexItem, sitemap, x_robots_tag
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.module_loading import import_string

from manchette.edge import keys, readers


@functools.cache
def declared():
    return {
        name: import_string(path)
        for config in apps.get_app_configs()
        for name, path in getattr(config, "sitemaps", {}).items()
    }


@x_robots_tag
def index(request):
    """Django's index view names the host the request came on; this one names settings.SITE_URL."""
    keys.add(keys.list_of(readers.PUBLISHED))
    entries = []
    for name, sitemap_class in declared().items():
        sitemap_object = sitemap_class()
        location = settings.SITE_URL + reverse("sitemap-section", kwargs={"section": name})
        lastmod = sitemap_object.get_latest_lastmod()
        entries.append(SitemapIndexItem(location, lastmod))
        pages = range(2, sitemap_object.paginator.num_pages + 1)
        entries += [SitemapIndexItem(f"{location}?p={n}", lastmod) for n in pages]
    return TemplateResponse(request, "sitemap_index.xml", {"sitemaps": entries}, content_type="application/xml")


def section(request, section):
    return sitemap(request, sitemaps=declared(), section=section, template_name="sitemap.xml")
