"""Writes for LCSPRs: opening one, then one function per step to publication. Each locks the
row, checks the status and the version the user saw, and records the step in the audit trail."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from rapidreviews.codes import LcsprDecision
from rapidreviews.models import RapidReview
from safeguarding import policy
from safeguarding.audit import audit_log
from safeguarding.dates import date_window_error, long_date
from safeguarding.errors import DomainConflict, DomainError, DomainInvalid
from safeguarding.models import AuditAction, User

from .models import Lcspr
from .timescales import (
    PLANNED_PUBLICATION_MAX_YEARS,
    lcspr_due_date,
    lcspr_planned_publication_latest,
)

DECIDED_IN_RAPID_REVIEW = "The partnership decided to hold an LCSPR in its rapid review"


class LcsprError(DomainError):
    """A request the LCSPR's state or the user's role does not allow (a form error or 409)."""


class LcsprInvalid(LcsprError, DomainInvalid):
    """The answers break the LCSPR's rules."""


class LcsprConflict(LcsprError, DomainConflict):
    """Someone else changed the LCSPR after the user opened it."""

    message = (
        "Someone else changed this LCSPR after you opened the page, so your change has not "
        "been saved. Check the LCSPR as it is now, then try again."
    )


def lcspr_open_refusal(*, review: RapidReview, by: User) -> str | None:
    """Why `by` cannot commission an LCSPR for the review now, or None when they can."""
    if not policy.can_edit_review(by, review):
        return "Only a lead of the review's partnership can commission an LCSPR"
    if review.status != RapidReview.Status.SUBMITTED or review.submitted_at is None:
        return "An LCSPR can be commissioned once the rapid review has been submitted"
    if Lcspr.objects.filter(rapid_review=review).exists():
        return "An LCSPR has already been commissioned for this rapid review"
    return None


@transaction.atomic
def lcspr_open(*, review: RapidReview, by: User, reason: str) -> Lcspr:
    """Open the partnership's LCSPR for a submitted rapid review, due 6 months after the
    review's submission. Idempotent: an LCSPR already open for the review is returned as it
    is. Called when the review is submitted with the decision to hold one, or by a lead later
    (after the Panel's letter, say) with a reason."""
    if not reason.strip():
        raise LcsprInvalid({"reason": ["Enter why the partnership is commissioning an LCSPR"]})
    if review.submitted_at is None:
        raise LcsprError("An LCSPR can be commissioned once the rapid review has been submitted")
    submitted_on = timezone.localdate(review.submitted_at)
    lcspr, created = Lcspr.objects.get_or_create(
        rapid_review=review,
        defaults={
            "partnership_id": review.partnership_id,
            "clock_started_on": submitted_on,
            "due_date": lcspr_due_date(submitted_on),
            "opened_at": timezone.now(),
            "opened_by": by,
            "opened_reason": reason.strip(),
        },
    )
    if created:
        audit_log(
            actor=by,
            action=AuditAction.CREATE,
            obj=lcspr,
            changes={"rapid_review": review.pk, "due_date": lcspr.due_date.isoformat()},
            message=f"LCSPR commissioned, due {long_date(lcspr.due_date)}: {lcspr.opened_reason}",
        )
    return lcspr


def lcspr_open_for_decision(*, review: RapidReview, by: User) -> Lcspr | None:
    """On the rapid review's submission: open the LCSPR when the partnership decided to hold
    one. Call inside the submission's transaction."""
    if review.lcspr_decision != LcsprDecision.LCSPR:
        return None
    return lcspr_open(review=review, by=by, reason=DECIDED_IN_RAPID_REVIEW)


def lcspr_open_later(*, review: RapidReview, by: User, reason: str) -> Lcspr:
    """A lead commissions an LCSPR after the rapid review was submitted (for example after the
    Panel's letter), with a reason."""
    with transaction.atomic():
        review = RapidReview.objects.select_for_update().get(pk=review.pk)
        refusal = lcspr_open_refusal(review=review, by=by)
        if refusal:
            raise LcsprError(refusal)
        return lcspr_open(review=review, by=by, reason=reason)


