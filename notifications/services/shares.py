"""Other areas told about a SIN (issue 16, item 3): when a child was placed or normally lived
elsewhere, the notifier names those local authorities and safeguarding partnerships. Each is
told when the SIN is submitted, or at once when named on a submitted SIN, and then reads it
(notifications.selectors: read-only, never its rapid review).

On a submitted SIN, naming or removing an area is an amendment: it needs a reason and is in
the SIN's history. Removing is allowed (with that reason) because an area named by mistake
must stop reading a child's case; the inbox messages it was sent stay, their link answering
404."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from safeguarding.audiences import Audience, authority_users, notify, partnership_leads
from safeguarding.audit import audit_log
from safeguarding.models import AuditAction, LocalAuthority, Partnership, User

from ..models import Notification, NotificationShare
from .drafts import NotificationError, NotificationInvalid, _lock_for_change

AREA = "area"


@dataclass(frozen=True)
class ShareTarget:
    """The area to tell: a local authority or a partnership, exactly one."""

    local_authority: LocalAuthority | None = None
    partnership: Partnership | None = None


def share_errors(notification: Notification, target: ShareTarget) -> dict[str, list[str]]:
    """Why the area cannot be named on the SIN, by field (`area`); {} when it can."""
    if notification.is_withdrawn:
        return {
            AREA: [
                "This notification has been withdrawn or not progressed, so no other area can "
                "be named to tell: ask the Panel secretariat to reinstate it first"
            ]
        }
    authority, partnership = target.local_authority, target.partnership
    if (authority is None) == (partnership is None):
        return {AREA: ["Select one local authority or one safeguarding partnership to tell"]}
    own = notification.local_authority
    if authority is not None and authority.pk == own.pk:
        return {AREA: [f"{own} is the notifying local authority: choose another area to tell"]}
    if partnership is not None and partnership.pk == own.partnership_id:
        return {
            AREA: [
                f"{partnership} is {own}'s own safeguarding partnership and is told about every "
                "notification: choose another area to tell"
            ]
        }
    shares = NotificationShare.objects.filter(notification=notification)
    taken = (
        shares.filter(local_authority=authority)
        if authority is not None
        else shares.filter(partnership=partnership)
    )
    if taken.exists():
        return {AREA: [f"{authority or partnership} is already on the list of areas to tell"]}
    return {}


def _amended(notification: Notification, *, by: User, change: list, reason: str) -> None:
    """Bump the SIN's version (a concurrent edit based on the old one is refused) and record
    the change in its history."""
    Notification.objects.filter(pk=notification.pk).update(
        version=F("version") + 1, updated_at=timezone.now()
    )
    audit_log(
        actor=by,
        action=AuditAction.UPDATE,
        obj=notification,
        changes={"other_areas_to_tell": change},
        message=(
            f"Amended other areas to tell: {reason.strip()}"
            if not notification.is_draft
            else "Draft other areas to tell saved"
        ),
    )


@transaction.atomic
def notification_share_add(
    *,
    notification: Notification,
    by: User,
    target: ShareTarget,
    expected_version: int | None,
    amendment_reason: str = "",
) -> NotificationShare:
    """Name another area to tell about the SIN. On a draft it is told when the SIN is
    submitted; on a submitted SIN (an amendment, with a reason) it is told now."""
    notification = _lock_for_change(notification, expected_version, amendment_reason)
    errors = share_errors(notification, target)
    if errors:
        raise NotificationInvalid(errors)
    try:
        with transaction.atomic():
            share = NotificationShare.objects.create(
                notification=notification,
                local_authority=target.local_authority,
                partnership=target.partnership,
                added_by=by,
            )
    except IntegrityError as exc:  # named by someone else meanwhile (the unique constraint)
        raise NotificationInvalid(
            {AREA: [f"{target.local_authority or target.partnership} is already on the list"]}
        ) from exc
    _amended(notification, by=by, change=[None, str(share)], reason=amendment_reason)
    if not notification.is_draft:
        notification_shares_tell(notification)
    return share


@transaction.atomic
def notification_share_remove(
    *,
    share: NotificationShare,
    by: User,
    expected_version: int | None,
    amendment_reason: str = "",
) -> None:
    """Stop telling an area. On a submitted SIN only with a reason (an amendment): the area
    no longer reads the SIN."""
    notification = _lock_for_change(share.notification, expected_version, amendment_reason)
    deleted, _ = NotificationShare.objects.filter(pk=share.pk, notification=notification).delete()
    if not deleted:
        raise NotificationError(f"{share} is no longer on the list of areas to tell")
    _amended(notification, by=by, change=[str(share), None], reason=amendment_reason)


def notification_shares_add(
    *, notification: Notification, by: User, targets: list[ShareTarget]
) -> None:
    """Name several areas at once (the API's create): every problem reported together, as
    `shares`, a list aligned with the targets."""
    problems: list[dict] = []
    for target in targets:
        try:
            notification_share_add(
                notification=notification, by=by, target=target, expected_version=None
            )
        except NotificationInvalid as exc:
            problems.append(
                {
                    "local_authority" if target.local_authority else "partnership": [
                        message for messages in exc.errors.values() for message in messages
                    ]
                }
            )
        else:
            problems.append({})
    if any(problems):
        raise NotificationInvalid({"shares": problems})


def share_audience(notification: Notification, share: NotificationShare) -> Audience:
    """Who is told for a share: a named partnership's leads; a named authority's users and the
    leads of the partnership covering it (who safeguard that area's children too), unless that
    is the notifying authority's own partnership, which is told about the SIN anyway."""
    if share.partnership_id:
        return partnership_leads(share.partnership)
    authority = share.local_authority
    audience = authority_users(authority)
    if authority.partnership_id != notification.local_authority.partnership_id:
        audience += partnership_leads(authority.partnership)
    return audience


def notification_shares_tell(notification: Notification) -> int:
    """Tell each named area not told yet about the submitted SIN: an inbox message now (in
    this transaction) and an e-mail after commit, each once (the dedupe key), and record when.
    Returns how many areas were told."""
    shares = list(
        NotificationShare.objects.select_for_update(of=("self",))
        .filter(notification=notification, told_at__isnull=True)
        .select_related("local_authority__partnership", "partnership")
    )
    if not shares:
        return 0
    notifier = notification.local_authority
    url = reverse("notifications:notification-detail", args=[notification.pk])
    subject = f"{notification.reference}: serious incident notified by {notifier}, shared with you"
    for share in shares:
        notify(
            share_audience(notification, share),
            subject=subject,
            body=f"{notifier} named {share} as an area to tell about this serious incident.",
            url=url,
            email_body=(
                f"{notifier} has notified the Child Safeguarding Practice Review Panel of a "
                f"serious incident, {notification.reference} "
                f"({notification.get_reason_display().lower()}), and named {share} as an area "
                "to tell: a child involved was placed or normally lived in your area.\n\n"
                "You can read the notification (you cannot change it; "
                f"{notification.rapid_review_note}).\n\n"
                f"Sign in to read it: {settings.SITE_URL}{url}\n"
            ),
            related=notification,
            dedupe_key=f"sin-shared-{share.pk}",
        )
    NotificationShare.objects.filter(pk__in=[share.pk for share in shares]).update(
        told_at=timezone.now()
    )
    return len(shares)
