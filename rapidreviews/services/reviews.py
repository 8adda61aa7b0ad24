"""Writes for a rapid review itself: opening it, its sections and themes, submission and
reopening. One function per action, each in a transaction."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification
from safeguarding import policy
from safeguarding.audiences import notify, panel
from safeguarding.audit import audit_log, redact
from safeguarding.calendars import england_calendar
from safeguarding.errors import DomainConflict, DomainError, DomainInvalid
from safeguarding.models import AuditAction, User
from safeguarding.moves import authority_partnership_locked

from .. import rules
from ..models import NARRATIVE_FIELDS, RapidReview, RapidReviewTheme
from ..sections import SECTION_BY_KEY
from ..timescales import rapid_review_due_date, rapid_review_working_days_taken


def rapid_review_open(*, notification: Notification, sin_date: date) -> RapidReview:
    """Open the partnership's rapid review for a submitted SIN, due 15 working days after the
    SIN. Call inside the submission's transaction."""
    due = rapid_review_due_date(sin_date, england_calendar())
    review, _ = RapidReview.objects.get_or_create(
        notification=notification,
        defaults={
            # Locked: a move of the authority at the same moment waits for this review, or
            # this review waits and takes the new partnership (safeguarding.moves).
            "partnership_id": authority_partnership_locked(notification.local_authority_id),
            "clock_started_on": sin_date,
            "due_date": due,
            "original_due_date": due,
        },
    )
    return review


class RapidReviewError(DomainError):
    """A request the review's state does not allow (shown as a form error or HTTP 409)."""


class RapidReviewInvalid(RapidReviewError, DomainInvalid):
    """The answers break the review's rules."""


class RapidReviewConflict(RapidReviewError, DomainConflict):
    """Someone else saved the same section after the user opened it."""

    message = (
        "Someone else saved this section after you opened it. Your answers have not been "
        "saved: compare them with the saved version below, then save again to keep yours."
    )

    def __init__(self, current: RapidReview, section_key: str):
        self.section_key = section_key
        super().__init__(current)


def _lock_for_section(
    review: RapidReview, section_key: str, expected_version: int | None, by: User
) -> RapidReview:
    locked = RapidReview.objects.select_for_update().get(pk=review.pk)
    if not policy.can_edit_review(by, locked):
        raise RapidReviewError("Only a lead of the review's partnership can change it")
    if not locked.step_allowed(RapidReview.Step.EDIT, by):
        raise RapidReviewError(
            "This rapid review has been submitted to the Panel and can no longer be changed. "
            "The Panel secretariat can reopen it."
        )
    if expected_version is not None and locked.section_version(section_key) != expected_version:
        raise RapidReviewConflict(locked, section_key)
    return locked


def _bump(review: RapidReview, section_key: str) -> list[str]:
    """A new version of the section; a review not started is now being drafted (the EDIT step
    of `RapidReview.STEPS`, which `_lock_for_section` has allowed)."""
    review.section_versions = {
        **review.section_versions,
        section_key: review.section_version(section_key) + 1,
    }
    return ["section_versions", "updated_at", *review.take_step(RapidReview.Step.EDIT)]


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
    if not section.fields:
        raise RapidReviewError(f"'{section.title}' is not saved as answers")
    review = _lock_for_section(review, section_key, expected_version, by)
    unknown = set(values) - set(section.fields)
    if unknown:
        raise RapidReviewInvalid(
            {field: [f"This question is not part of '{section.title}'"] for field in unknown}
        )
    # Rules see the section as it will be: the saved answers with the new ones over them.
    merged = {**{field: getattr(review, field) for field in section.fields}, **values}
    errors = rules.section_errors(section, merged, review)
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
    changes = redact(
        {
            field: [getattr(review, field), value]
            for field, value in new_values.items()
            if getattr(review, field) != value
        },
        NARRATIVE_FIELDS,
    )
    if not changes and review.section_version(section_key):
        return review  # nothing changed: no new version, so nobody else gets a conflict
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
    review = _lock_for_section(review, "themes", expected_version, by)
    errors = rules.themes_errors(themes)
    if errors:
        raise RapidReviewInvalid(errors)
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
    if not policy.can_edit_review(by, review):
        raise RapidReviewError("Only a lead of the review's partnership can submit it")
    if not review.step_allowed(RapidReview.Step.SUBMIT, by):
        raise RapidReviewError("This rapid review has already been submitted")
    check = rapid_review_completeness(review)
    errors: dict[str, list[str]] = {}
    if check.unanswered:
        errors["unanswered"] = [
            f"{gap.section.title}: answer {gap.label}" for gap in check.unanswered
        ]
    if check.themes_missing:
        errors["themes"] = ["Learning and practice themes: answer every theme"]
    if check.document_missing:
        errors["document"] = ["Full review document: upload the review as a PDF or Word document"]
    if check.not_recorded and not accept_not_recorded:
        errors["accept_not_recorded"] = [
            "Confirm that you are submitting with answers recorded as 'not recorded'"
        ]
    if errors:
        raise RapidReviewInvalid(errors)
    today = timezone.localdate()
    review.take_step(RapidReview.Step.SUBMIT)
    review.submitted_at = timezone.now()
    review.submitted_by = by
    review.working_days_taken = rapid_review_working_days_taken(
        review.clock_started_on, today, england_calendar()
    )
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
    # The Panel app builds on this one: the review joins the Panel's queue (or, resubmitted
    # after a decision, goes back to the stage its decision and letters give it).
    from panel.services import panel_stage_refresh

    panel_stage_refresh(reviews=[review.pk])
    from panel.allocations import allocation_on_submit  # with PANEL_AUTO_ALLOCATE, after commit

    allocation_on_submit(review=review)
    from lcsprs.services import lcspr_open_for_decision  # the LCSPR app builds on this one

    lcspr_open_for_decision(review=review, by=by)  # when the partnership decided to hold one
    _tell_panel_of_submission(review)
    return review


