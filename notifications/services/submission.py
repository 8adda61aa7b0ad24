"""Writes that send a SIN to the Panel: its reference, submission (which opens the rapid
review and tells the partnership and the Panel), and creating a SIN in one go (the API's
path)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import partial

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from rapidreviews.models import RapidReview
from rapidreviews.services import rapid_review_open
from rapidreviews.timescales import RAPID_REVIEW_DEADLINE_WORKING_DAYS
from safeguarding.audiences import Audience, notify, panel, partnership_leads
from safeguarding.audit import audit_log
from safeguarding.calendars import england_calendar
from safeguarding.models import AuditAction, LocalAuthority, User

from .. import rules
from ..duplicates import possible_duplicates_record
from ..models import Notification, ReferenceSequence
from ..timescales import SIN_DEADLINE_WORKING_DAYS, notification_on_time
from .drafts import (
    ChildData,
    IncidentPlaceData,
    NotificationError,
    NotificationInvalid,
    NotifierData,
    _lock,
    _notifier_prefill,
    _raise_if,
    _today,
    notification_children_add,
    notification_circumstances_update,
    notification_incident_place_update,
    notification_incident_update,
    notification_notifier_update,
    notification_start,
)
from .shares import ShareTarget, notification_shares_add, notification_shares_tell


def reference_block(prefix: str, year: int, count: int) -> int:
    """Reserve `count` consecutive reference numbers of the prefix and year; returns the first.
    One statement (an upsert returning the new last number), which locks the sequence's row
    until the transaction ends: a submission or another import reserving numbers of the same
    year meanwhile waits, then gets the numbers after these, so none is given twice, and a
    rolled-back transaction gives its numbers back."""
    if count < 1:
        raise ValueError("count must be at least 1")
    table = connection.ops.quote_name(ReferenceSequence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (prefix, year, last_number) VALUES (%s, %s, %s) "  # noqa: S608 (names are ours)
            "ON CONFLICT (prefix, year) DO UPDATE "
            f"SET last_number = {table}.last_number + EXCLUDED.last_number "
            "RETURNING last_number",
            [prefix, year, count],
        )
        (last,) = cursor.fetchone()
    return last - count + 1


def reference_format(prefix: str, year: int, number: int) -> str:
    """SIN-2024-000123."""
    return f"{prefix}-{year}-{number:06d}"


def reference_next(prefix: str, year: int) -> str:
    """The next reference of the prefix and year (see `reference_block`)."""
    return reference_format(prefix, year, reference_block(prefix, year, 1))


@transaction.atomic
def notification_submit(
    *,
    notification: Notification,
    by: User,
    lateness_reason: str = "",
    expected_version: int | None,
) -> Notification:
    """Submit a draft SIN: give it its reference, store the working days from the date aware
    to today and whether that was within 5, open the partnership's rapid review (due 15
    working days after the SIN) and tell the partnership and the Panel once this commits."""
    notification = _lock(notification, expected_version)
    if notification.status not in Notification.TRANSITIONS[Notification.Status.SUBMITTED]:
        raise NotificationError(f"{notification} has already been submitted")
    today = _today()
    calendar = england_calendar()
    children = list(notification.children.all())
    errors = rules.submission_errors(notification, children=children, today=today)
    for field, messages in rules.lateness_errors(
        date_aware=notification.date_aware,
        submitted_on=today,
        lateness_reason=lateness_reason,
        calendar=calendar,
    ).items():
        errors.setdefault(field, []).extend(messages)
    _raise_if(errors)

    now = timezone.now()
    days = rules.working_days_taken(notification.date_aware, today, calendar)
    notification.reference = reference_next("SIN", today.year)
    notification.status = Notification.Status.SUBMITTED
    notification.notified_at = now
    notification.working_days_to_notify = days
    notification.notified_on_time = notification_on_time(days)
    notification.lateness_reason = "" if notification.notified_on_time else lateness_reason.strip()
    notification.submitted_by = by
    notification.version = F("version") + 1
    notification.save(
        update_fields=[
            "reference",
            "status",
            "notified_at",
            "working_days_to_notify",
            "notified_on_time",
            "lateness_reason",
            "submitted_by",
            "version",
            "updated_at",
        ]
    )
    notification.refresh_from_db()
    # A looked-after child's death without suspected abuse or neglect opens no rapid review.
    review = (
        rapid_review_open(notification=notification, sin_date=today)
        if notification.needs_rapid_review
        else None
    )
    audit_log(
        actor=by,
        action=AuditAction.SUBMIT,
        obj=notification,
        changes={"working_days_to_notify": days, "on_time": notification.notified_on_time},
        message=f"Submitted; rapid review due {review.due_date:%-d %B %Y}"
        if review
        else "Submitted; no rapid review is needed (looked-after child, abuse or neglect not "
        "suspected)",
    )
    if review:
        _tell_about_submission(notification, review)
    else:
        _tell_about_looked_after_death(notification)
    possible_duplicates_record(notification=notification)
    notification_shares_tell(notification)  # other areas named (issue 16, item 3)
    return notification


def _timeliness(notification: Notification) -> str:
    if notification.notified_on_time:
        return f"within {SIN_DEADLINE_WORKING_DAYS} working days"
    return (
        f"{notification.working_days_to_notify} working days after the local authority "
        f"became aware (late: {notification.lateness_reason})"
    )


def _tell_about_looked_after_death(notification: Notification) -> None:
    """A looked-after child's death where abuse or neglect is not suspected: the Panel is told
    (it shares the SIN with DfE and Ofsted), the partnership is not asked for a review."""
    authority = notification.local_authority
    url = reverse("notifications:notification-detail", args=[notification.pk])
    notify(
        panel(),
        subject=f"{notification.reference}: death of a looked-after child notified by {authority}",
        body="Abuse or neglect is not suspected: no rapid review is needed. The notification "
        "is shared with DfE and Ofsted.",
        url=url,
        email_body=(
            f"{authority} has notified the Child Safeguarding Practice Review Panel of the "
            f"death of a looked-after child: {notification.reference}.\n\n"
            f"It was notified {_timeliness(notification)}.\n"
            "Abuse or neglect is not suspected, so no rapid review is needed; the notification "
            "is shared with the Department for Education and Ofsted.\n\n"
            f"Sign in to see the notification: {settings.SITE_URL}{url}\n"
        ),
        related=notification,
        dedupe_key=f"sin-submitted-{notification.pk}",
    )


def _tell_about_submission(
    notification: Notification,
    review: RapidReview,
    *,
    dedupe_key: str = "",
    clock_start: str = "the notification",
) -> None:
    """The partnership's leads and the whole Panel (safeguarding.audiences), in one e-mail. The
    leads' inbox message opens the rapid review they must write; the Panel's the SIN. Also
    sent when an amendment opens the review of a SIN that had none (`dedupe_key` then says
    so)."""
    authority = notification.local_authority
    due_date = review.due_date
    url = reverse("notifications:notification-detail", args=[notification.pk])
    review_url = reverse("rapidreviews:review-detail", args=[review.pk])
    leads = partnership_leads(authority.partnership)
    subject = f"{notification.reference}: serious incident notified by {authority}"
    dedupe_key = dedupe_key or f"sin-submitted-{notification.pk}"
    notify(
        Audience(people=leads.people),
        subject=subject,
        body=f"Write the rapid review, due by {due_date:%-d %B %Y}.",
        url=review_url,
        dedupe_key=dedupe_key,
    )
    timeliness = _timeliness(notification)
    notify(
        Audience(emails=leads.emails) + panel(),
        subject=subject,
        body=f"Rapid review due by {due_date:%-d %B %Y}.",
        url=url,
        email_body=(
            f"{authority} has notified the Child Safeguarding Practice Review Panel of a serious "
            f"incident: {notification.reference} ({notification.get_reason_display().lower()})."
            f"\n\nIt was notified {timeliness}.\n"
            f"The partnership's rapid review is due by {due_date:%-d %B %Y} "
            f"({RAPID_REVIEW_DEADLINE_WORKING_DAYS} working days after {clock_start}).\n\n"
            f"Sign in to see the notification: {settings.SITE_URL}{url}\n"
            f"The partnership's leads write the rapid review at: "
            f"{settings.SITE_URL}{review_url}\n"
        ),
        related=notification,
        dedupe_key=dedupe_key,
    )


def notification_review_open_on_amendment(*, notification: Notification, by: User) -> None:
    """A submitted SIN amended from "not suspected" to abuse or neglect known or suspected:
    open its rapid review, due 15 working days after the amendment date, and tell the
    partnership and the Panel as on submission. Call inside the amendment's transaction. A SIN
    that already has a review (amended the other way and back) keeps it."""
    if RapidReview.objects.filter(notification=notification).exists():
        return
    today = _today()
    review = rapid_review_open(notification=notification, sin_date=today)
    audit_log(
        actor=by,
        action=AuditAction.UPDATE,
        obj=notification,
        changes={"rapid_review_due_date": review.due_date.isoformat()},
        message=f"Abuse or neglect now suspected or known: rapid review opened, due "
        f"{review.due_date:%-d %B %Y}",
    )
    if notification.is_withdrawn:
        # Marked withdrawn or not progressed: the review exists for a reinstatement, closed
        # (nothing is asked of the partnership until then).
        from rapidreviews.services import rapid_review_close_on_withdrawal

        rapid_review_close_on_withdrawal(
            review=review, by=by, reason=notification.withdrawal_reason
        )
        return
    _tell_about_submission(
        notification,
        review,
        dedupe_key=f"sin-review-opened-{notification.pk}-{review.pk}",
        clock_start="the amendment saying abuse or neglect is suspected or known",
    )


@dataclass
class _Problems:
    """Every problem found while creating a SIN in one go, reported together as the API
    reports them (each child's in the list under `children`, aligned with the children)."""

    errors: dict = dataclasses.field(default_factory=dict)

    def collect(self, call: Callable[[], object]) -> None:
        try:
            call()
        except NotificationInvalid as exc:
            for name, messages in exc.errors.items():
                self.errors.setdefault(name, []).extend(messages)


@transaction.atomic
def notification_create(
    *,
    local_authority: LocalAuthority,
    by: User,
    incident_date: date | None = None,
    date_aware: date | None = None,
    reason: str = "",
    abuse_or_neglect: str = "",
    child_looked_after_death: bool | None = None,
    placement_postcode: str = "",
    imd_decile: int | None = None,
    summary: str = "",
    children: list[ChildData] | None = None,
    incident_place: IncidentPlaceData | None = None,
    notifier: NotifierData | None = None,
    submit: bool = False,
    lateness_reason: str = "",
    shares: list[ShareTarget] | None = None,
) -> Notification:
    """Create a SIN in one go (the API's path), as a draft or submitted. Every rule is checked
    by the same services the web journey uses; all problems are reported together, with each
    child's under `children[i]`, and nothing is saved unless everything is."""
    notification = notification_start(local_authority=local_authority, by=by)
    problems = _Problems()
    incident = partial(
        notification_incident_update,
        notification=notification,
        by=by,
        incident_date=incident_date,
        date_aware=date_aware,
        expected_version=None,
    )
    # The reason is checked against the children's harm, so it is set once they are added.
    problems.collect(partial(incident, reason=""))
    problems.collect(
        partial(
            notification_children_add,
            notification=notification,
            by=by,
            children=children or [],
            expected_version=None,
        )
    )
    if not problems.errors:
        problems.collect(partial(incident, reason=reason))
    problems.collect(
        partial(
            notification_circumstances_update,
            notification=notification,
            by=by,
            abuse_or_neglect=abuse_or_neglect,
            child_looked_after_death=child_looked_after_death,
            placement_postcode=placement_postcode,
            imd_decile=imd_decile,
            summary=summary,
            expected_version=None,
        )
    )
    if shares:
        problems.collect(
            partial(notification_shares_add, notification=notification, by=by, targets=shares)
        )
    # Issue 16: where and how it happened, and the notifier (whose name and e-mail, when not
    # given, are the caller's account's, as the web journey prefills them).
    problems.collect(
        partial(
            notification_incident_place_update,
            notification=notification,
            by=by,
            data=incident_place or IncidentPlaceData(),
            expected_version=None,
        )
    )
    notifier = notifier or NotifierData()
    prefill = _notifier_prefill(by)
    problems.collect(
        partial(
            notification_notifier_update,
            notification=notification,
            by=by,
            data=dataclasses.replace(
                notifier,
                notifier_name=notifier.notifier_name.strip() or prefill["notifier_name"],
                notifier_email=notifier.notifier_email.strip() or prefill["notifier_email"],
            ),
            expected_version=None,
        )
    )
    if problems.errors:
        raise NotificationInvalid(problems.errors)
    if submit:
        notification_submit(
            notification=notification, by=by, lateness_reason=lateness_reason, expected_version=None
        )
    notification.refresh_from_db()
    return notification
