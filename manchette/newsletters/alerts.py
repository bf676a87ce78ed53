"""The editors told when a scheduled edition did not go out as it should: it failed, it stalled, or its time
passed by more than the grace period and it was skipped (the lead's tick, tasks.py, calls alert_editors).

Each edition is told once (Edition.alerted_at, set by a conditional update: two workers' ticks send one alert);
the e-mail, in French, goes to every active member of the editors' group and every active superuser with an
address, and links to the edition's send report in the admin.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from .models import Edition

EDITORS = "Éditeurs"  # manchette.news.management.commands.setup_newsroom.EDITORS


def reasons():
    return {
        "failed": _("L’envoi a échoué."),
        "stalled": _("L’envoi est bloqué\u00a0: plus aucun message n’est parti depuis plusieurs minutes."),
        "skipped": _("L’édition n’a pas été envoyée\u00a0: son heure d’envoi était dépassée de plus que le délai de grâce."),
    }


def recipients():
    users = get_user_model().objects.filter(Q(groups__name=EDITORS) | Q(is_superuser=True), is_active=True).exclude(email="")
    return sorted({user.email for user in users})


def admin_url(path):
    base = (getattr(settings, "WAGTAILADMIN_BASE_URL", "") or settings.SITE_URL).rstrip("/")
    return base + path


def render(edition, reason):
    """(subject, body) of the alert about EDITION, in the site's language (settings.LANGUAGE_CODE)."""
    with translation.override(settings.LANGUAGE_CODE):
        # Translators: the date and time an edition was due, in the format of Django's date filter.
        due_format = _("l j F Y à H:i")
        context = {
            "edition": edition,
            "newsletter": edition.newsletter,
            "reason": reasons().get(reason, reason),
            "due": formats.date_format(timezone.localtime(edition.due_at), due_format) if edition.due_at else "",
            "error": edition.error,
            "report_url": admin_url(reverse("newsletter_sends:report", args=[edition.pk])),
            "site_name": settings.SITE_NAME,
        }
        subject = render_to_string("newsletters/email/alert_subject.txt", context).strip().replace("\n", " ")
        body = render_to_string("newsletters/email/alert.txt", context)
    return subject, body


def alert_editors(edition, reason):
    """Tells the editors that EDITION failed, stalled or was skipped (REASON: one of those words, or a sentence).
    Returns whether this call sent the alert (False when it had been sent already, or nobody is to be told)."""
    now = timezone.now()
    if not Edition.objects.filter(pk=edition.pk, alerted_at__isnull=True).update(alerted_at=now):
        return False
    edition.alerted_at = now
    addresses = recipients()
    if not addresses:
        return False
    subject, body = render(edition, reason)
    messages = [EmailMessage(subject=subject, body=body, to=[address]) for address in addresses]
    try:
        get_connection().send_messages(messages)
    except Exception:
        # Not told: the next tick tries again.
        Edition.objects.filter(pk=edition.pk, alerted_at=now).update(alerted_at=None)
        edition.alerted_at = None
        raise
    return True
