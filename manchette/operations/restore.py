"""`manchette restore SOURCE`: a backup brought back into an empty installation (archives.py says what it holds).

Nothing is changed before the whole backup has been read and checked. The target must be empty — no row in any
table, no file in MEDIA_ROOT — unless --force. The backup must hold exactly the files its manifest lists, each of
its size and SHA-256, none outside its folder nor a link; its database must be of the configured engine, and
every migration it has applied known to this code (an older backup is fine: `manchette migrate` follows).
Files are staged in a hidden folder inside MEDIA_ROOT, on its file system, so that putting the media in place
is a rename even when MEDIA_ROOT is a mount point of its own. Then the database is replaced in one transaction
(snapshots.py), its row counts are checked against the manifest, and the media go into place.
"""

import functools
import json
import os
import shutil
import tarfile
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError
from django.db import connection as default_connection
from django.db.migrations.loader import MigrationLoader
from tqdm import tqdm

from . import snapshots
from .archives import (
    ENGINE_NAMES,
    FILE_NAMES,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    MANIFEST_MAX_BYTES,
    MEDIA,
    OperationError,
    Refusal,
    bar_options,
    compression,
    copy,
    member_path,
)

STAGING_PREFIX = ".restoring-"
EXAMPLES = 3


@dataclass
class Restored:
    manifest: dict
    pending: list  # migrations of this code the backup had not applied yet


def restore(source, *, connection=None, media_root=None, force=False, progress=True):
    """Restores the backup at SOURCE (a folder or a .tar / .tar.gz archive) into CONNECTION's database (the
    site's) and MEDIA_ROOT."""
    connection = connection or default_connection
    source = Path(source)
    media_root = Path(media_root or settings.MEDIA_ROOT).absolute()
    engine = snapshots.engine(connection)
    if not source.exists():
        raise Refusal(f"{source} n’existe pas.")
    if not force:
        refuse_unless_empty(connection, media_root)
    media_root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=media_root))
    try:
        manifest = stage(source, staging, lambda manifest: check(manifest, engine), progress)
        pending = pending_migrations(manifest)
        snapshots.load(connection, staging / manifest["database"]["file"])
        check_rows(connection, manifest)
        put_media_in_place(staging / MEDIA, media_root, staging)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return Restored(manifest, pending)


def refuse_unless_empty(connection, media_root):
    try:
        rows = {table: count for table, count in snapshots.row_counts(connection).items() if count}
    except DatabaseError as error:
        raise Refusal(f"La base de données configurée est illisible : {error}") from error
    if rows:
        examples = ", ".join(f"{table} ({count})" for table, count in sorted(rows.items())[:EXAMPLES])
        raise Refusal(
            f"La base de données configurée contient déjà des données : {sum(rows.values())} lignes dans {len(rows)} "
            f"tables, dont {examples}. La restauration les remplacerait : restaurez dans une installation vide, "
            "ou ajoutez --force pour les remplacer."
        )
    for folder, subfolders, files in os.walk(media_root):
        subfolders[:] = [name for name in subfolders if not name.startswith(STAGING_PREFIX)]
        if files:
            raise Refusal(
                f"Le dossier des médias {media_root} contient déjà des fichiers (dont {Path(folder, files[0])}) : "
                "restaurez dans une installation vide, ou ajoutez --force pour les remplacer."
            )


def stage(source, staging, check_manifest, progress):
    """Copies the backup's files under STAGING, checking each against the manifest; returns the manifest."""
    if source.is_dir():
        return stage_folder(source, staging, check_manifest, progress)
    if compression(source) is not None or tarfile.is_tarfile(source):
        return stage_archive(source, staging, check_manifest, progress)
    raise Refusal(f"{source} n’est ni un dossier de sauvegarde ni une archive .tar, .tar.gz ou .tgz.")


