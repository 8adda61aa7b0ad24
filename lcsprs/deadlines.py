"""The LCSPR's deadline rules (published within 6 months of the rapid review; the final report
with the Panel at least 7 days before publication), registered with the kernel's deadline
engine (`safeguarding.deadlines`) from `LcsprsConfig.ready()`."""

from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta
from django.db import models
from django.urls import reverse

from safeguarding.audiences import Audience, panel_secretariat, partnership_leads
from safeguarding.dates import long_date
from safeguarding.deadlines.rules import Message, Occurrence, Rule, register, working_days_only

from .models import Lcspr
from .timescales import PANEL_NOTICE_DAYS

LCSPR_DUE_SOON = relativedelta(months=1)


# --- The rules --------------------------------------------------------------------------------


def _lcspr_running(lcspr: Lcspr) -> bool:
    """Not published, and its SIN not withdrawn (a withdrawal closes the rapid review, and with
    it the LCSPR's clock: nothing is due and nothing is overdue)."""
    if lcspr.status == Lcspr.Status.PUBLISHED:
        return False
    # A rule is also asked about an LCSPR not yet tied to its review (the rules' own tests).
    return not (lcspr.rapid_review_id and lcspr.rapid_review.closed_on_withdrawal)


@working_days_only
def lcspr_due_within_1_month(lcspr, today, calendar):
    """Not published, and the 6-month due date is a month away or less (not yet past)."""
    if _lcspr_running(lcspr) and lcspr.due_date - LCSPR_DUE_SOON <= today <= lcspr.due_date:
        return Occurrence(lcspr.due_date)
    return None


@working_days_only
def lcspr_overdue(lcspr, today, calendar):
    """Not published by its due date."""
    if _lcspr_running(lcspr) and today > lcspr.due_date:
        return Occurrence(lcspr.due_date)
    return None


@working_days_only
def lcspr_final_report_not_received(lcspr, today, calendar):
    """Publication is planned in 7 days or less and the Panel has no final report."""
    deadline = lcspr.final_report_due_date
    if deadline and lcspr.final_report_received_on is None and today >= deadline:
        return Occurrence(deadline)
    return None


# --- What each finds and tells ----------------------------------------------------------------


def _running_lcsprs(today: date) -> models.QuerySet:
    return (
        Lcspr.objects.exclude(status=Lcspr.Status.PUBLISHED)
        .exclude(rapid_review__closed_on_withdrawal=True)
        .select_related("rapid_review__notification", "partnership")
    )


def _lcspr_url(lcspr: Lcspr) -> str:
    return reverse("lcsprs:lcspr-detail", args=[lcspr.pk])


def _lcspr_due_soon_message(lcspr: Lcspr, occurrence: Occurrence, today: date) -> Message:
    reference = lcspr.rapid_review.notification.reference
    return Message(
        subject=f"{reference}: LCSPR due to be published by {long_date(occurrence.due_date)}",
        body=(
            f"The LCSPR for {reference} should be published by {long_date(occurrence.due_date)}, "
            "6 months after the rapid review. Send the final report to the Panel at least "
            f"{PANEL_NOTICE_DAYS} days before publication."
        ),
        url=_lcspr_url(lcspr),
    )


def _lcspr_overdue_message(lcspr: Lcspr, occurrence: Occurrence, today: date) -> Message:
    reference = lcspr.rapid_review.notification.reference
    return Message(
        subject=f"{reference}: LCSPR not published by its due date",
        body=(
            f"The LCSPR for {reference} by {lcspr.partnership} was due to be published by "
            f"{long_date(occurrence.due_date)} and is recorded as "
            f"{lcspr.get_status_display().lower()}."
        ),
        url=_lcspr_url(lcspr),
    )


def _final_report_message(lcspr: Lcspr, occurrence: Occurrence, today: date) -> Message:
    reference = lcspr.rapid_review.notification.reference
    return Message(
        subject=f"{reference}: LCSPR final report not yet with the Panel",
        body=(
            f"The LCSPR for {reference} is planned for publication on "
            f"{long_date(lcspr.planned_publication_date)}. The Panel must receive the final report "
            f"at least {PANEL_NOTICE_DAYS} days before, by {long_date(occurrence.due_date)}, and "
            "has not recorded receiving it."
        ),
        url=_lcspr_url(lcspr),
    )


def _leads_of(lcspr: Lcspr) -> Audience:
    return partnership_leads(lcspr.partnership)


def _leads_and_secretariat(lcspr: Lcspr) -> Audience:
    return partnership_leads(lcspr.partnership) + panel_secretariat()


RULES: tuple[Rule, ...] = (
    Rule(
        "lcspr_due_within_1_month",
        lcspr_due_within_1_month,
        _running_lcsprs,
        _leads_of,
        _lcspr_due_soon_message,
    ),
    Rule(
        "lcspr_overdue",
        lcspr_overdue,
        _running_lcsprs,
        _leads_and_secretariat,
        _lcspr_overdue_message,
    ),
    Rule(
        "lcspr_final_report_not_received",
        lcspr_final_report_not_received,
        lambda today: _running_lcsprs(today).filter(
            final_report_received_on__isnull=True, planned_publication_date__isnull=False
        ),
        _leads_and_secretariat,
        _final_report_message,
    ),
)

# After the rapid review's rules, before the SIN's (the order the sweep has always used).
register(*RULES, order=20)
