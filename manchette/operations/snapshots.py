"""The database's part of a backup: a copy of one instant, taken while the site writes, and putting it back.

SQLite: the online backup API, page by page, from a connection that holds one read transaction for the whole
copy. In WAL mode writers go on meanwhile and the copy is the database as that transaction first saw it
(without the transaction, every write by another connection would restart the copy). The copy is turned to
the rollback journal, one self-contained file; restoring copies it into place by the same API, which replaces
the target's pages in one write transaction.

PostgreSQL: pg_dump in its custom format, on a snapshot exported by a REPEATABLE READ transaction in which
the manifest's row counts and migrations are read too, so that they describe the very instant dumped.
Restoring feeds pg_restore's script to psql in one transaction, after dropping what the target holds: a
failure leaves the target as it was. pg_dump must be at least the server's version: the tools of the server's
own version are taken (Debian keeps each version's under /usr/lib/postgresql/<version>/bin).
"""

import contextlib
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from django.db.backends.postgresql.client import DatabaseClient

from .archives import OperationError, Refusal

ENGINES = {"django.db.backends.sqlite3": "sqlite", "django.db.backends.postgresql": "postgresql"}
SQLITE_STEP_PAGES = 2048  # 8 MiB of 4 KiB pages between two updates of the progress bar
LOCK_TIMEOUT = 20  # seconds, as the site's own connections wait (settings.SQLITE_OPTIONS)
POLL_SECONDS = 0.2
POSTGRES_TOOLS = Path("/usr/lib/postgresql")


@dataclass
class Snapshot:
    """What the manifest says of the copied database: rows per table and migrations, at the instant copied."""

    tables: dict
    migrations: dict
    server_version: str = ""


def engine(connection):
    name = ENGINES.get(connection.settings_dict["ENGINE"])
    if name is None:
        raise Refusal(f"Moteur de base de données non pris en charge : {connection.settings_dict['ENGINE']} "
                      "(SQLite et PostgreSQL seulement).")
    return name


def dump(connection, target, bar):
    """Writes a copy of CONNECTION's database at TARGET (a new file); BAR (tqdm) follows it. Returns a Snapshot."""
    return {"sqlite": dump_sqlite, "postgresql": dump_postgresql}[engine(connection)](connection, Path(target), bar)


def load(connection, source):
    """Replaces CONNECTION's database by the copy at SOURCE."""
    {"sqlite": load_sqlite, "postgresql": load_postgresql}[engine(connection)](connection, Path(source))


def row_counts(connection):
    """{table: rows} of CONNECTION's database as it is now (empty when it does not exist yet)."""
    if engine(connection) == "sqlite":
        path = Path(connection.settings_dict["NAME"])
        if not path.exists():
            return {}
        with _sqlite(path) as database:
            return sqlite_tables(database)
    with connection.cursor() as cursor:
        return postgres_tables(cursor)


def migrations_of(cursor):
    """{app: [migration, …]} in the order they were applied."""
    applied = {}
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
    for app, name in cursor.fetchall():
        applied.setdefault(app, []).append(name)
    return applied


# SQLite


class _sqlite:
    """A plain sqlite3 connection (autocommit, waiting for locks as the site does), closed at the end of a with."""

    def __init__(self, path, uri=False):
        self.connection = sqlite3.connect(path, timeout=LOCK_TIMEOUT, isolation_level=None, uri=uri)

    def __enter__(self):
        return self.connection

    def __exit__(self, *exc_info):
        self.connection.close()


def quoted(name):
    return '"' + name.replace('"', '""') + '"'


def sqlite_tables(database):
    names = database.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"
    ).fetchall()
    return {name: database.execute(f"SELECT count(*) FROM {quoted(name)}").fetchone()[0] for (name,) in names}


def dump_sqlite(connection, target, bar):
    path = Path(connection.settings_dict["NAME"])
    if not path.is_file():
        raise Refusal(f"La base SQLite {path} n’existe pas : il n’y a rien à sauvegarder.")
    with _sqlite(path) as source, _sqlite(target) as copy:
        source.execute("BEGIN")
        # The read transaction starts with the first read: this connection sees this instant until COMMIT.
        pages, page_size = source.execute("SELECT * FROM pragma_page_count(), pragma_page_size()").fetchone()
        bar.reset(total=pages * page_size)

        def progress(status, remaining, total):
            bar.n = (total - remaining) * page_size
            bar.refresh()

        source.backup(copy, pages=SQLITE_STEP_PAGES, progress=progress)
        source.execute("COMMIT")
        copy.execute("PRAGMA journal_mode=DELETE")
        return Snapshot(tables=sqlite_tables(copy), migrations=migrations_of(copy.cursor()), server_version=sqlite3.sqlite_version)


def load_sqlite(connection, source):
    target = Path(connection.settings_dict["NAME"])
    target.parent.mkdir(parents=True, exist_ok=True)
    connection.close()
    try:
        with _sqlite(f"{source.as_uri()}?mode=ro", uri=True) as copy, _sqlite(target) as database:
            # In one step: one write transaction on the target, rolled back if anything fails.
            copy.backup(database)
            database.execute("PRAGMA journal_mode=WAL")
    except sqlite3.Error as error:
        raise OperationError(f"La copie de la base n’a pas pu être chargée ({error}) ; la base est restée telle qu’elle était.") from error


# PostgreSQL