# Steps to publication.


def _lock(lcspr: Lcspr, by: User, expected_version: int | None) -> Lcspr:
    if not policy.can_edit_lcspr(by, lcspr):
        raise LcsprError("Only a lead of the LCSPR's partnership can change it")
    locked = Lcspr.objects.select_for_update().get(pk=lcspr.pk)
    if expected_version is not None and locked.version != expected_version:
        raise LcsprConflict(locked)
    return locked


def _move(lcspr: Lcspr, step: Lcspr.Step, target: Lcspr.Status, by: User) -> str:
    """Take a status-changing step through the LCSPR's table (`Lcspr.STEPS`)."""
    if not lcspr.step_allowed(step, by):
        raise LcsprError(
            f"This LCSPR is {lcspr.get_status_display().lower()}, so it cannot be marked "
            f"'{target.label.lower()}'"
        )
    previous = lcspr.status
    lcspr.status = target
    return previous


def _save(lcspr: Lcspr, fields: list[str]) -> None:
    lcspr.version += 1
    lcspr.save(update_fields=[*fields, "version", "updated_at"])


@transaction.atomic
def lcspr_start(*, lcspr: Lcspr, by: User, expected_version: int | None) -> Lcspr:
    """The review is under way (reviewers appointed)."""
    lcspr = _lock(lcspr, by, expected_version)
    previous = _move(lcspr, Lcspr.Step.START, Lcspr.Status.IN_PROGRESS, by)
    lcspr.started_at, lcspr.started_by = timezone.now(), by
    _save(lcspr, ["status", "started_at", "started_by"])
    audit_log(
        actor=by,
        action=AuditAction.UPDATE,
        obj=lcspr,
        changes={"status": [previous, lcspr.status]},
        message="LCSPR started",
    )
    return lcspr


@transaction.atomic
def lcspr_final_report_record(
    *, lcspr: Lcspr, by: User, received_on: date | None, expected_version: int | None
) -> Lcspr:
    """The Panel has received the final report, on `received_on`."""
    lcspr = _lock(lcspr, by, expected_version)
    previous = _move(lcspr, Lcspr.Step.FINAL_REPORT, Lcspr.Status.FINAL_REPORT_SENT, by)
    errors = _date_errors(
        "received_on",
        received_on,
        subject="The date the Panel received the final report",
        not_before=lcspr.clock_started_on,
        not_before_label="the rapid review was submitted",
    )
    if errors:
        raise LcsprInvalid(errors)
    lcspr.final_report_received_on, lcspr.final_report_recorded_by = received_on, by
    _save(lcspr, ["status", "final_report_received_on", "final_report_recorded_by"])
    audit_log(
        actor=by,
        action=AuditAction.UPDATE,
        obj=lcspr,
        changes={
            "status": [previous, lcspr.status],
            "final_report_received_on": received_on.isoformat(),
            "panel_notice_days": lcspr.panel_notice_days,
        },
        message=f"Final report received by the Panel on {long_date(received_on)}",
    )
    return lcspr


@transaction.atomic
def lcspr_planned_publication_set(
    *, lcspr: Lcspr, by: User, planned_on: date | None, expected_version: int | None
) -> Lcspr:
    """Set (or move) the date the partnership plans to publish the report."""
    lcspr = _lock(lcspr, by, expected_version)
    if not lcspr.step_allowed(Lcspr.Step.PLANNED_PUBLICATION, by):
        raise LcsprError("This LCSPR has been published, so its planned date cannot change")
    if planned_on is None:
        raise LcsprInvalid({"planned_on": ["Enter the planned publication date"]})
    window_error = date_window_error(
        planned_on,
        subject="The planned publication date",
        earliest=lcspr.clock_started_on,
        earliest_why=", when the rapid review was submitted",
        latest=lcspr_planned_publication_latest(lcspr.due_date),
        latest_why=f", {PLANNED_PUBLICATION_MAX_YEARS} years after the due date",
    )
    if window_error:
        raise LcsprInvalid({"planned_on": [window_error]})
    before = lcspr.planned_publication_date
    lcspr.planned_publication_date = planned_on
    _save(lcspr, ["planned_publication_date"])
    audit_log(
        actor=by,
        action=AuditAction.UPDATE,
        obj=lcspr,
        changes={
            "planned_publication_date": [before.isoformat() if before else None, str(planned_on)],
            "panel_notice_days": lcspr.panel_notice_days,
        },
        message=f"Planned publication date set to {long_date(planned_on)}",
    )
    return lcspr


