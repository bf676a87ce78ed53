"""Bounces that come back later: the delivery status notifications and feedback reports sent to the bounce
address, read from its mailbox (NEWSLETTER_BOUNCE_IMAP_URL) by poll(), every tick of the worker (tasks.py) or
by `manchette read_bounces`.

Each edition's message goes out with an envelope sender of its own (VERP, links.verp_address): the report that
comes back is addressed to it, and the signed address names the delivery, hence the subscriber. Only that
signature is trusted: the addresses a report names (Final-Recipient, Original-Rcpt-To) can be forged by anyone
who writes to the bounce address, so nothing is suppressed on their word.

- A delivery status notification (RFC 3464, multipart/report; report-type=delivery-status) whose recipient
  failed for good (Action: failed, Status 5.x.x) marks the address bounced, as a 5xx answer does when sending;
  a delay or a temporary failure (4.x.x), a relay, a success change nothing. Both are deleted once read.
- A feedback report (ARF, RFC 5965, report-type=feedback-report), a reader's « c’est du spam », puts the address
  on the suppression list and ends all its subscriptions; the report names the delivery by the VERP address of
  the returned message (Return-Path, Original-Mail-From) or, when a provider removed it, by the signed
  unsubscribe link of its List-Unsubscribe header. Deleted once read.
- Anything else (a reader's reply, spam, a report naming none of our deliveries, a message that cannot be
  parsed) is left in the mailbox for a person to read, marked seen so it is not read again.

Only unseen messages are read, in batches, each at most MAX_BYTES (a report's status comes first: a truncated
returned message loses nothing needed). A bounce recorded twice (a poll stopped between the record and the
deletion) changes nothing more.
"""

import contextlib
import email
import email.message
import email.parser
import email.policy
import email.utils
import imaplib
import logging
import re
import ssl
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

from . import links, suppressions
from .models import Delivery, Subscriber

log = logging.getLogger(__name__)

BATCH = 50  # messages fetched per IMAP command
MAX_BYTES = 256 * 1024  # read of each message: the rest of a huge message is not fetched
MAX_PER_POLL = 2000  # the rest waits for the next poll, so a flood does not hold up the worker's other work
TIMEOUT = 30  # seconds, for connecting and for every IMAP command

DSN_TYPES = {"delivery-status", "global-delivery-status"}
STATUS_PARTS = {"message/delivery-status", "message/global-delivery-status"}
RETURNED_PARTS = {"message/rfc822", "message/global", "text/rfc822-headers", "message/global-headers"}
# Feedback types that are not a reader's complaint (RFC 6591 authentication failures, a « not spam » report).
NOT_COMPLAINTS = {"not-spam", "auth-failure"}
STATUS = re.compile(r"^([245])\.\d{1,3}\.\d{1,3}")
VERP_HEADERS = ("Delivered-To", "X-Original-To", "Envelope-To", "X-Envelope-To", "To")


class MailboxError(Exception):
    """The bounce mailbox cannot be reached or read: its message says why, in French."""


@dataclass
class Report:
    """What a message in the bounce mailbox says: kind is "bounced", "complained" or "ignored" (a report about
    one of our deliveries that changes nothing, such as a delay); delivery_id or subscriber_key names whom."""

    kind: str
    delivery_id: int | None = None
    subscriber_key: object = None
    detail: str = ""


def poll(limit=MAX_PER_POLL):
    """Reads the unseen messages of the bounce mailbox; returns how many bounces and complaints were recorded.
    Does nothing (0) when NEWSLETTER_BOUNCE_IMAP_URL is not set. MailboxError when the mailbox cannot be read."""
    url = settings.NEWSLETTER_BOUNCE_IMAP_URL
    if not url:
        return 0
    recorded = 0
    try:
        with _connect(url) as imap:
            recorded = _read(imap, limit)
    except (OSError, imaplib.IMAP4.error) as error:  # the connection lost, a command refused
        raise MailboxError(_("Boîte des retours illisible : %(error)s") % {"error": error}) from error
    if recorded:
        log.info("retours lus : %s adresse(s) exclue(s)", recorded)
    return recorded


def _read(imap, limit):
    """Reads up to LIMIT unseen messages, BATCH at a time; how many addresses were marked."""
    recorded = 0
    uids = _search_unseen(imap)[:limit]
    for start in range(0, len(uids), BATCH):
        handled, other = [], []
        try:
            for uid, raw in _fetch(imap, uids[start:start + BATCH]):
                report = examine(raw)
                if report is None:
                    other.append(uid)
                else:
                    recorded += record(report)
                    handled.append(uid)
        finally:  # what was read before a failure is not read again
            _flag(imap, other, r"\Seen")
            _flag(imap, handled, r"\Seen \Deleted")
            if handled:
                _expunge(imap, handled)
    return recorded


