"""Writes for rapid reviews: one function per action, each in a transaction."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification
from safeguarding.audit import audit_log
from safeguarding.codes import Role
from safeguarding.email import email_queue
from safeguarding.models import AuditAction, User
from safeguarding.services import inbox_notify
from safeguarding.workingdays import (
    RAPID_REVIEW_DEADLINE_WORKING_DAYS,
    add_working_days,
    working_days_between,
)

from . import rules
from .models import RapidReview, RapidReviewTheme
from .sections import SECTION_BY_KEY


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


class RapidReviewError(Exception):
    """A request the review's state does not allow (shown as a form error or HTTP 409)."""


class RapidReviewInvalid(RapidReviewError):
    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__("; ".join(m for messages in errors.values() for m in messages))


class RapidReviewConflict(RapidReviewError):
    """Someone else saved the same section after the user opened it."""

    def __init__(self, current: RapidReview, section_key: str):
        self.current = current
        self.section_key = section_key
        super().__init__(
            "Someone else saved this section after you opened it. Your answers have not been "
            "saved: compare them with the saved version below, then save again to keep yours."
        )


def _lock_for_section(review: RapidReview, section_key: str, expected_version: int | None):
    locked = RapidReview.objects.select_for_update().get(pk=review.pk)
    if locked.status == RapidReview.Status.SUBMITTED:
        raise RapidReviewError(
            "This rapid review has been submitted to the Panel and can no longer be changed. "
            "The Panel secretariat can reopen it."
        )
    if expected_version is not None and locked.section_version(section_key) != expected_version:
        raise RapidReviewConflict(locked, section_key)
    return locked


def _bump(review: RapidReview, section_key: str) -> list[str]:
    review.section_versions = {
        **review.section_versions,
        section_key: review.section_version(section_key) + 1,
    }
    fields = ["section_versions", "updated_at"]
    if review.status == RapidReview.Status.NOT_STARTED:
        review.status = RapidReview.Status.DRAFTING
        fields.append("status")
    return fields


@transaction.atomic
def rapid_review_section_save(
    *,
    review: RapidReview,
    by: User,
    section_key: str,
    values: dict[str, Any],
    expected_version: int | None,
) -> RapidReview:
    """Save one section's answers. Answers may be left blank until submission; questions that
    no longer apply (a cause of death for a serious harm, say) are cleared."""
    section = SECTION_BY_KEY[section_key]
    review = _lock_for_section(review, section_key, expected_version)
    errors = rules.section_errors(section, values, review)
    if errors:
        raise RapidReviewInvalid(errors)
    proposed = SimpleNamespace(**{**{f: getattr(review, f) for f in ANSWER_CONTEXT}, **values})
    visible = set(rules.visible_fields(section, proposed))
    new_values = {
        field: (values.get(field, getattr(review, field)) if field in visible else _blank(field))
        for field in section.fields
    }
    if section_key == "incident":
        # A cause that no longer fits the incident type is cleared.
        cause = SECTION_BY_KEY["cause"]
        still_visible = set(rules.visible_fields(cause, proposed))
        new_values.update({f: "" for f in cause.fields if f not in still_visible})
    changes = {
        field: [getattr(review, field), value]
        for field, value in new_values.items()
        if getattr(review, field) != value
    }
    for field, value in new_values.items():
        setattr(review, field, value)
    review.save(update_fields=[*new_values, *_bump(review, section_key)])
    if changes:
        audit_log(
            actor=by,
            action=AuditAction.UPDATE,
            obj=review,
            changes=changes,
            message=f"Saved {section.title.lower()}",
        )
    return review


def _blank(field: str):
    return None if RapidReview._meta.get_field(field).null else ""


ANSWER_CONTEXT = ("incident_type", "age_years", "mental_health")


@transaction.atomic
def rapid_review_themes_save(
    *,
    review: RapidReview,
    by: User,
    themes: dict[str, tuple[bool, bool]],
    expected_version: int | None,
) -> RapidReview:
    """Save the learning and practice themes: {theme: (present, good practice identified)}."""
    review = _lock_for_section(review, "themes", expected_version)
    before = {t.theme: (t.present, t.good_practice) for t in review.themes.all()}
    for theme, (present, good_practice) in themes.items():
        RapidReviewTheme.objects.update_or_create(
            review=review,
            theme=theme,
            defaults={"present": present, "good_practice": good_practice},
        )
    review.save(update_fields=_bump(review, "themes"))
    changes = {
        theme: [before.get(theme), list(value)]
        for theme, value in themes.items()
        if before.get(theme) != tuple(value)
    }
    if changes:
        audit_log(
            actor=by,
            action=AuditAction.UPDATE,
            obj=review,
            changes=changes,
            message="Saved learning and practice themes",
        )
    return review


