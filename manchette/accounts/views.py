"""The reader's own pages beside allauth's: the account page, the data download and the deletion.

None of them is ever cached (never_cache): each is the reader's alone. Without a session they send to the login.
"""

import json

from allauth.account.adapter import get_adapter
from allauth.core import ratelimit
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from . import data, names, panels
from .forms import DeleteAccountForm, ProfileForm
from .signals import account_deleting


def is_staff(user):
    return user.is_staff or user.is_superuser or user.has_perm("wagtailadmin.access_admin")


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def account(request):
    profile = names.profile_of(request.user)
    form = ProfileForm(request.POST if request.method == "POST" else None, instance=profile)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Vos choix sont enregistrés."))
        return redirect("accounts:account")
    return render(request, "accounts/account.html", {
        "form": form, "profile": profile, "policy": names.policy(), "staff": is_staff(request.user),
        "panels": panels.templates(),
    }, status=400 if form.is_bound else 200)


@never_cache
@login_required
@require_http_methods(["GET", "HEAD"])
def download(request):
    body = json.dumps(data.export(request.user), ensure_ascii=False, indent=2, default=str)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="mes-donnees-{stamp}.json"'
    return response


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def delete(request):
    user = request.user
    if is_staff(user):
        # A newsroom account is closed by an administrator, who decides what becomes of its pages and dispatches.
        return render(request, "accounts/delete.html", {"staff": True}, status=403)
    form = DeleteAccountForm(request.POST if request.method == "POST" else None, user=user)
    if request.method == "POST":
        # Each try checks a password: allauth's limit for asking it again applies (per account).
        if not ratelimit.consume(request, action="reauthenticate", user=user):
            refused = _("Trop d’essais en peu de temps. Réessayez dans quelques minutes.")
            context = {"form": DeleteAccountForm(user=user), "refused": refused, "on_deletion": settings.COMMENTS_ON_ACCOUNT_DELETION}
            return render(request, "accounts/delete.html", context, status=429)
        if form.is_valid():
            with transaction.atomic():
                account_deleting.send(sender=user.__class__, user=user)
                user.delete()
            get_adapter(request).logout(request)
            return render(request, "accounts/deleted.html")
    context = {"form": form, "on_deletion": settings.COMMENTS_ON_ACCOUNT_DELETION}
    return render(request, "accounts/delete.html", context, status=400 if form.is_bound else 200)
