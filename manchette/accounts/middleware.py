"""Limits on asking for a password reset, per address and per e-mail address, whatever the answer would be.

The refusal is the same whether an account has that e-mail address or not, and comes before the form is
read, so it tells nothing about who has an account. Counters live in Django's cache: shared between processes
and machines with REDIS_URL, per process without it.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from .responses import refusal
from .throttle import network

# URL names of the views that send a password reset e-mail.
PASSWORD_RESET_VIEWS = {"wagtailadmin_password_reset"}


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
