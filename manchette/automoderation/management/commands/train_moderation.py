"""`manchette train_moderation`: the classifier trained again on the moderators' decisions, its report printed;
exit status 1 when the model is refused (too few decisions, under a floor), the model in service staying."""

import sys

from django.core.management.base import BaseCommand

from manchette.automoderation import classifier


class Command(BaseCommand):
    help = (
        "Entraîne le classifieur de modération sur les décisions des modérateurs et affiche sa précision et son "
        "rappel sur les décisions réservées au test ; le met en service s’il atteint les planchers."
    )

    def handle(self, *args, **options):
        done = classifier.train()
        self.stdout.write(done.report)
        if not done.activated:
            self.stdout.flush()
            sys.exit(1)
