"""Access logs: one line per request, the server's fast path included, written in batches off the serving path.

Both paths append each request they answer to the process's `Recorder.records`, as a plain tuple (RECORD):
the fast path (edge/protocol.py) once its answer is written, the ASGI path (edge/stack.py, `serve()` below)
once the application has answered. That is all a request costs. Every FLUSH_SECONDS (20 ms) the server's loop takes
the records, counts them for the metrics (metrics.py) and turns them into lines, written to stdout (ACCESS_LOG=-,
the default), appended to a file (ACCESS_LOG=/path), or nowhere (off): from the loop itself when the destination
is a regular file, by a thread of their own otherwise (a pipe, a socket: AccessLog). A pipe or socket that cannot
keep up loses lines (counted, `manchette_access_log_dropped_lines_total`), never slows the readers down.

Lines are JSON objects (ACCESS_LOG_FORMAT=json), keys: time (ISO 8601, TIME_ZONE's offset), ip, method,
path (with its query string, as the client sent it), status, bytes (of the body), duration_ms, cache (HIT:
from the edge's memory; MISS: rendered, and kept if it may be; PASS: rendered for this reader alone, never
kept; "": not a page, static files and the live stream), user_agent, referer; or Apache's combined format
(ACCESS_LOG_FORMAT=combined), where quotes, backslashes and control characters are written \\xHH. The
address is the reader's, behind a trusted proxy (TRUSTED_PROXIES, edge/proxies.py), the peer's otherwise.

Several server processes write to one destination: each write is whole lines, appended (O_APPEND) to a
file, and at most PIPE_BUF bytes to a pipe, so that lines of two processes never mix. A file moved away
(logrotate) is reopened at the next write.
"""

import asyncio
import datetime
import json
import logging
import os
import queue
import select
import stat
import threading
import time
import zoneinfo
from time import perf_counter

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext

from manchette.edge.app import CACHE_STATE

logger = logging.getLogger(__name__)

# (done, client, method, target, http_version, status, bytes, duration, cache, user_agent, referer): DONE is
# perf_counter() when answered; CLIENT the reader's (host, port), behind trusted proxies too; TARGET the request's
# path and query as sent (bytes); DURATION in seconds; the User-Agent and Referer as sent (bytes, b"" when
# absent). Nothing else is kept: a record holds no container the request made (its headers), so that the
# requests of a flush's interval keep little memory from being used again.
RECORD = "done client method target http_version status bytes duration cache user_agent referer"
FLUSH_SECONDS = 0.02
# Lines waiting for the writer beyond this are dropped.
MAX_WAITING_BYTES = 16 * 2**20
PIPE_BUF = select.PIPE_BUF
IOV_MAX = os.sysconf("SC_IOV_MAX") if "SC_IOV_MAX" in os.sysconf_names else 1024
# What the edge's X-Cache says, as the log says it (an assembled page is the edge's too).
CACHE_LABELS = {b"HIT": "HIT", b"ASSEMBLED": "HIT", b"MISS": "MISS"}
# Remembered escapes (user agents, referers, paths repeat): at most this many of each.
REMEMBERED = 4096


