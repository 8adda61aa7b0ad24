"""Writes for LCSPRs: opening one, then one function per step to publication. Each locks the
row, checks the status and the version the user saw, and records the step in the audit trail."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from uuid import uuid4

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from panel.models import Extent, Quality
from rapidreviews import documents
from rapidreviews.codes import LcsprDecision, LearningTheme
from rapidreviews.models import RapidReview
from rapidreviews.services import DocumentDownload
from safeguarding import policy
from safeguarding.audiences import notify, panel_secretariat, partnership_leads
from safeguarding.audit import REDACTED, audit_log
from safeguarding.dates import date_window_error, long_date
from safeguarding.errors import DomainConflict, DomainError, DomainInvalid, DomainNotFound
from safeguarding.models import AuditAction, Partnership, User
from safeguarding.moves import authority_partnership_locked

from .models import Lcspr, LcsprFinalReport, LcsprLearningTheme
from .timescales import (
    PANEL_NOTICE_DAYS,
    PLANNED_PUBLICATION_MAX_YEARS,
    lcspr_due_date,
    lcspr_final_report_due_date,
    lcspr_panel_notice_passed,
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


class LcsprNoticePassed(LcsprError):
    """A planned publication date whose 7-day notice to the Panel has already passed: saved
    only once the user has seen this warning and confirmed the date."""

    def __init__(self, planned_on: date):
        self.planned_on = planned_on
        self.notice_on = lcspr_final_report_due_date(planned_on)
        super().__init__(
            f"The Panel must be told at least {PANEL_NOTICE_DAYS} days before publication. "
            f"The notice date for {long_date(planned_on)} was {long_date(self.notice_on)}, "
            "which has passed. Check the date or continue."
        )


def lcspr_open_refusal(*, review: RapidReview, by: User) -> str | None:
    """Why `by` cannot commission an LCSPR for the review now, or None when they can."""
    if not policy.can_edit_review(by, review):
        return "Only a lead of the review's partnership can commission an LCSPR"
    if review.status != RapidReview.Status.SUBMITTED or review.submitted_at is None:
        return "An LCSPR can be commissioned once the rapid review has been submitted"
    if review.closed_on_withdrawal:
        return (
            "The notification has been withdrawn or not progressed, so its rapid review is "
            "closed and no LCSPR can be commissioned"
        )
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
            # The partnership covering the authority now, read under the authority's lock (a
            # move in progress waits or is waited for): a review submitted before the
            # authority moved is commissioned by its new partnership (safeguarding.moves).
            "partnership_id": authority_partnership_locked(review.notification.local_authority_id),
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


def _lock(
    lcspr: Lcspr,
    by: User,
    expected_version: int | None,
    *,
    allowed=policy.can_edit_lcspr,
    refusal: str = "Only a lead of the LCSPR's partnership can change it",
) -> Lcspr:
    if not allowed(by, lcspr):
        raise LcsprError(refusal)
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
    """The Panel has received the final report, on `received_on`: recorded by the Panel (a
    member or the secretariat), never typed by the partnership."""
    lcspr = _lock(
        lcspr,
        by,
        expected_version,
        allowed=policy.can_record_lcspr_receipt,
        refusal="Only the Panel can record that it received the final report",
    )
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


def _planned_publication_errors(lcspr: Lcspr, planned_on: date | None) -> dict[str, list[str]]:
    """A planned date is today or later (a plan cannot be in the past), on or after the rapid
    review's submission, and at most 2 years after the due date."""
    if planned_on is None:
        return {"planned_on": ["Enter the planned publication date"]}
    today = timezone.localdate()
    if planned_on < today and today > lcspr.clock_started_on:
        return {"planned_on": ["The planned publication date must be today or in the future"]}
    window_error = date_window_error(
        planned_on,
        subject="The planned publication date",
        earliest=lcspr.clock_started_on,
        earliest_why=", when the rapid review was submitted",
        latest=lcspr_planned_publication_latest(lcspr.due_date),
        latest_why=f", {PLANNED_PUBLICATION_MAX_YEARS} years after the due date",
    )
    return {"planned_on": [window_error]} if window_error else {}


