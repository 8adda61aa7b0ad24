"""Reads of SINs, always through the user's scope: another authority's SIN is a 404."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

import django_filters
from django import forms
from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    Func,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.shortcuts import get_object_or_404
from django.utils import timezone

from safeguarding import policy
from safeguarding.audit import audit_read
from safeguarding.calendars import england_calendar
from safeguarding.codes import Reason
from safeguarding.filters import (
    INVALID_CHOICE,
    BooleanFilter,
    IsoDateFilter,
    filters_apply,
    region_filter,
)
from safeguarding.models import LocalAuthority, Partnership, User
from safeguarding.scoping import authority_scope, sees_submitted_england
from safeguarding.selectors import local_authority_list
from safeguarding.workingdays import WorkingDayCalendar

from .models import Notification, NotificationAttachment, NotificationChild, NotificationShare
from .timescales import notification_aware_cutoff, notification_due_date

SORTS = {
    "newest": ("-created_at", "-id"),
    "oldest": ("created_at", "id"),
    "incident": ("-incident_date", "-id"),
    "notified": ("-notified_at", "-id"),
    "reference": ("reference", "id"),
    "authority": ("local_authority__name", "-id"),
}


class NotificationFilterSetForm(forms.Form):
    """Checks across the filters (django-filter validates each one on its own)."""

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("incident_from"), data.get("incident_to")
        if start and end and end < start:
            self.add_error("incident_to", "incident_to must be the same as or after incident_from")
        return data


class NotificationFilter(django_filters.FilterSet):
    """The SIN list's filters, for the list page and the API alike. The page's form turns its
    GOV.UK inputs (dates like 31/3/2025) into these values; the API passes its query string."""

    status = django_filters.ChoiceFilter(
        choices=Notification.Status.choices,
        error_messages={"invalid_choice": INVALID_CHOICE},
    )
    reason = django_filters.ChoiceFilter(
        choices=Reason.choices,
        error_messages={"invalid_choice": f"Reason must be one of: {', '.join(Reason.values)}"},
    )
    local_authority = django_filters.CharFilter(
        field_name="local_authority__ons_code",
        max_length=9,
        help_text="ONS code of the local authority, e.g. E08000035",
        error_messages={"max_length": "Ensure this field has no more than 9 characters."},
    )
    incident_from = IsoDateFilter(
        field_name="incident_date",
        lookup_expr="gte",
        help_text="Incidents on or after this date (YYYY-MM-DD).",
    )
    incident_to = IsoDateFilter(
        field_name="incident_date",
        lookup_expr="lte",
        help_text="Incidents on or before this date (YYYY-MM-DD).",
    )
    reference = django_filters.CharFilter(
        field_name="reference",
        lookup_expr="icontains",
        max_length=20,
        help_text="Part of the SIN reference, e.g. SIN-2024-",
        error_messages={"max_length": "Ensure this field has no more than 20 characters."},
    )
    region = region_filter("local_authority__region__code")
    notified_late = BooleanFilter(
        method="filter_notified_late",
        help_text="true: submitted more than 5 working days after the local authority became "
        "aware; false: submitted on time.",
        error_messages={"invalid": "notified_late must be true or false"},
    )
    draft_due_soon = BooleanFilter(
        method="filter_draft_due_soon",
        help_text="true: drafts due today or by the next working day (5 working days from the "
        "date the local authority became aware); false: the others.",
        error_messages={"invalid": "draft_due_soon must be true or false"},
    )
    draft_overdue = BooleanFilter(
        method="filter_draft_overdue",
        help_text="true: drafts past their 5th working day; false: the others.",
        error_messages={"invalid": "draft_overdue must be true or false"},
    )
    withdrawn = BooleanFilter(
        method="filter_withdrawn",
        help_text="true: SINs the Panel secretariat marked withdrawn or not progressed; false: "
        "the others.",
        error_messages={"invalid": "withdrawn must be true or false"},
    )
    sort = django_filters.ChoiceFilter(
        choices=[(key, key) for key in SORTS],
        method="sort_by",
        help_text="The order: newest (the default), " + ", ".join(list(SORTS)[1:]) + ".",
        error_messages={"invalid_choice": INVALID_CHOICE},
    )

    class Meta:
        form = NotificationFilterSetForm

    def __init__(self, *args, today: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()

    def sort_by(self, notifications: QuerySet[Notification], name: str, value: str):
        return notifications.order_by(*SORTS[value])

    @staticmethod
    def _narrow(notifications: QuerySet[Notification], condition: Q, value: bool | None):
        if value is None:
            return notifications
        return notifications.filter(condition) if value else notifications.exclude(condition)

    def filter_notified_late(self, notifications, name: str, value: bool | None):
        return self._narrow(notifications, Q(notified_on_time=False), value)

    def filter_withdrawn(self, notifications, name: str, value: bool | None):
        return self._narrow(notifications, ~Q(withdrawal=""), value)

    def filter_draft_overdue(self, notifications, name: str, value: bool | None):
        # Due before today: aware before the cutoff (timescales.notification_aware_cutoff).
        cutoff = notification_aware_cutoff(self.today, england_calendar())
        return self._narrow(notifications, _draft_aware_between(None, cutoff), value)

    def filter_draft_due_soon(self, notifications, name: str, value: bool | None):
        calendar = england_calendar()
        by = calendar.add_working_days(self.today, 1)
        condition = _draft_aware_between(
            notification_aware_cutoff(self.today, calendar),
            notification_aware_cutoff(by + timedelta(days=1), calendar),
        )
        return self._narrow(notifications, condition, value)


def _draft_aware_between(start: date | None, end: date) -> Q:
    """Drafts whose local authority became aware on or after `start` and before `end`."""
    condition = Q(status=Notification.Status.DRAFT, date_aware__lt=end)
    return condition & Q(date_aware__gte=start) if start else condition


def notification_list(
    *, user: User, filters: Mapping[str, Any] | None = None, today: date | None = None
) -> QuerySet[Notification]:
    """The SINs the user may see, newest first, filtered by `NotificationFilter` (raises
    FilterInvalid on a filter that does not parse)."""
    visible = authority_scope(user, "local_authority", partnership="rapid_review__partnership")
    if sees_submitted_england(user):
        # The Department for Education and Ofsted: every submitted SIN in England.
        visible |= ~Q(status=Notification.Status.DRAFT)
    if not policy.sees_drafts(user):
        visible &= ~Q(status=Notification.Status.DRAFT)
    # Other areas named on a submitted SIN read it too (issue 16, item 3).
    shared = _shares_with(user)
    if shared is not None:
        shared_ids = Subquery(shared.order_by().values("notification_id"))
        visible |= Q(_PkInSubquery("pk", shared_ids), status=Notification.Status.SUBMITTED)
    notifications = (
        Notification.objects.filter(visible)
        .select_related("local_authority", "local_authority__region", "rapid_review")
        .prefetch_related(
            Prefetch(
                "children",
                queryset=NotificationChild.objects.select_related("home_local_authority").order_by(
                    "created_at", "id"
                ),
            ),
            Prefetch(
                "shares", NotificationShare.objects.select_related("local_authority", "partnership")
            ),
        )
        .order_by(*SORTS["newest"])
    )
    return filters_apply(NotificationFilter, notifications, filters, today=today)


def notification_filter_authorities(*, user: User) -> QuerySet[LocalAuthority]:
    """The local authorities the SIN list's filter offers: those in the user's scope; every
    one for DfE and Ofsted viewers, who read every authority's submitted SINs (the names
    only: the authorities' own pages stay out of their scope)."""
    if sees_submitted_england(user):
        return LocalAuthority.objects.select_related("region", "partnership").order_by("name")
    return local_authority_list(user=user)