def postgres_tables(cursor):
    cursor.execute(
        "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind IN ('r', 'p') AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%' "
        "ORDER BY 1, 2"
    )
    counts = {}
    for schema, table in cursor.fetchall():
        cursor.execute(f"SELECT count(*) FROM {quoted(schema)}.{quoted(table)}")
        counts[f"{schema}.{table}"] = cursor.fetchone()[0]
    return counts


def postgres_tool(name, connection):
    """The path of NAME (pg_dump, pg_restore, psql) of the server's major version, or of a newer one."""
    connection.ensure_connection()
    major = connection.pg_version // 10000
    candidates = [POSTGRES_TOOLS / str(major) / "bin" / name, shutil.which(name)]
    candidates += sorted(POSTGRES_TOOLS.glob(f"*/bin/{name}"), key=lambda path: _version(path.parts[-3]), reverse=True)
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and _tool_major(candidate) >= major:
            return str(candidate)
    raise Refusal(f"{name} {major} (ou plus récent) est introuvable, et il faut celui de la version du serveur : "
                  f"installez le paquet postgresql-client-{major}.")


def _version(text):
    return int(text) if text.isdigit() else 0


def _tool_major(path):
    done = subprocess.run([str(path), "--version"], capture_output=True, text=True, timeout=30, check=False)
    found = re.search(r"\)\s*(\d+)", done.stdout) or re.search(r"(\d+)", done.stdout)
    return int(found.group(1)) if found else 0


def _command(tool, connection, options):
    """TOOL's command line and environment for CONNECTION's database (the way Django's dbshell makes psql's)."""
    args, env = DatabaseClient.settings_to_cmd_args_env(connection.settings_dict, [])
    return [tool, *options, *args[1:]], {**os.environ, **(env or {})}


def _failed(what, errors):
    errors.seek(0)
    text = errors.read().decode(errors="replace").strip()
    return OperationError(f"{what} a échoué : {text[-2000:] or 'sans message'}")


def dump_postgresql(connection, target, bar):
    pg_dump = postgres_tool("pg_dump", connection)
    if connection.in_atomic_block:
        raise OperationError("La sauvegarde doit lire la base hors de toute transaction, pour en voir un instant validé.")
    with connection.cursor() as cursor, tempfile.TemporaryFile() as errors:
        # Read-only, and rolled back at the end: the snapshot lives as long as this transaction, until pg_dump is done.
        cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        try:
            cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
            snapshot_id, server_version = cursor.fetchone()
            command, env = _command(pg_dump, connection, ["--format=custom", f"--snapshot={snapshot_id}", f"--file={target}"])
            process = subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=errors)
            try:
                snapshot = Snapshot(tables=postgres_tables(cursor), migrations=migrations_of(cursor), server_version=server_version)
                while process.poll() is None:
                    _follow(target, bar)
                    time.sleep(POLL_SECONDS)
                _follow(target, bar)
            finally:
                if process.poll() is None:
                    process.kill()
                    process.wait()
        finally:
            cursor.execute("ROLLBACK")
        if process.returncode:
            raise _failed("pg_dump", errors)
    return snapshot


def _follow(path, bar):
    if path.exists():
        bar.n = path.stat().st_size
        bar.refresh()


def drop_statements(cursor):
    """What empties the current schema of everything but extensions' objects, so that the dump's names are free."""
    cursor.execute(
        """
        SELECT format('DROP %s IF EXISTS %I.%I CASCADE',
                      CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'S' THEN 'SEQUENCE'
                                     WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END,
                      n.nspname, c.relname)
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('e', 'a', 'i'))
        UNION ALL
        SELECT format('DROP ROUTINE IF EXISTS %I.%I(%s) CASCADE', n.nspname, p.proname,
                      pg_get_function_identity_arguments(p.oid))
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = current_schema()
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
        """
    )
    return [statement for (statement,) in cursor.fetchall()]


def load_postgresql(connection, source):
    pg_restore, psql = postgres_tool("pg_restore", connection), postgres_tool("psql", connection)
    with connection.cursor() as cursor:
        drops = drop_statements(cursor)
    connection.close()
    command, env = _command(psql, connection, ["--no-psqlrc", "--quiet", "--set=ON_ERROR_STOP=1", "--file=-"])
    with tempfile.TemporaryFile() as script_errors, tempfile.TemporaryFile() as errors:
        loader = subprocess.Popen(command, env=env, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=errors)
        script = subprocess.Popen([pg_restore, "--no-owner", "--no-privileges", "--file=-", str(source)],
                                  stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=script_errors)
        try:
            # One transaction, committed only once pg_restore has said everything: psql leaving before COMMIT (an
            # error, a script cut short) rolls it all back.
            loader.stdin.write(b"BEGIN;\n" + "".join(f"{statement};\n" for statement in drops).encode())
            shutil.copyfileobj(script.stdout, loader.stdin)
            if script.wait() == 0:
                loader.stdin.write(b"COMMIT;\n")
            loader.stdin.close()
        except BrokenPipeError:
            pass  # psql stopped at an error, which it reports
        finally:
            script.stdout.close()
            if script.poll() is None:
                script.kill()
            script.wait()
            with contextlib.suppress(BrokenPipeError):
                loader.stdin.close()
            loader.wait()
        if loader.returncode:
            raise _failed("Le chargement dans PostgreSQL (psql ; la base est restée telle qu’elle était)", errors)
        if script.returncode:
            raise _failed("pg_restore (la base est restée telle qu’elle était)", script_errors)
