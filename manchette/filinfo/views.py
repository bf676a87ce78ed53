from django.conf import settings
from django.shortcuts import render

from manchette.news.context import label_articles
from manchette.news.models import paginate, visible_articles


def feed_page(request):
    page_obj = paginate(request, visible_articles().defer("body"), settings.ARTICLES_PER_PAGE)
    page_obj.object_list = label_articles(page_obj.object_list, request)
    return render(request, "filinfo/feed_page.html", {"page_obj": page_obj})