class _PkInSubquery(Func):
    """`id = ANY(ARRAY(SELECT …))` on PostgreSQL: the shared SINs' ids, read once (an
    InitPlan), which the planner ORs with the authority's own index (BitmapOr) and then sorts
    the authority's few rows, rather than filtering the national index row by row as it does
    for an `IN (subquery)` or `EXISTS`. `IN (SELECT …)` elsewhere (SQLite)."""

    template = "%(expressions)s)"
    arg_joiner = " = ANY(ARRAY"
    output_field = BooleanField()

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, template="%(expressions)s", arg_joiner=" IN ")


def _shares_with(user: User) -> QuerySet[NotificationShare] | None:
    """The shares naming the user's area (read by their area's index on the share table; the
    list asks for their SINs' ids, never joins them, so no row repeats), or None for users
    who read no SIN through a share: a local authority user reads those naming their
    authority; a partnership lead those naming their partnership or an authority it covers."""
    shares = NotificationShare.objects.all()
    if policy.can_notify(user):
        return shares.filter(local_authority=user.local_authority_id)
    if policy.is_partnership_lead(user):
        return shares.filter(
            Q(partnership=user.partnership_id) | Q(local_authority__partnership=user.partnership_id)
        )
    return None


def notification_read_through_share(*, user: User, notification: Notification) -> bool:
    """Whether the user reads the SIN only because their area was named on it (not its own
    area's): the page marks it "Shared with you" and shows nothing of its rapid review.
    False for those who read no SIN through a share (DfE and Ofsted viewers read every
    submitted SIN: nobody shared it with them)."""
    shared = _shares_with(user)
    if shared is None:
        return False
    own = authority_scope(user, "local_authority", partnership="rapid_review__partnership")
    if Notification.objects.filter(own, pk=notification.pk).exists():
        return False
    return shared.filter(notification=notification).exists()


