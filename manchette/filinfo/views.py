from django.http import Http404
from django.shortcuts import redirect, render

from manchette.news.context import listing_page
from manchette.news.models import visible_articles

from .models import FeedEntry


def feed_page(request):
    page_obj = listing_page(request, visible_articles().defer("body"))
    return render(request, "filinfo/feed_page.html", {"page_obj": page_obj})


def dispatch_page(request, pk, slug):
    entry = FeedEntry.objects.filter(kind=FeedEntry.DISPATCH, dispatch_id=pk).select_related("dispatch").first()
    if entry is None:
        raise Http404
    if slug != entry.dispatch.slug:
        return redirect(entry.url, permanent=True)
    return render(request, "filinfo/dispatch_page.html", {"entry": entry, "dispatch": entry.dispatch})
