"""The bytes of one edition's message to one subscriber, built fast: the parts that are the same for every
recipient are made once per edition (Template); each message only fills in its address and its own links, and
is then signed (dkim.py), since its List-Unsubscribe differs from every other.

Python's email package takes about a millisecond to build and serialise such a message; this takes a few
hundredths of one. What it writes is checked by the tests with the email package's own parser and by dkimpy.
"""

import binascii
import re
import secrets
from email.header import Header
from email.utils import formataddr, formatdate, parseaddr

from django.conf import settings
from django.urls import reverse

from . import dkim, links

# Put in an edition's frozen HTML and text where each recipient's own links go (compose.freeze).
UNSUBSCRIBE_URL = "%%desabonnement%%"
PREFERENCES_URL = "%%preferences%%"
WEB_URL = "%%version_web%%"


def encode_address(address):
    """ADDRESS as SMTP and headers carry it: an internationalised domain in its ASCII (IDNA) form."""
    local, _, domain = address.rpartition("@")
    return f"{local}@{domain.encode('idna').decode('ascii')}"


def _header(value):
    """A header value with no line break (nothing a reader or an editor typed can add a header), RFC 2047-encoded."""
    value = " ".join(str(value).split())
    try:
        value.encode("ascii")
        return value
    except UnicodeEncodeError:
        return Header(value, "utf-8").encode()


def _qp(text):
    """TEXT as quoted-printable lines ending in CRLF."""
    data = text.replace("\r\n", "\n").encode("utf-8")
    return binascii.b2a_qp(data, istext=True).replace(b"\n", b"\r\n")


PLACEHOLDERS = re.compile("(" + "|".join(re.escape(p) for p in (UNSUBSCRIBE_URL, PREFERENCES_URL, WEB_URL)) + ")")


class Body:
    """A part with placeholders, quoted-printable-encoded once: the text between placeholders is encoded here,
    and each message encodes only its links, set between soft line breaks (which decoding removes)."""

    def __init__(self, text):
        pieces = PLACEHOLDERS.split(text)
        self.static = [_qp(piece) for piece in pieces[0::2]]
        self.names = pieces[1::2]

    def fill(self, values):
        out = [self.static[0]]
        for name, after in zip(self.names, self.static[1:], strict=True):
            out += (b"=\r\n", _qp(values[name]), b"=\r\n", after)
        return b"".join(out)


class Template:
    """What every message of EDITION shares; message() makes one recipient's."""

    def __init__(self, edition):
        newsletter = edition.newsletter
        self.edition_id = edition.pk
        self.newsletter_id = newsletter.pk
        self.html = Body(edition.html)
        self.text = Body(edition.text)
        self.web_url = web_url(edition)
        # Token-free prefixes, so that a message costs no URL resolution.
        self.unsubscribe_prefix = links.absolute(reverse("newsletters:unsubscribe", args=["TOKEN"])).replace("TOKEN/", "")
        self.preferences_prefix = links.absolute(reverse("newsletters:preferences", args=["TOKEN"])).replace("TOKEN/", "")
        name, address = parseaddr(settings.NEWSLETTER_FROM_EMAIL)
        self.from_address = encode_address(address)
        self.domain = self.from_address.rpartition("@")[2]
        list_id = f"{newsletter.slug}.newsletters.{self.domain}"
        self.head = (
            f"From: {formataddr((name, self.from_address), 'utf-8')}\r\n"
            f"Subject: {_header(edition.subject)}\r\n"
            f"List-Id: {_header(newsletter.name)} <{list_id}>\r\n"
            "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"
            "MIME-Version: 1.0\r\n"
        )

    def links(self, key):
        """KEY's unsubscribe link (from this list) and preferences link."""
        return (f"{self.unsubscribe_prefix}{links.token(key, self.newsletter_id)}/",
                f"{self.preferences_prefix}{links.token(key)}/")

    def message(self, address, key, delivery_id):
        """(envelope sender, recipient, signed message bytes) for one subscriber."""
        unsubscribe, preferences = self.links(key)
        recipient = encode_address(address)

        values = {UNSUBSCRIBE_URL: unsubscribe, PREFERENCES_URL: preferences, WEB_URL: self.web_url}
        boundary = "=_" + secrets.token_hex(12)
        head = (
            f"{self.head}"
            f"To: {recipient}\r\n"
            f"Date: {formatdate(localtime=False)}\r\n"
            f"Message-ID: <e{self.edition_id}.d{delivery_id}.{secrets.token_hex(6)}@{self.domain}>\r\n"
            f"List-Unsubscribe: <{unsubscribe}>\r\n"
            f'Content-Type: multipart/alternative; boundary="{boundary}"\r\n'
            "\r\n"
        ).encode("ascii")
        part = "Content-Type: text/{}; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
        body = b"".join((
            f"--{boundary}\r\n".encode(), part.format("plain").encode(), self.text.fill(values), b"\r\n",
            f"--{boundary}\r\n".encode(), part.format("html").encode(), self.html.fill(values), b"\r\n",
            f"--{boundary}--\r\n".encode(),
        ))
        sender = links.verp_address(delivery_id) or self.from_address
        return sender, recipient, dkim.sign(head + body)


def web_url(edition):
    """The public web version of EDITION (the readers' archive)."""
    return links.absolute(reverse("newsletters:edition", args=[edition.newsletter.slug, edition.pk]))
