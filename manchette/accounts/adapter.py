"""ACCOUNT_ADAPTER: allauth as the newspaper wants it — a profile made with every account, e-mails in the
site's name, and no message left waiting for a page that will not show it."""

from types import SimpleNamespace
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.db import transaction

from .models import Profile

# Messages allauth adds before sending the reader to a shared page (the article they came from, the front
# page), which shows no messages: they would wait in the session and surface on the next account page.
UNSHOWN_MESSAGES = {"account/messages/logged_in.txt", "account/messages/logged_out.txt"}


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        with transaction.atomic():
            user = super().save_user(request, user, form, commit=commit)
            if commit:
                Profile.objects.update_or_create(user=user, defaults={"display_name": form.cleaned_data["shown_name"]})
        return user

    def send_mail(self, template_prefix, email, context):
        # allauth names the site after the request's host (django.contrib.sites is not installed).
        site = SimpleNamespace(name=settings.SITE_NAME, domain=urlsplit(settings.SITE_URL).netloc)
        super().send_mail(template_prefix, email, {"current_site": site, "site_url": settings.SITE_URL, **context})

    def add_message(self, request, level, message_template=None, message_context=None, extra_tags="", message=None):
        if message_template in UNSHOWN_MESSAGES:
            return
        super().add_message(request, level, message_template, message_context, extra_tags, message)