def stage_folder(source, staging, check_manifest, progress):
    path = source / MANIFEST
    if not path.is_file():
        raise Refusal(f"{source} n’a pas de {MANIFEST} : ce n’est pas une sauvegarde complète.")
    manifest = read_manifest(path.read_bytes())
    listed = listed_files(manifest)
    check_manifest(manifest)
    present = set()
    for folder, subfolders, files in os.walk(source):
        for name in subfolders + files:
            if Path(folder, name).is_symlink():
                raise Refusal(f"La sauvegarde contient un lien, « {Path(folder, name).relative_to(source)} » : refusée.")
        present |= {Path(folder, name).relative_to(source).as_posix() for name in files}
    compare_names(listed, present - {MANIFEST})
    found = {}
    with tqdm(desc="Vérification", total=sum(entry["size"] for entry in listed.values()), **bar_options(progress)) as bar:
        for name in listed:
            with (source / name).open("rb") as file:
                found[name] = stage_file(file, staging / name, bar)
    compare_contents(listed, found)
    return manifest


def stage_archive(source, staging, check_manifest, progress):
    found = {}
    manifest = None
    try:
        with (
            tqdm.wrapattr(source.open("rb"), "read", total=source.stat().st_size, bytes=False, desc="Vérification",
                          **bar_options(progress)) as raw,
            tarfile.open(fileobj=raw, mode="r|*") as archive,
        ):
            for member in archive:
                manifest = stage_member(archive, member, staging, found, manifest, check_manifest)
    except (tarfile.TarError, EOFError, zlib.error) as error:
        raise Refusal(f"{source} est une archive tronquée ou illisible ({error}) : refusée.") from error
    if manifest is None:
        raise Refusal(f"{source} n’a pas de {MANIFEST} : ce n’est pas une sauvegarde complète.")
    listed = listed_files(manifest)
    compare_names(listed, set(found))
    compare_contents(listed, found)
    return manifest


def stage_member(archive, member, staging, found, manifest, check_manifest):
    """Stages one member of ARCHIVE (adding it to FOUND), or reads the manifest; returns the manifest read so far."""
    name = str(member_path(member.name))
    if member.isdir():
        return manifest
    if not member.isfile():
        raise Refusal(f"« {name} » n’est pas un fichier ordinaire (lien, périphérique…) : archive refusée.")
    if name in found or (name == MANIFEST and manifest is not None):
        raise Refusal(f"« {name} » figure deux fois dans l’archive : refusée.")
    if name != MANIFEST:
        found[name] = stage_file(archive.extractfile(member), staging / name, size=member.size)
        return manifest
    if member.size > MANIFEST_MAX_BYTES:
        raise Refusal(f"{MANIFEST} est trop grand ({member.size} octets) : archive refusée.")
    manifest = read_manifest(archive.extractfile(member).read())
    check_manifest(manifest)
    return manifest


def stage_file(file, target, bar=None, size=None):
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("xb") as copied:
        return copy(file, copied, bar, size)


def read_manifest(data):
    try:
        manifest = json.loads(data)
    except ValueError as error:
        raise Refusal(f"{MANIFEST} est illisible : {error}") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise Refusal(f"{MANIFEST} n’est pas celui d’une sauvegarde de Manchette.")
    version = manifest.get("format_version")
    if version != FORMAT_VERSION:
        raise Refusal(f"Sauvegarde au format {version}, que cette version de Manchette ne lit pas (format {FORMAT_VERSION}).")
    try:
        valid = (
            manifest["database"]["engine"] in FILE_NAMES
            and manifest["database"]["file"] == FILE_NAMES[manifest["database"]["engine"]]
            and all(isinstance(count, int) for count in manifest["database"]["tables"].values())
            and all(isinstance(app, str) and all(isinstance(name, str) for name in names)
                    for app, names in manifest["migrations"].items())
            and all(isinstance(entry["path"], str) and isinstance(entry["size"], int) and isinstance(entry["sha256"], str)
                    for entry in manifest["files"])
        )
    except (KeyError, TypeError, AttributeError):
        valid = False
    if not valid:
        raise Refusal(f"{MANIFEST} est incomplet ou mal formé : sauvegarde refusée.")
    return manifest