@transaction.atomic
def lcspr_publish(
    *,
    lcspr: Lcspr,
    by: User,
    published_on: date | None,
    url: str,
    expected_version: int | None,
) -> Lcspr:
    """The report is published, on `published_on`, at `url`."""
    lcspr = _lock(lcspr, by, expected_version)
    previous = _move(lcspr, Lcspr.Step.PUBLISH, Lcspr.Status.PUBLISHED, by)
    errors = _date_errors(
        "published_on",
        published_on,
        subject="The publication date",
        not_before=lcspr.final_report_received_on,
        not_before_label="the Panel received the final report",
    )
    if not url.strip():
        errors["url"] = ["Enter the link to the published report"]
    if errors:
        raise LcsprInvalid(errors)
    lcspr.actual_publication_date, lcspr.published_url = published_on, url.strip()
    lcspr.published_recorded_by = by
    _save(lcspr, ["status", "actual_publication_date", "published_url", "published_recorded_by"])
    audit_log(
        actor=by,
        action=AuditAction.UPDATE,
        obj=lcspr,
        changes={
            "status": [previous, lcspr.status],
            "actual_publication_date": published_on.isoformat(),
            "published_url": lcspr.published_url,
            "on_time": published_on <= lcspr.due_date,
            "panel_notice_days": lcspr.panel_notice_days,
        },
        message=f"Published on {long_date(published_on)}",
    )
    return lcspr


@transaction.atomic
def lcspr_feedback_record(
    *, lcspr: Lcspr, by: User, feedback: str, expected_version: int | None
) -> Lcspr:
    """The Panel's feedback on the final report (Panel members and secretariat only)."""
    if not policy.can_give_lcspr_feedback(by, lcspr):
        raise LcsprError("Only the Panel can record its feedback on an LCSPR")
    lcspr = Lcspr.objects.select_for_update().get(pk=lcspr.pk)
    if expected_version is not None and lcspr.version != expected_version:
        raise LcsprConflict(lcspr)
    if not lcspr.step_allowed(Lcspr.Step.FEEDBACK, by):
        raise LcsprError("The Panel gives its feedback once it has received the final report")
    if not feedback.strip():
        raise LcsprInvalid({"feedback": ["Enter the Panel's feedback"]})
    lcspr.panel_feedback = feedback.strip()
    lcspr.panel_feedback_at, lcspr.panel_feedback_by = timezone.now(), by
    _save(lcspr, ["panel_feedback", "panel_feedback_at", "panel_feedback_by"])
    audit_log(
        actor=by,
        action=AuditAction.UPDATE,
        obj=lcspr,
        changes={"panel_feedback": lcspr.panel_feedback},
        message="The Panel's feedback recorded",
    )
    return lcspr


def _date_errors(
    field: str,
    value: date | None,
    *,
    subject: str,
    not_before: date | None,
    not_before_label: str,
) -> dict[str, list[str]]:
    if value is None:
        return {field: [f"Enter {subject[:1].lower()}{subject[1:]}"]}
    if value > timezone.localdate():
        return {field: [f"{subject} must be today or in the past"]}
    if not_before and value < not_before:
        return {
            field: [
                f"{subject} must be on or after {long_date(not_before)}, when {not_before_label}"
            ]
        }
    return {}
