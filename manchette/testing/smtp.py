"""A real SMTP server on 127.0.0.1 for the tests that send mail: what it received, parsed, in arrival order.

Used through the `smtp_server` fixture (pytest_plugin.py), which points Django's SMTP backend at it. It runs
in a thread of the test process (aiosmtpd's Controller), so it needs no `server` marker.
"""

import email
import email.policy
import threading
import time

from aiosmtpd.controller import Controller

from .servers import free_port


class Mailbox:
    def __init__(self):
        self.messages = []  # email.message.EmailMessage, with .envelope_to the RCPT TO addresses
        self._arrived = threading.Condition()
        self.answers = {}  # recipient address -> the reply its RCPT TO gets instead of 250 (refuse())

    def refuse(self, address, reply):
        """RCPT TO ADDRESS answered REPLY ("451 4.2.0 …", "550 5.1.1 …") until clear()."""
        self.answers[address.lower()] = reply

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        reply = self.answers.get(address.lower())
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        message.envelope_to = list(envelope.rcpt_tos)
        message.envelope_from = envelope.mail_from
        message.raw = envelope.original_content
        with self._arrived:
            self.messages.append(message)
            self._arrived.notify_all()
        return "250 Message accepted for delivery"

    def wait_for(self, count=1, timeout=10):
        """The messages once at least COUNT have arrived; fails after TIMEOUT seconds."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while len(self.messages) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"{count} e-mail(s) attendu(s), {len(self.messages)} reçu(s) en {timeout} s")
                self._arrived.wait(left)
            return list(self.messages)

    def to(self, address):
        return [message for message in self.messages if address in message.envelope_to]

    def clear(self):
        with self._arrived:
            self.messages.clear()
            self.answers.clear()


def body(message, subtype="plain"):
    """The text of MESSAGE's part of that subtype (plain or html)."""
    part = message.get_body(preferencelist=(subtype,))
    return part.get_content() if part is not None else ""


class SMTPServer:
    def __init__(self):
        self.mailbox = Mailbox()
        self.port = free_port()
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc_info):
        self.controller.stop()
