"""Readers' comments on articles, their reports, and the sanctions moderators take against their authors.

A comment is top-level or a reply to a top-level comment (one level, as the page shows them). Its status says
who sees it: readers see APPROVED ones; PENDING ones wait for a moderator (pre-moderated articles, edits that
go back to the queue) and only their author sees them; REJECTED ones nobody but moderators; DELETED ones (by
their author, or with their account) keep their place, as « Commentaire supprimé », while a reply sits under
them, and their text is gone.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    PENDING = "pending", _("En attente")
    APPROVED = "approved", _("Publié")
    REJECTED = "rejected", _("Refusé")
    DELETED = "deleted", _("Supprimé")


class Comment(models.Model):
    article = models.ForeignKey("news.Article", verbose_name=_("article"), on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self", verbose_name=_("en réponse à"), null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    # None once the author's account is deleted and the site keeps their comments (« Compte supprimé »).
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("auteur"), null=True, on_delete=models.SET_NULL, related_name="comments"
    )
    text = models.TextField(_("texte"))
    status = models.CharField(_("statut"), max_length=16, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("posté le"), default=timezone.now)
    edited_at = models.DateTimeField(_("modifié le"), null=True, blank=True)
    # When it reached readers (approved); an approved comment sent back to the queue by an edit keeps it.
    published_at = models.DateTimeField(_("publié le"), null=True, blank=True)
    featured = models.BooleanField(_("choix de la rédaction"), default=False)
    # Approved replies under it: the « most replies » order, without counting on every page view.
    reply_count = models.PositiveIntegerField(_("réponses"), default=0)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("modéré par"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    moderated_at = models.DateTimeField(_("modéré le"), null=True, blank=True)
    rejection_reason = models.CharField(_("motif du refus"), max_length=300, blank=True)
    # When the parent's author was told of this reply by e-mail (notify.py): once, at its first publication.
    notified_at = models.DateTimeField(_("réponse signalée le"), null=True, blank=True, editable=False)
    # The moderation classifier's estimate that moderators would reject it (0 to 1), when one was trained.
    score = models.FloatField(_("score de rejet"), null=True, blank=True)
    # Its author was trusted when it was posted: its web addresses are shown as links (rel="nofollow ugc").
    links_shown = models.BooleanField(_("liens actifs"), default=False)
    # When its text was purged, RGPD retention (a rejected comment's text is not kept for ever).
    purged_at = models.DateTimeField(_("texte effacé le"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("commentaire")
        verbose_name_plural = _("commentaires")
        permissions = [("moderate_comment", _("Peut modérer les commentaires"))]
        indexes = [
            # A thread's batches: top-level comments of an article by status and date.
            models.Index(fields=["article", "parent", "status", "created_at"], name="comment_thread"),
            models.Index(fields=["article", "parent", "status", "reply_count"], name="comment_most_replies"),
            # The queue: pending comments, oldest first.
            models.Index(fields=["status", "created_at"], name="comment_queue"),
            models.Index(fields=["author", "status"], name="comment_author"),
        ]

    def __str__(self):
        return f"{self.pk}: {self.text[:40]}"


class Report(models.Model):
    class Reason(models.TextChoices):
        SPAM = "spam", _("Publicité ou spam")
        ABUSE = "abuse", _("Insulte ou harcèlement")
        HATE = "hate", _("Propos haineux ou discriminatoires")
        OFF_TOPIC = "off_topic", _("Hors sujet")
        FALSE = "false", _("Fausse information")
        OTHER = "other", _("Autre raison")

    comment = models.ForeignKey(Comment, verbose_name=_("commentaire"), on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("signalé par"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(_("motif"), max_length=16, choices=Reason.choices)
    details = models.CharField(_("précisions"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("signalé le"), default=timezone.now)
    # Set when a moderator decides on the comment: the report leaves the queue.
    resolved_at = models.DateTimeField(_("traité le"), null=True, blank=True)

    class Meta:
        verbose_name = _("signalement")
        verbose_name_plural = _("signalements")
        constraints = [models.UniqueConstraint(fields=["comment", "reporter"], name="one_report_per_reader")]
        indexes = [models.Index(fields=["resolved_at", "created_at"], name="report_queue")]


class Sanction(models.Model):
    """A suspension (until a date) or a ban (no end) of a reader's right to comment."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("lecteur"), on_delete=models.CASCADE, related_name="sanctions")
    until = models.DateTimeField(_("jusqu’au"), null=True, blank=True, help_text=_("Vide : exclusion définitive."))
    reason = models.CharField(_("motif"), max_length=300)
    created_at = models.DateTimeField(_("décidé le"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("décidé par"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    lifted_at = models.DateTimeField(_("levé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("sanction")
        verbose_name_plural = _("sanctions")
        indexes = [models.Index(fields=["user", "lifted_at"], name="sanction_user")]


def active_sanction(user, now=None):
    """The sanction that keeps USER from commenting now (a ban before a suspension), or None."""
    now = now or timezone.now()
    current = Sanction.objects.filter(user=user, lifted_at__isnull=True).filter(models.Q(until__isnull=True) | models.Q(until__gt=now))
    return current.order_by(models.F("until").desc(nulls_first=True)).first()


class Flag(models.Model):
    """Why an automatic check held or rejected a comment, as the queue shows it: the rule and what matched.

    Made by the checks run before a comment is saved (screening.py); a comment edited is checked again and its
    flags replaced. `matched` is the text that tripped the rule as the reader wrote it (« v1agra », « http://… »),
    cut to its first 200 characters."""

    class Action(models.TextChoices):
        HOLD = "hold", _("Retenu pour modération")
        REJECT = "reject", _("Refusé automatiquement")
        NOTE = "note", _("Signalé au modérateur")

    comment = models.ForeignKey(Comment, verbose_name=_("commentaire"), on_delete=models.CASCADE, related_name="flags")
    rule = models.CharField(_("règle"), max_length=40)
    label = models.CharField(_("libellé"), max_length=200)
    matched = models.CharField(_("correspondance"), max_length=200, blank=True)
    action = models.CharField(_("effet"), max_length=8, choices=Action.choices)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)

    class Meta:
        verbose_name = _("marque automatique")
        verbose_name_plural = _("marques automatiques")

    def __str__(self):
        return f"{self.label} : {self.matched}" if self.matched else self.label


class Decision(models.Model):
    """One moderation decision, kept after the comment's text is purged (RGPD) or the comment is gone: who (a
    moderator, or None for an automatic check), when, on what, what, why, and the rule or score involved."""

    class Action(models.TextChoices):
        APPROVE = "approve", _("Publié")
        REJECT = "reject", _("Refusé")
        HOLD = "hold", _("Retenu")
        FEATURE = "feature", _("Mis en avant")
        UNFEATURE = "unfeature", _("Retiré de la mise en avant")
        SANCTION = "sanction", _("Sanction")
        LIFT = "lift", _("Sanction levée")
        WARN = "warn", _("Avertissement")
        TRUST = "trust", _("Confiance modifiée")
        REVIEW = "review", _("Réexamen")

    comment = models.ForeignKey(
        Comment, verbose_name=_("commentaire"), null=True, blank=True, on_delete=models.SET_NULL, related_name="decisions"
    )
    # The comment's number, kept when the comment itself is deleted.
    comment_number = models.BigIntegerField(_("n° du commentaire"), null=True, blank=True)
    article = models.ForeignKey(
        "news.Article", verbose_name=_("article"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("auteur"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="moderation_decisions",
    )
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("modérateur"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="decisions_taken",
    )
    action = models.CharField(_("décision"), max_length=16, choices=Action.choices)
    reason = models.CharField(_("motif"), max_length=300, blank=True)
    rule = models.CharField(_("règle"), max_length=40, blank=True)
    score = models.FloatField(_("score"), null=True, blank=True)
    automated = models.BooleanField(_("automatique"), default=False)
    created_at = models.DateTimeField(_("le"), default=timezone.now)

    class Meta:
        verbose_name = _("décision de modération")
        verbose_name_plural = _("décisions de modération")
        indexes = [
            models.Index(fields=["moderator", "created_at"], name="decision_moderator"),
            models.Index(fields=["author", "created_at"], name="decision_author"),
            models.Index(fields=["created_at"], name="decision_date"),
        ]

    def __str__(self):
        return f"{self.get_action_display()} {self.comment_number or ''}"


class DeskAssignment(models.Model):
    """A moderator's desk: the comments on the articles of one section and of its subsections. A moderator with
    desks finds theirs in the queue by default; with COMMENTS_DESKS_ENFORCED, they act on those alone (desks.py)."""

    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("modérateur"), on_delete=models.CASCADE, related_name="desks",
    )
    section = models.ForeignKey("news.Section", verbose_name=_("rubrique"), on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(_("attribué le"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("pupitre de modération")
        verbose_name_plural = _("pupitres de modération")
        constraints = [models.UniqueConstraint(
            fields=["moderator", "section"], name="one_desk_per_section",
            violation_error_message=_("Ce modérateur a déjà ce pupitre."),
        )]

    def __str__(self):
        return f"{self.moderator} : {self.section}"
