"""A real `manchette serve` against clients that would exhaust it: an endless header, more connections than
its open-file limit allows."""

import socket
import time
from pathlib import Path

import pytest

from manchette.testing import servers
from manchette.testing.pytest_plugin import serving_env

pytestmark = [pytest.mark.server, pytest.mark.django_db(transaction=True)]


class LimitedServer(servers.ManchetteServer):
    """`manchette serve` started under an open-file limit of FILES (soft and hard, as a container sets it)."""

    def __init__(self, env, log_dir, files):
        super().__init__(env, log_dir)
        self.files = files

    def command(self):
        return ["prlimit", f"--nofile={self.files}:{self.files}", *super().command()]


def resident_kib(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def get(port, path="/"):
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    return int(answer.split()[1]), answer


def test_an_endless_header_costs_the_server_no_memory(home, tmp_path):
    with servers.ManchetteServer(serving_env(), tmp_path) as server:
        assert get(server.port, "/robots.txt")[0] == 200
        before = resident_kib(server.process.pid)
        connection = socket.create_connection(("127.0.0.1", server.port), timeout=10)
        connection.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Sans-Fin: ")
        sent = 0
        try:
            while sent < 100 * 2**20:
                connection.sendall(b"a" * 2**20)
                sent += 2**20
        except OSError:
            pass  # closed by the server
        connection.close()
        # The kernel's socket buffers take a few megabytes on loopback before the server closes.
        assert sent < 32 * 2**20
        assert resident_kib(server.process.pid) - before < 8 * 1024
        assert get(server.port, "/robots.txt")[0] == 200


def test_past_its_open_file_limit_the_server_answers_503_and_goes_on(home, tmp_path):
    files = 300  # 225 connections, with the reserve the process keeps for its own files
    with LimitedServer(serving_env(), tmp_path, files) as server:
        held = []
        refused = 0
        try:
            for _ in range(files + 50):
                connection = socket.create_connection(("127.0.0.1", server.port), timeout=10)
                held.append(connection)
            time.sleep(0.5)
            for connection in held:
                connection.setblocking(False)
                try:
                    if b"503 Service Unavailable" in connection.recv(4096):
                        refused += 1
                except BlockingIOError:
                    pass
        finally:
            for connection in held:
                connection.close()
        assert 50 <= refused < files
        time.sleep(0.5)
        assert get(server.port, "/robots.txt")[0] == 200
        assert "Too many open files" not in server.log()
