"""Servers the edge tests start for real: free ports, waiting for them, stopping their whole process group."""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time

START_TIMEOUT = 60


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port, process, describe=lambda: ""):
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} stopped ({process.returncode}):\n{describe()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {port} after {START_TIMEOUT} s:\n{describe()}")


def stop(process):
    # uvicorn runs its workers as children: the whole process group goes.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


class RedisServer:
    """A Redis of the test's own, on a free port, that can be stopped and started again on that port."""

    def __init__(self, folder):
        self.executable = shutil.which("redis-server")
        assert self.executable, "redis-server is needed (apt-get install redis-server)"
        self.folder = folder
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [self.executable, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL, stdin=subprocess.DEVNULL, start_new_session=True,
        )
        wait_for_port(self.port, self.process)

    def stop(self):
        stop(self.process)
