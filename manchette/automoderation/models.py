"""What the automatic moderation keeps: the word lists moderators edit, each reader's trust as moderators set
it, and the classifier trained on this site's own decisions."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Word(models.Model):
    """A word or expression of a list: banned (the comment is refused) or suspect (it waits for a moderator).
    Matched whole, whatever its accents, case, look-alike letters, spacing or invisible characters."""

    class Kind(models.TextChoices):
        BANNED = "banned", _("Interdit (refusé)")
        SUSPECT = "suspect", _("Suspect (retenu)")

    kind = models.CharField(_("liste"), max_length=8, choices=Kind.choices)
    text = models.CharField(_("mot ou expression"), max_length=100)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("ajouté le"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("ajouté par"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("mot surveillé")
        verbose_name_plural = _("mots surveillés")
        constraints = [models.UniqueConstraint(fields=["kind", "text"], name="one_word_per_list")]

    def __str__(self):
        return self.text


class Trust(models.Model):
    """A moderator's choice for one reader: trusted (no pre-moderation, links shown) or pre-moderated (every
    comment waits), overriding what their history would give; no row: their history decides."""

    class Level(models.TextChoices):
        TRUSTED = "trusted", _("De confiance")
        PREMODERATED = "premoderated", _("Prémodéré")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("lecteur"), on_delete=models.CASCADE,
                                related_name="moderation_trust")
    level = models.CharField(_("niveau"), max_length=16, choices=Level.choices)
    reason = models.CharField(_("motif"), max_length=300, blank=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("décidé par"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    set_at = models.DateTimeField(_("décidé le"), default=timezone.now)

    class Meta:
        verbose_name = _("confiance d’un lecteur")
        verbose_name_plural = _("confiance des lecteurs")


class Classifier(models.Model):
    """One training of the classifier: the fitted model (pickled by joblib, made here, never downloaded) and how
    it did on the decisions held out of its training. The newest active one scores new comments."""

    created_at = models.DateTimeField(_("entraîné le"), default=timezone.now)
    model = models.BinaryField(_("modèle"))
    examples = models.PositiveIntegerField(_("décisions apprises"), default=0)
    held_out = models.PositiveIntegerField(_("décisions réservées au test"), default=0)
    precision = models.FloatField(_("précision"), null=True, blank=True)
    recall = models.FloatField(_("rappel"), null=True, blank=True)
    threshold = models.FloatField(_("seuil de rétention"), default=0.8)
    report = models.TextField(_("rapport"), blank=True)
    active = models.BooleanField(_("en service"), default=True)

    class Meta:
        verbose_name = _("classifieur")
        verbose_name_plural = _("classifieurs")
        get_latest_by = "created_at"


class Fingerprint(models.Model):
    """Each comment's text as the repeat rule compares texts (a digest of its normalized form, never the text) and
    when and by whom it was posted: the same text posted again, by its author or by other accounts, and a reader's
    pace are read here on indexed columns (rules.py). Written when the comment is saved, in its transaction."""

    comment = models.OneToOneField("comments.Comment", on_delete=models.CASCADE, primary_key=True, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.CASCADE, related_name="+")
    # Empty for a text too short to compare (« Bravo ! ») or gone (deleted, purged).
    digest = models.CharField(max_length=32, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["author", "created_at"], name="fingerprint_author"),
            models.Index(fields=["digest", "created_at"], name="fingerprint_digest"),
        ]
