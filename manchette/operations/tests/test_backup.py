"""manchette backup and manchette restore on a site at rest: what a backup holds, a round trip that gives back every
row of every table and every media file, and the refusals — a target that holds data, a backup that does not match
its manifest, a path that would leave the folder, a newer migration state, another engine — each of which leaves
the target as it was. The backup of a running site is test_backup_running.py's."""

import datetime
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
from importlib import metadata
from pathlib import Path

import pytest
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from manchette.filinfo.tests.factories import publish_dispatch
from manchette.news.tests.factories import ImageFactory
from manchette.operations import snapshots
from manchette.operations.archives import ENGINE_NAMES, FILE_NAMES, MANIFEST, OperationError, Refusal
from manchette.operations.backup import backup
from manchette.operations.restore import STAGING_PREFIX, restore
from manchette.testing.pytest_plugin import serving_env

from .installations import empty_installation

# pg_dump reads what is committed: the site is written for real, not in a transaction rolled back at the end.
pytestmark = pytest.mark.django_db(transaction=True)

MANCHETTE = Path(sys.executable).with_name("manchette")


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "medias-du-site"
    return settings.MEDIA_ROOT


@pytest.fixture
def site(published_article, media_root):
    """An article with its image, and a dispatch of the fil info."""
    image = ImageFactory(title="Le pont de Jambes")
    publish_dispatch("Le pont de Jambes rouvre à midi")
    return published_article(title="Le pont rouvre", slug="pont", hero_image=image)


@pytest.fixture
def target(tmp_path):
    with empty_installation(tmp_path / "restauree") as installation:
        yield installation


@pytest.fixture
def saved(site, tmp_path):
    """A backup folder of the site."""
    path, _manifest = backup(tmp_path / "sauvegarde", progress=False)
    return path


def restore_into(target, source, **options):
    return restore(source, connection=target.connection, media_root=target.media_root, progress=False, **options)


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def files_under(folder):
    """{relative path: sha256} of the files under FOLDER."""
    return {path.relative_to(folder).as_posix(): digest(path) for path in sorted(folder.rglob("*")) if path.is_file()}


def table_rows(database):
    """Every row of every table of DATABASE (a Django connection), each table's rows in a stable order."""
    rows = {}
    with database.cursor() as cursor:
        for table in snapshots.row_counts(database):
            quoted = ".".join(snapshots.quoted(part) for part in table.split(".")) if database.vendor == "postgresql" else snapshots.quoted(table)
            cursor.execute(f"SELECT * FROM {quoted}")
            rows[table] = sorted((tuple(row) for row in cursor.fetchall()), key=repr)
    return rows


def untouched(target):
    """The target is as empty as it was: no row, no media file, no staging folder left behind."""
    assert not any(snapshots.row_counts(target.connection).values())
    assert not target.media_root.exists() or not any(target.media_root.iterdir())


def edit_manifest(folder, change):
    path = folder / MANIFEST
    manifest = json.loads(path.read_text())
    change(manifest)
    path.write_text(json.dumps(manifest))


@pytest.mark.parametrize("name", ["sauvegarde", "sauvegarde.tar", "sauvegarde.tar.gz"])
def test_a_backup_restores_every_row_and_file_into_an_empty_installation(site, media_root, target, tmp_path, name):
    path, manifest = backup(tmp_path / name, progress=False)

    engine = {"sqlite": "sqlite", "postgresql": "postgresql"}[connection.vendor]
    assert (manifest["format"], manifest["format_version"]) == ("manchette-backup", 1)
    assert manifest["manchette_version"] == metadata.version("manchette")
    created = datetime.datetime.fromisoformat(manifest["created_at"])
    assert abs(datetime.datetime.now(datetime.UTC) - created) < datetime.timedelta(minutes=5)
    assert manifest["database"]["engine"] == engine
    assert manifest["database"]["tables"] == snapshots.row_counts(connection)
    applied = {}
    for app, migration in MigrationRecorder.Migration.objects.order_by("id").values_list("app", "name"):
        applied.setdefault(app, []).append(migration)
    assert manifest["migrations"] == applied
    media = {entry["path"]: entry["sha256"] for entry in manifest["files"][1:]}
    assert media == {f"media/{name}": sha for name, sha in files_under(media_root).items()}
    assert any(name.startswith("media/original_images/") for name in media)
    assert manifest["files"][0]["path"] == FILE_NAMES[engine]
    assert path.is_dir() == (name == "sauvegarde")
    assert not [leftover for leftover in tmp_path.iterdir() if leftover.name.startswith(".")]

    restored = restore_into(target, path)

    assert restored.pending == []
    assert table_rows(target.connection) == table_rows(connection)
    assert files_under(target.media_root) == files_under(media_root)
    assert [entry.name for entry in target.media_root.iterdir() if entry.name.startswith(STAGING_PREFIX)] == []


