"""The deployment recipes of deploy/ (docs/deploiement.md), checked without a container daemon or systemd running:
the image definitions by hadolint, the units by `systemd-analyze verify` and `security`, the compose file read
as YAML; and what MemoryDenyWriteExecute asks of the server, under the kernel's own rule."""

import ctypes
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
import yaml

from manchette.testing import servers
from manchette.testing.pytest_plugin import serving_env

REPO = Path(__file__).resolve().parents[1]
DEPLOY = REPO / "deploy"
CONTAINERFILES = [DEPLOY / "container" / "Containerfile", DEPLOY / "varnish" / "Containerfile"]
UNITS = [DEPLOY / "systemd" / "manchette-serve.service", DEPLOY / "systemd" / "manchette-worker.service"]
INSTALLED_COMMAND = "/opt/manchette/bin/manchette"
MANCHETTE = Path(sys.executable).with_name("manchette")
MANCHETTE_SERVICES = {"prepare", "worker", "server"}
# Each unit's exposure as `systemd-analyze security` rates it: 0 (locked down) to 10 (exposed); 2 and below is « OK ».
MAX_EXPOSURE = 2.0


def run(*command, **kwargs):
    return subprocess.run(command, capture_output=True, text=True, timeout=120, **kwargs)


@pytest.mark.parametrize("containerfile", CONTAINERFILES, ids=lambda path: path.parent.name)
def test_hadolint_passes_on_the_image_definitions(containerfile):
    hadolint = Path(sys.executable).with_name("hadolint")
    checked = run(str(hadolint), "--no-color", str(containerfile))
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_application_image_runs_one_unprivileged_process_checked_on_sante():
    text = CONTAINERFILES[0].read_text()
    assert re.search(r"^FROM python:3\.11-slim$", text, re.MULTILINE)
    assert re.findall(r"^USER (\S+)$", text, re.MULTILINE) == ["10001:10001"]
    assert 'HEALTHCHECK' in text and "/sante/" in (DEPLOY / "container" / "healthcheck.py").read_text()
    assert re.findall(r"^CMD (.*)$", text, re.MULTILINE) == ['["manchette", "serve", "--no-prepare"]']


def test_the_varnish_image_points_the_shipped_vcl_at_the_server_service(tmp_path):
    """The image's sed changes the backend's host, and that line only."""
    text = CONTAINERFILES[1].read_text()
    (expression,) = re.findall(r'^RUN sed -i -e "(.*)" /etc/varnish/manchette\.vcl$', text, re.MULTILINE)
    default = re.search(r"^ARG BACKEND_HOST=(\S+)$", text, re.MULTILINE).group(1)
    expression = expression.replace("${BACKEND_HOST}", default).replace('\\"', '"')
    vcl = DEPLOY / "varnish" / "manchette.vcl"
    changed = run("sed", "-e", expression, str(vcl)).stdout.splitlines()
    original = vcl.read_text().splitlines()
    differences = [(a.strip(), b.strip()) for a, b in zip(original, changed, strict=True) if a != b]
    assert differences == [('.host = "127.0.0.1";', '.host = "server";')]


def installed_here(unit, folder):
    """UNIT as an operator installs it, its command pointing at this checkout's (verify wants it to exist)."""
    copy = folder / unit.name
    copy.write_text(unit.read_text().replace(INSTALLED_COMMAND, str(MANCHETTE)))
    return copy


def test_systemd_analyze_verify_passes_on_the_units(tmp_path):
    assert all(INSTALLED_COMMAND in unit.read_text() for unit in UNITS)
    verified = run("systemd-analyze", "verify", *(str(installed_here(unit, tmp_path)) for unit in UNITS))
    assert verified.returncode == 0 and verified.stderr == "", verified.stderr


@pytest.mark.parametrize("unit", UNITS, ids=lambda path: path.stem)
def test_the_units_are_hardened(unit, tmp_path):
    text = unit.read_text()
    for setting in (
        "NoNewPrivileges=yes", "ProtectSystem=strict", "ReadWritePaths=/var/lib/manchette", "ProtectHome=yes",
        "PrivateTmp=yes", "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6", "SystemCallFilter=@system-service",
        "CapabilityBoundingSet=\n", "MemoryDenyWriteExecute=yes", "EnvironmentFile=/etc/manchette/manchette.env",
    ):
        assert setting in text, setting
    rated = run("systemd-analyze", "security", "--offline=true", str(installed_here(unit, tmp_path)))
    exposure = float(re.search(r"Overall exposure level for \S+: ([\d.]+)", rated.stdout).group(1))
    assert exposure <= MAX_EXPOSURE, rated.stdout


