"""Reads of the shared kernel: reference data scoped to what the user may see, the IMD
lookup by postcode, and each person's own notifications."""

from collections.abc import Mapping
from typing import Any

import django_filters
from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from .codes import Role
from .filters import BooleanFilter, IsoDateFilter, filters_apply
from .models import InboxMessage, LocalAuthority, Partnership, PostcodeImdDecile, User
from .postcodes import is_valid_postcode, normalise_postcode
from .scoping import authority_scope, sees_england


def local_authority_list(*, user: User) -> QuerySet[LocalAuthority]:
    return (
        LocalAuthority.objects.filter(authority_scope(user, ""))
        .select_related("region", "partnership")
        .order_by("name")
    )


def local_authority_get_for_user(*, user: User, ons_code: str) -> LocalAuthority:
    """The authority, or 404 when it is outside the user's scope."""
    return get_object_or_404(local_authority_list(user=user), ons_code=ons_code)


def partnership_list(*, user: User) -> QuerySet[Partnership]:
    """The partnerships the user may see: every one for the national roles, empty ones included
    (one just added, one merged away that keeps its closed cases); a lead's own, even with no
    authority left; and the partnerships of the authorities in the user's scope."""
    if sees_england(user):
        visible = Q()
    else:
        visible = Q(pk__in=local_authority_list(user=user).values("partnership"))
        if user.is_active and user.role == Role.PARTNERSHIP_LEAD and user.partnership_id:
            visible |= Q(pk=user.partnership_id)
    return (
        Partnership.objects.filter(visible)
        .annotate(authority_count=Count("local_authorities"))
        .order_by("name")
    )


def local_authority_users(*, authority: LocalAuthority) -> QuerySet[User]:
    return authority.users.filter(is_active=True).order_by("last_name", "first_name", "username")


def imd_decile_for_postcode(postcode: str) -> int | None:
    """The IMD decile (1 most deprived … 10) of a postcode, or None when it is not a postcode
    or is not in the lookup table."""
    normalised = normalise_postcode(postcode or "")
    if not is_valid_postcode(normalised):
        return None
    return (
        PostcodeImdDecile.objects.filter(postcode=normalised)
        .values_list("decile", flat=True)
        .first()
    )


class InboxFilter(django_filters.FilterSet):
    """The inbox's filters."""

    unread = BooleanFilter(
        field_name="read_at",
        lookup_expr="isnull",
        error_messages={"invalid": "unread must be true or false"},
    )
    received_from = IsoDateFilter(field_name="created_at", lookup_expr="date__gte")
    received_to = IsoDateFilter(field_name="created_at", lookup_expr="date__lte")
    subject = django_filters.CharFilter(lookup_expr="icontains", max_length=200)


def inbox_messages(
    *, user: User, filters: Mapping[str, Any] | None = None
) -> QuerySet[InboxMessage]:
    """The user's own notifications, newest first, filtered by `InboxFilter` (raises
    FilterInvalid on a filter that does not parse)."""
    messages = InboxMessage.objects.filter(recipient=user).order_by("-created_at", "-id")
    return filters_apply(InboxFilter, messages, filters)


def inbox_message_get_for_user(*, user: User, message_id: int) -> InboxMessage:
    """One of the user's own notifications, or 404 (someone else's included)."""
    return get_object_or_404(inbox_messages(user=user), pk=message_id)


def inbox_unread_count(*, user: User) -> int:
    return InboxMessage.objects.filter(recipient=user, read_at__isnull=True).count()


def inbox_unread_count_for_request(*, user: User) -> int:
    """`inbox_unread_count` counted once for the request: the menu's "Inbox (3)", the home
    page and the inbox all show it. Kept on the user object, which (as `request.user`) lives
    for one request; the services that mark messages read run on the next request, after a
    redirect."""
    if not hasattr(user, "_inbox_unread_count"):
        user._inbox_unread_count = inbox_unread_count(user=user)
    return user._inbox_unread_count
