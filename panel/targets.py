"""The Panel's decision target on a submitted rapid review: settings.PANEL_DECISION_TARGET_
WORKING_DAYS working days after its submission (England's calendar, `safeguarding.calendars`),
pushed back by any pause (`panel.pauses`). Computed here only, for the pages, the API and the
deadline rules. The target stops running once the Panel has decided, or the review is closed
because its notification was withdrawn."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.utils import timezone

from rapidreviews.models import PanelStage, RapidReview
from rapidreviews.timescales import DUE_SOON_WORKING_DAYS
from safeguarding.calendars import england_calendar
from safeguarding.workingdays import WorkingDayCalendar

from .pauses import decision_target_pause_days

DUE_SOON = "due_soon"
OVERDUE = "overdue"


def decision_target_running(review: RapidReview) -> bool:
    """Submitted, not closed, and no decision yet (its stored Panel stage)."""
    return (
        review.status == RapidReview.Status.SUBMITTED
        and review.submitted_at is not None
        and not review.closed_on_withdrawal
        and review.panel_stage in (PanelStage.AWAITING, PanelStage.NOT_SUBMITTED)
    )


def decision_target(
    review: RapidReview,
    *,
    calendar: WorkingDayCalendar | None = None,
    today: date | None = None,
) -> date | None:
    """The date the Panel aims to decide by; None for a review not submitted."""
    if review.submitted_at is None:
        return None
    calendar = calendar or england_calendar()
    days = settings.PANEL_DECISION_TARGET_WORKING_DAYS + decision_target_pause_days(
        review, today=today
    )
    return calendar.add_working_days(timezone.localdate(review.submitted_at), days)


def decision_target_status(
    review: RapidReview,
    *,
    today: date | None = None,
    calendar: WorkingDayCalendar | None = None,
) -> str:
    """ "overdue" (past the target, no decision), "due_soon" (the target within
    DUE_SOON_WORKING_DAYS working days, today included) or "" (decided, closed or not soon),
    the same tags as the rapid review's due dates."""
    if not decision_target_running(review):
        return ""
    today = today or timezone.localdate()
    calendar = calendar or england_calendar()
    target = decision_target(review, calendar=calendar, today=today)
    if target < today:
        return OVERDUE
    if target <= calendar.add_working_days(today, DUE_SOON_WORKING_DAYS):
        return DUE_SOON
    return ""
