"""Writes for a SIN being written or amended: starting it, its sections and its children. One
function per action, each in a transaction, each checking the rules in `rules.py`, the status
and the version the user started from; a submitted SIN is amended only with a reason."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from safeguarding.audit import audit_log, redact
from safeguarding.calendars import england_calendar
from safeguarding.errors import DomainConflict, DomainError, DomainInvalid
from safeguarding.models import AuditAction, LocalAuthority, User
from safeguarding.postcodes import normalise_postcode
from safeguarding.selectors import imd_decile_for_postcode

from .. import rules
from ..codes import IncidentLocation, IncidentSetting, agencies_join, agencies_labels
from ..duplicates import possible_duplicates_record
from ..models import (
    CHILD_IDENTIFYING_FIELDS,
    PERSONAL_FIELDS,
    Notification,
    NotificationChild,
)
from ..timescales import notification_on_time

CHILD_FIELDS = ("child_reference", "name", "date_of_birth", "age_years", "sex", "harm")
# The statutory form's questions about each child (issue 16), all optional.
CHILD_STATUTORY_FIELDS = (
    "ethnicity",
    "disability",
    "health_needs",
    "child_in_need",
    "child_protection_plan",
    "looked_after",
    "care_order",
    "home_local_authority",
)


class NotificationError(DomainError):
    """A request the SIN's state does not allow (shown as a form error or HTTP 409)."""


class NotificationConflict(NotificationError, DomainConflict):
    """Someone else saved the SIN after the user loaded it."""

    message = (
        "Someone else changed this notification after you opened it. Your answers have not "
        "been saved: check the current version below and save again."
    )


class NotificationInvalid(NotificationError, DomainInvalid):
    """The answers break the SIN's rules; children's errors are a list aligned with them."""


def _today() -> date:
    return timezone.localdate()


def _lock(notification: Notification, expected_version: int | None) -> Notification:
    locked = Notification.objects.select_for_update().get(pk=notification.pk)
    if expected_version is not None and locked.version != expected_version:
        raise NotificationConflict(locked)
    return locked


def _lock_for_change(
    notification: Notification, expected_version: int | None, amendment_reason: str
) -> Notification:
    """Lock the SIN for a change: refused if someone saved since the user loaded it, and a
    submitted SIN changes only with a reason (an amendment)."""
    locked = _lock(notification, expected_version)
    if not locked.is_draft and not amendment_reason.strip():
        raise NotificationInvalid(
            {"amendment_reason": ["Enter why you are changing a submitted notification"]}
        )
    return locked


def _display(value: Any) -> Any:
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, models.Model):
        return str(value)  # an authority by its name, as the history shows it
    return value.isoformat() if isinstance(value, date) else value


# Answers recorded in the audit trail as the pages show them, not as stored.
_SHOWN = {"agencies_involved": agencies_labels}


def _shown(field: str, value: Any) -> Any:
    return _SHOWN[field](value) if field in _SHOWN else _display(value)


def _save_changes(
    notification: Notification,
    values: dict[str, Any],
    *,
    by: User,
    amendment_reason: str,
    what: str,
) -> dict[str, list]:
    changes = {
        field: [_shown(field, getattr(notification, field)), _shown(field, value)]
        for field, value in values.items()
        if getattr(notification, field) != value
    }
    for field, value in values.items():
        setattr(notification, field, value)
    changes = redact(changes, PERSONAL_FIELDS)
    notification.version = F("version") + 1
    notification.save(update_fields=[*values, "version", "updated_at"])
    notification.refresh_from_db(fields=["version"])
    if changes:
        audit_log(
            actor=by,
            action=AuditAction.UPDATE,
            obj=notification,
            changes=changes,
            message=(
                f"Amended {what}: {amendment_reason.strip()}"
                if not notification.is_draft
                else f"Draft {what} saved"
            ),
        )
    return changes


def _recompute_timeliness(notification: Notification) -> None:
    if notification.is_draft or notification.date_aware is None:
        return
    submitted_on = timezone.localdate(notification.notified_at)
    notification.working_days_to_notify = rules.working_days_taken(
        notification.date_aware, submitted_on, england_calendar()
    )
    notification.notified_on_time = notification_on_time(notification.working_days_to_notify)
    notification.save(update_fields=["working_days_to_notify", "notified_on_time"])


def _refresh_child_in_focus(notification: Notification) -> None:
    """Keep exactly one child in focus: the rule's choice, unless the user overrode it (with a
    reason) and that child is still on the notification."""
    children = list(notification.children.all())
    current = next((c for c in children if c.is_child_in_focus), None)
    if current and notification.child_in_focus_override_reason:
        return
    chosen = rules.choose_child_in_focus(children, notification.incident_date)
    if chosen is current:
        return
    notification.children.filter(is_child_in_focus=True).update(is_child_in_focus=False)
    if chosen:
        NotificationChild.objects.filter(pk=chosen.pk).update(is_child_in_focus=True)


