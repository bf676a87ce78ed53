from django.core.management.base import BaseCommand
from tqdm import tqdm

from manchette.search.index import reindex_all


def counted(count, singular, plural):
    # French: 0 and 1 take the singular.
    return f"{count} {singular if count < 2 else plural}"


class Command(BaseCommand):
    help = "Reconstruit l’index de recherche à partir des articles en ligne et des dépêches visibles (après un import en masse)."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500, help="articles et dépêches écrits par lot (500)")

    def handle(self, *args, batch_size, verbosity, **options):
        def progress(articles, total):
            return tqdm(articles, total=total, unit=" articles", desc="Indexation", disable=verbosity < 1)

        indexed = reindex_all(batch_size=max(1, batch_size), progress=progress)
        if verbosity >= 1:
            articles = counted(indexed.articles, "article", "articles")
            dispatches = counted(indexed.dispatches, "dépêche", "dépêches")
            self.stdout.write(f"{articles} et {dispatches} indexés.")
