"""Rapid reviews: the partnership's review of a notified incident, due 15 working days after
the SIN (DOMAIN.md §1 and §4). This issue opens the record; the review itself is issue 4."""

from django.db import models

from notifications.models import Notification
from safeguarding.models import Partnership


class RapidReview(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        DRAFTING = "drafting", "Drafting"
        SUBMITTED = "submitted", "Submitted"

    notification = models.OneToOneField(
        Notification, on_delete=models.PROTECT, related_name="rapid_review"
    )
    partnership = models.ForeignKey(
        Partnership, on_delete=models.PROTECT, related_name="rapid_reviews"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    clock_started_on = models.DateField(help_text="The date of the SIN: the start event")
    due_date = models.DateField(db_index=True, help_text="15 working days after the SIN")
    original_due_date = models.DateField(help_text="The due date before any extension")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_date", "id"]

    def __str__(self) -> str:
        return f"Rapid review for {self.notification}"
