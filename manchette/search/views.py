from django.conf import settings
from django.shortcuts import render

from manchette.edge import keys, readers
from manchette.news.context import label_articles
from manchette.news.models import paginate

from .query import BY_DATE, MAX_QUERY_LENGTH, ORDERS, search, visible_in_order


def search_page(request):
    keys.add(keys.list_of(readers.PUBLISHED))
    """/recherche/?q=…&tri=date|pertinence&page=N — an empty query shows the search form alone."""
    raw_query = " ".join(request.GET.get("q", "").split())
    query = raw_query[:MAX_QUERY_LENGTH]
    order = request.GET.get("tri")
    if order not in ORDERS:
        order = BY_DATE
    context = {
        "query": query,
        "tri": order,
        "query_truncated": len(raw_query) > MAX_QUERY_LENGTH,
        "max_query_length": MAX_QUERY_LENGTH,
    }
    if query:
        results = search(query, order)
        page_obj = paginate(request, results.ids, settings.SEARCH_RESULTS_PER_PAGE)
        page_obj.object_list = label_articles(visible_in_order(page_obj.object_list), request)
        context.update(page_obj=page_obj, more_results=results.truncated)
    return render(request, "search/search.html", context)