def _check_panel_notice(lcspr: Lcspr, planned_on: date, notice_passed_confirmed: bool) -> bool:
    """Refuse, with a warning the user can confirm, a planned date whose notice has passed.
    True when it has passed (and the user confirmed the date knowingly)."""
    passed = lcspr_panel_notice_passed(
        planned_on, today=timezone.localdate(), received_on=lcspr.final_report_received_on
    )
    if passed and not notice_passed_confirmed:
        raise LcsprNoticePassed(planned_on)
    return passed


@transaction.atomic
def lcspr_planned_publication_set(
    *,
    lcspr: Lcspr,
    by: User,
    planned_on: date | None,
    expected_version: int | None,
    notice_passed_confirmed: bool = False,
) -> Lcspr:
    """Set (or move) the date the partnership plans to publish the report. A date whose
    7-day notice to the Panel has already passed raises `LcsprNoticePassed` unless the user
    has confirmed it (`notice_passed_confirmed`), so it is warned about when entered."""
    lcspr = _lock(lcspr, by, expected_version)
    if not lcspr.step_allowed(Lcspr.Step.PLANNED_PUBLICATION, by):
        raise LcsprError("This LCSPR has been published, so its planned date cannot change")
    errors = _planned_publication_errors(lcspr, planned_on)
    if errors:
        raise LcsprInvalid(errors)
    notice_passed = _check_panel_notice(lcspr, planned_on, notice_passed_confirmed)
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
            "notice_passed": notice_passed,
        },
        message=f"Planned publication date set to {long_date(planned_on)}"
        + (" (the 7-day notice date had passed)" if notice_passed else ""),
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


# The final report, uploaded by the partnership.


def _final_report_refusal(lcspr: Lcspr, by: User) -> str | None:
    if lcspr.step_allowed(Lcspr.Step.UPLOAD_FINAL_REPORT, by):
        return None
    if lcspr.status == Lcspr.Status.COMMISSIONED:
        return "Mark the LCSPR as in progress before uploading its final report"
    return "This LCSPR has been published, so its final report can no longer be replaced"


def lcspr_final_report_upload_refusal(*, lcspr: Lcspr, by: User) -> str | None:
    """Why `by` cannot upload the final report now, or None when they can."""
    if not policy.can_edit_lcspr(by, lcspr):
        return "Only a lead of the LCSPR's partnership can upload its final report"
    return _final_report_refusal(lcspr, by)


@transaction.atomic
def lcspr_final_report_upload(
    *,
    lcspr: Lcspr,
    by: User,
    uploaded_file: File | None,
    reason: str = "",
    expected_version: int | None,
) -> LcsprFinalReport:
    """The partnership uploads its final report (a PDF or a Word DOCX, judged by its content
    under the rapid review document's rules: `rapidreviews.documents.read_document`).

    The first upload is the Panel's receipt: it records `final_report_received_on` as today
    (local date), unless the Panel already recorded receiving the report by e-mail, and moves
    an LCSPR in progress to "final report sent". A replacement, until publication, needs a
    reason and keeps every earlier version; the date received stays the first one's. The
    Panel secretariat is told."""
    lcspr = _lock(
        lcspr,
        by,
        expected_version,
        refusal="Only a lead of the LCSPR's partnership can upload its final report",
    )
    refusal = _final_report_refusal(lcspr, by)
    if refusal:
        raise LcsprError(refusal)
    replacing = lcspr.has_final_report
    errors: dict[str, list[str]] = {}
    data, info = b"", None
    if uploaded_file is None:
        errors["document"] = ["Select the final report"]
    else:
        try:
            data, info = documents.read_document(uploaded_file)
        except documents.DocumentRejected as exc:
            errors["document"] = [exc.message]
    if replacing and not reason.strip():
        errors["reason"] = ["Enter why the final report is being replaced"]
    if errors:
        raise LcsprInvalid(errors)

    report = LcsprFinalReport(
        lcspr=lcspr,
        number=lcspr.final_report_version + 1,
        name=documents.document_display_name(uploaded_file.name or "", info.kind),
        kind=info.kind,
        page_count=info.page_count,
        size_bytes=len(data),
        replacement_reason=reason.strip() if replacing else "",
        uploaded_at=timezone.now(),
        uploaded_by=by,
    )
    storage = report.file.storage
    report.file.save(f"{uuid4().hex}.{info.kind}", ContentFile(data), save=False)
    try:
        report.save()
        changes = _record_final_report(lcspr, report)
    except Exception:
        storage.delete(report.file.name)  # nothing refers to it
        raise
    pages = "page count not known" if info.page_count is None else f"{info.page_count} pages"
    what = f"version {report.number}, {info.kind.upper()}, {pages}"
    audit_log(
        actor=by,
        action=AuditAction.UPDATE,
        obj=lcspr,
        changes=changes,
        message=f"Final report replaced ({what}). Reason: {report.replacement_reason}"
        if replacing
        else f"Final report uploaded ({what})",
    )
    _tell_panel_of_final_report(lcspr, report)
    return report


