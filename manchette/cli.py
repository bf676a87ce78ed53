"""The `manchette` command: demo, serve, worker, and every Django management command."""

import argparse
import ast
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

NNBSP = "\u202f"
# Run by this file; every other command is Django's (manage.py's), the project's own listed from their help.
OWN_COMMANDS = {
    "demo": "migre, charge le journal de démonstration si la base est vide et le sert (http://127.0.0.1:8000/ par défaut)",
    "serve": "sert le site en production (uvicorn, plusieurs processus)",
    "worker": "exécute les tâches de fond (publication programmée, newsletters…)",
}
FRAMEWORK_COMMANDS = {
    "migrate": "met le schéma de la base de données à jour",
    "createsuperuser": "crée un compte d’administrateur",
    "changepassword": "change le mot de passe d’un compte",
    "publish_scheduled": "publie et retire les contenus programmés dont l’heure est venue (le worker le fait aussi)",
    "shell": "ouvre une console Python, le projet chargé",
}
HELP_FLAGS = {"-h", "--help"}
_FIRST_CLAUSE = re.compile(r"\s*[:;]\s|\.(?:\s|$)")


def project_commands():
    """{name: one line} for the management commands of Manchette's apps, read from their source (`help`) so that
    `manchette --help` imports neither Django nor the settings, which would create ./var."""
    found = {}
    for path in sorted(Path(__file__).parent.glob("*/management/commands/*.py")):
        if path.name.startswith("_"):
            continue
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except (OSError, SyntaxError, ValueError):
            continue
        text = ""
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and node.name == "Command":
                for statement in node.body:
                    if (
                        isinstance(statement, ast.Assign)
                        and any(isinstance(target, ast.Name) and target.id == "help" for target in statement.targets)
                        and isinstance(statement.value, ast.Constant) and isinstance(statement.value.value, str)
                    ):
                        text = statement.value.value
        line = _FIRST_CLAUSE.split(" ".join(text.split()), maxsplit=1)[0]
        found[path.stem] = line[:1].lower() + line[1:]
    return found


def usage():
    sections = [
        ("Commandes", OWN_COMMANDS),
        ("Commandes du journal", project_commands()),
        ("Commandes de Django et de Wagtail, entre autres", FRAMEWORK_COMMANDS),
    ]
    width = max(len(name) for _title, commands in sections for name in commands) + 2
    lines = [f"Usage{NNBSP}: manchette <commande> [options]", ""]
    for title, commands in sections:
        lines.append(f"{title}{NNBSP}:")
        lines.extend(f"  {name.ljust(width)}{text}" for name, text in commands.items())
        lines.append("")
    lines.append(f"«{NNBSP}manchette <commande> --help{NNBSP}» décrit une commande et ses options{NNBSP};")
    lines.append(f"«{NNBSP}manchette help --commands{NNBSP}» liste toutes les commandes de Django et de Wagtail.")
    return "\n".join(lines)


class Parser(argparse.ArgumentParser):
    """argparse in French: its usage, its sections, its help option and its usual errors."""

    ERRORS = [
        (re.compile(r"unrecognized arguments: (.*)"), "argument(s) inconnu(s){n}: {0}"),
        (re.compile(r"argument (\S+): invalid (\w+) value: (.*)"), "option {0}{n}: valeur invalide ({2})"),
        (re.compile(r"argument (\S+): expected one argument"), "option {0}{n}: valeur manquante"),
        (re.compile(r"the following arguments are required: (.*)"), "argument(s) obligatoire(s) manquant(s){n}: {0}"),
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, add_help=False, formatter_class=FrenchHelpFormatter, **kwargs)
        # argparse writes a colon after a section's title: the space French typography wants before it is ours.
        self._optionals.title = f"Options{NNBSP}"
        self._positionals.title = f"Arguments{NNBSP}"
        self.add_argument("-h", "--help", action="help", help="affiche cette aide, sans rien faire d’autre")

    def error(self, message):
        for pattern, french in self.ERRORS:
            if match := pattern.fullmatch(message):
                message = french.format(*match.groups(), n=NNBSP)
                break
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}{NNBSP}: {message}\n")


class FrenchHelpFormatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, prefix=f"Usage{NNBSP}: ")


def serve_parser(
    prog="manchette serve", description="Sert le site en production avec uvicorn (ASGI), en plusieurs processus.", prepare=True,
):
    parser = Parser(prog=prog, description=description)
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"), help="adresse d’écoute (HOST, 127.0.0.1 par défaut)")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")), help="port d’écoute (PORT, 8000 par défaut)")
    parser.add_argument(
        "--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", os.cpu_count() or 2)),
        help="nombre de processus (WEB_CONCURRENCY, un par cœur par défaut)",
    )
    if prepare:
        parser.add_argument("--no-prepare", action="store_true", help="ne pas migrer ni collecter les fichiers statiques")
    return parser


