"""The access log's lines, escaping and destinations, without a server (test_accesslog_server.py has one)."""

import json
import os
import re
import select
import threading
import time

import pytest

from manchette.operations import accesslog
from manchette.operations.accesslog import AccessLog, CombinedLines, JsonLines, Output

KEYS = ["time", "ip", "method", "path", "status", "bytes", "duration_ms", "cache", "user_agent", "referer"]
HOSTILE_AGENT = b'Mozilla "quoted" \\ back\r\nslash\x00\x1b[31m \xff\xfe \xe2\x80\xa8 fin'
COMBINED = re.compile(
    r'^(?P<ip>\S+) - - \[(?P<time>\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d [+-]\d{4})\] "(?P<request>[^"]*)" (?P<status>\d{3}) '
    r'(?P<bytes>\d+|-) "(?P<referer>[^"]*)" "(?P<agent>[^"]*)"$'
)


def record(target=b"/belgique/budget/?page=2", agent=b"Firefox", referer=b"https://exemple.be/", client=("192.0.2.7", 4242),
           status=200, size=21490, cache="HIT", method="GET", duration=0.000125):
    return (time.perf_counter(), client, method, target, "1.1", status, size, duration, cache, agent, referer)


def test_a_json_line_has_exactly_the_keys_and_values_of_the_request():
    [line] = JsonLines("Europe/Brussels").lines([record()], clock=time.time() - time.perf_counter())
    assert line.endswith(b"\n") and line.count(b"\n") == 1
    found = json.loads(line)
    assert list(found) == KEYS
    assert found | {"time": None} == {
        "time": None, "ip": "192.0.2.7", "method": "GET", "path": "/belgique/budget/?page=2", "status": 200,
        "bytes": 21490, "duration_ms": 0.125, "cache": "HIT", "user_agent": "Firefox", "referer": "https://exemple.be/",
    }
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d", found["time"]), found["time"]


def test_the_time_is_the_records_with_the_time_zones_offset():
    import datetime
    import zoneinfo

    done = time.perf_counter()
    clock = 1_780_000_000.25 - done  # 28 May 2026, 20:26:40.250 UTC: summer time in Brussels
    [line] = JsonLines("Europe/Brussels").lines([(done, *record()[1:])], clock=clock)
    stamp = json.loads(line)["time"]
    assert stamp == "2026-05-28T22:26:40.250+02:00"
    expected = datetime.datetime.fromtimestamp(1_780_000_000.25, zoneinfo.ZoneInfo("Europe/Brussels"))
    assert datetime.datetime.fromisoformat(stamp) == expected.replace(microsecond=250_000)


def test_what_a_client_sends_cannot_break_a_json_line():
    hostile = record(target=b'/x"}\n{"injected":1}?q=\x00', agent=HOSTILE_AGENT, referer=b"\n\n")
    [line] = JsonLines("UTC").lines([hostile])
    assert line.count(b"\n") == 1 and line.isascii()
    found = json.loads(line)
    assert found["path"] == '/x"}\n{"injected":1}?q=\x00'
    assert found["user_agent"] == HOSTILE_AGENT.decode("utf-8", "backslashreplace")
    assert found["referer"] == "\n\n"
    assert "injected" not in found


def test_a_combined_line_escapes_quotes_backslashes_and_control_characters():
    hostile = record(target=b'/x" 200 1 "-" "evil', agent=HOSTILE_AGENT, referer=b"", size=0, status=304)
    [line] = CombinedLines("Europe/Brussels").lines([hostile])
    assert line.endswith(b"\n") and line.count(b"\n") == 1 and line.isascii()
    match = COMBINED.match(line.decode().rstrip("\n"))
    assert match, line
    assert match["request"] == r"GET /x\x22 200 1 \x22-\x22 \x22evil HTTP/1.1"
    assert match["status"] == "304" and match["bytes"] == "-" and match["referer"] == "-"
    assert match["agent"] == r"Mozilla \x22quoted\x22 \x5C back\x0D\x0Aslash\x00\x1B[31m \xFF\xFE \xE2\x80\xA8 fin"


def test_lines_go_to_a_pipe_whole_and_within_pipe_buf(tmp_path):
    os.mkfifo(tmp_path / "fifo")
    reader = os.open(tmp_path / "fifo", os.O_RDONLY | os.O_NONBLOCK)
    output = Output(str(tmp_path / "fifo"))
    output._descriptor()
    assert output.atomic == select.PIPE_BUF
    lines = [f'{{"n":{n},"pad":"{"x" * (97 + n % 50)}"}}\n'.encode() for n in range(200)]
    chunks = list(output._chunks(b"".join(lines)))
    assert all(len(chunk) <= select.PIPE_BUF and chunk.endswith(b"\n") for chunk in chunks)
    assert b"".join(chunks) == b"".join(lines)
    output.close()
    os.close(reader)


def test_a_log_file_moved_away_is_opened_again(tmp_path, monkeypatch):
    path = tmp_path / "access.log"
    output = Output(str(path))
    output.write(b"premiere\n")
    path.rename(tmp_path / "access.log.1")
    output.checked = time.monotonic() - 2  # looked at once a second
    output.write(b"seconde\n")
    output.close()
    assert (tmp_path / "access.log.1").read_bytes() == b"premiere\n"
    assert path.read_bytes() == b"seconde\n"