def listed_files(manifest):
    """{name: entry} of the manifest's files; refused if a name could leave the folder or is given twice."""
    listed = {}
    for entry in manifest["files"]:
        name = str(member_path(entry["path"]))
        if name in listed or name == MANIFEST:
            raise Refusal(f"« {name} » figure deux fois dans le manifeste : sauvegarde refusée.")
        if name != manifest["database"]["file"] and not name.startswith(f"{MEDIA}/"):
            raise Refusal(f"« {name} » n’est ni la base de données ni un média : sauvegarde refusée.")
        listed[name] = entry
    if manifest["database"]["file"] not in listed:
        raise Refusal(f"Le manifeste ne liste pas la base de données ({manifest['database']['file']}) : sauvegarde refusée.")
    return listed


def _some(names):
    shown = ", ".join(f"« {name} »" for name in sorted(names)[:EXAMPLES])
    return shown + (f" et {len(names) - EXAMPLES} autres" if len(names) > EXAMPLES else "")


def compare_names(listed, present):
    if missing := set(listed) - present:
        raise Refusal(f"Fichiers du manifeste absents de la sauvegarde : {_some(missing)}. Sauvegarde refusée.")
    if extra := present - set(listed):
        raise Refusal(f"Fichiers absents du manifeste : {_some(extra)}. Sauvegarde refusée.")


def compare_contents(listed, found):
    wrong = [name for name, (size, digest) in found.items() if (size, digest) != (listed[name]["size"], listed[name]["sha256"])]
    if wrong:
        raise Refusal(f"Fichiers différents de ce que dit le manifeste (taille ou SHA-256) : {_some(wrong)}. Sauvegarde refusée.")


def check(manifest, engine):
    saved = manifest["database"]["engine"]
    if saved != engine:
        names = ENGINE_NAMES
        raise Refusal(f"Cette sauvegarde est celle d’une base {names[saved]}, et la base configurée est {names[engine]} : "
                      f"restaurez-la dans une installation sur {names[saved]}.")
    pending_migrations(manifest)


@functools.cache
def migration_loader():
    return MigrationLoader(None, ignore_no_migrations=True)


def pending_migrations(manifest):
    """The migrations of this code the backup has not applied; refused if it applied any this code does not know."""
    loader = migration_loader()
    known = set(loader.disk_migrations)
    known |= {replaced for migration in loader.disk_migrations.values() for replaced in migration.replaces}
    applied = {(app, name) for app, names in manifest["migrations"].items() for name in names}
    if unknown := applied - known:
        raise Refusal(
            f"Cette sauvegarde vient d’une version plus récente de Manchette ({manifest.get('manchette_version', '?')}) : "
            f"ce code ne connaît pas {len(unknown)} de ses migrations, dont {_some([f'{app}.{name}' for app, name in unknown])}. "
            "Installez cette version, ou une plus récente, puis restaurez."
        )
    return sorted(
        key for key, migration in loader.disk_migrations.items()
        if key not in applied and not (migration.replaces and set(migration.replaces) <= applied)
        and key in loader.graph.nodes
    )


def check_rows(connection, manifest):
    found = snapshots.row_counts(connection)
    expected = manifest["database"]["tables"]
    wrong = sorted(table for table in set(found) | set(expected) if found.get(table) != expected.get(table))
    if wrong:
        details = ", ".join(f"{table} ({found.get(table, 'absente')} au lieu de {expected.get(table, 'absente')})" for table in wrong[:EXAMPLES])
        raise OperationError(f"La base restaurée ne compte pas les lignes du manifeste : {details}.")


def put_media_in_place(staged, media_root, staging):
    """Empties MEDIA_ROOT (but the staging folder), then moves the staged media into it."""
    for entry in media_root.iterdir():
        if entry == staging:
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    if staged.is_dir():
        for entry in staged.iterdir():
            os.replace(entry, media_root / entry.name)
