"""The e-mails of the notice-and-action procedure, in the site's language: written from a pair of templates
(`dsa/email/<name>_subject.txt`, `…_message.txt`), sent as background work by the callers' tasks, with the
site's point of contact for these matters (DSA_CONTACT_EMAIL, Art. 12) as the address to answer."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation

from manchette.comments.moderation import one_line


def contact():
    return settings.DSA_CONTACT_EMAIL or settings.DEFAULT_FROM_EMAIL


def send(name, context, to):
    with translation.override(settings.LANGUAGE_CODE):
        context = {"site_name": settings.SITE_NAME, "contact": contact(), **context}
        subject = one_line(render_to_string(f"dsa/email/{name}_subject.txt", context))
        body = render_to_string(f"dsa/email/{name}_message.txt", context)
    EmailMessage(f"[{settings.SITE_NAME}] {subject}", body, to=[to], reply_to=[contact()]).send()
