"""The French refusals of the login protection: 429, a page in the admin's style, and when to try again."""

import math
from datetime import timedelta

from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def refusal(request, message, retry_after):
    response = render(request, "accounts/refused.html", {"message": message}, status=429)
    response["Retry-After"] = str(math.ceil(retry_after))
    return response


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the account is slowed (throttle.py), or locked out from this address."""
    if getattr(request, "account_throttled", False):
        seconds = settings.LOGIN_ACCOUNT_DELAY_SECONDS
        return refusal(
            request,
            _("Trop de tentatives de connexion à ce compte en peu de temps. Patientez quelques secondes, puis réessayez."),
            seconds,
        )
    seconds = lockout_left(request, credentials).total_seconds()
    return refusal(request, locked_message(seconds), seconds)


def lockout_left(request, credentials):
    """What is left of the lockout: it runs from the last failure counted, the attempts refused since not counting."""
    last = (
        AccessAttempt.objects.filter(username=get_client_username(request, credentials), ip_address=request.axes_ip_address)
        .aggregate(last=Max("attempt_time"))["last"]
    )
    cool_off = get_cool_off(request)
    return max(last + cool_off - timezone.now(), timedelta(seconds=1)) if last else cool_off


def locked_message(seconds):
    minutes = math.ceil(seconds / 60)
    return ngettext(
        "Trop de tentatives de connexion ont échoué. Par sécurité, ce compte ne peut plus se connecter depuis votre "
        "adresse pendant %(minutes)d minute.",
        "Trop de tentatives de connexion ont échoué. Par sécurité, ce compte ne peut plus se connecter depuis votre "
        "adresse pendant %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}
