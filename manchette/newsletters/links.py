"""The signed links of newsletter e-mails, and the VERP address that names a delivery when its bounce comes back.

Confirmation links expire (NEWSLETTER_CONFIRM_HOURS) and work once (Signup.confirmed_at); unsubscribe and
preferences links never expire: they name the subscriber's random key, signed, so a forged or altered link names
nobody, and a link that outlives its subscriber names nobody either.
"""

import hashlib
import hmac
import uuid

from django.conf import settings
from django.core import signing
from django.urls import reverse

CONFIRM_SALT = "manchette.newsletters.confirm"
SUBSCRIBER_SALT = "manchette.newsletters.subscriber"


class Invalid(Exception):
    """A forged, altered or expired link."""


class Expired(Invalid):
    pass


def subscriber_token(subscriber, newsletter=None):
    """SUBSCRIBER's key, and a list's pk when the link is about that list (the unsubscribe link of its editions)."""
    return token(subscriber.key, newsletter.pk if newsletter is not None else None)


def token(key, newsletter_id=None):
    value = key.hex + (f".{newsletter_id}" if newsletter_id is not None else "")
    return signing.Signer(salt=SUBSCRIBER_SALT).sign(value)


def read_subscriber_token(token):
    """(subscriber key, newsletter pk or None); Invalid for anything not made by subscriber_token()."""
    try:
        value = signing.Signer(salt=SUBSCRIBER_SALT).unsign(token)
    except signing.BadSignature:
        raise Invalid from None
    key, _, newsletter = value.partition(".")
    try:
        return uuid.UUID(hex=key), (int(newsletter) if newsletter else None)
    except ValueError:
        raise Invalid from None


def confirm_token(signup):
    return signing.TimestampSigner(salt=CONFIRM_SALT).sign(str(signup.pk))


def read_confirm_token(token):
    """The Signup pk; Expired once NEWSLETTER_CONFIRM_HOURS have passed, Invalid when forged."""
    signer = signing.TimestampSigner(salt=CONFIRM_SALT)
    try:
        return int(signer.unsign(token, max_age=settings.NEWSLETTER_CONFIRM_HOURS * 3600))
    except signing.SignatureExpired:
        raise Expired from None
    except (signing.BadSignature, ValueError):
        raise Invalid from None


def absolute(path):
    return settings.SITE_URL + path


def unsubscribe_url(subscriber, newsletter=None):
    return absolute(reverse("newsletters:unsubscribe", args=[subscriber_token(subscriber, newsletter)]))


def preferences_url(subscriber):
    return absolute(reverse("newsletters:preferences", args=[subscriber_token(subscriber)]))


def confirm_url(signup):
    return absolute(reverse("newsletters:confirm", args=[confirm_token(signup)]))


def _verp_mac(delivery_id):
    key = hashlib.sha256(("manchette.newsletters.verp" + settings.SECRET_KEY).encode()).digest()
    return hmac.new(key, str(delivery_id).encode(), hashlib.sha256).hexdigest()[:10]


def verp_address(delivery_id):
    """The envelope sender of one delivery: bounces+d<id>-<mac>@domain; the bounce address itself when
    NEWSLETTER_BOUNCE_ADDRESS is not set (then the From address)."""
    bounce = settings.NEWSLETTER_BOUNCE_ADDRESS
    if not bounce:
        return None
    local, _, domain = bounce.rpartition("@")
    return f"{local}+d{delivery_id}-{_verp_mac(delivery_id)}@{domain}"


def read_verp(address):
    """The delivery pk a VERP address names, or None (not ours, forged)."""
    local = (address or "").strip().strip("<>").rpartition("@")[0]
    _, plus, tag = local.partition("+")
    if not plus or not tag.startswith("d") or "-" not in tag:
        return None
    number, _, mac = tag[1:].partition("-")
    if not number.isdigit() or not hmac.compare_digest(mac, _verp_mac(int(number))):
        return None
    return int(number)
