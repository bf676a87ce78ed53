from django.apps import AppConfig
from django.db.models.signals import post_delete


class SearchConfig(AppConfig):
    name = "manchette.search"
    label = "search"

    def ready(self):
        from wagtail.signals import page_published, page_unpublished, published, unpublished

        from manchette.edge import queries
        from manchette.filinfo.models import Dispatch
        from manchette.news.models import Article

        from .index import on_dispatch_gone, on_dispatch_published, on_published, on_unpublished_or_deleted

        page_published.connect(on_published, sender=Article, dispatch_uid="search-index-published")
        page_unpublished.connect(on_unpublished_or_deleted, sender=Article, dispatch_uid="search-index-unpublished")
        post_delete.connect(on_unpublished_or_deleted, sender=Article, dispatch_uid="search-index-deleted")
        # A dispatch is published, corrected (published again), unpublished (by hand or at expiry), deleted.
        published.connect(on_dispatch_published, sender=Dispatch, dispatch_uid="search-index-dispatch-published")
        unpublished.connect(on_dispatch_gone, sender=Dispatch, dispatch_uid="search-index-dispatch-unpublished")
        post_delete.connect(on_dispatch_gone, sender=Dispatch, dispatch_uid="search-index-dispatch-deleted")
        # What views.search_page reads (edge/queries.py); `page` is declared everywhere by news.
        queries.declare("q", "tri", path="/recherche/")  # urls.py