def _raise_if(errors: rules.Errors) -> None:
    if errors:
        raise NotificationInvalid(errors)


@transaction.atomic
def notification_start(
    *,
    local_authority: LocalAuthority,
    by: User,
    incident_date: date | None = None,
    date_aware: date | None = None,
    reason: str = "",
) -> Notification:
    """Open a draft SIN for the user's authority, with the incident details of its first save.
    The web journey calls this only when the user first saves, so starting and cancelling
    leaves nothing behind; answers that break the rules create nothing (NotificationInvalid)."""
    notification = Notification.objects.create(
        local_authority=local_authority, created_by=by, **_notifier_prefill(by)
    )
    audit_log(actor=by, action=AuditAction.CREATE, obj=notification, message="Draft started")
    if incident_date or date_aware or reason:
        notification_incident_update(
            notification=notification,
            by=by,
            incident_date=incident_date,
            date_aware=date_aware,
            reason=reason,
            expected_version=None,
        )
        notification.refresh_from_db()
    return notification


@transaction.atomic
def notification_draft_delete(*, notification: Notification, by: User) -> None:
    """Throw a draft away, with its children. Only a draft: a submitted SIN is the Panel's
    record. The audit trail keeps that it existed and who deleted it."""
    locked = _lock(notification, None)
    if not locked.is_draft:
        raise NotificationError("A submitted notification cannot be deleted")
    audit_log(
        actor=by,
        action=AuditAction.DELETE,
        obj=locked,
        changes={"children": locked.children.count()},
        message="Draft deleted",
    )
    from .attachments import notification_attachment_files_delete

    notification_attachment_files_delete(notification=locked)
    locked.delete()


@transaction.atomic
def notification_incident_update(
    *,
    notification: Notification,
    by: User,
    incident_date: date | None,
    date_aware: date | None,
    reason: str,
    expected_version: int | None,
    amendment_reason: str = "",
) -> Notification:
    notification = _lock_for_change(notification, expected_version, amendment_reason)
    _raise_if(
        rules.incident_errors(incident_date=incident_date, date_aware=date_aware, today=_today())
    )
    _raise_if(
        rules.reason_errors(
            reason=reason, harms=notification.children.values_list("harm", flat=True)
        )
    )
    values = {"incident_date": incident_date, "date_aware": date_aware, "reason": reason}
    # The reason must stay consistent with the circumstances already given.
    circumstances = rules.circumstances_errors(
        reason=reason,
        abuse_or_neglect=notification.abuse_or_neglect,
        child_looked_after_death=notification.child_looked_after_death,
        placement_postcode="",
        imd_decile=None,
    )
    if circumstances:
        _raise_if(
            {
                "reason": [
                    "The reason must be 'Death' while the circumstances say this is a "
                    "looked-after child's death: change the circumstances first"
                ]
            }
        )
    if not notification.is_draft:
        # An amendment may change an answer but not take one away.
        _raise_if({field: [rules.MISSING[field]] for field, value in values.items() if not value})
    _save_changes(
        notification,
        values,
        by=by,
        amendment_reason=amendment_reason,
        what="incident details",
    )
    _recompute_timeliness(notification)
    _refresh_child_in_focus(notification)
    possible_duplicates_record(notification=notification)  # an amendment may make new matches
    return notification


@transaction.atomic
def notification_circumstances_update(
    *,
    notification: Notification,
    by: User,
    abuse_or_neglect: str,
    child_looked_after_death: bool | None,
    placement_postcode: str,
    imd_decile: int | None,
    summary: str,
    expected_version: int | None,
    amendment_reason: str = "",
) -> Notification:
    """Save the circumstances. A blank IMD decile is looked up from the placement postcode
    (unknown when the postcode is not in the table)."""
    notification = _lock_for_change(notification, expected_version, amendment_reason)
    needed_review = notification.needs_rapid_review
    postcode = normalise_postcode(placement_postcode) if placement_postcode.strip() else ""
    _raise_if(
        rules.circumstances_errors(
            reason=notification.reason,
            abuse_or_neglect=abuse_or_neglect,
            child_looked_after_death=child_looked_after_death,
            placement_postcode=postcode,
            imd_decile=imd_decile,
        )
    )
    imd_source = "entered" if imd_decile is not None else ""
    if imd_decile is None and postcode:
        imd_decile = imd_decile_for_postcode(postcode)
        imd_source = "postcode" if imd_decile is not None else ""
    _save_changes(
        notification,
        {
            "abuse_or_neglect": abuse_or_neglect,
            "child_looked_after_death": child_looked_after_death,
            "placement_postcode": postcode,
            "imd_decile": imd_decile,
            "imd_source": imd_source,
            "summary": summary.strip(),
        },
        by=by,
        amendment_reason=amendment_reason,
        what="circumstances",
    )
    if not notification.is_draft and not needed_review and notification.needs_rapid_review:
        # Abuse or neglect now known or suspected: the rapid review starts today (issue 16).
        from .submission import notification_review_open_on_amendment

        notification_review_open_on_amendment(notification=notification, by=by)
    return notification


