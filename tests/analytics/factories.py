"""Records for the statistics tests."""

from datetime import date

from django.utils import timezone

from rapidreviews.models import RapidReview

from ..notifications.factories import SubmittedNotificationFactory
from ..rapidreviews.factories import RapidReviewFactory


def submitted_suicides(count: int = 3) -> None:
    """`count` deaths of boys aged 16 by suicide, in May 2023, each with its submitted rapid
    review: the smallest data that fills Table 2."""
    for i in range(count):
        sin = SubmittedNotificationFactory(incident_date=date(2023, 5, 1 + i), reason="death")
        RapidReviewFactory(
            notification=sin,
            status=RapidReview.Status.SUBMITTED,
            submitted_at=timezone.now(),
            working_days_taken=12,
            incident_type="death",
            sex="male",
            age_years=16,
            cause_of_death="suicide",
        )
