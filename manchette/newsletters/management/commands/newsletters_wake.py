from django.core.management.base import BaseCommand

from manchette.newsletters import tasks


class Command(BaseCommand):
    help = "Envoie les newsletters prévues pendant l’arrêt, reprend les envois interrompus et planifie la suite."

    def handle(self, *args, **options):
        tasks.wake()
