"""`manchette backup`: a consistent copy of a running site, database first, then media (archives.py says what it holds).

The database is copied at one instant while the site goes on writing (snapshots.py); the media are listed and
copied only after it, so every file a row of that copy names is there (a file uploaded meanwhile may be there
too, unnamed: harmless). Everything is written under a hidden name beside the destination and renamed to it
only when complete, manifest included: a backup that failed or was killed never looks like one.
"""

import contextlib
import datetime
import io
import json
import os
import secrets
import shutil
import tarfile
from importlib import metadata
from pathlib import Path

from django.conf import settings
from django.db import connection as default_connection
from tqdm import tqdm

from . import snapshots
from .archives import FILE_NAMES, FORMAT, FORMAT_VERSION, MANIFEST, MEDIA, HashingReader, Refusal, bar_options, compression, copy
from .restore import STAGING_PREFIX


def default_destination():
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    return Path(settings.DATA_DIR) / "backups" / f"manchette-{stamp}.tar.gz"


def media_files(root):
    """[(name in the backup, path, size)] of every regular file under ROOT, in a stable order. Links are left out
    (Django's storage makes none), and so are the folders a restore in progress stages its files in."""
    found = []
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = sorted(name for name in subfolders if not (folder == str(root) and name.startswith(STAGING_PREFIX)))
        for name in sorted(files):
            path = Path(folder, name)
            if path.is_file() and not path.is_symlink():
                found.append((f"{MEDIA}/{path.relative_to(root).as_posix()}", path, path.stat().st_size))
    return found


def backup(destination=None, *, connection=None, media_root=None, progress=True):
    """Writes a backup of CONNECTION's database (the site's) and of MEDIA_ROOT at DESTINATION, a folder or an
    archive by its suffix; returns (its path, its manifest)."""
    connection = connection or default_connection
    media_root = Path(media_root or settings.MEDIA_ROOT).resolve()
    destination = Path(destination or default_destination()).absolute()
    engine = snapshots.engine(connection)
    if destination.exists() or destination.is_symlink():
        raise Refusal(f"{destination} existe déjà : une sauvegarde n’en remplace jamais une autre, donnez un autre nom.")
    if destination.resolve().is_relative_to(media_root):
        raise Refusal(f"{destination} est dans le dossier des médias ({media_root}), qui serait sauvegardé avec elle.")
    destination.parent.mkdir(parents=True, exist_ok=True)
    writer = (FolderWriter if compression(destination) is None else TarWriter)(destination)
    try:
        manifest = write(writer, connection, engine, media_root, progress)
        writer.commit()
    except BaseException:
        writer.abort()
        raise
    return destination, manifest


def write(writer, connection, engine, media_root, progress):
    name = FILE_NAMES[engine]
    scratch = writer.scratch(name)
    with tqdm(desc="Base de données", **bar_options(progress)) as bar:
        snapshot = snapshots.dump(connection, scratch, bar)
    files = [writer.add_scratch(name, scratch)]
    media = media_files(media_root) if media_root.is_dir() else []
    with tqdm(desc="Médias", total=sum(size for _name, _path, size in media), **bar_options(progress)) as bar:
        for member, path, size in media:
            files.append(writer.add(member, path, size, bar))
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "manchette_version": metadata.version("manchette"),
        "created_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "database": {
            "engine": engine,
            "file": name,
            "server_version": snapshot.server_version,
            "tables": snapshot.tables,
        },
        "migrations": snapshot.migrations,
        "files": files,
    }
    writer.add_bytes(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1).encode())
    return manifest


def entry(name, size, digest):
    return {"path": name, "size": size, "sha256": digest}


def fsync(path):
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


class FolderWriter:
    """A backup folder, filled under a hidden name beside it, then renamed."""

    def __init__(self, destination):
        self.destination = destination
        self.partial = destination.with_name(f".{destination.name}.partial-{secrets.token_hex(4)}")
        self.partial.mkdir()

    def scratch(self, name):
        return self.partial / name

    def add_scratch(self, name, path):
        with path.open("rb") as file:
            size, digest = copy(file, None)
        fsync(path)
        return entry(name, size, digest)

    def add(self, name, path, size, bar):
        target = self.partial / name
        target.parent.mkdir(parents=True, exist_ok=True)
        with path.open("rb") as source, target.open("xb") as file:
            size, digest = copy(source, file, bar, size)
            file.flush()
            os.fsync(file.fileno())
        return entry(name, size, digest)

    def add_bytes(self, name, data):
        target = self.partial / name
        target.write_bytes(data)
        fsync(target)

    def commit(self):
        for folder, _subfolders, _files in os.walk(self.partial):
            fsync(folder)
        os.rename(self.partial, self.destination)
        fsync(self.destination.parent)

    def abort(self):
        shutil.rmtree(self.partial, ignore_errors=True)


class TarWriter:
    """A tar archive, gzip-compressed or not, written under a hidden name beside it, then renamed."""

    def __init__(self, destination):
        self.destination = destination
        token = secrets.token_hex(4)
        self.partial = destination.with_name(f".{destination.name}.partial-{token}")
        self.scratch_folder = destination.with_name(f".{destination.name}.database-{token}")
        self.scratch_folder.mkdir()
        # Level 6 as gzip's own default: media are mostly JPEG and WebP already, which level 9 would not shrink more.
        options = {"compresslevel": 6} if compression(destination) else {}
        self.archive = tarfile.open(self.partial, f"x:{compression(destination)}".rstrip(":"), format=tarfile.PAX_FORMAT, **options)  # noqa: SIM115 — closed by commit() or abort()

    def scratch(self, name):
        return self.scratch_folder / name

    def add_scratch(self, name, path):
        try:
            return self.add(name, path, path.stat().st_size)
        finally:
            shutil.rmtree(self.scratch_folder)

    def add(self, name, path, size, bar=None):
        info = tarfile.TarInfo(name)
        info.size, info.mtime, info.mode = size, int(path.stat().st_mtime), 0o644
        with path.open("rb") as file:
            reader = HashingReader(file, bar)
            self.archive.addfile(info, reader)
        return entry(name, reader.size, reader.digest.hexdigest())

    def add_bytes(self, name, data):
        info = tarfile.TarInfo(name)
        info.size, info.mtime, info.mode = len(data), int(datetime.datetime.now().timestamp()), 0o644
        self.archive.addfile(info, io.BytesIO(data))

    def commit(self):
        self.archive.close()
        fsync(self.partial)
        os.rename(self.partial, self.destination)
        fsync(self.destination.parent)

    def abort(self):
        with contextlib.suppress(Exception):
            self.archive.close()
        self.partial.unlink(missing_ok=True)
        shutil.rmtree(self.scratch_folder, ignore_errors=True)
