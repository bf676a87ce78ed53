from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseNotFound, HttpResponseServerError
from django.shortcuts import get_object_or_404, redirect, render
from django.template import loader
from django.templatetags.static import static
from taggit.models import Tag

from manchette.edge import keys

from .context import listing_page
from .models import Author, visible_articles, with_cards


def _article_list(request, queryset, template, extra):
    page_obj = listing_page(request, with_cards(queryset))
    return render(request, template, {"page_obj": page_obj, **extra})


def tag_page(request, slug):
    # A slug no tag can have (PostgreSQL refuses a NUL in a query: a 500) is not looked up.
    if "\x00" in slug or len(slug) > Tag._meta.get_field("slug").max_length:
        raise Http404
    tag = get_object_or_404(Tag, slug=slug)
    keys.add(keys.list_of(f"tag-{tag.pk}"))
    articles = visible_articles().filter(tagged_items__tag=tag)
    return _article_list(request, articles, "news/tag.html", {"tag": tag})


def author_page(request, slug):
    author = get_object_or_404(Author, slug=slug)
    keys.add(keys.list_of(f"author-{author.pk}"))
    return _article_list(request, visible_articles().filter(authors=author), "news/author.html", {"author": author})


def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /recherche/",
        f"Sitemap: {settings.SITE_URL}/sitemap.xml",
        f"Sitemap: {settings.SITE_URL}/sitemap-news.xml",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says: the same icon, at its static address."""
    return redirect(static("manchette/favicon.ico"))


def page_not_found(request, exception=None):
    return HttpResponseNotFound(loader.render_to_string("404.html", {}, request))


def server_error(request):
    # No database, no context processors: the thing that failed may be one of them.
    return HttpResponseServerError(loader.get_template("500.html").render({"SITE_NAME": settings.SITE_NAME}))