@dataclass(frozen=True)
class ChildData:
    child_reference: str
    sex: str
    harm: str
    name: str = ""
    date_of_birth: date | None = None
    age_years: int | None = None
    # The statutory questions (CHILD_STATUTORY_FIELDS): blank or None when not answered.
    ethnicity: str = ""
    disability: str = ""
    health_needs: str = ""
    child_in_need: str = ""
    child_protection_plan: str = ""
    looked_after: str = ""
    care_order: str = ""
    home_local_authority: LocalAuthority | None = None


def _child_problems(notification: Notification, data: ChildData, taken: set[str]) -> dict:
    """A child's problems, checked without the database: `taken` holds the (lower-case)
    references already on the notification."""
    reference = data.child_reference.strip()
    if not reference:
        return {"child_reference": ["Enter a reference for the child"]}
    errors = rules.child_errors(
        date_of_birth=data.date_of_birth,
        age_years=data.age_years,
        incident_date=notification.incident_date,
        today=_today(),
    )
    for field, messages in rules.child_home_authority_errors(
        home_local_authority_id=data.home_local_authority.pk if data.home_local_authority else None,
        notifying_local_authority_id=notification.local_authority_id,
    ).items():
        errors.setdefault(field, []).extend(messages)
    if reference.lower() in taken:
        errors.setdefault("child_reference", []).append(
            "Each child on a notification needs a different reference"
        )
    return errors


def _references(notification: Notification, *, exclude_pk=None) -> set[str]:
    children = notification.children.exclude(pk=exclude_pk) if exclude_pk else notification.children
    return {reference.lower() for reference in children.values_list("child_reference", flat=True)}


def _child_rules(notification: Notification, data: ChildData, *, exclude_pk=None) -> None:
    _raise_if(_child_problems(notification, data, _references(notification, exclude_pk=exclude_pk)))


def _children_limit(notification: Notification, adding: int) -> None:
    _raise_if(
        rules.children_count_errors(
            count=notification.children.count() + adding,
            maximum=settings.NOTIFICATION_MAX_CHILDREN,
        )
    )


def _child_values(data: ChildData, incident_date: date | None) -> dict[str, Any]:
    values = {field: getattr(data, field) for field in (*CHILD_FIELDS, *CHILD_STATUTORY_FIELDS)}
    values["child_reference"] = data.child_reference.strip()
    values["name"] = data.name.strip()
    values["health_needs"] = data.health_needs.strip()
    if data.age_years is None and data.date_of_birth and incident_date:
        values["age_years"] = rules.age_on(data.date_of_birth, incident_date)
    return values


def _touch(notification: Notification, *, by: User, message: str, changes: dict) -> None:
    # A change to a child is an edit of the notification: its `updated_at` moves too, as the
    # retention schedule deletes drafts by how long they have gone without an edit.
    Notification.objects.filter(pk=notification.pk).update(
        version=F("version") + 1, updated_at=timezone.now()
    )
    notification.refresh_from_db(fields=["version", "updated_at"])
    audit_log(
        actor=by, action=AuditAction.UPDATE, obj=notification, changes=changes, message=message
    )


def _amendment_message(notification: Notification, text: str, amendment_reason: str) -> str:
    return text if notification.is_draft else f"Amended: {text}: {amendment_reason.strip()}"


@transaction.atomic
def notification_child_add(
    *,
    notification: Notification,
    by: User,
    data: ChildData,
    expected_version: int | None,
    amendment_reason: str = "",
) -> NotificationChild:
    notification = _lock_for_change(notification, expected_version, amendment_reason)
    _children_limit(notification, 1)
    _child_rules(notification, data)
    child = NotificationChild.objects.create(
        notification=notification, **_child_values(data, notification.incident_date)
    )
    _refresh_child_in_focus(notification)
    _touch(
        notification,
        by=by,
        message=_amendment_message(
            notification, f"Added {child.child_reference}", amendment_reason
        ),
        changes={"children": [None, child.child_reference]},
    )
    possible_duplicates_record(notification=notification)
    return child


