"""Brute-force protection at Django's authentication layer, on django-axes' records of failed logins.

Axes locks out an account and an address together (AXES_LOCKOUT_PARAMETERS): whoever fails the editor-in-chief's
password from elsewhere cannot lock her out. What that leaves open, guessing one account's password from many
addresses, is slowed here: once the account has failed LOGIN_ACCOUNT_FAILURE_LIMIT times within the lockout
window, from any addresses, it takes one attempt per LOGIN_ACCOUNT_DELAY_SECONDS from each address — a rate,
not a lock. Each address has its own turn, so an attacker's stream of attempts cannot take the editor's from
the hotel's wifi; the attempts refused meanwhile are neither checked nor counted; and an address the account
logged in from lately is not slowed at all, so the newsroom's own login goes through an attack from elsewhere.

An address, here and in axes' records, is an IPv4 address, or the /64 of an IPv6 address (written as its first
address, 2001:db8:1:2::): one subscriber gets a whole /64, and its privacy addresses change every day.
"""

import hashlib
import ipaddress
from datetime import timedelta

from allauth.account.models import EmailAddress
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt, AccessLog
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import Sum
from django.utils import timezone

# What axes' records hold of a username (AccessAttempt.username, AccessLog.username).
USERNAME_MAX_LENGTH = 255


def client_username(request, credentials=None):
    """The username axes records (AXES_USERNAME_CALLABLE), cut to what its columns hold (a longer one, which no
    account has, would not fit them: a 500 on PostgreSQL, for a login form sent 100 kB of name).

    allauth's login authenticates with email=… or username=… as the reader typed it (its form field, "login",
    takes either), axes' success signal with the username: an e-mail address of an account stands for its
    username, so failures under one name and successes under the other count for the same account. An address
    no account has is counted as typed, lower-cased: the same answers as for an account, nothing told."""
    credentials = credentials or {}
    field = getattr(settings, "AXES_USERNAME_FORM_FIELD", "username")
    login = credentials.get(field) or credentials.get("username") or credentials.get("email")
    if login is None and not credentials:
        login = getattr(request, "data", request.POST).get(field)
    if not isinstance(login, str):
        return login
    login = login.strip()[:USERNAME_MAX_LENGTH]
    if "@" in login:
        login = username_of_email(login) or login.lower()
    return login


def username_of_email(email):
    User = get_user_model()
    address = EmailAddress.objects.filter(email__iexact=email).select_related("user").first()
    if address is not None:
        return address.user.get_username()
    user = User.objects.filter(email__iexact=email).first()
    return user.get_username() if user is not None else None


def client_address(request):
    """The client's address as the server saw it (AXES_CLIENT_IP_CALLABLE): no header a client can forge."""
    return network(request.META.get("REMOTE_ADDR"))


def network(address):
    """What an address counts as: an IPv6 address as the first address of its /64 (not "…/64", which PostgreSQL's
    driver refuses for axes' inet column), an IPv4 address written in IPv6 as IPv4, anything else as it is."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 4:
        return str(parsed)
    if parsed.ipv4_mapped is not None:
        return str(parsed.ipv4_mapped)
    return str(ipaddress.IPv6Network((parsed, 64), strict=False).network_address)


class LoginHandler(AxesDatabaseHandler):
    """Axes' database handler, with the account's rate on top of the lockout of the account and address."""

    def is_locked(self, request, credentials=None):
        if super().is_locked(request, credentials):
            return True
        request.account_throttled = account_throttled(request, get_client_username(request, credentials))
        return request.account_throttled


def account_throttled(request, username):
    if not username or settings.LOGIN_ACCOUNT_FAILURE_LIMIT <= 0:
        return False
    since = timezone.now() - (get_cool_off(request) or timedelta(hours=1))
    failed = AccessAttempt.objects.filter(username=username, attempt_time__gte=since).aggregate(n=Sum("failures_since_start"))
    if (failed["n"] or 0) < settings.LOGIN_ACCOUNT_FAILURE_LIMIT or known_address(request, username):
        return False
    # One attempt per delay and address goes through, whichever process gets it first (atomic with Redis; per
    # process without). Per address: attempts from elsewhere, however many, do not take this address's turn.
    slot = "login-account-slot:" + hashlib.sha256(f"{username}\0{request.axes_ip_address}".encode()).hexdigest()
    return not cache.add(slot, 1, timeout=settings.LOGIN_ACCOUNT_DELAY_SECONDS)


def known_address(request, username):
    if settings.LOGIN_KNOWN_ADDRESS_DAYS <= 0 or not request.axes_ip_address:
        return False
    since = timezone.now() - timedelta(days=settings.LOGIN_KNOWN_ADDRESS_DAYS)
    return AccessLog.objects.filter(username=username, ip_address=request.axes_ip_address, attempt_time__gte=since).exists()
