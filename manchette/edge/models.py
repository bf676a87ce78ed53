"""What the serving layer keeps in the database: page views per hour (views_counter.py)."""

from django.db import models


class PageViews(models.Model):
    """Views of one page during one hour (UTC), added to in batches by each server process."""

    # A plain id, not a foreign key: the edge stands on nothing, and a deleted page's counts are just never read.
    page_id = models.PositiveIntegerField()
    hour = models.DateTimeField()
    views = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["page_id", "hour"], name="edge_pageviews_page_hour")]
        indexes = [models.Index(fields=["hour"], name="edge_pageviews_hour")]
        verbose_name = "vues d’une page par heure"
        verbose_name_plural = "vues des pages par heure"

    def __str__(self):
        return f"{self.page_id} @ {self.hour:%Y-%m-%d %H h} : {self.views}"