def _record_final_report(lcspr: Lcspr, report: LcsprFinalReport) -> dict:
    """The LCSPR's side of an upload: its current version, and on the first upload the date
    received and the status. The audit entry's changes."""
    fields = ["final_report_version"]
    changes: dict = {
        "final_report_version": [lcspr.final_report_version, report.number],
        # A file's name may name the child: that it changed, never what it says.
        "document_name": REDACTED,
        "size_bytes": report.size_bytes,
        "pages": report.page_count,
        "type": report.kind,
    }
    lcspr.final_report_version = report.number
    if lcspr.final_report_received_on is None:
        lcspr.final_report_received_on = timezone.localdate(report.uploaded_at)
        lcspr.final_report_recorded_by = report.uploaded_by
        fields += ["final_report_received_on", "final_report_recorded_by"]
        changes["final_report_received_on"] = lcspr.final_report_received_on.isoformat()
    if lcspr.status == Lcspr.Status.IN_PROGRESS:
        changes["status"] = [lcspr.status, Lcspr.Status.FINAL_REPORT_SENT]
        lcspr.status = Lcspr.Status.FINAL_REPORT_SENT
        fields.append("status")
    changes["panel_notice_days"] = lcspr.panel_notice_days
    _save(lcspr, fields)
    return changes


def _tell_panel_of_final_report(lcspr: Lcspr, report: LcsprFinalReport) -> None:
    """The Panel secretariat (safeguarding.audiences): a report to read and consider."""
    reference = lcspr.rapid_review.notification.reference
    url = reverse("lcsprs:lcspr-detail", args=[lcspr.pk])
    verb = "replaced" if report.number > 1 else "uploaded"
    body = (
        f"{lcspr.partnership} has {verb} the final report of its LCSPR for {reference} "
        f"(version {report.number})."
    )
    notify(
        panel_secretariat(),
        subject=f"{reference}: LCSPR final report {verb}",
        body=body,
        url=url,
        email_body=f"{body}\n\nSign in to read it: {settings.SITE_URL}{url}\n",
        related=lcspr,
        dedupe_key=f"lcspr-final-report-{report.pk}",
    )


def lcspr_final_report_download(*, report: LcsprFinalReport, by: User) -> DocumentDownload:
    """Open one version of the final report for `by` to download, and record that they did.
    The caller reads the LCSPR through `selectors.lcspr_get_for_user`, so `by` may see it."""
    if not report.file:
        raise DomainNotFound("This final report's file is no longer kept")
    opened = report.file.storage.open(report.file.name, "rb")
    audit_log(
        actor=by,
        action=AuditAction.EXPORT,
        obj=report.lcspr,
        changes={"final_report_version": report.number, "type": report.kind},
        message=f"Downloaded the final report (version {report.number})",
    )
    return DocumentDownload(
        file=opened,
        filename=report.name or f"lcspr-final-report.{report.kind}",
        content_type=documents.CONTENT_TYPES.get(report.kind, "application/octet-stream"),
    )


# The Panel's structured feedback on the final report.


@dataclass(frozen=True)
class FeedbackAnswers:
    """The Panel's answers on the final report, as the form and the API give them (codes;
    "" for an answer not given). Keys of `quality` are `Lcspr.FEEDBACK_QUALITY_FIELDS`."""

    quality: dict[str, str] = field(default_factory=dict)
    themes: Collection[str] = ()
    considered_on: date | None = None
    feedback: str = ""


