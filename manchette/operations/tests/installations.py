"""What the backup tests compare and restore into.

installation_state(): every article, revision, dispatch, image and rendition of an installation, each row with
all its columns and each image file with its SHA-256. Run as `python -m manchette.operations.tests.installations`
it prints, as JSON, the state of the installation its environment configures (one a test restored).

empty_installation(): a database with nothing in it (a new SQLite file, or a new PostgreSQL database beside the
test's, dropped afterwards) and an empty media folder, for restore(), or for a `manchette` subprocess (env).
"""

import contextlib
import hashlib
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path


def file_digest(path):
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except FileNotFoundError:
        return "absent"


def _row(instance):
    return {field.attname: field.value_to_string(instance) for field in instance._meta.concrete_fields}


def installation_state(media_root=None, articles=None, dispatches=None, images=None):
    """{"article:12": {column: value…}, "revision:40": …, "image:3": {…, "sha256": …}, …}, JSON-ready; limited to
    the ARTICLES, DISPATCHES and IMAGES given (ids, with their revisions), when given."""
    from django.conf import settings
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Page, Revision

    from manchette.filinfo.models import Dispatch
    from manchette.news.models import Article, NewsImage, NewsRendition

    media_root = Path(media_root or settings.MEDIA_ROOT)
    everything = articles is None and dispatches is None and images is None

    def chosen(queryset, ids):
        return queryset.order_by("pk") if everything else queryset.filter(pk__in=ids or ()).order_by("pk")

    state = {}
    for article in chosen(Article.objects.all(), articles):
        state[f"article:{article.pk}"] = _row(article)
    for dispatch in chosen(Dispatch.objects.all(), dispatches):
        state[f"dispatch:{dispatch.pk}"] = _row(dispatch)
    revisions = Revision.objects.order_by("pk")
    if not everything:
        page_type, dispatch_type = ContentType.objects.get_for_model(Page), ContentType.objects.get_for_model(Dispatch)
        revisions = revisions.filter(base_content_type=page_type, object_id__in=[str(pk) for pk in articles or ()]) | \
            revisions.filter(base_content_type=dispatch_type, object_id__in=[str(pk) for pk in dispatches or ()])
    for revision in revisions:
        state[f"revision:{revision.pk}"] = _row(revision)
    for image in chosen(NewsImage.objects.all(), images):
        state[f"image:{image.pk}"] = {**_row(image), "sha256": file_digest(media_root / image.file.name)}
    if everything:
        for rendition in NewsRendition.objects.order_by("pk"):
            state[f"rendition:{rendition.pk}"] = {**_row(rendition), "sha256": file_digest(media_root / rendition.file.name)}
    return json.loads(json.dumps(state))


@dataclass
class Installation:
    """An installation to restore into: CONNECTION (a Django connection of its own), MEDIA_ROOT, and ENV, the
    environment of a `manchette` command run on it."""

    connection: object
    media_root: Path
    env: dict


def database_wrapper(settings_dict, alias):
    """A Django connection to another database than the test's, with Django's defaults filled in."""
    from django.db import connections
    from django.db.utils import load_backend

    configured = connections.configure_settings({"default": connections["default"].settings_dict, alias: settings_dict})
    return load_backend(configured[alias]["ENGINE"]).DatabaseWrapper(configured[alias], alias)


@contextlib.contextmanager
def postgres_admin(settings_dict):
    """A psycopg connection to the server's maintenance database, in autocommit (CREATE and DROP DATABASE)."""
    import psycopg

    connection = psycopg.connect(
        dbname="postgres", user=settings_dict["USER"] or None, password=settings_dict["PASSWORD"] or None,
        host=settings_dict["HOST"] or None, port=settings_dict["PORT"] or None, autocommit=True,
    )
    try:
        yield connection
    finally:
        connection.close()


@contextlib.contextmanager
def empty_installation(folder):
    """An empty installation under FOLDER, on the engine the tests run on."""
    from django.db import connection

    from manchette.testing.pytest_plugin import database_env, serving_env

    folder = Path(folder)
    media_root = folder / "media"
    folder.mkdir(parents=True, exist_ok=True)
    base = {**connection.settings_dict, "TEST": {}}
    env = serving_env(MANCHETTE_DATA_DIR=folder, MEDIA_ROOT=media_root)
    if connection.vendor == "sqlite":
        path = folder / "manchette.sqlite3"
        target = database_wrapper({**base, "NAME": str(path)}, "restore_target")
        try:
            yield Installation(target, media_root, {**env, "SQLITE_PATH": str(path), "DATABASE_URL": ""})
        finally:
            target.close()
        return
    name = f"manchette_restore_{secrets.token_hex(6)}"
    options = {key: value for key, value in base["OPTIONS"].items() if key != "pool"}
    url = database_env()["DATABASE_URL"].rsplit("/", 1)[0] + f"/{name}"
    with postgres_admin(base) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        target = database_wrapper({**base, "NAME": name, "OPTIONS": options}, "restore_target")
        try:
            yield Installation(target, media_root, {**env, "DATABASE_URL": url})
        finally:
            target.close()
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "manchette.settings")
    import django

    django.setup()
    print(json.dumps(installation_state()))
