"""Reads of rapid reviews, through the user's scope: another partnership's review is a 404."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from safeguarding import policy
from safeguarding.audit import audit_read
from safeguarding.calendars import england_calendar
from safeguarding.codes import RegionCode
from safeguarding.filters import BooleanFilter, IsoDateFilter, choices_message, filters_apply
from safeguarding.lists import StackedQuerySets
from safeguarding.models import Partnership, User
from safeguarding.scoping import authority_scope, sees_submitted_england
from safeguarding.workingdays import WorkingDayCalendar

from . import rules
from .codes import LcsprDecision
from .forms import _question
from .models import RapidReview, RapidReviewExtension, RapidReviewTheme
from .sections import SECTIONS, Section
from .timescales import DUE_SOON_WORKING_DAYS


def rapid_review_list(*, user: User, with_shared: bool = True) -> QuerySet[RapidReview]:
    """The reviews the user may see. `with_shared=False` leaves out the reviews seen only
    because the Panel shared them with DfE and Ofsted: what builds on a review (its Panel
    decisions and letters, its LCSPR) is never shared with them."""
    visible = authority_scope(user, "notification__local_authority", partnership="partnership")
    if with_shared and sees_submitted_england(user):
        # The Department for Education and Ofsted: only the submitted reviews the Panel shared
        # with them (rapidreviews.services.sharing).
        visible |= Q(shared_with_regulators_at__isnull=False, status=RapidReview.Status.SUBMITTED)
    return RapidReview.objects.filter(visible).select_related(
        "notification", "notification__local_authority", "partnership"
    )


OVERDUE = "overdue"
DUE_SOON = "due_soon"
STATUS_FILTERS = [
    *RapidReview.Status.choices,
    (DUE_SOON, f"Due soon: not submitted and due within {DUE_SOON_WORKING_DAYS} working days"),
    (OVERDUE, "Overdue: not submitted and past its due date"),
]
REGION_CODES = [value for value, _ in RegionCode.choices]
LCSPR_DECISION_CODES = [value for value, _ in LcsprDecision.choices]


class RapidReviewFilterForm(forms.Form):
    """Checks django-filter leaves to the form: that the partnership exists, and the dates'
    order."""

    def clean_partnership(self) -> str:
        code = self.cleaned_data["partnership"]
        if code and not Partnership.objects.filter(code=code).exists():
            raise forms.ValidationError(f"No partnership has the code '{code}'")
        return code

    def clean(self) -> dict:
        data = super().clean()
        after, before = data.get("due_after"), data.get("due_before")
        if after and before and before <= after:
            self.add_error("due_before", "due_before must be after due_after")
        start, end = data.get("submitted_from"), data.get("submitted_to")
        if start and end and end < start:
            self.add_error(
                "submitted_to", "submitted_to must be the same as or after submitted_from"
            )
        return data


class RapidReviewCaseFilter(django_filters.FilterSet):
    """What finds a review whatever list it is in (the rapid review list, the Panel queue):
    its SIN's reference, where it comes from, when it was submitted and what the partnership
    decided about an LCSPR. Applied after the user's scope, so a filter never reaches a review
    the user may not see."""

    reference = django_filters.CharFilter(
        field_name="notification__reference",
        lookup_expr="icontains",
        max_length=20,
        help_text="Part of the SIN's reference, e.g. SIN-2024-",
        error_messages={"max_length": "Ensure this field has no more than 20 characters."},
    )
    partnership = django_filters.CharFilter(
        field_name="partnership__code",
        max_length=80,
        help_text="The partnership's code, e.g. leeds",
        error_messages={"max_length": "Ensure this field has no more than 80 characters."},
    )
    local_authority = django_filters.CharFilter(
        field_name="notification__local_authority__ons_code",
        max_length=9,
        help_text="ONS code of the SIN's local authority, e.g. E08000035",
        error_messages={"max_length": "Ensure this field has no more than 9 characters."},
    )
    region = django_filters.ChoiceFilter(
        field_name="notification__local_authority__region__code",
        choices=RegionCode.choices,
        help_text="The region of the SIN's local authority: " + ", ".join(REGION_CODES) + ".",
        error_messages={"invalid_choice": choices_message("region", REGION_CODES)},
    )
    submitted_from = IsoDateFilter(
        field_name="submitted_at",
        lookup_expr="date__gte",
        help_text="Submitted on or after this date (YYYY-MM-DD).",
    )
    submitted_to = IsoDateFilter(
        field_name="submitted_at",
        lookup_expr="date__lte",
        help_text="Submitted on or before this date (YYYY-MM-DD).",
    )
    lcspr_decision = django_filters.ChoiceFilter(
        choices=LcsprDecision.choices,
        help_text="The partnership's decision on an LCSPR: " + ", ".join(LCSPR_DECISION_CODES),
        error_messages={"invalid_choice": choices_message("lcspr_decision", LCSPR_DECISION_CODES)},
    )

    class Meta:
        form = RapidReviewFilterForm


class RapidReviewFilter(RapidReviewCaseFilter):
    """The rapid review list's filters. `overdue` and `due_soon` are statuses to the user,
    though the review's stored status stays drafting or not started, so they are worked out as
    of `today` (due soon: up to `due_soon_by`, DUE_SOON_WORKING_DAYS working days on)."""

    status = django_filters.ChoiceFilter(
        choices=STATUS_FILTERS,
        method="filter_status",
        help_text="not_started, drafting or submitted: the review's status. due_soon: not "
        f"submitted and due from today to {DUE_SOON_WORKING_DAYS} working days on. overdue: not "
        "submitted and due before today (whether drafting or not started).",
        error_messages={
            "invalid_choice": choices_message("status", [value for value, _ in STATUS_FILTERS])
        },
    )
    due_after = IsoDateFilter(
        field_name="due_date",
        lookup_expr="gt",
        help_text="Due after this date, not on it (YYYY-MM-DD).",
    )
    due_before = IsoDateFilter(
        field_name="due_date",
        lookup_expr="lt",
        help_text="Due before this date, not on it (YYYY-MM-DD).",
    )
    extension_pending = BooleanFilter(
        field_name="extension_pending",
        help_text="true: only reviews with an extension request waiting for the Panel "
        "secretariat's decision; false: only those without one.",
    )

    def __init__(self, *args, today: date | None = None, due_soon_by: date | None = None, **kw):
        super().__init__(*args, **kw)
        self.today = today or timezone.localdate()
        self.due_soon_by = due_soon_by

    def filter_status(self, reviews: QuerySet[RapidReview], name: str, value: str):
        if value == OVERDUE:
            return rapid_review_filter_overdue(reviews, today=self.today)
        if value == DUE_SOON:
            due_soon_by = self.due_soon_by or england_calendar().add_working_days(
                self.today, DUE_SOON_WORKING_DAYS
            )
            return reviews.exclude(status=RapidReview.Status.SUBMITTED).filter(
                due_date__gte=self.today, due_date__lte=due_soon_by, closed_on_withdrawal=False
            )
        return reviews.filter(status=value)


def rapid_review_queue(
    *,
    user: User,
    today: date | None = None,
    filters: Mapping[str, Any] | None = None,
    due_soon_by: date | None = None,
) -> StackedQuerySets:
    """Reviews still to submit first, most urgent (earliest due) first; submitted ones last,
    filtered by `RapidReviewFilter` (raises FilterInvalid on a filter that does not parse).
    Each says whether an extension request is waiting for a decision (`extension_pending`).

    The two parts are two queries, each in the order of its partial index (rapidreviews
    models: `rapid_review_open_due`, `rapid_review_submitted_due`), read one page at a time:
    no sort of every review on "submitted or not"."""
    today = today or timezone.localdate()
    pending = RapidReviewExtension.objects.filter(
        review=OuterRef("pk"), status=RapidReviewExtension.Status.PENDING
    )
    reviews = filters_apply(
        RapidReviewFilter,
        rapid_review_list(user=user).annotate(extension_pending=Exists(pending)),
        filters,
        today=today,
        due_soon_by=due_soon_by,
    )
    submitted = RapidReview.Status.SUBMITTED
    return StackedQuerySets(
        reviews.exclude(status=submitted).order_by("due_date", "id"),
        reviews.filter(status=submitted).order_by("due_date", "id"),
    )


def rapid_review_get_for_user(*, user: User, pk: int, with_shared: bool = True) -> RapidReview:
    """The review, or 404 out of scope (`with_shared`: as in `rapid_review_list`); the read is
    recorded in the audit trail."""
    review = get_object_or_404(rapid_review_list(user=user, with_shared=with_shared), pk=pk)
    audit_read(user=user, obj=review)
    return review


def rapid_review_get_for_editing(*, user: User, pk: int) -> RapidReview:
    """A review the user may edit: partnership leads of the review's partnership only."""
    review = rapid_review_get_for_user(user=user, pk=pk)
    policy.require(policy.can_edit_review(user, review))
    return review