# Each structured answer: its scale and the message when it is missing or not on the scale.
FEEDBACK_SCALES: dict[str, tuple[type, str]] = {
    "feedback_analysis_quality": (Quality, "Select how thorough the analysis was"),
    "feedback_lived_experience": (
        Quality,
        "Select how well the report considered the child's lived experience",
    ),
    "feedback_race_ethnicity_culture": (
        Quality,
        "Select how well the report considered race, ethnicity and culture",
    ),
    "recommendations_smart": (Extent, "Select whether the recommendations are SMART"),
    "child_voice_heard": (Extent, "Select whether the child's voice was heard"),
}
THEMES_REQUIRED = "Select the learning themes the Panel identified"
CONSIDERED_SUBJECT = "The date the Panel considered the LCSPR"


def _feedback_errors(lcspr: Lcspr, answers: FeedbackAnswers) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for name, (scale, message) in FEEDBACK_SCALES.items():
        if answers.quality.get(name, "") not in scale.values:
            errors[name] = [message]
    themes = list(answers.themes)
    if not themes or any(theme not in LearningTheme.values for theme in themes):
        errors["themes"] = [THEMES_REQUIRED]
    errors.update(
        _date_errors(
            "considered_on",
            answers.considered_on,
            subject=CONSIDERED_SUBJECT,
            not_before=lcspr.final_report_received_on,
            not_before_label="the Panel received the final report",
        )
    )
    if not answers.feedback.strip():
        errors["feedback"] = ["Enter the Panel's feedback"]
    return errors


def _themes_label(codes: Collection[str]) -> str:
    return "; ".join(LearningTheme(code).label for code in sorted(codes)) or ""


@transaction.atomic
def lcspr_feedback_record(
    *, lcspr: Lcspr, by: User, answers: FeedbackAnswers, expected_version: int | None
) -> Lcspr:
    """The Panel's structured feedback on the final report (Panel members and secretariat
    only): the quality of the analysis, of the child's lived experience and of race,
    ethnicity and culture; whether the recommendations are SMART and the child's voice heard;
    the learning themes; the date the Panel considered the LCSPR (not in the future, not
    before the final report was received); and its written feedback. Recording it again is a
    correction: the history shows what changed. The partnership's leads are told."""
    lcspr = _lock(
        lcspr,
        by,
        expected_version,
        allowed=policy.can_give_lcspr_feedback,
        refusal="Only the Panel can record its feedback on an LCSPR",
    )
    if not lcspr.step_allowed(Lcspr.Step.FEEDBACK, by):
        raise LcsprError("The Panel gives its feedback once it has received the final report")
    errors = _feedback_errors(lcspr, answers)
    if errors:
        raise LcsprInvalid(errors)
    correcting = bool(lcspr.panel_feedback)
    before = {name: getattr(lcspr, name) for name in Lcspr.FEEDBACK_QUALITY_FIELDS}
    before["considered_on"] = lcspr.considered_on
    before["panel_feedback"] = lcspr.panel_feedback
    themes_before = set(lcspr.learning_themes.values_list("theme", flat=True))
    after = {name: answers.quality[name] for name in Lcspr.FEEDBACK_QUALITY_FIELDS}
    after["considered_on"] = answers.considered_on
    after["panel_feedback"] = answers.feedback.strip()
    themes_after = set(answers.themes)

    changes = {
        name: [_plain(before[name]), _plain(value)]
        for name, value in after.items()
        if before[name] != value
    }
    if themes_before != themes_after:
        changes["learning_themes"] = [_themes_label(themes_before), _themes_label(themes_after)]
    if correcting and not changes:
        raise LcsprInvalid(
            {"non_field_errors": ["Change at least one answer to correct the feedback"]}
        )

    for name, value in after.items():
        setattr(lcspr, name, value)
    lcspr.panel_feedback_at, lcspr.panel_feedback_by = timezone.now(), by
    _save(lcspr, [*after, "panel_feedback_at", "panel_feedback_by"])
    lcspr.learning_themes.exclude(theme__in=themes_after).delete()
    LcsprLearningTheme.objects.bulk_create(
        [LcsprLearningTheme(lcspr=lcspr, theme=theme) for theme in themes_after - themes_before]
    )
    audit_log(
        actor=by,
        action=AuditAction.UPDATE,
        obj=lcspr,
        changes=changes,
        message="The Panel's feedback corrected" if correcting else "The Panel's feedback recorded",
    )
    _tell_partnership_of_feedback(lcspr, correcting)
    return lcspr


def _plain(value):
    return value.isoformat() if isinstance(value, date) else value