def notification_shares(*, notification: Notification) -> list[NotificationShare]:
    """The other areas named on the SIN, in the order they were named."""
    return list(notification.shares.select_related("local_authority", "partnership"))


AUTHORITY_PREFIX, PARTNERSHIP_PREFIX = "la:", "partnership:"


def share_area_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Every local authority and partnership in England, grouped, for choosing an area to tell
    (their names are public reference data: not scoped)."""
    return [
        (
            "Local authorities",
            [
                (f"{AUTHORITY_PREFIX}{code}", name)
                for code, name in LocalAuthority.objects.order_by("name").values_list(
                    "ons_code", "name"
                )
            ],
        ),
        (
            "Safeguarding partnerships",
            [
                (f"{PARTNERSHIP_PREFIX}{code}", name)
                for code, name in Partnership.objects.order_by("name").values_list("code", "name")
            ],
        ),
    ]


def share_area_from_choice(value: str) -> tuple[LocalAuthority | None, Partnership | None]:
    """The authority, or the partnership, a `share_area_choices` value names."""
    if value.startswith(AUTHORITY_PREFIX):
        code = value.removeprefix(AUTHORITY_PREFIX)
        return LocalAuthority.objects.filter(ons_code=code).first(), None
    if value.startswith(PARTNERSHIP_PREFIX):
        code = value.removeprefix(PARTNERSHIP_PREFIX)
        return None, Partnership.objects.filter(code=code).first()
    return None, None


def share_get(*, notification: Notification, pk: int) -> NotificationShare:
    return get_object_or_404(
        notification.shares.select_related("local_authority", "partnership"), pk=pk
    )


# What the SIN list page shows of each SIN (and needs to name a draft, notifications.models):
# read on their own, so a page does not drag the rapid review's ~70 columns through its sort.
LIST_PAGE_FIELDS = (
    "reference",
    "status",
    "reason",
    "incident_date",
    "date_aware",
    "notified_at",
    "notified_on_time",
    "created_at",
    "local_authority__name",
    "rapid_review__due_date",
    # Withdrawn or not progressed, and SINs that need no rapid review (issue 16).
    "abuse_or_neglect",
    "withdrawal",
    "rapid_review__closed_on_withdrawal",
)


def notification_list_page_rows(
    *, user: User, filters: Mapping[str, Any] | None = None, today: date | None = None
) -> QuerySet[Notification]:
    """`notification_list` with only the columns the SIN list page shows (no children), and
    for readers of shared SINs whether each row is one (`shared_with_me`)."""
    rows = (
        notification_list(user=user, filters=filters, today=today)
        .select_related(None)
        .prefetch_related(None)
        .select_related("local_authority", "rapid_review")
        .only(*LIST_PAGE_FIELDS)
    )
    return _shared_with_me_mark(rows, user=user)


def _shared_with_me_mark(rows: QuerySet[Notification], *, user: User) -> QuerySet[Notification]:
    """The rows annotated with `shared_with_me`: whether the user reads the SIN only because
    their area was named on it (as `notification_read_through_share`, in the same query)."""
    shared = _shares_with(user)
    if shared is None:
        return rows.annotate(shared_with_me=Value(False, output_field=BooleanField()))
    own = authority_scope(user, "local_authority", partnership="rapid_review__partnership")
    mine = Exists(shared.filter(notification=OuterRef("pk")))
    mark = ExpressionWrapper(Q(mine) & ~own, output_field=BooleanField())
    return rows.annotate(shared_with_me=mark)


def notification_list_api_rows(
    *, user: User, filters: Mapping[str, Any] | None = None, today: date | None = None
) -> QuerySet[Notification]:
    """`notification_list` with what the API's list gives: every column of each SIN and its
    children, its authority's code and name, and of its rapid review only the due date (which
    the API leaves out of the rows marked `shared_with_me`)."""
    own = [field.name for field in Notification._meta.concrete_fields]
    rows = (
        notification_list(user=user, filters=filters, today=today)
        .select_related(None)
        .select_related("local_authority", "rapid_review", "incident_local_authority")
        .prefetch_related(
            Prefetch(
                "attachments", queryset=NotificationAttachment.objects.select_related("added_by")
            )
        )
        .only(
            *own,
            "local_authority__ons_code",
            "local_authority__name",
            "rapid_review__due_date",
            "incident_local_authority__ons_code",
            "incident_local_authority__name",
        )
    )
    return _shared_with_me_mark(rows, user=user)


def notification_get_for_user(*, user: User, pk: int) -> Notification:
    """The SIN, or 404 when it does not exist or is outside the user's scope. The read is
    recorded in the audit trail (written once the page or answer is served)."""
    notification = get_object_or_404(notification_list(user=user), pk=pk)
    audit_read(user=user, obj=notification)
    return notification


def notification_get_for_editing(*, user: User, pk: int) -> Notification:
    """A SIN the user may change: only local authority users of its own authority (and drafts
    are theirs alone: partnership and Panel users see submitted SINs, never drafts)."""
    notification = notification_get_for_user(user=user, pk=pk)
    policy.require(policy.can_edit_notification(user, notification))
    return notification


def notification_get_for_withdrawal(*, user: User, pk: int) -> Notification:
    """A SIN the user may mark withdrawn or not progressed, or reinstate: the Panel secretariat
    and administrators (a 404 out of scope first, then a 403 for anyone else)."""
    notification = notification_get_for_user(user=user, pk=pk)
    policy.require(policy.can_withdraw_notification(user, notification))
    return notification


def child_get(*, notification: Notification, pk: int) -> NotificationChild:
    return get_object_or_404(notification.children.all(), pk=pk)


def attachment_list(*, notification: Notification) -> QuerySet[NotificationAttachment]:
    """The SIN's attachments, oldest first, with who added each. The caller has read the SIN
    through `notification_get_for_user`, so the user may see them."""
    return NotificationAttachment.objects.filter(notification=notification).select_related(
        "added_by"
    )


def attachment_get(*, notification: Notification, pk: int) -> NotificationAttachment:
    """One of the SIN's attachments, or 404 (another SIN's attachment is not found here)."""
    attachment = get_object_or_404(attachment_list(notification=notification), pk=pk)
    attachment.notification = notification  # as read, within the user's scope
    return attachment


def notification_due_by(
    notification: Notification, calendar: WorkingDayCalendar | None = None
) -> date | None:
    """The day a draft must be sent to the Panel by (5 working days after the authority became
    aware), or None for a submitted SIN or a draft without that date yet."""
    if not notification.is_draft or notification.date_aware is None:
        return None
    return notification_due_date(notification.date_aware, calendar or england_calendar())


def notification_due_dates_add(notifications: Iterable[Notification]) -> None:
    """Give each notification of a page its `due_by` (one calendar read for the page)."""
    calendar = england_calendar()
    for notification in notifications:
        notification.due_by = notification_due_by(notification, calendar)


def notification_draft_most_urgent(*, user: User) -> tuple[Notification, date] | None:
    """The user's authority's draft due soonest, with its due date, for the home page; None
    when no draft has the date the authority became aware (no deadline is running)."""
    draft = (
        Notification.objects.filter(
            local_authority=user.local_authority_id,
            status=Notification.Status.DRAFT,
            date_aware__isnull=False,
        )
        .order_by("date_aware", "created_at")
        .first()
    )
    return (draft, notification_due_by(draft)) if draft else None