def record(report):
    """Acts on REPORT; 1 when an address was marked bounced or complained, else 0."""
    subscriber, delivery_id = None, None
    if report.delivery_id is not None:
        delivery = Delivery.objects.select_related("subscriber").filter(pk=report.delivery_id).first()
        if delivery is not None:
            subscriber, delivery_id = delivery.subscriber, delivery.pk
    elif report.subscriber_key is not None:
        subscriber = Subscriber.objects.filter(key=report.subscriber_key).first()
    if subscriber is None:  # deleted since (on request): nothing left to mark
        return 0
    if report.kind == "bounced":
        suppressions.bounced(subscriber.email, report.detail, delivery_id=delivery_id)
        return 1
    if report.kind == "complained":
        suppressions.complained(subscriber.email, report.detail)
        return 1
    return 0


# --- Reading one message ----------------------------------------------------------------------------------------

def examine(raw):
    """The Report of the message RAW (bytes), or None when it is not a report about one of our deliveries.
    Never raises: a message that cannot be understood is None."""
    try:
        message = email.message_from_bytes(raw, policy=email.policy.compat32)
        if message.get_content_type() != "multipart/report":
            return None
        report_type = (message.get_param("report-type") or "")
        report_type = str(report_type).strip().lower() if not isinstance(report_type, tuple) else ""
        if report_type in DSN_TYPES:
            return _delivery_status(message)
        if report_type == "feedback-report":
            return _feedback(message)
    except Exception as error:  # hostile or broken input (deep nesting too): whatever the parser or we trip on
        log.warning("retour illisible laissé dans la boîte (%s)", type(error).__name__)
    return None


def _delivery_status(message):
    delivery_id = _verp(message)
    if delivery_id is None:
        return None
    status_part = next((part for part in message.walk() if part.get_content_type() in STATUS_PARTS), None)
    if status_part is None:
        return None
    blocks = _field_blocks(status_part)
    permanent = []
    for fields in blocks:  # the first block is about the message, the others (with an Action) one recipient each
        if "action" not in fields:
            continue
        action = fields.get("action", "").strip().lower()
        status = STATUS.match(fields.get("status", "").strip())
        if action == "failed" and status and status.group(1) == "5":
            permanent.append(fields)
    if not permanent:
        return Report("ignored", delivery_id)
    fields = permanent[0]
    detail = " ".join(value for value in (
        fields.get("status", "").strip(),
        fields.get("diagnostic-code", "").strip() or fields.get("final-recipient", "").strip(),
    ) if value)
    return Report("bounced", delivery_id, detail=_clean(_("Retour : %(detail)s") % {"detail": detail}))


def _feedback(message):
    report_part = next((part for part in message.walk() if part.get_content_type() == "message/feedback-report"), None)
    if report_part is None:
        return None
    fields = _field_blocks(report_part)[0]
    feedback_type = fields.get("feedback-type", "").strip().lower()
    if feedback_type in NOT_COMPLAINTS:
        return None
    returned = _returned_headers(message)
    candidates = [fields.get("original-mail-from", "")]
    if returned is not None:
        candidates += returned.get_all("Return-Path") or []
    delivery_id = _first_verp(candidates) or _verp(message)
    detail = _clean(_("Plainte : %(type)s") % {"type": feedback_type or "abuse"})
    if delivery_id is not None:
        return Report("complained", delivery_id, detail=detail)
    key = _unsubscribe_key(returned)
    if key is not None:
        return Report("complained", subscriber_key=key, detail=detail)
    return None


def _verp(message):
    """The delivery named by the VERP address the report was sent to (the headers the receiving server adds,
    then To), or by the Return-Path of the returned message."""
    candidates = []
    for name in VERP_HEADERS:
        for value in message.get_all(name) or []:
            candidates += [address for _name, address in email.utils.getaddresses([str(value)])]
    returned = _returned_headers(message)
    if returned is not None:
        candidates += [str(value) for value in returned.get_all("Return-Path") or []]
    return _first_verp(candidates)


def _first_verp(candidates):
    for candidate in candidates:
        delivery_id = links.read_verp(str(candidate or "").strip())
        if delivery_id is not None:
            return delivery_id
    return None


def _returned_headers(message):
    """The headers of the returned message (message/rfc822 or text/rfc822-headers part), or None."""
    part = next((part for part in message.walk() if part.get_content_type() in RETURNED_PARTS), None)
    if part is None:
        return None
    payload = part.get_payload()
    if isinstance(payload, list):
        return payload[0] if payload and isinstance(payload[0], email.message.Message) else None
    return email.parser.HeaderParser(policy=email.policy.compat32).parsestr(_text(part))


def _unsubscribe_key(returned):
    """The subscriber key of the signed unsubscribe link in RETURNED's List-Unsubscribe, or None."""
    if returned is None:
        return None
    for value in returned.get_all("List-Unsubscribe") or []:
        for url in re.findall(r"<([^<>\s]+)>", str(value)):
            if not url.lower().startswith(("http://", "https://")):
                continue
            try:
                match = resolve(urlsplit(url).path)
            except Resolver404:
                continue
            if match.view_name != "newsletters:unsubscribe":
                continue
            token = next(iter(match.kwargs.values()), None) if match.kwargs else (match.args or [None])[0]
            try:
                return links.read_subscriber_token(str(token))[0]
            except links.Invalid:
                continue
    return None


