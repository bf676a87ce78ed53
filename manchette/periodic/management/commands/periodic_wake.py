from django.core.management.base import BaseCommand

from manchette.periodic import jobs


class Command(BaseCommand):
    help = "Reprend le travail interrompu, lance les tâches périodiques en retard et planifie la suite."

    def handle(self, *args, **options):
        jobs.wake()