def demo_parser():
    # The demo's server always skips what the demo itself prepared (--no-prepare).
    return serve_parser(
        prepare=False,
        prog="manchette demo",
        description=(
            "Migre la base, y charge le journal de démonstration si elle est vide, puis le sert avec un worker, "
            "depuis le dossier var/ du dossier courant (ou MANCHETTE_DATA_DIR)."
        ),
    )


def worker_parser():
    return Parser(
        prog="manchette worker",
        usage=f"manchette worker [options de{NNBSP}«{NNBSP}manchette db_worker{NNBSP}»]",
        description=(
            f"Exécute les tâches de fond{NNBSP}: publie ce qui est dû, envoie les newsletters prévues pendant l’arrêt, "
            f"puis traite la file des tâches. Ses options sont celles de «{NNBSP}manchette db_worker --help{NNBSP}»."
        ),
    )


def address(host, port):
    """What a browser opens for a server listening on HOST:PORT."""
    if host in ("", "0.0.0.0", "::"):
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}/"


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


def serve(args):
    import secrets

    import uvicorn
    from django.conf import settings

    from manchette.edge import machine
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
    _count_metrics(serving=True)
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


def _count_metrics(serving):
    """Server and worker processes count into DATA_DIR/metrics when metrics are served (operations/metrics.py);
    a server starts afresh there, and answers scrapes at METRICS_ADDRESS from its main process."""
    from manchette.operations import metrics

    if not metrics.wanted():
        return
    if serving:
        metrics.clean(metrics.folder())
    metrics.enable(metrics.folder())
    if serving:
        metrics.listen(metrics.folder())


def worker(argv):
    from django.core.management import call_command

    from manchette.edge.security import refuse_to_serve

    # The worker signs what the site reads back (shared blocks' token, e-mails' links): the same real key.
    refusal = refuse_to_serve()
    if refusal:
        print(f"manchette worker : {refusal}", file=sys.stderr)
        return 2
    _data_dirs()
    _count_metrics(serving=False)
    call_command("migrate", interactive=False, verbosity=0)
    # Anything that fell due while no worker ran is published now, then the queue takes over.
    call_command("publish_scheduled", verbosity=0)
    # What each app resumes when a worker starts (a newsletter send left half-way), what fell due while no worker
    # ran, then a tick every minute (manchette/periodic).
    call_command("periodic_wake", verbosity=0)
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


def demo(args):
    from django.core.management import call_command

    prepare()
    call_command("load_demo")
    worker_process = subprocess.Popen([sys.executable, "-m", "manchette.cli", "worker", "--interval", "1", "--verbosity", "0"])
    server_process = subprocess.Popen([
        sys.executable, "-m", "manchette.cli", "serve", "--no-prepare",
        "--host", args.host, "--port", str(args.port), "--workers", str(args.workers),
    ])
    site = address(args.host, args.port)
    print(f"Le Quotidien de Manchette{NNBSP}: {site} — administration{NNBSP}: {site}admin/", flush=True)
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


def unknown(command):
    import difflib

    from django.core.management import get_commands

    known = [*OWN_COMMANDS, *get_commands(), "help"]
    close = difflib.get_close_matches(command, known, n=1)
    hint = f" Vouliez-vous dire «{NNBSP}{close[0]}{NNBSP}»{NNBSP}?" if close else ""
    print(
        f"manchette{NNBSP}: commande inconnue «{NNBSP}{command}{NNBSP}».{hint}\n"
        f"«{NNBSP}manchette --help{NNBSP}» liste les commandes.",
        file=sys.stderr,
    )
    return 2


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in HELP_FLAGS or argv == ["help"]:
        print(usage())
        return 0
    if argv[0] == "help" and argv[1] in OWN_COMMANDS:
        argv = [argv[1], "--help"]
    command, rest = argv[0], argv[1:]
    if command == "worker" and HELP_FLAGS & set(rest):
        worker_parser().print_help()
        return 0
    # Options are read (and help printed) before anything else happens: no settings, no ./var, no key.
    parsers = {"serve": serve_parser, "demo": demo_parser}
    args = parsers[command]().parse_args(rest) if command in parsers else None
    if command == "demo" and not os.environ.get("SECRET_KEY", "").strip():
        # For its server and worker too, which inherit the environment.
        os.environ["SECRET_KEY"] = demo_secret_key()
    _setup()
    if command == "serve":
        return serve(args)
    if command == "worker":
        return worker(rest)
    if command == "demo":
        return demo(args)
    from django.core.management import execute_from_command_line, get_commands

    if command not in get_commands() and command not in {"help", "version", "--version"}:
        return unknown(command)
    execute_from_command_line(["manchette", *argv])
    return 0


if __name__ == "__main__":
    sys.exit(main())
