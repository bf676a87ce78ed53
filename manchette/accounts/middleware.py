"""Limits on asking for a password reset, per address and per e-mail address, whatever the answer would be;
two-factor authentication required of the staff roles the « Sécurité » settings name; account pages marked as
depending on who asks.

The refusal of a reset is the same whether an account has that e-mail address or not, and comes before the
form is read, so it tells nothing about who has an account. Counters live in Django's cache: shared between
processes and machines with REDIS_URL, per process without it. allauth's own limits ("reset_password" in
ACCOUNT_RATE_LIMITS) count per minute; these, per hour, are what stops one address being flooded with e-mails.
"""

import hashlib

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .models import SecuritySettings
from .responses import refusal
from .throttle import network

# URL names of the views that send a password reset e-mail.
PASSWORD_RESET_VIEWS = {"account_reset_password"}


class PasswordResetLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # After CsrfViewMiddleware's own process_view: a forged request is refused before it counts.
        if request.method != "POST" or request.resolver_match.url_name not in PASSWORD_RESET_VIEWS:
            return None
        email = request.POST.get("email", "").strip().lower()
        over = count(f"address:{network(request.META.get('REMOTE_ADDR'))}") > settings.PASSWORD_RESET_LIMIT_PER_ADDRESS
        if email:
            over |= count(f"email:{email}") > settings.PASSWORD_RESET_LIMIT_PER_EMAIL
        if not over:
            return None
        return refusal(
            request,
            _("Trop de demandes de réinitialisation du mot de passe. Réessayez plus tard."),
            settings.PASSWORD_RESET_WINDOW_SECONDS,
        )


def count(what):
    """Requests for WHAT in the current window, this one included."""
    key = "password-reset:" + hashlib.sha256(what.encode()).hexdigest()
    if cache.add(key, 1, timeout=settings.PASSWORD_RESET_WINDOW_SECONDS):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # the window ended between the two calls
        cache.add(key, 1, timeout=settings.PASSWORD_RESET_WINDOW_SECONDS)
        return 1


class TwoFactorRequiredMiddleware:
    """A logged-in member of a role that must use two-factor authentication, without an authenticator app yet,
    is sent from the admin to allauth's page that activates one. Once it is active, allauth's login asks for
    its code by itself."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        admin = request.path.startswith(reverse("wagtailadmin_home")) and request.path != reverse("wagtailadmin_logout")
        if admin and must_activate(request):
            messages.warning(request, _(
                "Votre rôle impose la double authentification\u00a0: activez une application d’authentification "
                "pour accéder à l’administration."
            ))
            return redirect("mfa_activate_totp")
        return self.get_response(request)


def must_activate(request):
    user = request.user
    if not user.is_authenticated or not SecuritySettings.load(request_or_site=request).requires_two_factor(user):
        return False
    return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class AccountPagesMiddleware:
    """Every page under /compte/ (allauth's and the account's own) depends on who asks. The edge renders a
    logged-in reader's request for nobody first (edge/app.py): marked personal, the page is asked again with the
    reader's cookies, and its URL goes to Django with them from then on, instead of the login page an anonymous
    request gets."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(reverse("accounts:account")):
            request.edge_personal = True
        return self.get_response(request)