def rapid_review_extension_list(*, review: RapidReview) -> QuerySet[RapidReviewExtension]:
    """A review's extension requests, newest first (read the review through its selector)."""
    return review.extensions.select_related("requested_by", "decided_by")


def rapid_review_extension_get_for_deciding(
    *, user: User, review_pk: int, pk: int
) -> RapidReviewExtension:
    """An extension request the Panel secretariat may decide: a 404 when the review is out of
    the user's scope or the request belongs to another review; a 403 for any other role."""
    review = rapid_review_get_for_user(user=user, pk=review_pk)
    extension = get_object_or_404(rapid_review_extension_list(review=review), pk=pk)
    policy.require(policy.can_decide_extension(user, review))
    extension.review = review
    return extension


def rapid_review_extension_pending_count(*, user: User) -> int:
    # The reviews' scope (rapid_review_list's) on the requests: nationally, no join.
    return RapidReviewExtension.objects.filter(
        authority_scope(
            user, "review__notification__local_authority", partnership="review__partnership"
        ),
        status=RapidReviewExtension.Status.PENDING,
    ).count()


def rapid_review_filter_overdue(
    reviews: QuerySet[RapidReview], *, today: date
) -> QuerySet[RapidReview]:
    """The reviews not yet submitted and past their (possibly extended) due date on `today`:
    `RapidReview.is_overdue` in the database."""
    return reviews.exclude(status=RapidReview.Status.SUBMITTED).filter(
        due_date__lt=today, closed_on_withdrawal=False
    )


