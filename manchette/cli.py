"""The `manchette` command: demo, serve, worker, and every Django management command."""

import os
import subprocess
import sys

USAGE = """Usage : manchette <commande> [options]

  demo      migre, charge le journal de démonstration si la base est vide et le sert sur http://127.0.0.1:8000
  serve     sert le site en production (granian, plusieurs processus)
  worker    exécute les tâches de fond (publication programmée…)
  …         toute commande de gestion Django (migrate, createsuperuser, shell…)
"""


def _setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "manchette.settings")
    import django

    django.setup()


def _data_dirs():
    from django.conf import settings

    for folder in (settings.DATA_DIR, settings.MEDIA_ROOT, settings.STATIC_ROOT):
        folder.mkdir(parents=True, exist_ok=True)


def prepare():
    """Everything a fresh checkout needs before serving: folders, schema, static files, groups."""
    from django.core.management import call_command

    _data_dirs()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("setup_newsroom", verbosity=0)


def granian_command(argv):
    import argparse

    from django.conf import settings

    parser = argparse.ArgumentParser(prog="manchette serve", description="Sert le site avec granian (ASGI).")
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", os.cpu_count() or 2)))
    parser.add_argument("--no-prepare", action="store_true", help="ne pas migrer ni collecter les fichiers statiques")
    args = parser.parse_args(argv)
    if args.no_prepare:
        _data_dirs()
    else:
        prepare()
    return [
        sys.executable, "-m", "granian", "--interface", "asgi",
        "--host", args.host, "--port", str(args.port), "--workers", str(args.workers),
        "--loop", "uvloop", "--backlog", "4096", "--no-ws", "--http", "1",
        # A stream whose reader stopped reading cannot be ended gracefully: its worker is killed after this.
        "--workers-kill-timeout", "10",
        # Each open fil info stream counts as a request in flight: leave room for all of them.
        "--backpressure", str(settings.FILINFO_MAX_STREAMS + 1000),
        "--static-path-route", settings.STATIC_URL.rstrip("/"),
        "--static-path-mount", str(settings.STATIC_ROOT),
        "--static-path-route", settings.MEDIA_URL.rstrip("/"),
        "--static-path-mount", str(settings.MEDIA_ROOT),
        "manchette.asgi:application",
    ]


def serve(argv):
    command = granian_command(argv)
    os.execv(command[0], command)


def worker(argv):
    from django.core.management import call_command

    _data_dirs()
    call_command("migrate", interactive=False, verbosity=0)
    # Anything that fell due while no worker ran is published now, then the queue takes over.
    call_command("publish_scheduled", verbosity=0)
    call_command("db_worker", *argv)


def demo(argv):
    from django.core.management import call_command

    prepare()
    call_command("load_demo")
    worker_process = subprocess.Popen([sys.executable, "-m", "manchette.cli", "worker", "--interval", "1", "--verbosity", "0"])
    server_process = subprocess.Popen(granian_command(["--no-prepare", *argv]))
    print("Le Quotidien de Manchette : http://127.0.0.1:8000/ — administration : http://127.0.0.1:8000/admin/")
    try:
        return server_process.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        for process in (server_process, worker_process):
            process.terminate()
            process.wait(timeout=30)


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(USAGE)
        return 0
    _setup()
    command, rest = argv[0], argv[1:]
    if command == "serve":
        return serve(rest)
    if command == "worker":
        return worker(rest)
    if command == "demo":
        return demo(rest)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["manchette", *argv])
    return 0


if __name__ == "__main__":
    sys.exit(main())