def fifo_with_reader(tmp_path):
    """A named pipe and its reading end (open first, so that a writer's open does not wait)."""
    path = tmp_path / "fifo"
    os.mkfifo(path)
    return path, os.open(path, os.O_RDONLY | os.O_NONBLOCK)


def test_a_pipe_that_does_not_keep_up_loses_lines_and_counts_them(tmp_path, monkeypatch):
    monkeypatch.setattr(accesslog, "MAX_WAITING_BYTES", 2000)
    path, reader = fifo_with_reader(tmp_path)
    log = AccessLog(str(path))
    log.write([record()] * 3)  # about 700 bytes: waits, as no thread writes yet
    log.write([record()] * 20)  # beyond the limit: dropped
    assert log.dropped == 20
    log.start()
    assert log._thread is not None  # a pipe may block: written by a thread
    log.close()
    assert len(os.read(reader, 65536).decode().splitlines()) == 3
    os.close(reader)


def test_a_regular_file_is_written_at_once_by_the_loop_itself(tmp_path):
    path = tmp_path / "access.log"
    log = AccessLog(str(path))
    log.write([record(target=b"/avant/")])  # before start: waits
    log.start()
    assert log._thread is None
    assert path.read_text().count("\n") == 1  # what waited is written when started
    log.write([record(target=b"/apres/")] * 2)
    assert [json.loads(line)["path"] for line in path.read_text().splitlines()] == ["/avant/", "/apres/", "/apres/"]
    log.close()


def test_stdout_redirected_to_a_file_is_written_by_the_loop_and_a_pipe_by_a_thread(tmp_path, monkeypatch):
    saved = os.dup(1)
    try:
        with open(tmp_path / "stdout.log", "wb") as file:
            os.dup2(file.fileno(), 1)
        assert AccessLog("-")._regular_file()
        path, reader = fifo_with_reader(tmp_path)
        writer = os.open(path, os.O_WRONLY)
        os.dup2(writer, 1)
        os.close(writer)
        assert not AccessLog("-")._regular_file()
        os.close(reader)
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def test_lines_that_cannot_be_written_are_counted_and_said_once_a_minute(tmp_path, caplog):
    log = AccessLog(str(tmp_path / "absent" / "access.log"))  # its folder does not exist: every write fails
    log.start()
    with caplog.at_level("WARNING", logger="manchette.operations.accesslog"):
        log.write([record()] * 2)
        log.write([record()] * 3)
    assert log.dropped == 5
    assert len([r for r in caplog.records if "lines lost" in r.getMessage()]) == 1
    log.close()


def test_the_recorder_flushes_in_the_loop_and_writes_what_is_left_when_stopped(tmp_path):
    import asyncio

    path = tmp_path / "access.log"
    recorder = accesslog.Recorder(AccessLog(str(path), "combined"))

    async def serve():
        recorder.start()
        recorder.records.append(record(target=b"/premier/"))
        await asyncio.sleep(accesslog.FLUSH_SECONDS * 4)
        written_while_serving = path.read_text() if path.exists() else ""
        recorder.records.append(record(target=b"/dernier/"))
        recorder.stop()
        return written_while_serving

    assert "/premier/" in asyncio.run(asyncio.wait_for(serve(), 10))
    lines = path.read_text().splitlines()
    assert [COMBINED.match(line)["request"] for line in lines] == ["GET /premier/ HTTP/1.1", "GET /dernier/ HTTP/1.1"]


def test_nothing_is_recorded_when_both_log_and_metrics_are_off():
    import asyncio

    recorder = accesslog.Recorder(None, None)

    async def start():
        recorder.start()

    asyncio.run(start())
    assert not recorder and not recorder.started


@pytest.mark.parametrize("destination", ["off", "OFF", "none", ""])
def test_off_means_no_log(settings, destination):
    settings.ACCESS_LOG = destination
    assert accesslog.from_settings() is None


def test_an_unknown_format_is_refused_in_french(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.ACCESS_LOG, settings.ACCESS_LOG_FORMAT = "-", "xml"
    with pytest.raises(ImproperlyConfigured, match="ACCESS_LOG_FORMAT"):
        accesslog.from_settings()


def test_the_writer_thread_ends_when_closed(tmp_path):
    path, reader = fifo_with_reader(tmp_path)
    log = AccessLog(str(path))
    log.start()
    thread = log._thread
    log.close()
    assert isinstance(thread, threading.Thread) and not thread.is_alive()
    os.close(reader)


@pytest.mark.parametrize("lines_class", [JsonLines, CombinedLines])
def test_percent_signs_a_client_sends_are_written_as_sent(lines_class):
    sent = record(target=b"/recherche/?q=100%25%s", agent=b"Agent %s %d %(x)s %%", referer=b"%")
    [line] = lines_class("UTC").lines([sent, sent])[:1]
    text = line.decode()
    assert "/recherche/?q=100%25%s" in text and "Agent %s %d %(x)s %%" in text


def test_more_lines_than_one_writev_takes_are_all_written_in_order(tmp_path, monkeypatch):
    monkeypatch.setattr(accesslog, "IOV_MAX", 7)
    path = tmp_path / "access.log"
    log = AccessLog(str(path))
    log.start()
    log.write([record(target=f"/{n}/".encode()) for n in range(50)])
    log.close()
    assert [json.loads(line)["path"] for line in path.read_text().splitlines()] == [f"/{n}/" for n in range(50)]