def rapid_review_due_soon_count(*, user: User, due_by: date) -> int:
    """Reviews not yet submitted that are overdue or due on or before `due_by`."""
    # Overdue the day after `due_by`: everything still running that is due by then.
    return rapid_review_filter_overdue(
        rapid_review_list(user=user), today=due_by + timedelta(days=1)
    ).count()


@dataclass(frozen=True)
class RapidReviewDeadline:
    """Where a review stands against its due date, for the queue and the review's page."""

    status: str  # "overdue", "due_soon", or the review's own status
    working_days_left: int  # up to the due date; negative once past it
    working_days_late: int  # against the due date: at submission, or as of today
    # Against the original due date when an extension moved it; None without one.
    working_days_late_against_original: int | None

    @property
    def extended(self) -> bool:
        return self.working_days_late_against_original is not None


def rapid_review_deadline(
    *, review: RapidReview, today: date, calendar: WorkingDayCalendar, due_soon_by: date
) -> RapidReviewDeadline:
    """A review not yet submitted is overdue after its due date, and due soon from `today` up
    to `due_soon_by` (both days included). Days late count to submission, or to today while
    the review is running, against the due date and (when extended) the original due date."""
    if review.closed_on_withdrawal:
        status = "closed"
    elif review.is_overdue(today):
        status = "overdue"
    elif review.status != RapidReview.Status.SUBMITTED and review.due_date <= due_soon_by:
        status = "due_soon"
    else:
        status = review.status
    extended = review.due_date != review.original_due_date
    return RapidReviewDeadline(
        status=status,
        working_days_left=calendar.working_days_between(today, review.due_date),
        working_days_late=review.working_days_late(today, calendar),
        working_days_late_against_original=review.working_days_late(today, calendar, original=True)
        if extended
        else None,
    )


@dataclass(frozen=True)
class SectionAnswers:
    """A section's questions and answers as a reader sees them: labels, never codes; None for a
    question not answered yet."""

    section: Section
    rows: list[tuple[str, str | None]]


def rapid_review_answers(*, review: RapidReview) -> list[SectionAnswers]:
    """Every section's questions and answers, for reading (the review's page and the Panel's
    decision page). The document is left out: pages show it with its download link."""
    result = []
    for section in SECTIONS:
        if section.key == "document":
            continue
        if section.key == "themes":
            themes = review.themes.all()
            rows = [(theme.get_theme_display(), _theme_answer(theme)) for theme in themes]
        else:
            rows = [
                (_question(name), _answer(review, name))
                for name in rules.visible_fields(section, review)
            ]
        result.append(SectionAnswers(section, rows))
    return result


def _answer(review: RapidReview, name: str) -> str | None:
    value = getattr(review, name)
    if value is None or value == "":
        return None
    if RapidReview._meta.get_field(name).choices:
        return getattr(review, f"get_{name}_display")()
    return str(value)


def _theme_answer(theme: RapidReviewTheme) -> str:
    if not theme.present:
        return "Not present"
    return "Present; good practice identified" if theme.good_practice else "Present"
