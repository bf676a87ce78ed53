"""Newsletters: the lists readers subscribe to, their subscribers and consents, the editions and their deliveries.

A subscriber is an e-mail address (with its account when a logged-in reader subscribed). It receives a list's
editions while its Subscription to that list is active and it is confirmed (double opt-in: a Signup becomes a
Subscription when its e-mailed link is followed). The suppression list holds addresses that nothing may be sent
to (bounced, complained, unsubscribed from everything), as hashes: an address deleted on request stays
suppressed without being kept.

An edition is sent through one Delivery per (edition, subscriber), made when the send starts; workers claim
deliveries in batches (sending.py), which is what makes each message go out once.
"""

import hashlib
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.models import Orderable


def normalize_email(address):
    """The form an address is stored and compared in: trimmed, domain lowercased (the local part is the
    mailbox owner's and may be case-sensitive, RFC 5321 §2.4, but nobody relies on that: lowercased too)."""
    return (address or "").strip().lower()


def email_hash(address):
    return hashlib.sha256(normalize_email(address).encode()).hexdigest()


class Frequency(models.TextChoices):
    DAILY = "daily", _("Chaque jour")
    WEEKLY = "weekly", _("Chaque semaine")
    MANUAL = "manual", _("Selon l’actualité")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("lundi")
    TUESDAY = 1, _("mardi")
    WEDNESDAY = 2, _("mercredi")
    THURSDAY = 3, _("jeudi")
    FRIDAY = 4, _("vendredi")
    SATURDAY = 5, _("samedi")
    SUNDAY = 6, _("dimanche")


