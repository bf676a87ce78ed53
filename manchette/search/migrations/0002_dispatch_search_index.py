"""Dispatches get an index beside the articles’ one, searched the same way (see 0001 and models.py), and
filled at once from the dispatches readers see."""

import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Q
from django.utils import timezone

import manchette.search.models
from manchette.search.text import document

SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE search_dispatch_fts USING fts5(
        title, text, content='search_dispatchindex', content_rowid='dispatch_id', tokenize='ascii'
    )""",
    """CREATE TRIGGER search_dispatch_fts_insert AFTER INSERT ON search_dispatchindex BEGIN
        INSERT INTO search_dispatch_fts(rowid, title, text) VALUES (new.dispatch_id, new.title, new.text);
    END""",
    """CREATE TRIGGER search_dispatch_fts_delete AFTER DELETE ON search_dispatchindex BEGIN
        INSERT INTO search_dispatch_fts(search_dispatch_fts, rowid, title, text)
        VALUES ('delete', old.dispatch_id, old.title, old.text);
    END""",
    """CREATE TRIGGER search_dispatch_fts_update AFTER UPDATE ON search_dispatchindex BEGIN
        INSERT INTO search_dispatch_fts(search_dispatch_fts, rowid, title, text)
        VALUES ('delete', old.dispatch_id, old.title, old.text);
        INSERT INTO search_dispatch_fts(rowid, title, text) VALUES (new.dispatch_id, new.title, new.text);
    END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS search_dispatch_fts_update",
    "DROP TRIGGER IF EXISTS search_dispatch_fts_delete",
    "DROP TRIGGER IF EXISTS search_dispatch_fts_insert",
    "DROP TABLE IF EXISTS search_dispatch_fts",
]
# Title A and text B, as an article’s title and lead: ranks of both kinds compare (query.py).
POSTGRESQL_FORWARD = [
    """ALTER TABLE search_dispatchindex ADD COLUMN document tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple'::regconfig, title), 'A')
        || setweight(to_tsvector('simple'::regconfig, text), 'B')
    ) STORED""",
    "CREATE INDEX search_dispatchindex_document ON search_dispatchindex USING gin (document)",
]
POSTGRESQL_BACKWARD = [
    "DROP INDEX IF EXISTS search_dispatchindex_document",
    "ALTER TABLE search_dispatchindex DROP COLUMN IF EXISTS document",
]


def run_for_vendor(statements):
    def run(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


def index_visible_dispatches(apps, schema_editor):
    """What index.reindex_dispatches() does, with the historical models."""
    Dispatch = apps.get_model("filinfo", "Dispatch")
    DispatchIndex = apps.get_model("search", "DispatchIndex")
    visible = Dispatch.objects.filter(live=True).filter(Q(expire_at__isnull=True) | Q(expire_at__gt=timezone.now()))
    DispatchIndex.objects.bulk_create(
        (DispatchIndex(dispatch_id=pk, title=document(title), text=document(text))
         for pk, title, text in visible.values_list("pk", "title", "text").iterator(chunk_size=1000)),
        batch_size=1000,
    )


class Migration(migrations.Migration):

    dependencies = [
        ("filinfo", "0002_delete_feedevent"),
        ("search", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="DispatchFts5Entry",
            fields=[
                ("dispatch", models.OneToOneField(db_column="rowid", db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, primary_key=True, related_name="search_fts", serialize=False, to="filinfo.dispatch")),
                ("document", manchette.search.models.Fts5Column(db_column="search_dispatch_fts")),
            ],
            options={
                "db_table": "search_dispatch_fts",
                "managed": False,
            },
        ),
        migrations.CreateModel(
            name="DispatchTsEntry",
            fields=[
                ("dispatch", models.OneToOneField(db_column="dispatch_id", db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, primary_key=True, related_name="search_tsvector", serialize=False, to="filinfo.dispatch")),
                ("document", django.contrib.postgres.search.SearchVectorField()),
            ],
            options={
                "db_table": "search_dispatchindex",
                "managed": False,
            },
        ),
        migrations.CreateModel(
            name="DispatchIndex",
            fields=[
                ("dispatch", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name="search_index", serialize=False, to="filinfo.dispatch")),
                ("title", models.TextField()),
                ("text", models.TextField()),
            ],
        ),
        migrations.RunPython(
            run_for_vendor({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRESQL_FORWARD}),
            run_for_vendor({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRESQL_BACKWARD}),
        ),
        migrations.RunPython(index_visible_dispatches, migrations.RunPython.noop),
    ]
