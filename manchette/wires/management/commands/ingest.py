"""manchette ingest PATH…: agency wires in ninjs from files or folders, as if sent to the HTTP endpoint."""

from collections import Counter
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from manchette.wires.ingest import LABELS, BatchError, ingest_all
from manchette.wires.models import WireSource
from manchette.wires.ninjs import NinjsError, loads

DEFAULT_SOURCE = "import"
DEFAULT_SOURCE_NAME = "Import de fichiers"


class Command(BaseCommand):
    help = (
        "Reçoit des dépêches d’agence au format IPTC ninjs (1.x, 2.x ou 3.x) depuis des fichiers .json ou des "
        "dossiers (parcourus récursivement) ; un fichier contient une dépêche ou une liste de dépêches. Chaque "
        "fichier est vérifié en entier avant que rien n’en soit enregistré : une dépêche illisible, ou déjà reçue "
        "d’une autre source, le fait refuser ; un fichier refusé est signalé et les autres sont reçus. Les dépêches "
        "d’un fichier sont ensuite enregistrées une à une, chacune en entier ou pas du tout."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="CHEMIN", help="fichier .json ou dossier")
        parser.add_argument(
            "--source", default=DEFAULT_SOURCE, metavar="IDENTIFIANT",
            help=(
                f"identifiant de la source (Sources de dépêches, dans l’administration) ; par défaut « {DEFAULT_SOURCE} », "
                f"créée au besoin sous le nom « {DEFAULT_SOURCE_NAME} », dont les dépêches attendent la validation d’un éditeur"
            ),
        )

    def handle(self, *args, paths, source, verbosity, **options):
        wire_source = self.source(source)
        files = list(self.files(paths))
        outcomes = Counter()
        refused = 0
        with tqdm(total=len(files), unit=" fichiers", desc="Réception", disable=verbosity < 1) as bar:
            for path in files:
                try:
                    for outcome in ingest_all(wire_source, read(path)):
                        outcomes[outcome.status] += 1
                except (BatchError, NinjsError, OSError) as error:
                    refused += 1
                    with bar.external_write_mode():
                        self.stderr.write(f"{path} : {describe(error)}")
                bar.update()
        if verbosity >= 1:
            self.stdout.write(f"Fichiers reçus : {len(files) - refused} sur {len(files)}.")
            for status, text in LABELS.items():
                if outcomes[status]:
                    self.stdout.write(f"Dépêches {text} : {outcomes[status]}")
        if refused:
            raise CommandError(f"Fichiers refusés : {refused} sur {len(files)}.")

    def source(self, slug):
        if slug == DEFAULT_SOURCE:
            found, _ = WireSource.objects.get_or_create(slug=slug, defaults={"name": DEFAULT_SOURCE_NAME})
        else:
            found = WireSource.objects.filter(slug=slug).first()
        if found is None:
            known = ", ".join(WireSource.objects.values_list("slug", flat=True)) or "aucune"
            raise CommandError(f"Source inconnue : « {slug} » (sources : {known}).")
        if not found.active:
            raise CommandError(f"La source « {found.name} » est désactivée.")
        return found

    def files(self, paths):
        """Every file to read, in a stable order; a missing path is kept, to be reported like a bad file."""
        for name in paths:
            path = Path(name)
            if path.is_dir():
                yield from (found for found in sorted(path.rglob("*.json")) if found.is_file())
            else:
                yield path


def read(path):
    if not path.is_file():
        raise NinjsError("", "fichier ou dossier introuvable")
    data = loads(path.read_bytes())
    items = data if isinstance(data, list) else [data]
    if not items:
        raise NinjsError("", "aucune dépêche dans le fichier")
    return items


def describe(error):
    if isinstance(error, BatchError):
        return f"dépêche n° {error.index + 1} : {error.error}"
    if isinstance(error, OSError):
        return f"lecture impossible ({error.strerror or error})"
    return str(error)
