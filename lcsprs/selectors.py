"""Reads of LCSPRs, through the user's scope: another partnership's LCSPR is a 404."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import django_filters
from dateutil.relativedelta import relativedelta
from django.db.models import BooleanField, Case, IntegerField, Q, QuerySet, Value, When
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.text import capfirst

from rapidreviews.codes import LearningTheme
from rapidreviews.models import RapidReview
from safeguarding import policy
from safeguarding.audit import audit_read
from safeguarding.filters import (
    BooleanFilter,
    IsoDateFilter,
    choices_message,
    filters_apply,
    partnership_filter,
    reference_filter,
    region_filter,
)
from safeguarding.models import User
from safeguarding.scoping import authority_scope

from .models import Lcspr, LcsprFinalReport
from .timescales import PANEL_NOTICE_DAYS

DUE_SOON_MONTHS = 1


def lcspr_list(*, user: User) -> QuerySet[Lcspr]:
    return Lcspr.objects.filter(
        authority_scope(
            user, "rapid_review__notification__local_authority", partnership="partnership"
        )
    ).select_related(
        "rapid_review",
        "rapid_review__notification",
        "rapid_review__notification__local_authority",
        "partnership",
    )


def _overdue(today: date) -> Q:
    return ~Q(status=Lcspr.Status.PUBLISHED) & Q(due_date__lt=today)


def _due_soon_by(today: date) -> date:
    return today + relativedelta(months=DUE_SOON_MONTHS)


def _due_soon(today: date) -> Q:
    """Not published, and due from today to a month ahead (both days included)."""
    return (
        ~Q(status=Lcspr.Status.PUBLISHED)
        & Q(due_date__gte=today)
        & Q(due_date__lte=_due_soon_by(today))
    )


class LcsprFilter(django_filters.FilterSet):
    """The LCSPR list's filters, on `lcspr_queue`'s annotations."""

    status = django_filters.ChoiceFilter(
        choices=Lcspr.Status.choices,
        help_text="The LCSPR's status.",
        error_messages={"invalid_choice": choices_message("status", Lcspr.Status.values)},
    )
    overdue = BooleanFilter(
        help_text="true: not published and past its due date; false: the others.",
        error_messages={"invalid": "overdue must be true or false"},
    )
    due_soon = BooleanFilter(
        help_text=f"true: not published and due within {DUE_SOON_MONTHS} month (from today); "
        "false: the others.",
        error_messages={"invalid": "due_soon must be true or false"},
    )
    publishing_soon = BooleanFilter(
        help_text=f"true: not published and planned for publication within {PANEL_NOTICE_DAYS} "
        "days (from today); false: the others.",
        error_messages={"invalid": "publishing_soon must be true or false"},
    )
    awaiting_consideration = BooleanFilter(
        help_text="true: the final report is uploaded and the Panel has not yet considered the "
        "LCSPR; false: the others.",
        error_messages={"invalid": "awaiting_consideration must be true or false"},
    )
    partnership = partnership_filter("partnership__code")
    region = region_filter("rapid_review__notification__local_authority__region__code")
    due_from = IsoDateFilter(
        field_name="due_date",
        lookup_expr="gte",
        help_text="Due on or after this date (YYYY-MM-DD).",
    )
    due_to = IsoDateFilter(
        field_name="due_date",
        lookup_expr="lte",
        help_text="Due on or before this date (YYYY-MM-DD).",
    )
    reference = reference_filter("rapid_review__notification__reference")


def _publishing_soon(today: date) -> Q:
    return (
        ~Q(status=Lcspr.Status.PUBLISHED)
        & Q(planned_publication_date__gte=today)
        & Q(planned_publication_date__lte=today + timedelta(days=PANEL_NOTICE_DAYS))
    )


# The final report is uploaded and the Panel has not yet considered the LCSPR.
_AWAITING_CONSIDERATION = Q(final_report_version__gt=0, considered_on=None)


def _flag(condition: Q) -> Case:
    return Case(
        When(condition, then=Value(True)), default=Value(False), output_field=BooleanField()
    )


def lcspr_queue(
    *, user: User, today: date | None = None, filters: Mapping[str, Any] | None = None
) -> QuerySet[Lcspr]:
    """Overdue LCSPRs first, then those still running by due date, published ones last,
    filtered by `LcsprFilter` (raises FilterInvalid on a filter that does not parse). Each
    says whether it is overdue (`overdue`), due within a month (`due_soon`) or planned for
    publication within the Panel's notice period (`publishing_soon`)."""
    today = today or timezone.localdate()
    lcsprs = (
        lcspr_list(user=user)
        .annotate(
            overdue=_flag(_overdue(today)),
            due_soon=_flag(_due_soon(today)),
            publishing_soon=_flag(_publishing_soon(today)),
            awaiting_consideration=_flag(_AWAITING_CONSIDERATION),
            urgency=Case(
                When(_overdue(today), then=Value(0)),
                When(status=Lcspr.Status.PUBLISHED, then=Value(2)),
                default=Value(1),
                output_field=IntegerField(),
            ),
        )
        .order_by("urgency", "due_date", "id")
    )
    return filters_apply(LcsprFilter, lcsprs, filters)


def lcspr_get_for_user(*, user: User, pk: int) -> Lcspr:
    """The LCSPR, or 404 out of scope; the read is recorded in the audit trail."""
    lcspr = get_object_or_404(lcspr_list(user=user), pk=pk)
    audit_read(user=user, obj=lcspr)
    return lcspr


