from django.conf import settings
from django.shortcuts import render

from manchette.edge import keys, readers
from manchette.filinfo.events import LIST_KEY as FILINFO_LIST_KEY
from manchette.news.context import label_articles
from manchette.news.models import Article, paginate
from manchette.news.richtext import plain_text, typography_text

from .excerpts import first_excerpt
from .query import BY_RELEVANCE, MAX_QUERY_LENGTH, ORDERS, query_terms, search, visible_items


def search_page(request):
    # Results change when an article is published or goes, and when the fil info does (a dispatch).
    keys.add(keys.list_of(readers.PUBLISHED), FILINFO_LIST_KEY)
    """/recherche/?q=…&tri=date|pertinence&page=N — an empty query shows the search form alone."""
    raw_query = " ".join(request.GET.get("q", "").split())
    query = raw_query[:MAX_QUERY_LENGTH]
    order = request.GET.get("tri")
    if order not in ORDERS:
        # With words to look for, the best matches first; « tri=date » for the newest.
        order = BY_RELEVANCE
    context = {
        "query": query,
        "tri": order,
        "query_truncated": len(raw_query) > MAX_QUERY_LENGTH,
        "max_query_length": MAX_QUERY_LENGTH,
    }
    if query:
        results = search(query, order)
        page_obj = paginate(request, results.hits, settings.SEARCH_RESULTS_PER_PAGE)
        items = visible_items(page_obj.object_list)
        label_articles([item for item in items if not getattr(item, "is_dispatch", False)], request)
        page_obj.object_list = items
        add_excerpts(items, query_terms(query))
        context.update(page_obj=page_obj, more_results=results.truncated)
    return render(request, "search/search.html", context)


def add_excerpts(items, stems):
    """Each result's excerpt around the words searched for: from an article's lead, else its body (read in one
    query); from a dispatch's text."""
    articles = [item for item in items if not getattr(item, "is_dispatch", False)]
    bodies = dict(Article.objects.filter(pk__in=[a.pk for a in articles]).values_list("pk", "body"))
    for article in articles:
        article.excerpt = first_excerpt([typography_text(article.lead), typography_text(plain_text(bodies.get(article.pk, "")))], stems)
    for entry in items:
        if getattr(entry, "is_dispatch", False):
            entry.excerpt = first_excerpt([typography_text(entry.text)], stems)
