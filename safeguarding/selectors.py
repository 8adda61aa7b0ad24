"""Reads of the shared kernel: reference data scoped to what the user may see, the IMD
lookup by postcode, and each person's own notifications."""

from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404

from .models import InboxMessage, LocalAuthority, Partnership, PostcodeImdDecile, User
from .postcodes import is_valid_postcode, normalise_postcode
from .scoping import authority_scope


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
    visible = local_authority_list(user=user).values("partnership")
    return (
        Partnership.objects.filter(pk__in=visible)
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


def inbox_messages(*, user: User) -> QuerySet[InboxMessage]:
    """The user's own notifications, newest first."""
    return InboxMessage.objects.filter(recipient=user).order_by("-created_at", "-id")


def inbox_message_get_for_user(*, user: User, message_id: int) -> InboxMessage:
    """One of the user's own notifications, or 404 (someone else's included)."""
    return get_object_or_404(inbox_messages(user=user), pk=message_id)


def inbox_unread_count(*, user: User) -> int:
    return InboxMessage.objects.filter(recipient=user, read_at__isnull=True).count()
