"""manchette restore SOURCE [--force]: a backup brought back into an empty installation (operations/restore.py)."""

import sys

from django.core.management.base import BaseCommand
from django.db import DatabaseError

from manchette.operations.archives import OperationError, summary
from manchette.operations.restore import restore


class Command(BaseCommand):
    help = (
        "Restaure une sauvegarde de « manchette backup » dans une installation vide : la base de données configurée, "
        "puis les médias. Rien n’est changé avant que toute la sauvegarde ait été lue et vérifiée (chaque fichier "
        "contre le manifeste, taille et SHA-256) ; refusée (code de sortie 2) si la base ou le dossier des médias "
        "contiennent déjà des données (sauf --force), si un fichier manque, diffère ou sortirait du dossier, si la "
        "base n’est pas du moteur configuré ou si ses migrations sont plus récentes que ce code. Arrêtez le serveur "
        "et le worker avant."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("source", metavar="SOURCE", help="dossier ou archive .tar, .tar.gz ou .tgz écrite par manchette backup")
        parser.add_argument(
            "--force", action="store_true",
            help="remplacer la base et les médias même s’ils contiennent déjà des données (elles sont perdues)",
        )

    def handle(self, *args, source, force, verbosity, **options):
        try:
            restored = restore(source, force=force, progress=verbosity >= 1)
        except (OperationError, DatabaseError, OSError) as error:
            self.stderr.write(f"manchette restore : {error}")
            sys.exit(getattr(error, "exit_code", 1))
        if verbosity >= 1:
            manifest = restored.manifest
            self.stdout.write(
                f"Sauvegarde du {manifest['created_at']} restaurée (Manchette {manifest['manchette_version']}).\n"
                f"{summary(manifest)} Chaque fichier a été vérifié (SHA-256)."
            )
            if restored.pending:
                self.stdout.write(
                    f"Ce code a {len(restored.pending)} migrations de plus que la sauvegarde : lancez « manchette migrate »."
                )
