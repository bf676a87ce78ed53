from django.shortcuts import render

from manchette.news.context import listing_page
from manchette.news.models import visible_articles


def feed_page(request):
    page_obj = listing_page(request, visible_articles().defer("body"))
    return render(request, "filinfo/feed_page.html", {"page_obj": page_obj})