class Recorder:
    """One per server process: the records of the requests answered, flushed from the loop."""

    def __init__(self, log=None, metrics=None):
        self.log = log
        self.metrics = metrics
        self.records = []
        self.started = False  # records are taken once flushing has started (lifespan), never before
        self._timer = None

    def __bool__(self):
        return self.log is not None or self.metrics is not None

    async def serve(self, app, scope, receive, send):
        """APP answers SCOPE; the request is recorded once it has (the ASGI path's part)."""
        started = perf_counter()
        answer = [500, 0, "", False]  # status (uvicorn's when the application fails first), bytes, cache, recorded

        def record():
            answer[3] = True
            cache = answer[2] or (scope.get("state") or {}).get(CACHE_STATE, "")
            target = scope.get("raw_path") or scope["path"].encode()
            if scope.get("query_string"):
                target += b"?" + scope["query_string"]
            agent = referer = b""
            for name, value in scope["headers"]:
                if name == b"user-agent":
                    agent = value
                elif name == b"referer":
                    referer = value
            done = perf_counter()
            self.records.append((
                done, scope.get("client"), scope["method"], target, scope.get("http_version", "1.1"), answer[0],
                answer[1], done - started, cache, agent, referer,
            ))

        async def send_on(message):
            if message["type"] == "http.response.body":
                answer[1] += len(message.get("body", b""))
                if not message.get("more_body", False):
                    record()  # before the client has it, and may ask again: lines come in the order of answers
            elif message["type"] == "http.response.start":
                answer[0] = message["status"]
                for name, value in message.get("headers", ()):
                    if name == b"x-cache":
                        answer[2] = CACHE_LABELS.get(value, "")
            await send(message)

        try:
            await app(scope, receive, send_on)
        finally:
            if not answer[3]:
                record()

    # Flushing, from the server's loop

    def start(self):
        """Starts flushing (the server's start-up, in its loop); with neither log nor metrics, nothing is recorded."""
        if not self:
            return
        if self.log is not None:
            self.log.start()
        if self.metrics is not None:
            self.metrics.start()
        self._loop = asyncio.get_running_loop()
        self._timer = self._loop.call_later(FLUSH_SECONDS, self._tick)
        self.started = True

    def _tick(self):
        try:
            self.flush()
        except Exception:
            logger.exception("access log: records lost")
        self._timer = self._loop.call_later(FLUSH_SECONDS, self._tick)

    def flush(self):
        records = self.records[:]
        del self.records[: len(records)]
        if not records:
            if self.metrics is not None:
                self.metrics.fold([])
            return
        if self.log is not None:
            self.log.write(records)
        if self.metrics is not None:
            self.metrics.fold(records)

    def stop(self):
        """What is left is flushed and written (the server's shutdown)."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self.flush()
        if self.log is not None:
            self.log.close()
        if self.metrics is not None:
            self.metrics.stop()


class Lines:
    """Records as text lines. A line is its time, its reader's address, its duration, and a template that holds
    the rest: what clients sent escaped once, put together once per kind of request (the same page, browser and
    referer), so that a line costs one lookup and one formatting, in one loop without calls (lines())."""

    def __init__(self, time_zone):
        self.zone = zoneinfo.ZoneInfo(time_zone)
        self._second = None
        self._stamp = ("", "")
        self._escaped = {}
        self._templates = {}
        self._durations = {}

    def stamp(self, second):
        """(date and time, offset) of SECOND (an int), worked out once a second."""
        if second != self._second:
            self._second = second
            self._stamp = self.stamps(datetime.datetime.fromtimestamp(second, self.zone))
        return self._stamp

    def escaped(self, value):
        return remembered(self._escaped, value, self.escaped_bytes)

    def escaped_bytes(self, value):
        return self.escape(value).encode("ascii", "backslashreplace")

    def template(self, values):
        """The line's template for VALUES (those of TEMPLATE, in its order), remembered: its own % doubled."""
        return remembered(self._templates, values, self.make_template)

    def make_template(self, values):
        """Bytes: lines are put together and written as bytes, never copied to be encoded (escape() gives ASCII)."""
        return (self.TEMPLATE % tuple(self.escape(value).replace("%", "%%") for value in values)).encode(
            "ascii", "backslashreplace"
        )

    def duration(self, microseconds):
        return remembered(self._durations, microseconds, _milliseconds)


def _milliseconds(microseconds):
    milliseconds, rest = divmod(microseconds, 1000)
    return f"{milliseconds}.{rest:03d}".encode()


def remembered(memory, key, make):
    found = memory.get(key)
    if found is None:
        if len(memory) >= REMEMBERED:
            memory.clear()
        found = memory[key] = make(key)
    return found


