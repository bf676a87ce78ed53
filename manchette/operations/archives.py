"""What a backup is on disk, for `manchette backup` (backup.py) and `manchette restore` (restore.py).

A backup is a folder, or a tar archive (.tar, or gzip-compressed .tar.gz / .tgz), holding:

- the database file (`database.sqlite3`, or `database.pgdump` in pg_dump's custom format);
- `media/…`: every file of MEDIA_ROOT;
- `manifest.json`, written last: the format, Manchette's version, the date, the database engine, its tables
  with their row counts and the migrations applied at the instant of the copy, and every other file with its
  size and SHA-256. Restoring checks each file against it before anything is put in place.
"""

import hashlib
from pathlib import PurePosixPath

FORMAT = "manchette-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MEDIA = "media"
# A manifest lists one line per file: a million media files take about 150 MB of it.
MANIFEST_MAX_BYTES = 512 * 1024 * 1024
ARCHIVE_SUFFIXES = {".tar": "", ".tar.gz": "gz", ".tgz": "gz"}
# The database's file in a backup, by engine.
FILE_NAMES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
ENGINE_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
CHUNK = 1024 * 1024


def bar_options(progress):
    """tqdm's options for a progress bar in bytes (« o », octets), shown on a terminal only (not in a cron job's log)."""
    return {"unit": "o", "unit_scale": True, "unit_divisor": 1024, "leave": False, "disable": None if progress else True}


class OperationError(Exception):
    """A backup or a restore that could not be done; the message is French, for the operator."""

    exit_code = 1


class Refusal(OperationError):
    """Refused before anything was changed: the wrong target, a backup that does not hold what it says."""

    exit_code = 2


def compression(path):
    """None for a folder, else the tarfile compression of an archive named PATH ("" or "gz")."""
    name = path.name.lower()
    for suffix, mode in ARCHIVE_SUFFIXES.items():
        if name.endswith(suffix) and len(name) > len(suffix):
            return mode
    return None


def member_path(name):
    """NAME as a path inside a backup; refused if it could land outside the folder it is restored into."""
    path = PurePosixPath(name)
    if not name or path.is_absolute() or ".." in path.parts or "\\" in name or "\0" in name:
        raise Refusal(f"Chemin refusé dans la sauvegarde : « {name} » (il sortirait du dossier de restauration).")
    return path


def copy(source, destination, bar=None, size=None):
    """Copies file object SOURCE into DESTINATION (or only reads it when None); returns (bytes, sha256 hex).
    With SIZE, exactly that many bytes are read, and fewer is an error."""
    digest = hashlib.sha256()
    done = 0
    while size is None or done < size:
        chunk = source.read(CHUNK if size is None else min(CHUNK, size - done))
        if not chunk:
            break
        digest.update(chunk)
        if destination is not None:
            destination.write(chunk)
        done += len(chunk)
        if bar is not None:
            bar.update(len(chunk))
    if size is not None and done != size:
        raise OSError(f"{done} octets lus au lieu de {size}")
    return done, digest.hexdigest()


class HashingReader:
    """A file object that hashes what is read through it (tarfile reads a member's data this way)."""

    def __init__(self, raw, bar=None):
        self.raw = raw
        self.bar = bar
        self.digest = hashlib.sha256()
        self.size = 0

    def read(self, size=-1):
        chunk = self.raw.read(size)
        self.digest.update(chunk)
        self.size += len(chunk)
        if self.bar is not None:
            self.bar.update(len(chunk))
        return chunk


def summary(manifest):
    """« Base SQLite : 3 412 lignes dans 97 tables ; médias : 12 fichiers, 1,5 Mio. »"""
    database = manifest["database"]
    media = [entry["size"] for entry in manifest["files"] if entry["path"].startswith(f"{MEDIA}/")]
    return (
        f"Base {ENGINE_NAMES[database['engine']]} : {sum(database['tables'].values())} lignes dans "
        f"{len(database['tables'])} tables ; médias : {len(media)} fichiers, {french_size(sum(media))}."
    )


def french_size(size):
    """1536 → « 1,5 Kio »: sizes as an operator reads them, in French."""
    value = float(size)
    for unit in ("octets", "Kio", "Mio", "Gio"):
        if value < 1024 or unit == "Gio":
            break
        value /= 1024
    text = f"{value:.0f}" if unit == "octets" else f"{value:.1f}".replace(".", ",")
    return f"{text}\u00a0{unit}"