def _tell_partnership_of_feedback(lcspr: Lcspr, correcting: bool) -> None:
    """The leads of the partnership covering the authority now (safeguarding.audiences). The
    feedback may describe the case, so the e-mail gives only the reference and a link."""
    reference = lcspr.rapid_review.notification.reference
    url = reverse("lcsprs:lcspr-detail", args=[lcspr.pk])
    what = "corrected its feedback" if correcting else "recorded its feedback"
    body = f"The Panel has {what} on the final report of your LCSPR for {reference}."
    notify(
        partnership_leads(Partnership.objects.get(pk=lcspr.authority_partnership_id)),
        subject=f"{reference}: the Panel's feedback on your LCSPR",
        body=body,
        url=url,
        email_body=f"{body}\n\nSign in to read it: {settings.SITE_URL}{url}\n",
        related=lcspr,
        dedupe_key=f"lcspr-feedback-{lcspr.pk}-{lcspr.version}",
    )


# Correcting a date, with a reason.


def _corrected_date_errors(lcspr: Lcspr, which: str, new: date | None) -> dict[str, list[str]]:
    """The rules for the date as when it is first entered, under the form's `new_date`."""
    dates = Lcspr.CorrectableDate
    if which == dates.PLANNED_PUBLICATION:
        errors = _planned_publication_errors(lcspr, new)
        return {"new_date": errors["planned_on"]} if errors else {}
    if which == dates.ACTUAL_PUBLICATION:
        return _date_errors(
            "new_date",
            new,
            subject="The publication date",
            not_before=lcspr.final_report_received_on,
            not_before_label="the Panel received the final report",
        )
    errors = _date_errors(
        "new_date",
        new,
        subject="The date the Panel received the final report",
        not_before=lcspr.clock_started_on,
        not_before_label="the rapid review was submitted",
    )
    published = lcspr.actual_publication_date
    if not errors and published and new > published:
        errors = {
            "new_date": [
                "The date the Panel received the final report must be on or before "
                f"{long_date(published)}, when the report was published"
            ]
        }
    return errors


def _correction_errors(
    lcspr: Lcspr, by: User, which: str, new: date | None, reason: str
) -> dict[str, list[str]]:
    if which not in lcspr.correctable_dates(by):
        return {"which": ["Select a date you can correct"]}
    errors = _corrected_date_errors(lcspr, which, new)
    old = lcspr.date_value(which)
    if not errors and new == old:
        errors["new_date"] = [f"Enter a date different from the current one, {long_date(old)}"]
    if not reason.strip():
        errors["reason"] = ["Enter why the date is being corrected"]
    return errors


@transaction.atomic
def lcspr_date_correct(
    *,
    lcspr: Lcspr,
    by: User,
    which: str,
    new_date: date | None,
    reason: str,
    expected_version: int | None,
    notice_passed_confirmed: bool = False,
) -> Lcspr:
    """Correct one of the LCSPR's dates (`Lcspr.CorrectableDate`), with a reason, by someone
    who may set that date: the partnership's leads their planned and actual publication dates,
    the Panel its receipt of the final report. The new date follows the rules for entering it
    (a planned date whose notice has passed is warned about); the audit trail keeps the old
    value, the new one and the reason."""
    lcspr = _lock(
        lcspr,
        by,
        expected_version,
        allowed=policy.can_correct_lcspr_dates,
        refusal="Only the LCSPR's partnership or the Panel can correct its dates",
    )
    errors = _correction_errors(lcspr, by, which, new_date, reason)
    if errors:
        raise LcsprInvalid(errors)
    notice_passed = which == Lcspr.CorrectableDate.PLANNED_PUBLICATION and _check_panel_notice(
        lcspr, new_date, notice_passed_confirmed
    )
    old = lcspr.date_value(which)
    setattr(lcspr, which, new_date)
    _save(lcspr, [which])
    label = Lcspr.CorrectableDate(which).label
    audit_log(
        actor=by,
        action=AuditAction.UPDATE,
        obj=lcspr,
        changes={
            which: [old.isoformat(), new_date.isoformat()],
            "reason": reason.strip(),
            "panel_notice_days": lcspr.panel_notice_days,
            "notice_passed": notice_passed,
        },
        message=f"{label} corrected from {long_date(old)} to {long_date(new_date)}. "
        f"Reason: {reason.strip()}",
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