def test_a_backup_never_replaces_another_nor_goes_into_the_media(saved, media_root):
    with pytest.raises(Refusal, match="existe déjà") as refusal:
        backup(saved, progress=False)
    assert refusal.value.exit_code == 2
    with pytest.raises(Refusal, match="dossier des médias"):
        backup(media_root / "sauvegardes" / "hier.tar", progress=False)
    assert not (media_root / "sauvegardes").exists()


def test_restore_refuses_a_database_that_holds_data_unless_forced(saved, target):
    # The test's own database holds the site: restoring into it is refused, and it is left as it was.
    before = table_rows(connection)
    with pytest.raises(Refusal, match=r"contient déjà des données.*--force") as refusal:
        restore(saved, media_root=target.media_root, progress=False)
    assert refusal.value.exit_code == 2
    assert table_rows(connection) == before

    restore_into(target, saved)
    with pytest.raises(Refusal, match="contient déjà des données"):
        restore_into(target, saved)
    restore_into(target, saved, force=True)
    assert table_rows(target.connection) == before


def test_restore_refuses_media_already_there_unless_forced(saved, target):
    target.media_root.mkdir(parents=True)
    (target.media_root / "ancienne.jpg").write_bytes(b"une image d'avant")
    with pytest.raises(Refusal, match="contient déjà des fichiers"):
        restore_into(target, saved)
    assert not any(snapshots.row_counts(target.connection).values())

    restore_into(target, saved, force=True)
    assert files_under(target.media_root) == files_under(saved / "media")


def _changed_file(folder):
    path = next((folder / "media").rglob("*.jpg"))
    data = bytearray(path.read_bytes())
    data[-3] ^= 0xFF
    path.write_bytes(bytes(data))


TAMPERINGS = {
    "a media file changed": (_changed_file, "différents de ce que dit le manifeste"),
    "the database changed": (
        lambda folder: next(folder.glob("database.*")).open("ab").write(b"\0"), "différents de ce que dit le manifeste",
    ),
    "a media file missing": (lambda folder: next((folder / "media").rglob("*.jpg")).unlink(), "absents de la sauvegarde"),
    "a file added": (lambda folder: (folder / "media" / "intrus.php").write_text("<?php"), "absents du manifeste"),
    "no manifest": (lambda folder: (folder / MANIFEST).unlink(), "pas de manifest.json"),
    "a manifest that is not JSON": (lambda folder: (folder / MANIFEST).write_text("{pas du json"), "illisible"),
    "another program's manifest": (
        lambda folder: edit_manifest(folder, lambda manifest: manifest.update(format="autre")), "pas celui d’une sauvegarde",
    ),
    "a newer format": (
        lambda folder: edit_manifest(folder, lambda manifest: manifest.update(format_version=2)), "format 2",
    ),
    "a manifest without files": (
        lambda folder: edit_manifest(folder, lambda manifest: manifest.pop("files")), "incomplet ou mal formé",
    ),
    "a path out of the folder": (
        lambda folder: edit_manifest(folder, lambda manifest: manifest["files"].append(
            {"path": "../../dehors.txt", "size": 1, "sha256": "0" * 64})),
        "Chemin refusé",
    ),
    "a link": (lambda folder: (folder / "media" / "lien").symlink_to("/etc/passwd"), "contient un lien"),
}


def test_restore_refuses_a_backup_that_does_not_match_its_manifest(saved, target, tmp_path):
    # One backup copied for each change: a test apiece would spend most of its time emptying the database.
    for tampering, (change, message) in TAMPERINGS.items():
        copy = shutil.copytree(saved, tmp_path / "modifiee", symlinks=True)
        change(copy)
        with pytest.raises(Refusal, match=message) as refusal:
            restore_into(target, copy)
        assert refusal.value.exit_code == 2, tampering
        untouched(target)
        shutil.rmtree(copy)


def archive_with(folder, path, extra):
    """The backup FOLDER as a tar archive at PATH, with EXTRA (TarInfo, bytes or None) added first."""
    with tarfile.open(path, "w:gz") as archive:
        for info, data in extra:
            archive.addfile(info, io.BytesIO(data) if data is not None else None)
        for name in sorted(entry.relative_to(folder).as_posix() for entry in folder.rglob("*") if entry.is_file()):
            archive.add(folder / name, name)
    return path


def member(name, data=None, kind=tarfile.REGTYPE, link=""):
    info = tarfile.TarInfo(name)
    info.type, info.linkname, info.size = kind, link, len(data or b"")
    return info, data