def rapid_review_completeness(review: RapidReview) -> rules.Completeness:
    labels = {field.name: str(field.verbose_name) for field in RapidReview._meta.fields}
    return rules.completeness(
        review,
        labels=labels,
        theme_codes=set(review.themes.values_list("theme", flat=True)),
    )


@transaction.atomic
def rapid_review_submit(
    *, review: RapidReview, by: User, accept_not_recorded: bool = False
) -> RapidReview:
    """Submit the review to the Panel: it becomes read-only, the date, working days taken and
    whether it met its due date are stored, and the Panel is told after this commits."""
    review = RapidReview.objects.select_for_update().get(pk=review.pk)
    if review.status not in RapidReview.TRANSITIONS[RapidReview.Status.SUBMITTED]:
        raise RapidReviewError("This rapid review has already been submitted")
    check = rapid_review_completeness(review)
    errors: dict[str, list[str]] = {}
    if check.unanswered:
        errors["unanswered"] = [
            f"{gap.section.title}: answer {gap.label}" for gap in check.unanswered
        ]
    if check.themes_missing:
        errors["themes"] = ["Learning and practice themes: answer every theme"]
    if check.not_recorded and not accept_not_recorded:
        errors["accept_not_recorded"] = [
            "Confirm that you are submitting with answers recorded as 'not recorded'"
        ]
    if errors:
        raise RapidReviewInvalid(errors)
    today = timezone.localdate()
    review.status = RapidReview.Status.SUBMITTED
    review.submitted_at = timezone.now()
    review.submitted_by = by
    review.working_days_taken = working_days_between(review.clock_started_on, today)
    review.submitted_on_time = today <= review.due_date
    review.not_recorded_accepted = bool(check.not_recorded)
    review.save(
        update_fields=[
            "status",
            "submitted_at",
            "submitted_by",
            "working_days_taken",
            "submitted_on_time",
            "not_recorded_accepted",
            "updated_at",
        ]
    )
    audit_log(
        actor=by,
        action=AuditAction.SUBMIT,
        obj=review,
        changes={
            "working_days_taken": review.working_days_taken,
            "on_time": review.submitted_on_time,
        },
        message="Submitted to the Panel",
    )
    _tell_panel_of_submission(review)
    return review


def _tell_panel_of_submission(review: RapidReview) -> None:
    panel = list(
        User.objects.filter(role__in=[Role.PANEL_SECRETARIAT, Role.PANEL_MEMBER], is_active=True)
    )
    notification = review.notification
    url = reverse("rapidreviews:review-detail", args=[review.pk])
    subject = f"{notification.reference}: rapid review submitted by {review.partnership}"
    timeliness = (
        "on time"
        if review.submitted_on_time
        else f"after its due date of {review.due_date:%-d %B %Y}"
    )
    inbox_notify(
        recipients=panel,
        subject=subject,
        body=f"Submitted {timeliness}, {review.working_days_taken} working days after the SIN.",
        url=url,
        dedupe_key=f"rapid-review-submitted-{review.pk}-{review.submitted_at:%Y%m%d%H%M%S}",
    )
    emails = sorted(
        {u.email for u in panel if u.role == Role.PANEL_SECRETARIAT and u.email}
        | ({settings.PANEL_INBOX_EMAIL} if settings.PANEL_INBOX_EMAIL else set())
    )
    if emails:
        email_queue(
            to=emails,
            subject=subject,
            body=(
                f"{review.partnership} has submitted its rapid review of "
                f"{notification.reference} ({timeliness}, {review.working_days_taken} working "
                f"days after the SIN).\n\nSign in to read it: {settings.SERVICE_URL}{url}\n"
            ),
            related=review,
            dedupe_key=f"rapid-review-submitted-{review.pk}-{review.submitted_at:%Y%m%d%H%M%S}",
        )


@transaction.atomic
def rapid_review_reopen(*, review: RapidReview, by: User, reason: str) -> RapidReview:
    """The Panel secretariat reopens a submitted review for the partnership to change."""
    if by.role != Role.PANEL_SECRETARIAT:
        raise RapidReviewError("Only the Panel secretariat can reopen a rapid review")
    if not reason.strip():
        raise RapidReviewInvalid({"reason": ["Enter why the review is being reopened"]})
    review = RapidReview.objects.select_for_update().get(pk=review.pk)
    if review.status != RapidReview.Status.SUBMITTED:
        raise RapidReviewError("Only a submitted rapid review can be reopened")
    review.status = RapidReview.Status.DRAFTING
    review.save(update_fields=["status", "updated_at"])
    audit_log(
        actor=by,
        action=AuditAction.UPDATE,
        obj=review,
        changes={"status": ["submitted", "drafting"]},
        message=f"Reopened by the Panel secretariat: {reason.strip()}",
    )
    return review