@transaction.atomic
def notification_children_add(
    *,
    notification: Notification,
    by: User,
    children: list[ChildData],
    expected_version: int | None,
    amendment_reason: str = "",
) -> list[NotificationChild]:
    """Add several children at once (the API's path): the limit checked before anything
    else, every child checked (problems as a list aligned with `children`), all inserted in
    one statement and the child in focus worked out once, so that the cost of a save does not
    grow with the square of the children."""
    notification = _lock_for_change(notification, expected_version, amendment_reason)
    _children_limit(notification, len(children))
    taken = _references(notification)
    problems = []
    for data in children:
        errors = _child_problems(notification, data, taken)
        problems.append(errors)
        if not errors:
            taken.add(data.child_reference.strip().lower())
    if any(problems):
        raise NotificationInvalid({"children": problems})
    if not children:
        return []
    created = NotificationChild.objects.bulk_create(
        [
            NotificationChild(
                notification=notification, **_child_values(data, notification.incident_date)
            )
            for data in children
        ]
    )
    _refresh_child_in_focus(notification)
    references = [child.child_reference for child in created]
    _touch(
        notification,
        by=by,
        message=_amendment_message(
            notification, f"Added {', '.join(references)}", amendment_reason
        ),
        changes={"children": [None, references]},
    )
    possible_duplicates_record(notification=notification)
    return created


@transaction.atomic
def notification_child_update(
    *,
    child: NotificationChild,
    by: User,
    data: ChildData,
    expected_version: int | None,
    amendment_reason: str = "",
) -> NotificationChild:
    notification = _lock_for_change(child.notification, expected_version, amendment_reason)
    _child_rules(notification, data, exclude_pk=child.pk)
    values = _child_values(data, notification.incident_date)
    changes = {
        f"{child.child_reference}.{field}": [
            _display(getattr(child, field)),
            _display(value),
        ]
        for field, value in values.items()
        if getattr(child, field) != value
    }
    changes = redact(changes, CHILD_IDENTIFYING_FIELDS)
    NotificationChild.objects.filter(pk=child.pk).update(**values)
    child.refresh_from_db()
    _refresh_child_in_focus(notification)
    _touch(
        notification,
        by=by,
        message=_amendment_message(
            notification, f"Changed {child.child_reference}", amendment_reason
        ),
        changes=changes,
    )
    possible_duplicates_record(notification=notification)
    return child


@transaction.atomic
def notification_child_remove(
    *,
    child: NotificationChild,
    by: User,
    expected_version: int | None,
    amendment_reason: str = "",
) -> None:
    notification = _lock_for_change(child.notification, expected_version, amendment_reason)
    if not notification.is_draft and notification.children.count() == 1:
        raise NotificationInvalid({"children": ["A submitted notification needs a child"]})
    if child.is_child_in_focus and notification.child_in_focus_override_reason:
        Notification.objects.filter(pk=notification.pk).update(child_in_focus_override_reason="")
        notification.child_in_focus_override_reason = ""
    reference = child.child_reference
    child.delete()
    _refresh_child_in_focus(notification)
    _touch(
        notification,
        by=by,
        message=_amendment_message(notification, f"Removed {reference}", amendment_reason),
        changes={"children": [reference, None]},
    )


@transaction.atomic
def notification_child_in_focus_set(
    *,
    notification: Notification,
    by: User,
    child: NotificationChild,
    override_reason: str,
    expected_version: int | None,
    amendment_reason: str = "",
) -> Notification:
    """Choose the child in focus. Choosing another child than the rule's needs a reason;
    choosing the rule's child again clears the override."""
    notification = _lock_for_change(notification, expected_version, amendment_reason)
    children = list(notification.children.all())
    automatic = rules.choose_child_in_focus(children, notification.incident_date)
    is_override = automatic is not None and automatic.pk != child.pk
    if is_override and not override_reason.strip():
        raise NotificationInvalid(
            {
                "override_reason": [
                    f"Enter why {child.child_reference} is the child in focus rather than "
                    f"{automatic.child_reference}"
                ]
            }
        )
    previous = notification.child_in_focus
    notification.children.filter(is_child_in_focus=True).update(is_child_in_focus=False)
    NotificationChild.objects.filter(pk=child.pk).update(is_child_in_focus=True)
    Notification.objects.filter(pk=notification.pk).update(
        child_in_focus_override_reason=override_reason.strip() if is_override else ""
    )
    notification.refresh_from_db()
    _touch(
        notification,
        by=by,
        message=_amendment_message(
            notification,
            # The reason is the child's circumstances in words: kept on the record, not here.
            f"Child in focus: {child.child_reference}"
            + (f" (instead of {automatic.child_reference})" if is_override else ""),
            amendment_reason,
        ),
        changes={
            "child_in_focus": [
                previous.child_reference if previous else None,
                child.child_reference,
            ]
        },
    )
    return notification