def _tell_panel_of_submission(review: RapidReview) -> None:
    """The whole Panel (safeguarding.audiences)."""
    notification = review.notification
    url = reverse("rapidreviews:review-detail", args=[review.pk])
    timeliness = (
        "on time"
        if review.submitted_on_time
        else f"after its due date of {review.due_date:%-d %B %Y}"
    )
    notify(
        panel(),
        subject=f"{notification.reference}: rapid review submitted by {review.partnership}",
        body=f"Submitted {timeliness}, {review.working_days_taken} working days after the SIN.",
        url=url,
        email_body=(
            f"{review.partnership} has submitted its rapid review of "
            f"{notification.reference} ({timeliness}, {review.working_days_taken} working "
            f"days after the SIN).\n\nSign in to read it: {settings.SITE_URL}{url}\n"
        ),
        related=review,
        dedupe_key=f"rapid-review-submitted-{review.pk}-{review.submitted_at:%Y%m%d%H%M%S}",
    )


@transaction.atomic
def rapid_review_reopen(*, review: RapidReview, by: User, reason: str) -> RapidReview:
    """The Panel secretariat reopens a submitted review for the partnership to change."""
    if not policy.can_reopen_review(by, review):
        raise RapidReviewError("Only the Panel secretariat can reopen a rapid review")
    if not reason.strip():
        raise RapidReviewInvalid({"reason": ["Enter why the review is being reopened"]})
    review = RapidReview.objects.select_for_update().get(pk=review.pk)
    if not review.step_allowed(RapidReview.Step.REOPEN, by):
        raise RapidReviewError("Only a submitted rapid review can be reopened")
    previous_submission = review.submitted_at
    review.take_step(RapidReview.Step.REOPEN)
    # The submission's outcome is measured again when it is resubmitted; the history keeps it.
    review.submitted_at = review.working_days_taken = review.submitted_on_time = None
    # An open review is its authority's partnership's (safeguarding.moves): one submitted before
    # the authority moved goes back to the partnership that covers it now.
    moved_from = review.partnership
    review.partnership_id = review.authority_partnership_id
    review.save(
        update_fields=[
            "status",
            "submitted_at",
            "working_days_taken",
            "submitted_on_time",
            "partnership",
            "updated_at",
        ]
    )
    if review.partnership_id != moved_from.pk:
        audit_log(
            actor=by,
            action=AuditAction.UPDATE,
            obj=review,
            changes={"partnership": [moved_from.code, review.partnership.code]},
            message=f"Reopened for {review.partnership}, which now covers the local authority",
        )
    audit_log(
        actor=by,
        action=AuditAction.UPDATE,
        obj=review,
        changes={
            "status": ["submitted", "drafting"],
            "submitted_at": [
                previous_submission.isoformat() if previous_submission else None,
                None,
            ],
        },
        message=f"Reopened by the Panel secretariat: {reason.strip()}",
    )
    from panel.services import panel_stage_refresh  # the Panel app builds on this one

    panel_stage_refresh(reviews=[review.pk])  # out of the Panel's queue until resubmitted
    return review