def _field_blocks(part):
    """The groups of header-like fields of a message/delivery-status or message/feedback-report part, each a dict
    of lowercased names: the parser may have made them sub-messages or left them as text."""
    payload = part.get_payload()
    if isinstance(payload, list):
        text = "\n\n".join(_block_text(block) for block in payload if isinstance(block, email.message.Message))
    else:
        text = _text(part)
    blocks = []
    for chunk in re.split(r"\r?\n[ \t]*\r?\n", text):
        fields, name = {}, None
        for line in chunk.splitlines():
            if line[:1] in (" ", "\t") and name:
                fields[name] += " " + line.strip()
            elif ":" in line:
                name, _sep, value = line.partition(":")
                name = name.strip().lower()
                fields.setdefault(name, value.strip())
        if fields:
            blocks.append(fields)
    return blocks or [{}]


def _block_text(block):
    lines = [f"{name}: {value}" for name, value in block.items()]
    body = block.get_payload()
    if isinstance(body, list):
        return "\n".join(lines) + "\n\n" + "\n\n".join(_block_text(sub) for sub in body if isinstance(sub, email.message.Message))
    return "\n".join(lines) + ("\n\n" + body if isinstance(body, str) and body.strip() else "")


def _text(part):
    """PART's payload as text, whatever its transfer encoding and charset (unknown ones read as UTF-8, replaced)."""
    data = part.get_payload(decode=True)
    if data is None:
        payload = part.get_payload()
        return payload if isinstance(payload, str) else ""
    charset = str(part.get_content_charset("utf-8") or "utf-8")
    try:
        return data.decode(charset, "replace")
    except (LookupError, UnicodeError):
        return data.decode("utf-8", "replace")


def _clean(text):
    """One line of printable text, as short as the fields that keep it; bytes of no known charset replaced."""
    text = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return re.sub(r"[\x00-\x1f\x7f]+", " ", text).strip()[:300]


# --- IMAP ---------------------------------------------------------------------------------------------------

@contextlib.contextmanager
def _connect(url):
    """An IMAP connection to URL (imap:// or imaps://user:password@host:port/mailbox), logged in, the mailbox
    selected for writing; logged out at the end."""
    parts = urlsplit(url)
    if parts.scheme not in {"imap", "imaps"} or not parts.hostname:
        raise MailboxError(_("Adresse de la boîte des retours invalide (imap:// ou imaps://) : %(scheme)s")
                           % {"scheme": parts.scheme or "?"})
    mailbox = unquote(parts.path.lstrip("/")) or "INBOX"
    try:
        port = parts.port
        if parts.scheme == "imaps":
            imap = imaplib.IMAP4_SSL(parts.hostname, port or 993, ssl_context=ssl.create_default_context(),
                                     timeout=TIMEOUT)
        else:
            imap = imaplib.IMAP4(parts.hostname, port or 143, timeout=TIMEOUT)
    except (OSError, ValueError, imaplib.IMAP4.error) as error:
        raise MailboxError(_("Boîte des retours injoignable (%(host)s) : %(error)s")
                           % {"host": parts.hostname, "error": error}) from error
    try:
        try:
            imap.login(unquote(parts.username or ""), unquote(parts.password or ""))
            typ, _data = imap.select(_quote(mailbox))
            if typ != "OK":
                raise MailboxError(_("Dossier « %(mailbox)s » introuvable dans la boîte des retours.") % {"mailbox": mailbox})
        except (OSError, imaplib.IMAP4.error) as error:
            raise MailboxError(_("Boîte des retours illisible : %(error)s") % {"error": error}) from error
        yield imap
    finally:
        with contextlib.suppress(OSError, imaplib.IMAP4.error):
            imap.logout()


def _quote(mailbox):
    return '"' + mailbox.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _search_unseen(imap):
    typ, data = imap.uid("SEARCH", None, "UNSEEN")
    if typ != "OK":
        raise MailboxError(_("Boîte des retours illisible : %(error)s") % {"error": data})
    return [int(uid) for uid in (data[0] or b"").split() if uid.isdigit()]


def _fetch(imap, uids):
    """(uid, the first MAX_BYTES of the message) for each of UIDS, in order; not marked seen."""
    typ, data = imap.uid("FETCH", _uid_set(uids), f"(UID BODY.PEEK[]<0.{MAX_BYTES}>)")
    if typ != "OK":
        raise MailboxError(_("Boîte des retours illisible : %(error)s") % {"error": data})
    for item in data:
        if isinstance(item, tuple) and len(item) >= 2:
            found = re.search(rb"UID (\d+)", item[0])
            if found:
                yield int(found.group(1)), item[1] or b""


def _flag(imap, uids, flags):
    if uids:
        imap.uid("STORE", _uid_set(uids), "+FLAGS.SILENT", f"({flags})")


def _expunge(imap, uids):
    """Removes the messages flagged \\Deleted: only UIDS where the server can (UIDPLUS)."""
    if "UIDPLUS" in imap.capabilities:
        imap.uid("EXPUNGE", _uid_set(uids))
    else:
        imap.expunge()


def _uid_set(uids):
    return ",".join(str(uid) for uid in uids)
