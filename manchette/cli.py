"""The `manchette` command: demo, serve, worker, and every Django management command."""

import os
import signal
import subprocess
import sys

USAGE = """Usage : manchette <commande> [options]

  demo      migre, charge le journal de démonstration si la base est vide et le sert sur http://127.0.0.1:8000
  serve     sert le site en production (uvicorn, plusieurs processus)
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


def serve(argv):
    import argparse
    import secrets

    import uvicorn
    from django.conf import settings

    from manchette.edge import machine

    parser = argparse.ArgumentParser(prog="manchette serve", description="Sert le site avec uvicorn (ASGI).")
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", os.cpu_count() or 2)))
    parser.add_argument("--no-prepare", action="store_true", help="ne pas migrer ni collecter les fichiers statiques")
    args = parser.parse_args(argv)
    from manchette.edge.security import refuse_to_serve

    refusal = refuse_to_serve()
    if refusal:
        print(f"manchette serve : {refusal}", file=sys.stderr)
        return 2
    if args.no_prepare:
        _data_dirs()
    else:
        prepare()
    # The workers of this run share their renders (edge/machine.py); no other run, older code included, does.
    os.environ[machine.RUN_VARIABLE] = run = f"run-{secrets.token_hex(6)}"
    machine.forget_old_runs(settings.DATA_DIR, keep=run)
    uvicorn.run(
        "manchette.asgi:application",
        host=args.host, port=args.port, workers=args.workers,
        loop="uvloop", http="manchette.edge.protocol:EdgeHttpProtocol", ws="none", lifespan="on",
        backlog=4096,
        # edge/protocol.py limits connections itself (HTTP_MAX_CONNECTIONS, under the open-file limit).
        limit_concurrency=None,
        # A stream whose reader stopped reading cannot end gracefully: it is cancelled after this.
        timeout_graceful_shutdown=10,
        # X-Forwarded-For/-Proto are read by the stack itself, from TRUSTED_PROXIES only (edge/proxies.py), for
        # the fast path and the ASGI path alike: uvicorn's own middleware would hide the stack from the fast path.
        proxy_headers=False, server_header=False, access_log=False,
        log_level=os.environ.get("LOG_LEVEL", "warning").lower(),
    )
    return 0


def worker(argv):
    from django.core.management import call_command

    from manchette.edge.security import refuse_to_serve

    # The worker signs what the site reads back (shared blocks' token, e-mails' links): the same real key.
    refusal = refuse_to_serve()
    if refusal:
        print(f"manchette worker : {refusal}", file=sys.stderr)
        return 2
    _data_dirs()
    call_command("migrate", interactive=False, verbosity=0)
    # Anything that fell due while no worker ran is published now, then the queue takes over.
    call_command("publish_scheduled", verbosity=0)
    # Newsletters that fell due, and sends a stopped worker left half-way (newsletters/tasks.py).
    call_command("newsletters_wake", verbosity=0)
    call_command("db_worker", *argv)


def demo_secret_key():
    """The demo's SECRET_KEY when none is set: made once and kept in DATA_DIR/secret-key (readable by its owner
    only), so sessions survive a restart. Read before Django's settings are, hence DATA_DIR found as they find it."""
    import secrets
    from pathlib import Path

    folder = Path(os.environ.get("MANCHETTE_DATA_DIR", Path.cwd() / "var")).resolve()
    path = folder / "secret-key"
    key = path.read_text().strip() if path.exists() else ""
    if key:
        return key
    # Absent, or empty (left by a crash of an older demo): made whole in a file of its own, then given the key's
    # name, so the name never holds part of a key. Linked where no key is, so that of two demos starting at once
    # the first key stays and both read it; renamed over an empty file.
    folder.mkdir(parents=True, exist_ok=True)
    temporary = folder / f".secret-key.{os.getpid()}.{secrets.token_hex(4)}"
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_urlsafe(50) + "\n")
            file.flush()
            os.fsync(file.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            if not path.read_text().strip():
                os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return path.read_text().strip()


def demo(argv):
    from django.core.management import call_command

    prepare()
    call_command("load_demo")
    worker_process = subprocess.Popen([sys.executable, "-m", "manchette.cli", "worker", "--interval", "1", "--verbosity", "0"])
    server_process = subprocess.Popen([sys.executable, "-m", "manchette.cli", "serve", "--no-prepare", *argv])
    print("Le Quotidien de Manchette : http://127.0.0.1:8000/ — administration : http://127.0.0.1:8000/admin/")
    # Stopped by a service manager or `kill`, the demo stops its server and worker too, as with Ctrl-C.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
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
    command, rest = argv[0], argv[1:]
    if command == "demo" and not os.environ.get("SECRET_KEY", "").strip():
        # For its server and worker too, which inherit the environment.
        os.environ["SECRET_KEY"] = demo_secret_key()
    _setup()
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
