"""Streams per address on the machine (live/clients.py): each MachineClients here stands for a server process."""

import pytest

from manchette.live import clients
from manchette.live.clients import MachineClients, client_key


@pytest.fixture
def machine(tmp_path):
    opened = []

    def process(limit=3):
        table = MachineClients(tmp_path / clients.FOLDER, limit)
        opened.append(table)
        return table

    yield process
    for table in opened:
        table.close()


def test_an_ipv6_address_counts_with_its_64():
    assert client_key("2001:db8:1:2::1") == client_key("2001:db8:1:2:ffff:ffff:ffff:ffff") == "2001:db8:1:2::/64"
    assert client_key("2001:db8:1:3::1") != client_key("2001:db8:1:2::1")
    assert client_key("::ffff:198.51.100.4") == client_key("198.51.100.4") == "198.51.100.4"
    assert client_key("198.51.100.4") != client_key("198.51.100.5")
    assert client_key("?") == "?"


def test_the_limit_is_the_machines_whichever_process_serves_the_stream(machine):
    first, second = machine(), machine()
    places = [first.acquire("198.51.100.1"), second.acquire("198.51.100.1"), first.acquire("198.51.100.1")]
    assert None not in places
    assert second.acquire("198.51.100.1") is None and first.acquire("198.51.100.1") is None
    assert second.full("198.51.100.1") and first.count("198.51.100.1") == 3
    assert second.acquire("198.51.100.2") is not None
    first.release(places[0])
    assert not second.full("198.51.100.1")
    assert second.acquire("198.51.100.1") is not None


def test_addresses_of_one_64_share_the_limit(machine):
    first, second = machine(limit=2), machine(limit=2)
    assert first.acquire("2001:db8:0:7::1") is not None
    assert second.acquire("2001:db8:0:7::abcd") is not None
    assert first.acquire("2001:db8:0:7:ffff::9") is None
    assert first.acquire("2001:db8:0:8::1") is not None


def test_the_streams_of_a_process_that_died_stop_counting(machine):
    gone, alive = machine(), machine()
    for _ in range(3):
        gone.acquire("198.51.100.1")
    assert alive.acquire("198.51.100.1") is None
    assert alive.full("198.51.100.1")
    gone.close()  # as a crash: nothing released, the column's lock falls with the process
    assert alive.full("198.51.100.1"), "looked for dead processes a moment ago"
    alive._swept_at -= clients.SWEEP_SECONDS
    assert not alive.full("198.51.100.1")
    assert alive.acquire("198.51.100.1") is not None
    assert alive.count("198.51.100.1") == 1


def test_a_new_process_takes_the_column_of_a_dead_one_and_gives_its_streams_back(machine):
    gone = machine()
    for _ in range(3):
        gone.acquire("198.51.100.1")
    gone.close()
    newcomer = machine()
    assert newcomer.count("198.51.100.1") == 0
    assert newcomer.acquire("198.51.100.1") is not None


def test_without_a_shared_table_each_process_still_counts_its_own(tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")
    alone = MachineClients(blocked / clients.FOLDER, 2)
    places = [alone.acquire("198.51.100.1"), alone.acquire("198.51.100.1")]
    assert None not in places and alone.acquire("198.51.100.1") is None
    alone.release(places[0])
    assert alone.acquire("198.51.100.1") is not None


def test_a_process_killed_holding_streams_leaves_nothing_behind(machine, tmp_path):
    import signal
    import subprocess
    import sys

    folder = tmp_path / clients.FOLDER
    holder = subprocess.Popen(
        [sys.executable, "-c", (
            "import sys, time\n"
            "from manchette.live.clients import MachineClients\n"
            f"table = MachineClients({str(folder)!r}, 3)\n"
            "places = [table.acquire('198.51.100.1') for _ in range(3)]\n"
            "print('held', flush=True)\n"
            "time.sleep(60)\n"
        )],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        survivor = machine()
        assert survivor.acquire("198.51.100.1") is None
        holder.send_signal(signal.SIGKILL)
        holder.wait(10)
        survivor._swept_at -= clients.SWEEP_SECONDS
        assert survivor.acquire("198.51.100.1") is not None
        assert survivor.count("198.51.100.1") == 1
    finally:
        holder.kill()
        holder.wait(10)
        holder.stdout.close()
