"""A warning to a reader before a sanction: a moderator's « Avertir », recorded as a decision (Decision « warn »)
and e-mailed to the reader in the background. The sanction form says whether, and when, the reader was warned.

The same warning clicked twice (same reader, same reason, within REPEAT_WINDOW) is recorded and sent once.
"""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _t
from django_tasks import task

from manchette.news.visibility import is_visible

from . import audit
from .models import Decision
from .moderation import REASON_MAX_LENGTH, one_line
from .thread import display_name

REPEAT_WINDOW = datetime.timedelta(minutes=10)


def warn(author, by, reason, comment=None):
    """Warn AUTHOR (about COMMENT, one of theirs, if given) with REASON. Returns the Decision, or None when the
    same warning was given moments ago (nothing recorded or sent again)."""
    reason = one_line(reason)[:REASON_MAX_LENGTH]
    if not reason:
        raise ValidationError(_t("Indiquez le motif de l’avertissement."))
    if by is not None and author.pk == by.pk:
        raise ValidationError(_t("Vous ne pouvez pas vous avertir vous-même."))
    if comment is not None and comment.author_id != author.pk:
        raise ValidationError(_t("Ce commentaire n’est pas de ce lecteur."))
    with transaction.atomic():
        # Two clicks at once take turns here, so the second sees the first's decision.
        get_user_model().objects.select_for_update().filter(pk=author.pk).exists()
        now = timezone.now()
        given = Decision.objects.filter(
            author=author, action=Decision.Action.WARN, reason=reason, created_at__gt=now - REPEAT_WINDOW
        )
        if given.exists():
            return None
        decision = audit.record(Decision.Action.WARN, comment=comment, author=author, moderator=by, reason=reason, now=now)
        transaction.on_commit(lambda: send_warning.enqueue(decision.pk))
    return decision


def last_warnings(user_ids):
    """{user id: when they were last warned} for those of USER_IDS ever warned (one query)."""
    rows = (
        Decision.objects.filter(author_id__in=[pk for pk in user_ids if pk], action=Decision.Action.WARN)
        .values("author_id").annotate(last=Max("created_at")).order_by()
    )
    return {row["author_id"]: row["last"] for row in rows}


@task()
def send_warning(decision_id):
    """E-mail the warning of Decision DECISION_ID to its reader: why, and about which comment if there is one."""
    decision = (
        Decision.objects.select_related("author", "author__profile", "comment", "article")
        .filter(pk=decision_id, action=Decision.Action.WARN).first()
    )
    if decision is None or decision.author is None or not decision.author.email:
        return  # the reader's account deleted since the click
    with translation.override(settings.LANGUAGE_CODE):
        comment, article = decision.comment, decision.article
        context = {
            "name": display_name(decision.author),
            "reason": decision.reason,
            "comment": comment if comment is not None and comment.purged_at is None else None,
            "posted": timezone.localtime(comment.created_at) if comment is not None else None,
            "title": article.title if article is not None else "",
            "url": article.full_url if article is not None and is_visible(article) else "",
            "site_name": settings.SITE_NAME,
        }
        subject = one_line(render_to_string("comments/email/warning_subject.txt", context))
        body = render_to_string("comments/email/warning_message.txt", context)
    send_mail(subject, body, None, [decision.author.email])
