"""manchette backup [DESTINATION]: a consistent copy of the running site, database then media (operations/backup.py)."""

import sys

from django.core.management.base import BaseCommand
from django.db import DatabaseError

from manchette.operations.archives import OperationError, summary
from manchette.operations.backup import backup, default_destination


class Command(BaseCommand):
    help = (
        "Écrit une sauvegarde cohérente du site, même en service : la base de données d’abord, copiée à un instant "
        "donné pendant que le site écrit (API de sauvegarde en ligne de SQLite, pg_dump pour PostgreSQL), puis les "
        "médias. DESTINATION est un dossier, ou une archive .tar, .tar.gz ou .tgz selon son nom ; elle ne doit pas "
        "exister. Un manifeste (manifest.json) donne la version, la date, le moteur de base de données, les "
        "migrations appliquées, les lignes de chaque table et la taille et le SHA-256 de chaque fichier. La "
        "sauvegarde est écrite sous un nom caché puis renommée : interrompue, elle ne passe jamais pour complète."
    )
    # Nothing to check before copying: a backup must work on a site whatever state it is in.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "destination", nargs="?", metavar="DESTINATION",
            help=f"dossier ou archive à écrire (par défaut {default_destination().parent}/manchette-AAAAMMJJ-HHMMSS.tar.gz)",
        )

    def handle(self, *args, destination, verbosity, **options):
        try:
            path, manifest = backup(destination, progress=verbosity >= 1)
        except (OperationError, DatabaseError, OSError) as error:
            self.stderr.write(f"manchette backup : {error}")
            sys.exit(getattr(error, "exit_code", 1))
        if verbosity >= 1:
            self.stdout.write(f"Sauvegarde écrite : {path}\n{summary(manifest)}")
