"""Le fil info: dispatches, and the feed readers see.

A `Dispatch` is a short item written in the newsroom or received from an agency (manchette/wires). What
the feed shows is `FeedEntry`, one row per visible item, dispatch or article, kept in step with
publishing by signals.py; it is what the block, the feed page, the syndication feeds and the cursor
paging read. Each change to it is appended to the live log (topic `filinfo`, events.py), whose ids are
the Server-Sent Events ids that open pages resume from (manchette/live).
"""

from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.models import DraftStateMixin, LockableMixin, RevisionMixin
from wagtail.search import index

from manchette.news.admin_forms import GuardedModelForm
from manchette.news.slugs import fold_slug

TITLE_MAX_LENGTH = 200
TEXT_MAX_LENGTH = 1200


class Dispatch(DraftStateMixin, LockableMixin, RevisionMixin, index.Indexed, models.Model):
    title = models.CharField(_("titre"), max_length=TITLE_MAX_LENGTH)
    text = models.TextField(
        _("texte"), max_length=TEXT_MAX_LENGTH, help_text=_("Deux ou trois phrases, sans mise en forme.")
    )
    important = models.BooleanField(
        _("à la Une du fil"), default=False, help_text=_("Affichée aussi dans l’onglet « La Une » du fil info.")
    )
    article = models.ForeignKey(
        "news.Article", verbose_name=_("article lié"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    source = models.CharField(
        _("source"), max_length=100, blank=True, help_text=_("Par exemple une agence de presse ; vide pour la rédaction.")
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)
    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="dispatch")

    search_fields = [index.SearchField("title"), index.SearchField("text"), index.FilterField("live")]
    # Garbage a browser never sends (an id past 64 bits, a date at the ends of the calendar) is a form error.
    base_form_class = GuardedModelForm

    class Meta:
        verbose_name = _("dépêche")
        verbose_name_plural = _("dépêches")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("filinfo:dispatch", args=[self.pk, self.slug])

    @property
    def revisions(self):
        return self._revisions

    @property
    def slug(self):
        return fold_slug(self.title, 80) or "depeche"


class FeedEntry(models.Model):
    """One item readers see in the fil info; the row exists only while the item is visible."""

    DISPATCH = "dispatch"
    ARTICLE = "article"
    KIND_CHOICES = [(DISPATCH, _("dépêche")), (ARTICLE, _("article"))]

    key = models.CharField(max_length=40, unique=True)
    kind = models.CharField(max_length=10, choices=KIND_CHOICES)
    dispatch = models.OneToOneField(Dispatch, null=True, blank=True, on_delete=models.CASCADE, related_name="feed_entry")
    article = models.OneToOneField(
        "news.Article", null=True, blank=True, on_delete=models.CASCADE, related_name="feed_entry"
    )
    published_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    important = models.BooleanField(default=False)
    title = models.CharField(max_length=255)
    text = models.TextField(blank=True)
    source = models.CharField(max_length=100, blank=True)
    url = models.CharField(max_length=500)
    section = models.CharField(max_length=255, blank=True)

    class Meta:
        verbose_name = _("entrée du fil info")
        verbose_name_plural = _("entrées du fil info")
        ordering = ["-published_at", "-pk"]
        indexes = [
            models.Index(fields=["-published_at", "-id"], name="filinfo_entry_newest"),
            models.Index(fields=["important", "-published_at", "-id"], name="filinfo_entry_une"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_dispatch(self):
        return self.kind == self.DISPATCH
