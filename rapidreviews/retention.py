"""Retention rule for closed cases (registered with `safeguarding.retention` on import).

A case is the notification with its rapid review, the Panel's decisions and letters and any
LCSPR. It closes (DOMAIN.md §1) when the last step of the process is done:
- an LCSPR was held: on the day it was published (`actual_publication_date`);
- the partnership decided no LCSPR was needed: when the Panel's last response letter on the
  review was sent (the Panel's view ends the process; the decision stays with the partnership).
A case still running (no letter sent, an LCSPR not yet published) never closes, and so is
never anonymised.

RETENTION_CASE_YEARS after it closes, the case is anonymised: what identifies the child is
removed and the coded data the annual statistics count is kept, so a past year's tables are
unchanged (tests/safeguarding/test_retention.py). Removed: each child's name, date of birth and
known health needs (the age at the incident is kept, worked out from the date of birth where
only that was recorded), the placement postcode (its IMD decile is kept), the free text that
describes the child's circumstances (the SIN summary, the reasons given for lateness and for the
child in focus, the review's summary of facts, relevant information, reflection, immediate
action and LCSPR rationale), the review document (file and name), the LCSPR's uploaded final
reports (files, names and replacement reasons) and the SIN's attachments (files, names and
descriptions; their type and size are kept). Kept: references
(SIN-2024-000123, "Child A"), every coded answer, every date and time-keeping figure, the
Panel's decisions and letters (they name the SIN and the child's pseudonymous reference, not the
child) and the LCSPR's dates and public link."""

from __future__ import annotations

from datetime import datetime, time

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from notifications.models import (
    CHILD_IDENTIFYING_FIELDS,
    PERSONAL_FIELDS,
    AbuseOrNeglect,
    Notification,
    NotificationAttachment,
    NotificationChild,
)
from notifications.rules import age_on
from safeguarding.retention import Action, RetentionRule, case_cutoff, register

from . import codes
from .models import NARRATIVE_FIELDS, RapidReview

NOTIFICATION_TEXT = PERSONAL_FIELDS
REVIEW_TEXT = NARRATIVE_FIELDS
WITHDRAWAL_REASON_REMOVED = "Removed under the retention schedule"


def cases_to_anonymise(now: datetime) -> QuerySet[Notification]:
    """Submitted notifications whose case closed before the retention period, not yet
    anonymised."""
    cutoff = case_cutoff(now)
    cutoff_moment = timezone.make_aware(datetime.combine(cutoff, time.min))
    letters = RapidReview.objects.filter(
        pk=OuterRef("rapid_review"), response_letters__status="sent"
    )
    sent_before = Exists(letters.filter(response_letters__sent_at__lt=cutoff_moment))
    sent_since = Exists(letters.filter(response_letters__sent_at__gte=cutoff_moment))
    published = Q(
        rapid_review__lcspr__status="published",
        rapid_review__lcspr__actual_publication_date__lt=cutoff,
    )
    no_lcspr = Q(
        rapid_review__lcspr__isnull=True,
        rapid_review__lcspr_decision=codes.LcsprDecision.NO_LCSPR,
    ) & (sent_before & ~sent_since)
    # Issue 16: cases that close without a Panel letter or an LCSPR. Marked withdrawn or not
    # progressed (closed then, unless reinstated), and a looked-after child's death that needed
    # no rapid review (closed when notified).
    withdrawn = ~Q(withdrawal="") & Q(withdrawn_at__lt=cutoff_moment)
    no_review = Q(
        abuse_or_neglect=AbuseOrNeglect.NOT_SUSPECTED,
        rapid_review__isnull=True,
        notified_at__lt=cutoff_moment,
    )
    return Notification.objects.filter(
        published | no_lcspr | withdrawn | no_review,
        status=Notification.Status.SUBMITTED,
        anonymised_at__isnull=True,
    )


def case_anonymise(notification: Notification, now: datetime) -> dict:
    """Remove what identifies the child from the case; keep what the statistics count."""
    incident = notification.incident_date or timezone.localdate(notification.notified_at)
    children = 0
    for child in NotificationChild.objects.filter(notification=notification):
        age = child.age_years
        if age is None and child.date_of_birth is not None:
            age = min(max(age_on(child.date_of_birth, incident), 0), 17)
        NotificationChild.objects.filter(pk=child.pk).update(
            name="", date_of_birth=None, health_needs="", age_years=age
        )
        children += 1
    # A withdrawal's reason is free text too; one is always kept (a database constraint).
    withdrawal = {"withdrawal_reason": WITHDRAWAL_REASON_REMOVED} if notification.withdrawal else {}
    Notification.objects.filter(pk=notification.pk).update(
        anonymised_at=now, **dict.fromkeys(NOTIFICATION_TEXT, ""), **withdrawal
    )
    removed = [f"children.{name}" for name in CHILD_IDENTIFYING_FIELDS] + list(NOTIFICATION_TEXT)
    # The SIN's attachments (incident reports, letters) identify the child: their files, names
    # and descriptions go; that there were attachments, of what type and size, stays.
    attachments = NotificationAttachment.objects.filter(notification=notification)
    for attachment in attachments:
        if attachment.file:
            attachment.file.delete(save=False)
    if attachments.update(file="", original_name="", description="", sha256=""):
        removed.append("attachments")
    removed += list(withdrawal)
    review = RapidReview.objects.filter(notification=notification).first()
    if review is not None:
        if review.document:
            review.document.delete(save=False)
        RapidReview.objects.filter(pk=review.pk).update(
            document="", document_name="", **dict.fromkeys(REVIEW_TEXT, "")
        )
        removed += [f"rapid_review.{name}" for name in (*REVIEW_TEXT, "document")]
        removed += _lcspr_final_reports_remove(review)
    return {"children": children, "removed": removed}


def _lcspr_final_reports_remove(review: RapidReview) -> list[str]:
    """The LCSPR's uploaded final reports (every version) may name the child: their files,
    names and replacement reasons go; that there were versions, of what type, size and page
    count, stays (a published report stays public at its link)."""
    if not hasattr(review, "lcspr"):
        return []
    reports = review.lcspr.final_reports.all()
    for report in reports:
        if report.file:
            report.file.delete(save=False)
    # A replacement keeps a reason (a database constraint): it says it was removed.
    replaced = reports.exclude(number=1).update(replacement_reason=WITHDRAWAL_REASON_REMOVED)
    if reports.update(file="", name="") or replaced:
        return ["lcspr.final_reports"]
    return []


register(
    RetentionRule(
        name="cases.anonymisation",
        action=Action.ANONYMISE,
        description="remove what identifies the child from a case closed beyond retention",
        due=cases_to_anonymise,
        apply=case_anonymise,
    )
)
