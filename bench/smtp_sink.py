"""A fast SMTP sink for the newsletter benchmark: accepts every message, counts what each recipient received,
checks the DKIM signature of one message in CHECK_EVERY, and writes its counts to a JSON file every half second
and when it stops (SIGTERM).

Usage: python bench/smtp_sink.py PORT COUNTS.json [DKIM_TXT_RECORD_FILE]
"""

import asyncio
import collections
import json
import os
import signal
import sys
import time

CHECK_EVERY = 500


class Sink:
    def __init__(self, path, dkim_record):
        self.path = path
        self.dkim_record = dkim_record
        self.received = collections.Counter()
        self.per_second = collections.Counter()
        self.messages = 0
        self.checked = self.signed_ok = 0
        self.started = time.time()

    async def session(self, reader, writer):
        write = writer.write
        write(b"220 sink ESMTP\r\n")
        recipients = []
        try:
            while True:
                line = await reader.readline()
                if not line:
                    break
                verb = line[:4].upper()
                if verb == b"EHLO":
                    write(b"250-sink\r\n250-8BITMIME\r\n250 SIZE 20000000\r\n")
                elif verb == b"MAIL":
                    recipients = []
                    write(b"250 OK\r\n")
                elif verb == b"RCPT":
                    recipients.append(line.split(b"<", 1)[1].split(b">", 1)[0].decode())
                    write(b"250 OK\r\n")
                elif verb == b"DATA":
                    write(b"354 Go ahead\r\n")
                    data = await reader.readuntil(b"\r\n.\r\n")
                    self.arrived(recipients, data)
                    write(b"250 OK queued\r\n")
                elif verb == b"QUIT":
                    write(b"221 Bye\r\n")
                    break
                else:  # HELO, RSET, NOOP
                    write(b"250 OK\r\n")
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    def arrived(self, recipients, data):
        for address in recipients:
            self.received[address] += 1
        self.messages += 1
        self.per_second[int(time.time())] += 1
        if self.dkim_record and self.messages % CHECK_EVERY == 1:
            import dkim

            self.checked += 1
            message = data[:-5].replace(b"\r\n..", b"\r\n.") + b"\r\n"
            if dkim.verify(message, dnsfunc=lambda name, timeout=5: self.dkim_record):
                self.signed_ok += 1

    def dump(self):
        duplicates = sum(count - 1 for count in self.received.values() if count > 1)
        state = {"messages": self.messages, "unique": len(self.received), "duplicates": duplicates,
                 "dkim_checked": self.checked, "dkim_valid": self.signed_ok,
                 "per_second": sorted(self.per_second.items()), "pid": os.getpid()}
        temporary = f"{self.path}.tmp"
        with open(temporary, "w") as file:
            json.dump(state, file)
        os.replace(temporary, self.path)

    def recipients_file(self, path):
        with open(path, "w") as file:
            json.dump(self.received, file)


async def main(port, path, dkim_record):
    sink = Sink(path, dkim_record)
    server = await asyncio.start_server(sink.session, "127.0.0.1", port, limit=1 << 24, backlog=512)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    async with server:
        while not stop.is_set():
            sink.dump()
            try:
                await asyncio.wait_for(stop.wait(), 0.5)
            except TimeoutError:
                pass
    sink.dump()
    sink.recipients_file(path + ".recipients")


if __name__ == "__main__":
    record = open(sys.argv[3], "rb").read().strip() if len(sys.argv) > 3 else None  # noqa: SIM115
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    asyncio.run(main(int(sys.argv[1]), sys.argv[2], record))
