"""Reads of SINs, always through the user's scope: another authority's SIN is a 404."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from safeguarding import policy
from safeguarding.codes import Role
from safeguarding.models import User
from safeguarding.scoping import authority_scope

from .models import Notification, NotificationChild

SORTS = {
    "newest": ("-created_at", "-id"),
    "oldest": ("created_at", "id"),
    "incident": ("-incident_date", "-id"),
    "notified": ("-notified_at", "-id"),
    "reference": ("reference", "id"),
    "authority": ("local_authority__name", "-id"),
}


@dataclass(frozen=True)
class NotificationFilters:
    status: str = ""
    reason: str = ""
    local_authority: str = ""  # ONS code
    incident_from: date | None = None
    incident_to: date | None = None
    reference: str = ""
    sort: str = "newest"


def notification_list(
    *, user: User, filters: NotificationFilters | None = None
) -> QuerySet[Notification]:
    filters = filters or NotificationFilters()
    visible = authority_scope(user, "local_authority")
    if getattr(user, "role", None) != Role.LA_USER:
        # A draft is the local authority's work in progress: nobody else sees it until it is
        # submitted.
        visible &= ~Q(status=Notification.Status.DRAFT)
    notifications = (
        Notification.objects.filter(visible)
        .select_related("local_authority", "local_authority__region", "rapid_review")
        .prefetch_related(
            Prefetch("children", queryset=NotificationChild.objects.order_by("created_at", "id"))
        )
    )
    if filters.status:
        notifications = notifications.filter(status=filters.status)
    if filters.reason:
        notifications = notifications.filter(reason=filters.reason)
    if filters.local_authority:
        notifications = notifications.filter(local_authority__ons_code=filters.local_authority)
    if filters.incident_from:
        notifications = notifications.filter(incident_date__gte=filters.incident_from)
    if filters.incident_to:
        notifications = notifications.filter(incident_date__lte=filters.incident_to)
    if filters.reference:
        notifications = notifications.filter(reference__icontains=filters.reference.strip())
    return notifications.order_by(*SORTS.get(filters.sort, SORTS["newest"]))


def notification_get_for_user(*, user: User, pk: int) -> Notification:
    """The SIN, or 404 when it does not exist or is outside the user's scope."""
    return get_object_or_404(notification_list(user=user), pk=pk)


def notification_get_for_editing(*, user: User, pk: int) -> Notification:
    """A SIN the user may change: only local authority users of its own authority (and drafts
    are theirs alone: partnership and Panel users see submitted SINs, never drafts)."""
    notification = notification_get_for_user(user=user, pk=pk)
    policy.require(policy.can_edit_notification(user, notification))
    return notification


def child_get(*, notification: Notification, pk: int) -> NotificationChild:
    return get_object_or_404(notification.children.all(), pk=pk)