def compose():
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def test_the_compose_file_runs_each_part_in_its_own_container():
    services = compose()["services"]
    assert set(services) == {"postgres", "redis", "varnish", *MANCHETTE_SERVICES}
    assert {services[name]["command"][1] if name != "prepare" else "prepare" for name in MANCHETTE_SERVICES} == {
        "prepare", "worker", "serve",
    }
    for name in MANCHETTE_SERVICES:
        service = services[name]
        assert service["build"]["dockerfile"] == "deploy/container/Containerfile"
        assert service["volumes"] == ["data:/var/lib/manchette"]
        for variable in ("SECRET_KEY", "DATABASE_URL", "REDIS_URL", "VARNISH_PURGE_URLS", "TRUSTED_PROXIES"):
            assert variable in service["environment"], (name, variable)
    assert services["varnish"]["build"]["dockerfile"] == "deploy/varnish/Containerfile"
    for name in ("worker", "server"):
        assert services[name]["depends_on"]["prepare"] == {"condition": "service_completed_successfully"}
    # The worker serves nothing: the image's health check is for the server alone.
    assert services["worker"]["healthcheck"] == {"disable": True} and "healthcheck" not in services["server"]
    assert services["varnish"]["depends_on"]["server"] == {"condition": "service_healthy"}
    # Varnish is the one proxy believed, and purges go to its `purge` listen address, which is not published.
    varnish_address = services["varnish"]["networks"]["default"]["ipv4_address"]
    assert services["server"]["environment"]["TRUSTED_PROXIES"] == varnish_address
    assert services["server"]["environment"]["VARNISH_PURGE_URLS"] == "http://varnish:6091"
    assert "purge=:6091" in CONTAINERFILES[1].read_text() and services["varnish"]["ports"] == ["${HTTP_PORT:-8080}:8080"]


def read_variables():
    """The environment variables Manchette reads: settings.py's, and those cli.py reads itself."""
    text = (REPO / "manchette" / "settings.py").read_text() + (REPO / "manchette" / "cli.py").read_text()
    return set(re.findall(r'(?:environ\.get|environ\[|env_bool|env_list)\(?\s*"([A-Z_0-9]+)"', text))


def test_every_variable_the_recipes_set_is_one_manchette_reads():
    known = read_variables() | {"MANCHETTE_DATA_DIR"}
    environment = (DEPLOY / "systemd" / "manchette.env").read_text()
    named = set(re.findall(r"^#?([A-Z_0-9]+)=", environment, re.MULTILINE))
    named |= set(compose()["services"]["server"]["environment"])
    assert named and named <= known, named - known


PR_SET_MDWE, PR_GET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN = 65, 66, 1
# Runs the command it is given with executable memory refused for good (inherited through execve): the kernel's
# rule that systemd's MemoryDenyWriteExecute= enforces with a system-call filter.
NO_WRITABLE_EXECUTABLE = f"""
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
if libc.prctl({PR_SET_MDWE}, {PR_MDWE_REFUSE_EXEC_GAIN}, 0, 0, 0) != 0:
    sys.exit("prctl: " + os.strerror(ctypes.get_errno()))
os.execv(sys.argv[1], sys.argv[1:])
"""


def memory_deny_write_execute():
    """Whether this kernel refuses writable and executable memory on demand (PR_SET_MDWE, Linux 6.3)."""
    libc = ctypes.CDLL(None, use_errno=True)
    return libc.prctl(PR_GET_MDWE, 0, 0, 0, 0) >= 0


def without_writable_executable(command):
    return [sys.executable, "-c", NO_WRITABLE_EXECUTABLE, *command]


class HardenedServer(servers.ManchetteServer):
    def command(self):
        return without_writable_executable(super().command())


@pytest.mark.skipif(not memory_deny_write_execute(), reason="ce noyau ne connaît pas PR_SET_MDWE (Linux 6.3)")
def test_the_rule_refuses_executable_memory_once_set():
    attempt = "import mmap; mmap.mmap(-1, 4096, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)"
    refused = run(*without_writable_executable([sys.executable, "-c", attempt]))
    assert refused.returncode != 0 and "PermissionError" in refused.stderr
    assert run(sys.executable, "-c", attempt).returncode == 0


@pytest.mark.server
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not memory_deny_write_execute(), reason="ce noyau ne connaît pas PR_SET_MDWE (Linux 6.3)")
def test_the_server_and_the_worker_run_without_writable_executable_memory(home, tmp_path):
    env = serving_env()
    with HardenedServer(env, tmp_path, workers=2) as server:
        for path in ("/", "/robots.txt", "/fil-info/"):
            with urllib.request.urlopen(server.url + path, timeout=30) as answer:
                assert answer.status == 200
    worker_log = tmp_path / "worker.log"
    worker = servers.launch(without_writable_executable([str(MANCHETTE), "worker", "--interval", "1"]), worker_log, env)
    try:
        # It migrated, published what was due and started on the queue: alive after that, and silent.
        servers.wait_until(lambda: "Starting worker" in worker_log.read_text(), worker, worker_log.read_text, 60,
                           "the worker started on its queue")
    finally:
        servers.stop(worker)
    assert "Error" not in worker_log.read_text() and "Traceback" not in worker_log.read_text()
