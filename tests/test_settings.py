"""Settings an operator gives through the environment get the same safe behaviour as the defaults."""

import subprocess
import sys

from django.conf import settings

CHECK = """
from django.db import connection
connection.ensure_connection()
options = connection.settings_dict["OPTIONS"]
print("RESULT", options.get("transaction_mode"), options.get("timeout"), connection.cursor().execute("PRAGMA journal_mode").fetchone()[0])
"""


def test_a_sqlite_database_url_gets_the_embedded_defaults(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "MANCHETTE_DATA_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path}/journal.sqlite3"}
    result = subprocess.run(
        [sys.executable, "-m", "manchette.cli", "shell", "-c", CHECK], cwd=settings.PACKAGE_DIR.parent,
        env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "RESULT IMMEDIATE 20 wal" in result.stdout