def lcspr_get_for_review(*, user: User, review: RapidReview) -> Lcspr | None:
    return lcspr_list(user=user).filter(rapid_review=review).first()


def lcspr_get_for_editing(*, user: User, pk: int) -> Lcspr:
    """An LCSPR the user may change: leads of its partnership only (a 404 out of scope)."""
    lcspr = lcspr_get_for_user(user=user, pk=pk)
    policy.require(policy.can_edit_lcspr(user, lcspr))
    return lcspr


def lcspr_due_soon_count(*, user: User, today: date | None = None) -> int:
    """Unpublished LCSPRs overdue or due within a month."""
    today = today or timezone.localdate()
    due_by = _due_soon_by(today)
    return (
        lcspr_list(user=user)
        .exclude(status=Lcspr.Status.PUBLISHED)
        .filter(due_date__lte=due_by)
        .count()
    )


def lcspr_publishing_soon_count(*, user: User, today: date | None = None) -> int:
    """Unpublished LCSPRs planned for publication within the next 7 days."""
    today = today or timezone.localdate()
    return lcspr_list(user=user).filter(_publishing_soon(today)).count()


def lcspr_awaiting_consideration_count(*, user: User) -> int:
    """LCSPRs whose final report is uploaded and that the Panel has not yet considered."""
    return lcspr_list(user=user).filter(_AWAITING_CONSIDERATION).count()


def lcspr_final_report_list(*, lcspr: Lcspr) -> QuerySet[LcsprFinalReport]:
    """Every uploaded version of the LCSPR's final report, the current (newest) first. The
    caller has read the LCSPR through `lcspr_get_for_user`."""
    return lcspr.final_reports.select_related("uploaded_by").order_by("-number")


def lcspr_final_report_get(*, lcspr: Lcspr, number: int) -> LcsprFinalReport:
    """One version of the LCSPR's final report, or 404."""
    return get_object_or_404(lcspr_final_report_list(lcspr=lcspr), number=number)


def lcspr_feedback_rows(*, lcspr: Lcspr) -> list[tuple[str, str]]:
    """The Panel's structured feedback by label, as the LCSPR's page and its case file show
    it: [] until it is recorded."""
    if not lcspr.panel_feedback:
        return []
    rows = [
        (capfirst(str(Lcspr._meta.get_field(name).verbose_name)), _display(lcspr, name))
        for name in Lcspr.FEEDBACK_QUALITY_FIELDS
    ]
    themes = [str(row) for row in lcspr.learning_themes.all()]
    rows.append(("Learning themes identified", "; ".join(themes) or "None"))
    when = lcspr.considered_on
    rows.append(("Date the Panel considered the LCSPR", f"{when:%-d %B %Y}" if when else ""))
    return rows


def lcspr_learning_theme_codes(*, lcspr: Lcspr) -> list[str]:
    """The learning themes the Panel identified, as codes, in the order of the code list."""
    order = list(LearningTheme.values)
    codes = lcspr.learning_themes.values_list("theme", flat=True)
    return sorted(codes, key=order.index)


def _display(lcspr: Lcspr, name: str) -> str:
    return getattr(lcspr, f"get_{name}_display")() or "Not given"


def lcspr_display_status(*, lcspr: Lcspr, today: date) -> str:
    """The status to show: overdue, or due soon, while not published (as the queue's
    annotations say); else the LCSPR's own."""
    if lcspr.is_overdue(today):
        return "overdue"
    if lcspr.status != Lcspr.Status.PUBLISHED and today <= lcspr.due_date <= _due_soon_by(today):
        return "due_soon"
    return lcspr.status


def lcspr_final_report_missing(*, lcspr: Lcspr, today: date) -> bool:
    """The day the final report was due with the Panel has passed without it."""
    due = lcspr.final_report_due_date
    return due is not None and lcspr.final_report_received_on is None and today > due


@dataclass(frozen=True)
class TimelineEntry:
    title: str
    on: date | None
    done: bool
    detail: str = ""


def lcspr_timeline(*, lcspr: Lcspr) -> list[TimelineEntry]:
    """The LCSPR's key steps, done and to come, for its page."""
    published = lcspr.status == Lcspr.Status.PUBLISHED
    notice_by = lcspr.final_report_due_date
    return [
        TimelineEntry("Rapid review submitted", lcspr.clock_started_on, True),
        TimelineEntry(
            "LCSPR commissioned", timezone.localdate(lcspr.opened_at), True, lcspr.opened_reason
        ),
        TimelineEntry(
            "Review started",
            timezone.localdate(lcspr.started_at) if lcspr.started_at else None,
            lcspr.started_at is not None,
        ),
        TimelineEntry(
            "Final report received by the Panel",
            lcspr.final_report_received_on or notice_by,
            lcspr.final_report_received_on is not None,
            ""
            if lcspr.final_report_received_on or notice_by is None
            else f"At least {PANEL_NOTICE_DAYS} days before publication",
        ),
        TimelineEntry(
            "Published",
            lcspr.actual_publication_date or lcspr.planned_publication_date,
            published,
            "" if published or not lcspr.planned_publication_date else "Planned",
        ),
        TimelineEntry(
            "Publication deadline",
            lcspr.due_date,
            False,
            "6 months after the rapid review",
        ),
    ]
