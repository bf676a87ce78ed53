from django.db import models


class Event(models.Model):
    """One append-only log for every topic pages follow live: its ids only grow, in commit order, so one id
    says where a page is in all the topics it follows."""

    id = models.BigAutoField(primary_key=True)
    topic = models.CharField(max_length=64)
    key = models.CharField(max_length=64, help_text="what the event is about, e.g. the fil info entry's key")
    action = models.CharField(max_length=16)
    data = models.TextField(help_text="JSON sent to open pages as the event's data")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["topic", "-id"], name="live_event_topic_newest")]

    def __str__(self):
        return f"{self.id} {self.topic} {self.action} {self.key}"
