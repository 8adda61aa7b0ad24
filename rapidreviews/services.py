"""Writes for rapid reviews."""

from datetime import date

from notifications.models import Notification
from safeguarding.workingdays import RAPID_REVIEW_DEADLINE_WORKING_DAYS, add_working_days

from .models import RapidReview


def rapid_review_open(*, notification: Notification, sin_date: date) -> RapidReview:
    """Open the partnership's rapid review for a submitted SIN, due 15 working days after the
    SIN. Call inside the submission's transaction."""
    due = add_working_days(sin_date, RAPID_REVIEW_DEADLINE_WORKING_DAYS)
    review, _ = RapidReview.objects.get_or_create(
        notification=notification,
        defaults={
            "partnership": notification.local_authority.partnership,
            "clock_started_on": sin_date,
            "due_date": due,
            "original_due_date": due,
        },
    )
    return review
