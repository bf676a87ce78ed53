"""Agency wires: the sources allowed to send them, and what was received from each, by ninjs uri.

A `WireSource` is an agency (or any partner) with one access token for the HTTP endpoint. Only the token's
SHA-256 and its first characters are kept: the token itself is shown once to the editor who generates it.
A `WireItem` remembers the latest version received for a ninjs uri and the dispatch it became, which is
what makes ingest idempotent.
"""

import hashlib
import hmac
import re
import secrets

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TOKEN_PREFIX_LENGTH = 8
# What secrets.token_urlsafe() writes: anything else (a NUL, which PostgreSQL refuses in a query) is nobody's token.
TOKEN_CHARACTERS = re.compile(r"[A-Za-z0-9_-]{1,100}")


def token_digest(token):
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


class WireSource(models.Model):
    PUBLISH_CHOICES = [
        (True, _("Publier aussitôt")),
        (False, _("Attendre la validation d’un éditeur")),
    ]

    name = models.CharField(_("nom"), max_length=100, help_text=_("Affiché comme source des dépêches."))
    slug = models.SlugField(_("identifiant"), max_length=50, unique=True)
    publish_immediately = models.BooleanField(
        _("publication"), choices=PUBLISH_CHOICES, default=False,
        help_text=_("Les dépêches d’une source sûre peuvent paraître dans le fil info dès leur réception."),
    )
    active = models.BooleanField(_("en service"), default=True, help_text=_("Une source inactive ne peut plus rien envoyer."))
    token_hash = models.CharField(max_length=64, blank=True, editable=False)
    token_prefix = models.CharField(_("début du jeton"), max_length=TOKEN_PREFIX_LENGTH, blank=True, editable=False, db_index=True)
    token_created_at = models.DateTimeField(_("jeton créé le"), null=True, blank=True, editable=False)
    token_revoked_at = models.DateTimeField(_("jeton révoqué le"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("source de dépêches")
        verbose_name_plural = _("sources de dépêches")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def has_usable_token(self):
        return bool(self.token_hash) and self.token_revoked_at is None

    def generate_token(self):
        """Replaces the source's token with a new one and returns it: the only time it is ever readable."""
        token = secrets.token_urlsafe(32)
        self.token_hash = token_digest(token)
        self.token_prefix = token[:TOKEN_PREFIX_LENGTH]
        self.token_created_at = timezone.now()
        self.token_revoked_at = None
        self.save(update_fields=["token_hash", "token_prefix", "token_created_at", "token_revoked_at"])
        return token

    def revoke_token(self):
        if self.has_usable_token:
            self.token_revoked_at = timezone.now()
            self.save(update_fields=["token_revoked_at"])

    @classmethod
    def for_token(cls, token):
        """The source whose usable token this is, or None; the hashes are compared in constant time."""
        if not token or not TOKEN_CHARACTERS.fullmatch(token):
            return None
        digest = token_digest(token)
        candidates = cls.objects.filter(token_prefix=token[:TOKEN_PREFIX_LENGTH], token_revoked_at__isnull=True).exclude(token_hash="")
        found = None
        for source in candidates:
            if hmac.compare_digest(source.token_hash, digest):
                found = source
        return found


class WireItem(models.Model):
    USABLE = "usable"
    WITHHELD = "withheld"
    CANCELED = "canceled"
    PUBSTATUS_CHOICES = [(USABLE, _("utilisable")), (WITHHELD, _("retenue")), (CANCELED, _("annulée"))]

    source = models.ForeignKey(WireSource, verbose_name=_("source"), on_delete=models.PROTECT, related_name="items")
    uri = models.CharField(_("uri ninjs"), max_length=500, unique=True)
    # Both optional in ninjs: an item has at least one of them, or a firstcreated kept here as its date.
    version = models.CharField(_("version"), max_length=40, blank=True)
    version_created = models.DateTimeField(_("version créée le"), null=True, blank=True)
    pubstatus = models.CharField(_("statut"), max_length=10, choices=PUBSTATUS_CHOICES, default=USABLE)
    dispatch = models.OneToOneField(
        "filinfo.Dispatch", verbose_name=_("dépêche"), null=True, blank=True, on_delete=models.SET_NULL, related_name="wire"
    )
    received_at = models.DateTimeField(_("reçue le"), auto_now=True)

    class Meta:
        verbose_name = _("dépêche reçue")
        verbose_name_plural = _("dépêches reçues")
        ordering = ["-received_at"]

    def __str__(self):
        return f"{self.uri} v{self.version}" if self.version else self.uri

    @property
    def withdrawn_by_agency(self):
        return self.pubstatus != self.USABLE