DANGEROUS_MEMBERS = {
    "a parent folder": (member("../evasion.txt", b"hors du dossier"), "Chemin refusé"),
    "a parent folder inside": (member("media/../../evasion.txt", b"hors du dossier"), "Chemin refusé"),
    "an absolute path": (member("/tmp/evasion-absolue.txt", b"chemin absolu"), "Chemin refusé"),
    "a symbolic link": (member("media/lien", kind=tarfile.SYMTYPE, link="/etc/passwd"), "pas un fichier ordinaire"),
    "a hard link": (member("media/lien-dur", kind=tarfile.LNKTYPE, link="../evasion.txt"), "pas un fichier ordinaire"),
    "a device": (member("media/peripherique", kind=tarfile.CHRTYPE), "pas un fichier ordinaire"),
}


def test_restore_refuses_an_archive_member_that_would_leave_the_folder(saved, target, tmp_path):
    for danger, (extra, message) in DANGEROUS_MEMBERS.items():
        archive = archive_with(saved, tmp_path / "piegee.tar.gz", [extra])
        with pytest.raises(Refusal, match=message):
            restore_into(target, archive)
        untouched(target)
        for outside in (tmp_path / "evasion.txt", target.media_root.parent / "evasion.txt", Path("/tmp/evasion-absolue.txt")):
            assert not outside.exists(), danger
        archive.unlink()


def test_restore_refuses_an_archive_without_manifest_or_twice_the_same_file(saved, target, tmp_path):
    (saved / MANIFEST).rename(tmp_path / MANIFEST)
    with pytest.raises(Refusal, match=r"pas de manifest\.json"):
        restore_into(target, archive_with(saved, tmp_path / "sans-manifeste.tar", []))
    (tmp_path / MANIFEST).rename(saved / MANIFEST)
    twice = member(next(saved.glob("database.*")).name, b"une autre base")
    with pytest.raises(Refusal, match="deux fois"):
        restore_into(target, archive_with(saved, tmp_path / "double.tar", [twice]))
    untouched(target)


def test_restore_refuses_a_newer_migration_state_and_takes_an_older_one(saved, target):
    edit_manifest(saved, lambda manifest: manifest["migrations"]["news"].append("9999_edition_du_futur"))
    with pytest.raises(Refusal, match=r"plus récente.*news\.9999_edition_du_futur"):
        restore_into(target, saved)
    untouched(target)

    # A backup made before the latest migration of an app: restored, and the migration is said to be pending.
    latest = {}
    edit_manifest(saved, lambda manifest: latest.update(news=[manifest["migrations"]["news"].pop(), manifest["migrations"]["news"].pop()]))
    restored = restore_into(target, saved)
    assert ("news", latest["news"][1]) in restored.pending


def test_restore_refuses_a_backup_of_another_engine(saved, target):
    other = {"sqlite": "postgresql", "postgresql": "sqlite"}[connection.vendor]

    def change(manifest):
        manifest["database"].update(engine=other, file=FILE_NAMES[other])
        manifest["files"][0]["path"] = FILE_NAMES[other]

    edit_manifest(saved, change)
    next(saved.glob("database.*")).rename(saved / FILE_NAMES[other])
    with pytest.raises(Refusal, match=f"celle d’une base {ENGINE_NAMES[other]}"):
        restore_into(target, saved)
    untouched(target)


def test_a_database_copy_that_cannot_be_loaded_leaves_the_target_as_it_was(saved, target, tmp_path):
    restore_into(target, saved)
    before = table_rows(target.connection)
    broken = tmp_path / "cassee"
    dump = next(saved.glob("database.*"))
    if connection.vendor == "sqlite":
        broken.write_bytes(b"ceci n'est pas une base SQLite" * 1000)
    else:
        # Cut in the middle of the table data: pg_restore stops half-way, after psql has dropped every table.
        broken.write_bytes(dump.read_bytes()[: dump.stat().st_size * 2 // 3])
    with pytest.raises(OperationError, match="restée telle qu’elle était"):
        snapshots.load(target.connection, broken)
    assert table_rows(target.connection) == before


def manchette(*args, env):
    return subprocess.run([str(MANCHETTE), *args], env=env, capture_output=True, text=True, timeout=120, check=False)


def test_the_commands_answer_refusals_in_french_with_exit_code_2(saved, media_root, tmp_path):
    env = serving_env(MEDIA_ROOT=media_root)
    done = manchette("restore", str(saved), env=env)
    assert done.returncode == 2
    assert done.stderr.startswith("manchette restore : La base de données configurée contient déjà des données")
    assert "Traceback" not in done.stderr and done.stdout == ""

    done = manchette("backup", str(saved), env=env)
    assert done.returncode == 2
    assert done.stderr.startswith(f"manchette backup : {saved} existe déjà")

    done = manchette("backup", str(tmp_path / "en-ligne.tar.gz"), env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"Sauvegarde écrite : {tmp_path / 'en-ligne.tar.gz'}\nBase ")
    assert os.path.getsize(tmp_path / "en-ligne.tar.gz") > 0
