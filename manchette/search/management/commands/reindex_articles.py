from django.core.management.base import BaseCommand
from tqdm import tqdm

from manchette.search.index import reindex_all


class Command(BaseCommand):
    help = "Reconstruit l’index de recherche à partir des articles en ligne (après un import en masse)."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500, help="articles écrits par lot (500)")

    def handle(self, *args, batch_size, verbosity, **options):
        def progress(articles, total):
            return tqdm(articles, total=total, unit=" articles", desc="Indexation", disable=verbosity < 1)

        count = reindex_all(batch_size=max(1, batch_size), progress=progress)
        if verbosity >= 1:
            self.stdout.write(f"{count} articles indexés.")