class Newsletter(ClusterableModel):
    name = models.CharField(_("nom"), max_length=80)
    slug = models.SlugField(_("adresse"), max_length=80, unique=True)
    description = models.CharField(_("ce qu’elle contient"), max_length=300)
    frequency = models.CharField(_("fréquence"), max_length=16, choices=Frequency.choices, default=Frequency.DAILY)
    # Europe/Brussels (TIME_ZONE): the schedule follows the clocks readers see, summer time included.
    send_time = models.TimeField(_("heure d’envoi"), default="07:00")
    weekday = models.PositiveSmallIntegerField(_("jour d’envoi"), choices=Weekday.choices, default=Weekday.MONDAY,
                                               help_text=_("Pour une newsletter hebdomadaire."))
    lead_count = models.PositiveSmallIntegerField(_("articles de la Une"), default=3,
                                                  help_text=_("Les premiers articles de la page d’accueil repris dans chaque édition composée automatiquement."))
    sections = models.ManyToManyField("news.Section", verbose_name=_("rubriques"), blank=True, related_name="+",
                                      help_text=_("Les derniers articles de ces rubriques complètent l’édition automatique."))
    per_section = models.PositiveSmallIntegerField(_("articles par rubrique"), default=3)
    offered_on_articles = models.BooleanField(_("proposée sous les articles"), default=True)
    active = models.BooleanField(_("active"), default=True,
                                 help_text=_("Une newsletter inactive n’est plus proposée ni envoyée ; ses abonnés sont gardés."))
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    created_at = models.DateTimeField(_("créée le"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("newsletter")
        verbose_name_plural = _("newsletters")
        permissions = [("send_edition", _("Peut envoyer une édition"))]

    def __str__(self):
        return self.name

    @property
    def scheduled(self):
        return self.frequency != Frequency.MANUAL


class Subscriber(models.Model):
    email = models.EmailField(_("adresse e-mail"), max_length=254, unique=True)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("compte"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="subscriber")
    # What the signed links of its e-mails name (never the pk): a link outliving its subscriber names nobody.
    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(_("inscrit le"), default=timezone.now)
    # Set when the address was first proven (a confirmation link followed, a verified account, an import with
    # consent); nothing but the confirmation e-mail is sent before.
    confirmed_at = models.DateTimeField(_("confirmé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("abonné")
        verbose_name_plural = _("abonnés")

    def __str__(self):
        return self.email

    def save(self, *args, **kwargs):
        self.email = normalize_email(self.email)
        super().save(*args, **kwargs)


class Subscription(models.Model):
    """A subscriber's consent to one list: when, from where, and the text they agreed to."""

    subscriber = models.ForeignKey(Subscriber, verbose_name=_("abonné"), on_delete=models.CASCADE, related_name="subscriptions")
    newsletter = models.ForeignKey(Newsletter, verbose_name=_("newsletter"), on_delete=models.CASCADE, related_name="subscriptions")
    active = models.BooleanField(_("active"), default=True)
    consented_at = models.DateTimeField(_("consentement le"), default=timezone.now)
    source = models.CharField(_("origine"), max_length=200, blank=True)
    consent_text = models.TextField(_("texte accepté"), blank=True)
    ended_at = models.DateTimeField(_("désabonné le"), null=True, blank=True)

    class Meta:
        verbose_name = _("abonnement")
        verbose_name_plural = _("abonnements")
        constraints = [models.UniqueConstraint(fields=["subscriber", "newsletter"], name="subscription_once")]
        indexes = [models.Index(fields=["newsletter", "active"], name="subscription_list")]


class Signup(models.Model):
    """A request to subscribe, waiting for its confirmation link to be followed (once, before it expires)."""

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="signups")
    newsletter_ids = models.JSONField(default=list)
    source = models.CharField(max_length=200, blank=True)
    consent_text = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)


class Suppression(models.Model):
    class Reason(models.TextChoices):
        BOUNCED = "bounced", _("Adresse en erreur")
        COMPLAINED = "complained", _("Plainte pour spam")
        UNSUBSCRIBED = "unsubscribed", _("Désabonné de tout")

    email_hash = models.CharField(max_length=64, unique=True)
    reason = models.CharField(_("motif"), max_length=16, choices=Reason.choices)
    detail = models.CharField(_("détail"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("depuis le"), default=timezone.now)

    class Meta:
        verbose_name = _("adresse exclue")
        verbose_name_plural = _("adresses exclues")

    @classmethod
    def add(cls, address, reason, detail=""):
        cls.objects.update_or_create(email_hash=email_hash(address), defaults={"reason": reason, "detail": detail[:300]})

    @classmethod
    def holds(cls, address):
        return cls.objects.filter(email_hash=email_hash(address)).exists()


class EditionStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    SCHEDULED = "scheduled", _("Programmée")
    SENDING = "sending", _("En cours d’envoi")
    SENT = "sent", _("Envoyée")
    FAILED = "failed", _("Échec")
    SKIPPED = "skipped", _("Non envoyée (heure dépassée)")
    CANCELLED = "cancelled", _("Annulée")


class Edition(ClusterableModel):
    newsletter = models.ForeignKey(Newsletter, verbose_name=_("newsletter"), on_delete=models.PROTECT, related_name="editions")
    subject = models.CharField(_("objet"), max_length=200)
    intro = models.TextField(_("mot d’introduction"), blank=True)
    # An edition of a schedule carries the time it was due: one edition per list and due time, however many
    # workers or restarts look at that time.
    due_at = models.DateTimeField(_("prévue le"), null=True, blank=True)
    # Composed automatically (front page leads + sections) when it has no items of an editor's choosing.
    status = models.CharField(_("statut"), max_length=16, choices=EditionStatus.choices, default=EditionStatus.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)
    started_at = models.DateTimeField(_("envoi commencé le"), null=True, blank=True)
    finished_at = models.DateTimeField(_("envoi terminé le"), null=True, blank=True)
    # What was sent, frozen when the send starts: the archive shows it, every worker sends it.
    html = models.TextField(blank=True, editable=False)
    text = models.TextField(blank=True, editable=False)
    recipients = models.PositiveIntegerField(_("destinataires"), default=0)
    # Messages sent again after a worker stopped between the server's acceptance and its record of it.
    maybe_twice = models.PositiveIntegerField(_("peut-être envoyés deux fois"), default=0)
    progress_at = models.DateTimeField(null=True, blank=True, editable=False)
    alerted_at = models.DateTimeField(null=True, blank=True, editable=False)
    error = models.TextField(_("erreur"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("édition")
        verbose_name_plural = _("éditions")
        constraints = [models.UniqueConstraint(fields=["newsletter", "due_at"], name="edition_once_per_due_time")]

    def __str__(self):
        return self.subject


class EditionItem(Orderable):
    edition = ParentalKey(Edition, on_delete=models.CASCADE, related_name="items")
    article = models.ForeignKey("news.Article", verbose_name=_("article"), on_delete=models.CASCADE, related_name="+")

    class Meta(Orderable.Meta):
        verbose_name = _("article de l’édition")


class DeliveryStatus(models.IntegerChoices):
    QUEUED = 0, _("En attente")
    SENDING = 1, _("En cours")
    SENT = 2, _("Envoyé")
    FAILED = 3, _("Échec")
    BOUNCED = 4, _("Adresse en erreur")
    SKIPPED = 5, _("Non envoyé (désabonné ou exclu)")


class Delivery(models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    status = models.PositiveSmallIntegerField(choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED)
    worker = models.ForeignKey("SendWorker", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    attempts = models.PositiveSmallIntegerField(default=0)
    not_before = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["edition", "subscriber"], name="delivery_once")]
        indexes = [
            models.Index(fields=["edition", "status"], name="delivery_progress"),
            models.Index(fields=["sent_at"], name="delivery_rate_window"),
        ]


class SendWorker(models.Model):
    """A process sending deliveries: its claims are taken over once it is seen dead or silent."""

    id = models.CharField(primary_key=True, max_length=100)
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    seen_at = models.DateTimeField(default=timezone.now)