class JsonLines(Lines):
    # Time, ip and duration_ms are filled per line (%%s); the rest is the template's.
    TEMPLATE = (
        '{"time":"%%s","ip":%%s,"method":%s,"path":%s,"status":%s,"bytes":%s,"duration_ms":%%s,"cache":%s,'
        '"user_agent":%s,"referer":%s}\n'
    )

    @staticmethod
    def stamps(moment):
        return moment.strftime("%Y-%m-%dT%H:%M:%S"), moment.isoformat()[19:]

    @staticmethod
    def escape(value):
        if isinstance(value, int):
            return str(value)
        if isinstance(value, bytes):
            value = value.decode("utf-8", "backslashreplace")
        return json.dumps(value)  # ASCII only: control characters, quotes and line separators escaped

    def lines(self, records, clock=0.0):
        """Lines of RECORDS (bytes); CLOCK is how far time.time() is ahead of perf_counter()."""
        templates, escaped, durations = self._templates, self._escaped, self._durations
        made = []
        append = made.append
        millisecond = stamp = None  # the time is written once per millisecond: tens of requests share it
        for done, client, method, target, _, status, size, duration, cache, agent, referer in records:
            moment = int((done + clock) * 1000)
            if moment != millisecond:
                millisecond = moment
                second = moment // 1000
                day, offset = self.stamp(second)
                stamp = f"{day}.{moment - second * 1000:03d}{offset}".encode()
            key = (method, target, status, size, cache, agent, referer)
            ip = client[0] if client else ""
            microseconds = int(duration * 1e6 + 0.5)
            append((templates.get(key) or self.template(key)) % (
                stamp, escaped.get(ip) or self.escaped(ip), durations.get(microseconds) or self.duration(microseconds),
            ))
        return made


# Apache's combined format escapes these as \xHH, as nginx does: nothing a client sends can end a field or a line.
_COMBINED_ESCAPES = {code: f"\\x{code:02X}" for code in (*range(0x20), 0x22, 0x5C, *range(0x7F, 0x100))}


class CombinedLines(Lines):
    # The address and the time are filled per line.
    TEMPLATE = '%%s - - [%%s] "%s %s HTTP/%s" %s %s "%s" "%s"\n'

    @staticmethod
    def stamps(moment):
        return moment.strftime("%d/%b/%Y:%H:%M:%S"), moment.strftime("%z")

    @staticmethod
    def escape(value):
        if isinstance(value, int):
            return str(value or "-")  # a size of 0 is "-"
        if isinstance(value, bytes):
            value = value.decode("latin-1")
        return value.translate(_COMBINED_ESCAPES) or "-"

    def lines(self, records, clock=0.0):
        templates, escaped = self._templates, self._escaped
        made = []
        append = made.append
        second = stamp = None
        for done, client, method, target, version, status, size, _, _, agent, referer in records:
            moment = int(done + clock)
            if moment != second:
                second = moment
                day, offset = self.stamp(second)
                stamp = f"{day} {offset}".encode()
            key = (method, target, version, status, size, referer, agent)
            ip = client[0] if client else ""
            append((templates.get(key) or self.template(key)) % (escaped.get(ip) or self.escaped(ip), stamp))
        return made


FORMATS = {"json": JsonLines, "combined": CombinedLines}


class AccessLog:
    """Formats records and writes their lines; DESTINATION "-" is stdout, else a file path.

    A regular file (or stdout redirected to one) is written from the server's loop, as nginx writes its logs:
    appending to the page cache takes microseconds, less than handing the lines to another thread would cost
    (a switch of the interpreter's lock each way). Anything else (a pipe to journald or a container's log
    driver, a socket, a terminal) may block: a thread of its own writes to it."""

    def __init__(self, destination, line_format="json", time_zone="UTC"):
        self.destination = destination
        self.lines = FORMATS[line_format](time_zone)
        self.dropped = 0  # lines lost because the destination did not keep up or failed
        self._queue = queue.SimpleQueue()
        self._waiting = 0
        self._lock = threading.Lock()
        self._thread = None
        self._output = None  # written from the loop, once started, when the destination is a regular file
        self._complained = None

    def write(self, records):
        lines = self.lines.lines(records, time.time() - perf_counter())
        if self._output is not None:
            self._write(self._output.write_lines, lines, len(lines))
        else:
            self._hand_over(lines)

    def _hand_over(self, lines):
        data = b"".join(lines)
        with self._lock:
            if self._waiting + len(data) > MAX_WAITING_BYTES:
                self.dropped += len(lines)
                return
            self._waiting += len(data)
        self._queue.put((data, len(lines)))

    def _write(self, write, data, count):
        try:
            write(data)
        except OSError as error:
            self.dropped += count
            # Once a minute: a full disk would otherwise say so fifty times a second.
            now = time.monotonic()
            if self._complained is None or now - self._complained >= 60:
                self._complained = now
                logger.warning("access log: %d lines lost (%s)", count, error)

    def start(self):
        if self._thread is not None or self._output is not None:
            return
        if self._regular_file():
            self._output = Output(self.destination)
            while not self._queue.empty():  # written before start
                data, count = self._queue.get()
                self._waiting -= len(data)
                self._write(self._output.write, data, count)
        else:
            self._thread = threading.Thread(target=self._run, name="access-log", daemon=True)
            self._thread.start()

    def _regular_file(self):
        """Whether the destination is a regular file, or will be one (a path not there yet)."""
        try:
            mode = os.fstat(1).st_mode if self.destination == "-" else os.stat(self.destination).st_mode
        except FileNotFoundError:
            return self.destination != "-"
        except OSError:
            return False
        return stat.S_ISREG(mode)

    def close(self, seconds=5):
        """Writes what waits, within SECONDS, and ends the thread (or closes the file)."""
        if self._output is not None:
            self._output.close()
            self._output = None
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(seconds)
            self._thread = None

    # The writer thread

    def _run(self):
        output = Output(self.destination)
        try:
            while True:
                item = self._queue.get()
                if item is None:
                    return
                data, count = item
                with self._lock:
                    self._waiting -= len(data)
                self._write(output.write, data, count)
        finally:
            output.close()


