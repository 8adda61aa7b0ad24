"""Synthetic demo LCSPRs for `seed_demo`: the LCSPR of each submitted demo rapid review whose
partnership decided to hold one, brought to "in progress" with a planned publication date."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from notifications.demo import DEMO_MARK
from rapidreviews.models import RapidReview
from safeguarding.codes import Role
from safeguarding.models import User

from . import services
from .models import Lcspr
from .timescales import PANEL_NOTICE_DAYS, lcspr_due_date

PLANNED_BEFORE_DUE = timedelta(days=14)
# A planned date is never in the past, and its 7-day notice to the Panel is still to come.
PLANNED_AT_THE_EARLIEST = timedelta(days=2 * PANEL_NOTICE_DAYS)


@transaction.atomic
def seed_demo_lcsprs() -> int:
    """Open and start the demo LCSPRs, once. Returns how many were brought to their state."""
    reviews = RapidReview.objects.filter(
        notification__summary__startswith=DEMO_MARK,
        status=RapidReview.Status.SUBMITTED,
        lcspr_decision="lcspr",
    ).order_by("id")
    touched = 0
    for review in reviews:
        lead = (
            User.objects.filter(role=Role.PARTNERSHIP_LEAD, partnership=review.partnership_id)
            .order_by("id")
            .first()
        )
        if lead is None:
            continue
        # Usually opened already, when the review was submitted; opening is idempotent.
        lcspr = services.lcspr_open(review=review, by=lead, reason=services.DECIDED_IN_RAPID_REVIEW)
        if lcspr.version:
            continue  # already seeded, or changed by someone trying the demo
        # The demo backdates some submissions after submitting them: keep the 6 months from
        # the submission date that is stored.
        submitted_on = timezone.localdate(review.submitted_at)
        Lcspr.objects.filter(pk=lcspr.pk).update(
            clock_started_on=submitted_on, due_date=lcspr_due_date(submitted_on)
        )
        lcspr.refresh_from_db()
        lcspr = services.lcspr_start(lcspr=lcspr, by=lead, expected_version=0)
        services.lcspr_planned_publication_set(
            lcspr=lcspr,
            by=lead,
            planned_on=max(
                lcspr.due_date - PLANNED_BEFORE_DUE,
                timezone.localdate() + PLANNED_AT_THE_EARLIEST,
            ),
            expected_version=lcspr.version,
        )
        touched += 1
    return touched


def seed_demo() -> str:
    """This app's part of `manage.py seed_demo` (registered in its AppConfig.ready())."""
    return f"Demo LCSPRs opened: {seed_demo_lcsprs()}."
