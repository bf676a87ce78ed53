"""What the EU Digital Services Act (regulation (EU) 2022/2065) asks the site to keep about comments: the
notices of illegal content anyone may send (Art. 16), the statement of reasons each author of a removed comment
receives (Art. 17), and the authors' requests for a review of that decision (Art. 20).

Each row copies what it must still say once the comment, the article or an account is gone (the comment's
number, the article's title, the address written to), and is deleted after DSA_RETENTION_DAYS (retention.py).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Ground(models.TextChoices):
    """Why a notifier holds a comment illegal, in Belgian and EU law (grounds.py names the texts)."""

    HATE = "haine", _("Incitation à la haine, à la violence ou à la discrimination")
    DENIAL = "negationnisme", _("Négationnisme")
    HARASSMENT = "harcelement", _("Harcèlement")
    DEFAMATION = "diffamation", _("Diffamation, calomnie ou injure")
    PRIVACY = "vie_privee", _("Atteinte à la vie privée ou aux données personnelles")
    COPYRIGHT = "contrefacon", _("Contrefaçon (droit d’auteur, marques)")
    CHILD_ABUSE = "abus_enfants", _("Matériel d’abus sexuels sur enfants")
    OTHER = "autre", _("Autre infraction")


class Notice(models.Model):
    """A notice that a comment is illegal (Art. 16): who sends it (anyone, with or without an account; name and
    address may be left out for child sexual abuse material only), where, why, in good faith. It enters the
    moderators' queue as a report of the comment, and its sender is told the decision."""

    class Status(models.TextChoices):
        OPEN = "open", _("À traiter")
        REMOVED = "removed", _("Contenu retiré")
        KEPT = "kept", _("Contenu maintenu")
        GONE = "gone", _("Contenu déjà retiré")

    reference = models.CharField(_("référence"), max_length=20, unique=True)
    comment = models.ForeignKey(
        "comments.Comment", verbose_name=_("commentaire"), null=True, on_delete=models.SET_NULL, related_name="dsa_notices"
    )
    comment_number = models.BigIntegerField(_("n° du commentaire"))
    url = models.CharField(_("adresse exacte"), max_length=500)
    # The report that puts the comment in the moderators' queue (comments.moderation.queue).
    report = models.ForeignKey(
        "comments.Report", verbose_name=_("signalement"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ground = models.CharField(_("motif légal"), max_length=16, choices=Ground.choices)
    explanation = models.TextField(_("explication"))
    name = models.CharField(_("nom"), max_length=150, blank=True)
    email = models.EmailField(_("adresse e-mail"), blank=True)
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("compte"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    good_faith = models.BooleanField(_("déclaration de bonne foi"), default=False)
    created_at = models.DateTimeField(_("reçu le"), default=timezone.now)
    status = models.CharField(_("état"), max_length=8, choices=Status.choices, default=Status.OPEN)
    decided_at = models.DateTimeField(_("décidé le"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("décidé par"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The removal the notice led to, when it did (comments' audit record).
    decision = models.ForeignKey(
        "comments.Decision", verbose_name=_("décision"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Removed as illegal under this ground (the moderator's reading, which may differ from the notifier's), or blank.
    decided_ground = models.CharField(_("motif légal retenu"), max_length=16, choices=Ground.choices, blank=True)
    reason = models.CharField(_("motif de la décision"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("signalement de contenu illicite")
        verbose_name_plural = _("signalements de contenus illicites")
        indexes = [
            models.Index(fields=["status", "created_at"], name="dsa_notice_queue"),
            models.Index(fields=["comment_number", "status"], name="dsa_notice_comment"),
            models.Index(fields=["decided_at"], name="dsa_notice_decided"),
        ]

    def __str__(self):
        return self.reference


class Statement(models.Model):
    """The statement of reasons (Art. 17) sent to the author of a removed or refused comment: the decision, the
    facts, the ground (a rule of the site's charter, or the law), whether automated means detected the comment or
    decided, and the ways to contest it. One per removal decision."""

    class Basis(models.TextChoices):
        TERMS = "terms", _("Charte de participation")
        LAW = "law", _("Contenu illicite")

    reference = models.CharField(_("référence"), max_length=20, unique=True)
    decision = models.OneToOneField(
        "comments.Decision", verbose_name=_("décision"), null=True, on_delete=models.SET_NULL, related_name="dsa_statement"
    )
    # The moderator who decided (None: an automatic check): the one who may not review the decision.
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("modérateur"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    comment = models.ForeignKey(
        "comments.Comment", verbose_name=_("commentaire"), null=True, on_delete=models.SET_NULL, related_name="dsa_statements"
    )
    comment_number = models.BigIntegerField(_("n° du commentaire"))
    article_title = models.CharField(_("article"), max_length=255, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("auteur"), null=True, on_delete=models.SET_NULL, related_name="dsa_statements"
    )
    email = models.EmailField(_("envoyé à"), blank=True)
    notice = models.ForeignKey(
        Notice, verbose_name=_("signalement"), null=True, blank=True, on_delete=models.SET_NULL, related_name="statements"
    )
    published = models.BooleanField(_("était publié"), default=True)
    basis = models.CharField(_("fondement"), max_length=8, choices=Basis.choices)
    ground = models.CharField(_("motif"), max_length=600)
    facts = models.TextField(_("faits"))
    automated_detection = models.BooleanField(_("détection automatisée"), default=False)
    automated_decision = models.BooleanField(_("décision automatisée"), default=False)
    created_at = models.DateTimeField(_("décidé le"), default=timezone.now)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("exposé des motifs")
        verbose_name_plural = _("exposés des motifs")
        indexes = [
            models.Index(fields=["author", "created_at"], name="dsa_statement_author"),
            models.Index(fields=["created_at"], name="dsa_statement_date"),
        ]

    def __str__(self):
        return self.reference


class Review(models.Model):
    """An author's request that another moderator look again at a removal (Art. 20), and the outcome."""

    class Status(models.TextChoices):
        OPEN = "open", _("À réexaminer")
        UPHELD = "upheld", _("Décision maintenue")
        REVERSED = "reversed", _("Décision annulée")

    statement = models.OneToOneField(Statement, verbose_name=_("exposé des motifs"), on_delete=models.CASCADE, related_name="review")
    explanation = models.TextField(_("explication de l’auteur"))
    created_at = models.DateTimeField(_("demandé le"), default=timezone.now)
    status = models.CharField(_("état"), max_length=8, choices=Status.choices, default=Status.OPEN)
    decided_at = models.DateTimeField(_("décidé le"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("réexaminé par"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(_("motif"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("demande de réexamen")
        verbose_name_plural = _("demandes de réexamen")
        indexes = [
            models.Index(fields=["status", "created_at"], name="dsa_review_queue"),
            models.Index(fields=["decided_at"], name="dsa_review_decided"),
        ]

    def __str__(self):
        return f"{self.statement.reference}"
