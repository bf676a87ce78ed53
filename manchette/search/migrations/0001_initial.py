import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models

import manchette.search.models

# SQLite: an FTS5 index over search_articleindex (external content: the text is stored once), kept in
# step by triggers.
SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE search_fts USING fts5(
        title, lead, body, content='search_articleindex', content_rowid='article_id', tokenize='ascii'
    )""",
    """CREATE TRIGGER search_fts_insert AFTER INSERT ON search_articleindex BEGIN
        INSERT INTO search_fts(rowid, title, lead, body) VALUES (new.article_id, new.title, new.lead, new.body);
    END""",
    """CREATE TRIGGER search_fts_delete AFTER DELETE ON search_articleindex BEGIN
        INSERT INTO search_fts(search_fts, rowid, title, lead, body)
        VALUES ('delete', old.article_id, old.title, old.lead, old.body);
    END""",
    """CREATE TRIGGER search_fts_update AFTER UPDATE ON search_articleindex BEGIN
        INSERT INTO search_fts(search_fts, rowid, title, lead, body)
        VALUES ('delete', old.article_id, old.title, old.lead, old.body);
        INSERT INTO search_fts(rowid, title, lead, body) VALUES (new.article_id, new.title, new.lead, new.body);
    END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS search_fts_update",
    "DROP TRIGGER IF EXISTS search_fts_delete",
    "DROP TRIGGER IF EXISTS search_fts_insert",
    "DROP TABLE IF EXISTS search_fts",
]
# PostgreSQL: the text is already stemmed and folded, so the 'simple' configuration only splits it.
# The planner cannot see that testing a row's vector means detoasting it (~15 µs each): left alone, it
# checks rows one by one where the GIN index would answer at once (seconds at 100,000 articles).
# search_matches() asks the index only; query.py still lets the planner walk the newest pages for a word
# found in most articles, where a few hundred row checks beat listing every match.
POSTGRESQL_FORWARD = [
    """ALTER TABLE search_articleindex ADD COLUMN document tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple'::regconfig, title), 'A')
        || setweight(to_tsvector('simple'::regconfig, lead), 'B')
        || setweight(to_tsvector('simple'::regconfig, body), 'C')
    ) STORED""",
    "CREATE INDEX search_articleindex_document ON search_articleindex USING gin (document)",
    # Long values go to TOAST so the rows a bitmap scan visits stay ~100 bytes.
    "ALTER TABLE search_articleindex SET (toast_tuple_target = 128)",
    """CREATE FUNCTION search_matches(query tsquery) RETURNS SETOF integer
    LANGUAGE sql STABLE PARALLEL SAFE
    SET enable_seqscan = off SET enable_indexscan = off
    AS $$ SELECT article_id FROM search_articleindex WHERE document @@ query $$""",
]
POSTGRESQL_BACKWARD = [
    "DROP FUNCTION IF EXISTS search_matches(tsquery)",
    "ALTER TABLE search_articleindex RESET (toast_tuple_target)",
    "DROP INDEX IF EXISTS search_articleindex_document",
    "ALTER TABLE search_articleindex DROP COLUMN IF EXISTS document",
]


def run_for_vendor(statements):
    def run(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("news", "0002_page_url_path_index"),
        ("wagtailcore", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="ArticleIndex",
            fields=[
                ("article", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name="search_index", serialize=False, to="news.article")),
                ("title", models.TextField()),
                ("lead", models.TextField()),
                ("body", models.TextField()),
            ],
        ),
        migrations.CreateModel(
            name="Fts5Entry",
            fields=[
                ("page", models.OneToOneField(db_column="rowid", db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, primary_key=True, related_name="search_fts", serialize=False, to="wagtailcore.page")),
                ("document", manchette.search.models.Fts5Column(db_column="search_fts")),
            ],
            options={"db_table": "search_fts", "managed": False},
        ),
        migrations.CreateModel(
            name="TsEntry",
            fields=[
                ("page", models.OneToOneField(db_column="article_id", db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, primary_key=True, related_name="search_tsvector", serialize=False, to="wagtailcore.page")),
                ("document", django.contrib.postgres.search.SearchVectorField()),
            ],
            options={"db_table": "search_articleindex", "managed": False},
        ),
        migrations.RunPython(
            run_for_vendor({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRESQL_FORWARD}),
            run_for_vendor({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRESQL_BACKWARD}),
        ),
    ]