# --- Issue 16: where and how it happened; the notifier and sign-off ------------------------


def _notifier_prefill(user: User) -> dict[str, str]:
    """The notifier's name and e-mail from their account (it holds no job title or telephone),
    editable in the "Notifier and sign-off" section."""
    return {
        "notifier_name": user.get_full_name().strip(),
        "notifier_email": (user.email or "").strip(),
    }


@dataclass(frozen=True)
class IncidentPlaceData:
    """Where and how the incident happened: every answer optional ("" or None: not given)."""

    incident_time: time | None = None
    incident_location: str = ""
    incident_local_authority: LocalAuthority | None = None
    incident_place_outside_england: str = ""
    incident_setting: str = ""
    incident_setting_other: str = ""
    agencies_involved: tuple[str, ...] = ()
    police_involvement: str = ""
    criminal_proceedings: str = ""
    media_interest: str = ""


@dataclass(frozen=True)
class NotifierData:
    notifier_name: str = ""
    notifier_role: str = ""
    notifier_telephone: str = ""
    notifier_email: str = ""
    sign_off_name: str = ""
    sign_off_role: str = ""


def _incident_place_values(data: IncidentPlaceData) -> dict[str, Any]:
    """The answers as stored. An answer that only follows another is kept only while that
    other answer asks for it (the page shows every question, so a stale one may be sent)."""
    location = data.incident_location
    return {
        "incident_time": data.incident_time,
        "incident_location": location,
        "incident_local_authority": (
            data.incident_local_authority
            if location == IncidentLocation.ELSEWHERE_ENGLAND
            else None
        ),
        "incident_place_outside_england": (
            data.incident_place_outside_england.strip()
            if location == IncidentLocation.OUTSIDE_ENGLAND
            else ""
        ),
        "incident_setting": data.incident_setting,
        "incident_setting_other": (
            data.incident_setting_other.strip()
            if data.incident_setting == IncidentSetting.OTHER
            else ""
        ),
        "agencies_involved": agencies_join(list(data.agencies_involved)),
        "police_involvement": data.police_involvement,
        "criminal_proceedings": data.criminal_proceedings,
        "media_interest": data.media_interest,
    }


@transaction.atomic
def notification_incident_place_update(
    *,
    notification: Notification,
    by: User,
    data: IncidentPlaceData,
    expected_version: int | None,
    amendment_reason: str = "",
) -> Notification:
    """Save where and how the incident happened (the statutory form's incident questions).
    Every answer is optional; one that leads to another needs it (rules.incident_place_errors).
    """
    notification = _lock_for_change(notification, expected_version, amendment_reason)
    _raise_if(
        rules.incident_place_errors(
            local_authority=notification.local_authority,
            incident_location=data.incident_location,
            incident_local_authority=data.incident_local_authority,
            incident_place_outside_england=data.incident_place_outside_england,
            incident_setting=data.incident_setting,
            incident_setting_other=data.incident_setting_other,
            agencies=data.agencies_involved,
        )
    )
    _save_changes(
        notification,
        _incident_place_values(data),
        by=by,
        amendment_reason=amendment_reason,
        what="details of where and how it happened",
    )
    return notification


@transaction.atomic
def notification_notifier_update(
    *,
    notification: Notification,
    by: User,
    data: NotifierData,
    expected_version: int | None,
    amendment_reason: str = "",
) -> Notification:
    """Save who is notifying (name, role, telephone, e-mail) and the senior manager who signed
    the notification off. The name and e-mail are needed to submit (rules.MISSING); an
    amendment may change them but not take them away."""
    notification = _lock_for_change(notification, expected_version, amendment_reason)
    values = {
        field: " ".join(getattr(data, field).split()) for field in NotifierData.__annotations__
    }
    _raise_if(
        rules.notifier_errors(
            notifier_telephone=values["notifier_telephone"],
            notifier_email=values["notifier_email"],
        )
    )
    if not notification.is_draft:
        _raise_if(
            {
                field: [rules.MISSING[field]]
                for field in ("notifier_name", "notifier_email")
                if not values[field]
            }
        )
    _save_changes(
        notification,
        values,
        by=by,
        amendment_reason=amendment_reason,
        what="notifier and sign-off",
    )
    return notification
