"""Reads of the shared reference data, scoped to what the user may see."""

from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404

from .models import LocalAuthority, Partnership, User
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
