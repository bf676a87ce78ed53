"""The `manchette` command, run as a user runs it (a subprocess): its help, its commands' help that does nothing
else, its answer to an unknown command, in French, and the address `manchette demo` announces."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

NNBSP = "\u202f"
# Where set-up puts the command (README.md): beside the virtual environment's python.
MANCHETTE = Path(sys.executable).with_name("manchette")
COMMANDS = [
    "demo", "serve", "worker", "ingest", "load_demo", "generate_articles", "reindex_articles", "read_bounces",
    "periodic_wake", "setup_newsroom", "migrate", "createsuperuser", "publish_scheduled",
]


def run(*args, cwd, data_dir=None, timeout=60):
    env = {key: value for key, value in os.environ.items() if key not in ("MANCHETTE_DATA_DIR", "SECRET_KEY")}
    if data_dir is not None:
        env["MANCHETTE_DATA_DIR"] = str(data_dir)
    return subprocess.run([str(MANCHETTE), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def test_the_command_is_where_the_readme_says():
    assert MANCHETTE.is_file() and os.access(MANCHETTE, os.X_OK)
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert ".venv/bin/manchette" in readme


@pytest.mark.parametrize("flag", ["--help", "-h", "help", None])
def test_help_lists_every_command_with_one_line_each_in_french(tmp_path, flag):
    done = run(*([flag] if flag else []), cwd=tmp_path)
    assert done.returncode == 0 and done.stderr == ""
    lines = done.stdout.splitlines()
    assert lines[0] == f"Usage{NNBSP}: manchette <commande> [options]"
    for command in COMMANDS:
        (line,) = [line for line in lines if line.split()[:1] == [command]]
        assert len(line.split()) > 2, line
    assert f"«{NNBSP}manchette <commande> --help{NNBSP}»" in done.stdout
    # Nothing was loaded: no settings, hence no ./var in the current folder.
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("args", "first_line"),
    [
        (["demo", "--help"], f"Usage{NNBSP}: manchette demo"),
        (["demo", "--port", "9000", "-h"], f"Usage{NNBSP}: manchette demo"),
        (["help", "demo"], f"Usage{NNBSP}: manchette demo"),
        (["serve", "--help"], f"Usage{NNBSP}: manchette serve"),
        (["worker", "--help"], f"Usage{NNBSP}: manchette worker"),
        (["help", "worker"], f"Usage{NNBSP}: manchette worker"),
    ],
)
def test_our_commands_help_prints_help_and_does_nothing_else(tmp_path, args, first_line):
    done = run(*args, cwd=tmp_path)
    assert done.returncode == 0 and done.stderr == ""
    assert done.stdout.startswith(first_line)
    assert f"Options{NNBSP}:" in done.stdout and "affiche cette aide, sans rien faire d’autre" in done.stdout
    # No newspaper loaded, no database, no secret key: the folder is as it was.
    assert list(tmp_path.iterdir()) == []


def test_an_unknown_command_is_answered_in_french(tmp_path):
    done = run("ingset", "--source", "psm", cwd=tmp_path, data_dir=tmp_path / "var")
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == (
        f"manchette{NNBSP}: commande inconnue «{NNBSP}ingset{NNBSP}». Vouliez-vous dire «{NNBSP}ingest{NNBSP}»{NNBSP}?\n"
        f"«{NNBSP}manchette --help{NNBSP}» liste les commandes.\n"
    )


def test_a_bad_option_is_answered_in_french(tmp_path):
    done = run("serve", "--port", "abc", cwd=tmp_path)
    assert done.returncode == 2
    assert f"manchette serve{NNBSP}: option --port{NNBSP}: valeur invalide ('abc')" in done.stderr
    assert list(tmp_path.iterdir()) == []


# The demo as `manchette demo` runs it, its migrations, newspaper, server and worker replaced by stand-ins: what
# it announces, and what it starts.
DEMO = textwrap.dedent("""
    import sys
    import manchette.cli as cli

    class Process:
        def __init__(self, args):
            print("démarré :", " ".join(args[3:]), flush=True)
        def wait(self, timeout=None):
            return 0
        def terminate(self):
            pass

    cli.prepare = lambda: None
    cli.subprocess.Popen = Process
    import django.core.management
    django.core.management.call_command = lambda *args, **kwargs: None
    sys.exit(cli.main(sys.argv[1:]))
""")


@pytest.mark.parametrize(
    ("args", "site"),
    [
        ([], "http://127.0.0.1:8000/"),
        (["--port", "8765"], "http://127.0.0.1:8765/"),
        (["--host", "0.0.0.0", "--port", "9001"], "http://127.0.0.1:9001/"),
        (["--host", "::1", "--port", "9002"], "http://[::1]:9002/"),
    ],
)
def test_the_demo_announces_the_address_it_serves(tmp_path, args, site):
    env = {key: value for key, value in os.environ.items() if key not in ("PORT", "HOST")}
    env["MANCHETTE_DATA_DIR"] = str(tmp_path / "var")
    done = subprocess.run(
        [sys.executable, "-c", DEMO, "demo", *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert f"Le Quotidien de Manchette{NNBSP}: {site} — administration{NNBSP}: {site}admin/" in done.stdout
    port = site.rsplit(":", 1)[1].strip("/")
    assert f"serve --no-prepare --host {args[1] if args and args[0] == '--host' else '127.0.0.1'} --port {port}" in done.stdout
