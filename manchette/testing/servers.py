"""Processes started for real by tests and benches: `manchette serve`, Redis, PostgreSQL, or any command.

Each runs in a process group of its own, its output appended to a log file; every wait for one has a timeout
and fails early if it stops; stop() ends the whole group (uvicorn's workers are children of its main process),
with SIGTERM, then SIGKILL if it is still there after STOP_TIMEOUT.
"""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
START_TIMEOUT = 60
STOP_TIMEOUT = 20  # more than uvicorn's own graceful shutdown (10 s, in manchette serve)
STARTED = "Application startup complete."  # logged by uvicorn once per worker, at level info

# Set by the pytest plugin to the id of a running test that is not marked `server`: such a test must start
# no process, or `pytest -m "not server"` would not mean what it says.
unmarked_test = None


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def launch(command, log_path, env=None):
    """COMMAND started from the repository in a process group of its own, its output appended to LOG_PATH."""
    if unmarked_test:
        raise RuntimeError(f"{unmarked_test} starts a process: its fixture must be made with server_fixture "
                           "(manchette.testing.pytest_plugin), which marks it `server`")
    with open(log_path, "a") as log:
        return subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)


def stop(process, timeout=STOP_TIMEOUT):
    """Ends PROCESS's whole group: SIGTERM, then SIGKILL after TIMEOUT seconds."""
    for sent in (signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sent)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=timeout)
            return
    raise RuntimeError(f"{process.args[0]} (pid {process.pid}) still runs after SIGKILL")


@contextlib.contextmanager
def running(command, log_path, env=None):
    """launch() for the length of a with block, stopped whatever happens in it."""
    process = launch(command, log_path, env)
    try:
        yield process
    finally:
        stop(process)


def listening(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


def wait_until(condition, process, describe, timeout, what):
    """Polls CONDITION until it holds; fails with DESCRIBE() (the log) if PROCESS stops or after TIMEOUT seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} stopped ({process.returncode}) before {what}:\n{describe()}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what}: not after {timeout} s:\n{describe()}")
        time.sleep(0.05)


def wait_for_port(port, process, describe=lambda: "", timeout=START_TIMEOUT):
    wait_until(lambda: listening(port), process, describe, timeout, f"something listens on {port}")


def wait_for_workers(port, process, workers, log, timeout=START_TIMEOUT):
    """Until uvicorn serves from every worker: it listens on PORT and LOG() says each worker's application started.
    With one worker uvicorn logs the start before it listens, with several after: both are awaited."""
    wait_until(lambda: listening(port) and log().count(STARTED) >= workers, process, log, timeout,
               f"{workers} worker(s) serve on {port}")


class Server:
    """A process that serves on self.port, logs to self.log_path, and can be stopped and started again on that port.
    Subclasses say how to start it (command) and how to tell that it serves (wait)."""

    env = None
    process = None
    log_start = 0

    def start(self):
        """Starts the server and waits until it serves; a server that fails to start is stopped."""
        self.log_start = self.log_path.stat().st_size if self.log_path.exists() else 0
        self.process = launch(self.command(), self.log_path, self.env)
        try:
            return self.wait()
        except BaseException:
            self.stop()
            raise

    def log(self):
        """What the server printed since it was last started."""
        with self.log_path.open() as log:
            log.seek(self.log_start)
            return log.read()

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            stop(self.process)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()


class ManchetteServer(Server):
    """`manchette serve --no-prepare` on 127.0.0.1 with ENV.

    Its log (LOG_DIR/serve-PORT.log) is kept at level info, where uvicorn says when each worker serves."""

    def __init__(self, env, log_dir, workers=1, port=None, start_timeout=START_TIMEOUT):
        self.env = {**env, "LOG_LEVEL": "INFO"}
        self.workers = workers
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = Path(log_dir) / f"serve-{self.port}.log"
        self.start_timeout = start_timeout

    def command(self):
        return [sys.executable, "-m", "manchette.cli", "serve", "--no-prepare", "--host", "127.0.0.1",
                "--port", str(self.port), "--workers", str(self.workers)]

    def wait(self):
        wait_for_workers(self.port, self.process, self.workers, self.log, self.start_timeout)
        return self

    def worker_pids(self):
        """uvicorn serves from the main process with one worker, from its child processes with more."""
        pid = self.process.pid
        children = [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
        return children if self.workers > 1 else [pid]

    def terminate(self):
        """SIGTERM to the main process only, as a service manager stopping it would send."""
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.process.pid, signal.SIGTERM)


class RedisServer(Server):
    """A Redis of its own on a free port, without persistence."""

    def __init__(self, folder):
        self.executable = shutil.which("redis-server")
        assert self.executable, "redis-server is needed (apt-get install redis-server)"
        self.folder = Path(folder)
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.log_path = self.folder / f"redis-{self.port}.log"

    def command(self):
        return [self.executable, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                "--dir", str(self.folder)]

    def wait(self):
        wait_for_port(self.port, self.process, self.log)
        return self


class PostgresServer(Server):
    """A PostgreSQL cluster of its own (initdb, trust on 127.0.0.1, no fsync) on a free port, never the machine's.

    PostgreSQL refuses to run as root: when the tests do, the cluster belongs to the `postgres` user, in a folder
    of its own outside the test's (pytest's are private to root). stop() is a fast shutdown (SIGINT), which
    disconnects the clients instead of waiting for them, as a crash or a restart would; remove() deletes the cluster."""

    def __init__(self, log_dir):
        found = sorted(Path("/usr/lib/postgresql").glob("*/bin/postgres"), key=lambda path: int(path.parts[-3]))
        assert found, "PostgreSQL is needed (apt-get install postgresql)"
        self.bin = found[-1].parent
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/postgres"
        self.log_path = Path(log_dir) / f"postgres-{self.port}.log"
        self.user = "postgres" if os.geteuid() == 0 else None
        self.folder = Path(tempfile.mkdtemp(prefix="manchette-pg-"))
        if self.user:
            shutil.chown(self.folder, self.user)
        subprocess.run(
            [*self._as_owner(), self.bin / "initdb", "-D", self.folder / "data", "-U", "postgres", "--auth=trust",
             "--no-sync", "-E", "UTF8", "--locale=C"],
            check=True, capture_output=True, timeout=START_TIMEOUT,
        )

    def _as_owner(self):
        return ["setpriv", f"--reuid={self.user}", f"--regid={self.user}", "--init-groups"] if self.user else []

    def command(self):
        return [*self._as_owner(), self.bin / "postgres", "-D", self.folder / "data", "-p", str(self.port),
                "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-c", "fsync=off",
                "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]

    def accepts(self):
        import psycopg

        try:
            psycopg.connect(self.url, connect_timeout=1).close()
            return True
        except psycopg.OperationalError:  # not listening yet, or « the database system is starting up »
            return False

    def wait(self):
        wait_until(self.accepts, self.process, self.log, START_TIMEOUT, f"PostgreSQL accepts connections on {self.port}")
        return self

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGINT)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=STOP_TIMEOUT)
            stop(self.process)

    def freeze(self):
        """Stops every process of the cluster where it stands (SIGSTOP), as a server that hangs: connections stay
        open and nothing answers. Each backend is in a session of its own, out of the postmaster's group."""
        self._signal_all(signal.SIGSTOP)

    def thaw(self):
        self._signal_all(signal.SIGCONT)

    def _signal_all(self, sent):
        pid = self.process.pid
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        for each in [pid, *map(int, children)]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(each, sent)

    def remove(self):
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)