class Output:
    """Where lines go: stdout, or a file opened for appending and opened again once rotated away."""

    def __init__(self, destination):
        self.path = None if destination == "-" else destination
        self.fd = None
        self.identity = None
        self.checked = 0.0
        self.atomic = None

    def write(self, data):
        fd = self._descriptor()
        for chunk in self._chunks(data):
            view = memoryview(chunk)
            while view:
                view = view[os.write(fd, view):]

    def write_lines(self, lines):
        """LINES (bytes) appended to a regular file as they are, IOV_MAX at a time (writev): each call appends
        whole lines at once, never mixed with another process's."""
        fd = self._descriptor()
        for start in range(0, len(lines), IOV_MAX):
            some = lines[start:start + IOV_MAX]
            written = os.writev(fd, some)
            if written < sum(map(len, some)):  # cut short (a signal, a full disk): the rest as one piece
                view = memoryview(b"".join(some))[written:]
                while view:
                    view = view[os.write(fd, view):]

    def _descriptor(self):
        if self.path is None:
            if self.atomic is None:
                mode = os.fstat(1).st_mode
                self.atomic = PIPE_BUF if stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode) else None
                self.fd = 1
            return 1
        now = time.monotonic()
        if self.fd is not None and now - self.checked >= 1:
            self.checked = now
            try:
                moved = os.stat(self.path)
                moved = (moved.st_dev, moved.st_ino) != self.identity
            except FileNotFoundError:
                moved = True
            if moved:
                self.close()
        if self.fd is None:
            self.fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o640)
            opened = os.fstat(self.fd)
            self.identity = (opened.st_dev, opened.st_ino)
            self.atomic = PIPE_BUF if stat.S_ISFIFO(opened.st_mode) else None
            self.checked = now
        return self.fd

    def _chunks(self, data):
        """DATA as writes that no other process's lines can split: whole lines within PIPE_BUF for a pipe."""
        if self.atomic is None or len(data) <= self.atomic:
            yield data
            return
        start = 0
        while start < len(data):
            end = data.rfind(b"\n", start, start + self.atomic) + 1
            if end <= start:  # a line longer than PIPE_BUF: alone
                end = data.index(b"\n", start) + 1
            yield data[start:end]
            start = end

    def close(self):
        if self.fd is not None and self.path is not None:
            os.close(self.fd)
        self.fd = None


def from_settings():
    """The access log the settings ask for (ACCESS_LOG, ACCESS_LOG_FORMAT), or None when it is off."""
    destination = settings.ACCESS_LOG
    if destination.lower() in {"off", "none", ""}:
        return None
    if settings.ACCESS_LOG_FORMAT not in FORMATS:
        raise ImproperlyConfigured(
            gettext("ACCESS_LOG_FORMAT\u202f: «\u202f%(format)s\u202f» est inconnu (json ou combined).")
            % {"format": settings.ACCESS_LOG_FORMAT}
        )
    return AccessLog(destination, settings.ACCESS_LOG_FORMAT, settings.TIME_ZONE)
