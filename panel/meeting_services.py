"""Writes for Panel meetings and their agendas (issue 17, item 2): one function per action,
each in a transaction, the meeting's row locked, stale edits refused (`version`). Attending
members are told (inbox and e-mail) when they are added to a meeting, and when it is moved or
cancelled."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, time

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from rapidreviews.models import RapidReview
from safeguarding import policy
from safeguarding.audiences import Audience, notify
from safeguarding.audit import audit_log
from safeguarding.dates import long_date
from safeguarding.errors import DomainConflict, DomainError, DomainInvalid
from safeguarding.history import PANEL_ONLY
from safeguarding.models import AuditAction, User

from .meeting_selectors import meeting_attendee_choices
from .models import AgendaItem, PanelMeeting


class MeetingError(DomainError):
    """An action the meeting's state does not allow (a form error, or HTTP 409)."""


class MeetingInvalid(MeetingError, DomainInvalid):
    """The meeting's details break a rule: messages by field."""


class MeetingConflict(MeetingError, DomainConflict):
    message = (
        "Someone else changed this meeting after you opened it. Your changes have not been "
        "saved: check the meeting as it is now and make them again."
    )


@dataclass(frozen=True)
class MeetingDetails:
    date: date
    start_time: time
    location: str
    attendees: Sequence[User] = ()
    title: str = "Panel meeting"


def _check_manager(by: User) -> None:
    if not policy.can_manage_meetings(by):
        raise MeetingError("Only the Panel secretariat can arrange Panel meetings")


def _check_details(details: MeetingDetails, *, today: date, date_changed: bool) -> None:
    errors: dict[str, list[str]] = {}
    if date_changed and details.date < today:
        errors["date"] = ["The date of the meeting must be today or in the future"]
    if not details.location.strip():
        errors["location"] = ["Enter where the meeting is, for example a room or Online"]
    if not details.title.strip():
        errors["title"] = ["Enter the kind of meeting, for example Panel meeting"]
    allowed = set(meeting_attendee_choices().values_list("pk", flat=True))
    if any(person.pk not in allowed for person in details.attendees):
        errors["attendees"] = ["Attendees must be active Panel members"]
    if errors:
        raise MeetingInvalid(errors)


def _meeting_url(meeting: PanelMeeting) -> str:
    return reverse("panel:meeting-detail", args=[meeting.pk])


def _when(meeting: PanelMeeting) -> str:
    return f"{long_date(meeting.date)} at {meeting.start_time:%H:%M}, {meeting.location}"


def _tell(people: Iterable[User], meeting: PanelMeeting, *, subject: str, body: str, key: str):
    """Tell attending members in their inbox and by e-mail (their own address: they are
    invited personally, unlike the Panel's shared casework)."""
    people = tuple(people)
    if not people:
        return
    url = _meeting_url(meeting)
    emails = tuple(dict.fromkeys(person.email for person in people if person.email))
    notify(
        Audience(people, emails),
        subject=subject,
        body=body,
        url=url,
        email_body=f"{body}\n\nSign in to see the meeting and its agenda: "
        f"{settings.SITE_URL}{url}\n",
        related=meeting,
        dedupe_key=key,
    )


def _tell_added(people: Iterable[User], meeting: PanelMeeting) -> None:
    _tell(
        people,
        meeting,
        subject=f"You are attending the {meeting.title} on {long_date(meeting.date)}",
        body=f"You have been added to the {meeting.title}: {_when(meeting)}.",
        key=f"panel-meeting-{meeting.pk}-v{meeting.version}-added",
    )


def _attendees(meeting: PanelMeeting) -> list[User]:
    return list(meeting.attendees.order_by("pk"))


@transaction.atomic
def panel_meeting_create(*, by: User, details: MeetingDetails) -> PanelMeeting:
    """Schedule a meeting (not in the past); its attendees are told."""
    _check_manager(by)
    _check_details(details, today=timezone.localdate(), date_changed=True)
    meeting = PanelMeeting.objects.create(
        title=details.title.strip(),
        date=details.date,
        start_time=details.start_time,
        location=details.location.strip(),
        created_by=by,
    )
    meeting.attendees.set(details.attendees)
    audit_log(
        actor=by,
        action=AuditAction.CREATE,
        obj=meeting,
        changes={"attendees": sorted(p.username for p in details.attendees)},
        message=f"Scheduled the {meeting}",
    )
    _tell_added(details.attendees, meeting)
    return meeting


def _locked(meeting: PanelMeeting, expected_version: int | None) -> PanelMeeting:
    current = PanelMeeting.objects.select_for_update().get(pk=meeting.pk)
    if expected_version is not None and current.version != expected_version:
        raise MeetingConflict(current)
    return current


@transaction.atomic
def panel_meeting_update(
    *, meeting: PanelMeeting, by: User, details: MeetingDetails, expected_version: int
) -> PanelMeeting:
    """Change a scheduled meeting's details. Members newly attending are told they are added;
    those still attending are told when its date, time or place moves."""
    _check_manager(by)
    meeting = _locked(meeting, expected_version)
    if meeting.status != PanelMeeting.Status.SCHEDULED:
        raise MeetingError(f"This meeting is {meeting.get_status_display().lower()}")
    _check_details(details, today=timezone.localdate(), date_changed=details.date != meeting.date)
    before = _attendees(meeting)
    moved = (meeting.date, meeting.start_time, meeting.location) != (
        details.date,
        details.start_time,
        details.location.strip(),
    )
    old_when = _when(meeting)
    changes = {
        name: [str(getattr(meeting, name)), str(value)]
        for name, value in (
            ("title", details.title.strip()),
            ("date", details.date),
            ("start_time", details.start_time),
            ("location", details.location.strip()),
        )
        if getattr(meeting, name) != value
    }
    meeting.title = details.title.strip()
    meeting.date, meeting.start_time = details.date, details.start_time
    meeting.location = details.location.strip()
    meeting.version += 1
    meeting.save(update_fields=["title", "date", "start_time", "location", "version", "updated_at"])
    meeting.attendees.set(details.attendees)
    before_pks = {p.pk for p in before}
    after_pks = {p.pk for p in details.attendees}
    added = [p for p in details.attendees if p.pk not in before_pks]
    if before_pks != after_pks:
        changes["attendees"] = [
            sorted(p.username for p in before),
            sorted(p.username for p in details.attendees),
        ]
    audit_log(
        actor=by,
        action=AuditAction.UPDATE,
        obj=meeting,
        changes=changes,
        message=f"Changed the {meeting}",
    )
    _tell_added(added, meeting)
    if moved:
        staying = [p for p in details.attendees if p.pk in before_pks]
        _tell(
            staying,
            meeting,
            subject=f"The {meeting.title} has moved to {long_date(meeting.date)}",
            body=f"The {meeting.title} you are attending has moved from {old_when} to "
            f"{_when(meeting)}.",
            key=f"panel-meeting-{meeting.pk}-v{meeting.version}-moved",
        )
    return meeting


@transaction.atomic
def panel_meeting_cancel(
    *, meeting: PanelMeeting, by: User, reason: str, expected_version: int
) -> PanelMeeting:
    """Cancel a scheduled meeting, with the reason; its attendees are told. Its agenda stays
    (the reviews can go on another meeting's)."""
    _check_manager(by)
    if not reason.strip():
        raise MeetingInvalid({"reason": ["Enter why the meeting is cancelled"]})
    meeting = _locked(meeting, expected_version)
    if meeting.status not in PanelMeeting.TRANSITIONS[PanelMeeting.Status.CANCELLED]:
        raise MeetingError(f"This meeting is already {meeting.get_status_display().lower()}")
    meeting.status = PanelMeeting.Status.CANCELLED
    meeting.cancellation_reason = reason.strip()
    meeting.cancelled_by, meeting.cancelled_at = by, timezone.now()
    meeting.version += 1
    meeting.save(
        update_fields=[
            "status",
            "cancellation_reason",
            "cancelled_by",
            "cancelled_at",
            "version",
            "updated_at",
        ]
    )
    audit_log(
        actor=by,
        action=AuditAction.UPDATE,
        obj=meeting,
        changes={"status": ["scheduled", "cancelled"], "reason": meeting.cancellation_reason},
        message=f"Cancelled the {meeting}",
    )
    _tell(
        _attendees(meeting),
        meeting,
        subject=f"Cancelled: the {meeting.title} on {long_date(meeting.date)}",
        body=f"The {meeting.title} on {_when(meeting)} is cancelled: {meeting.cancellation_reason}",
        key=f"panel-meeting-{meeting.pk}-cancelled",
    )
    return meeting


@transaction.atomic
def panel_meeting_mark_held(
    *, meeting: PanelMeeting, by: User, expected_version: int | None = None
) -> PanelMeeting:
    """Record that a scheduled meeting took place (on or after its date)."""
    _check_manager(by)
    meeting = _locked(meeting, expected_version)
    if meeting.status not in PanelMeeting.TRANSITIONS[PanelMeeting.Status.HELD]:
        raise MeetingError(f"This meeting is {meeting.get_status_display().lower()}")
    if meeting.date > timezone.localdate():
        raise MeetingError("A meeting can be marked as held only on or after its date")
    meeting.status, meeting.held_at = PanelMeeting.Status.HELD, timezone.now()
    meeting.version += 1
    meeting.save(update_fields=["status", "held_at", "version", "updated_at"])
    audit_log(
        actor=by,
        action=AuditAction.UPDATE,
        obj=meeting,
        changes={"status": ["scheduled", "held"]},
        message=f"Marked the {meeting} as held",
    )
    return meeting


# --- The agenda ------------------------------------------------------------------------------


def _check_agenda_open(meeting: PanelMeeting) -> None:
    if meeting.status == PanelMeeting.Status.CANCELLED:
        raise MeetingError("This meeting is cancelled: its agenda cannot change")


@transaction.atomic
def agenda_items_add(
    *, meeting: PanelMeeting, reviews: Sequence[RapidReview], by: User
) -> list[AgendaItem]:
    """Add submitted reviews to the end of the meeting's agenda, in the order given. A review
    already on this agenda, or not submitted (or closed on its SIN's withdrawal), is
    refused, and nothing is added."""
    _check_manager(by)
    meeting = _locked(meeting, None)
    _check_agenda_open(meeting)
    if not reviews:
        raise MeetingInvalid({"reviews": ["Select at least one rapid review to add"]})
    locked = {
        review.pk: review
        for review in RapidReview.objects.select_for_update()
        .filter(pk__in=[r.pk for r in reviews])
        .select_related("notification")
    }
    on_agenda = set(meeting.agenda.values_list("review_id", flat=True))
    errors = []
    for review in reviews:
        current = locked[review.pk]
        reference = current.notification.reference
        if current.status != RapidReview.Status.SUBMITTED or current.closed_on_withdrawal:
            errors.append(f"{reference} has not been submitted to the Panel")
        elif current.pk in on_agenda:
            errors.append(f"{reference} is already on this meeting's agenda")
    if errors:
        raise MeetingInvalid({"reviews": errors})
    last = meeting.agenda.aggregate(last=Max("position"))["last"] or 0
    items = []
    for offset, review in enumerate(dict.fromkeys(r.pk for r in reviews), start=1):
        items.append(
            AgendaItem.objects.create(
                meeting=meeting, review=locked[review], position=last + offset, added_by=by
            )
        )
    for item in items:
        audit_log(
            actor=by,
            action=AuditAction.UPDATE,
            obj=item.review,
            # Meetings are the Panel's business (safeguarding.history.PANEL_ONLY).
            changes={"meeting": meeting.pk, "position": item.position, PANEL_ONLY: True},
            message=f"Added to the agenda of the {meeting}",
        )
    return items


@transaction.atomic
def agenda_item_remove(*, item: AgendaItem, by: User) -> None:
    """Take a review off the meeting's agenda; the items after it move up."""
    _check_manager(by)
    meeting = _locked(item.meeting, None)
    _check_agenda_open(meeting)
    item = AgendaItem.objects.select_related("review").filter(pk=item.pk).first()
    if item is None:  # taken off by someone else (or a second click) since the page was shown
        raise MeetingError("That review has already been taken off the agenda")
    if item.review.panel_decisions.filter(meeting=meeting).exists():
        raise MeetingError(
            "The Panel's decision on this review was recorded at this meeting: it stays on "
            "the agenda"
        )
    position = item.position
    item.delete()
    for later in meeting.agenda.filter(position__gt=position).order_by("position"):
        later.position -= 1
        later.save(update_fields=["position"])
    audit_log(
        actor=by,
        action=AuditAction.UPDATE,
        obj=item.review,
        changes={"meeting": meeting.pk, "removed_from_position": position, PANEL_ONLY: True},
        message=f"Removed from the agenda of the {meeting}",
    )


UP, DOWN = "up", "down"


@transaction.atomic
def agenda_item_move(*, item: AgendaItem, by: User, direction: str) -> AgendaItem:
    """Move an item one place up or down the agenda (a no-op at either end)."""
    _check_manager(by)
    if direction not in (UP, DOWN):
        raise MeetingInvalid({"direction": ["Choose whether to move the item up or down"]})
    meeting = _locked(item.meeting, None)
    _check_agenda_open(meeting)
    item = AgendaItem.objects.filter(pk=item.pk).first()
    if item is None:  # taken off by someone else since the page was shown
        raise MeetingError("That review has been taken off the agenda since the page was shown")
    others = meeting.agenda.exclude(pk=item.pk)
    neighbour = (
        others.filter(position__lt=item.position).order_by("-position").first()
        if direction == UP
        else others.filter(position__gt=item.position).order_by("position").first()
    )
    if neighbour is None:
        return item
    item.position, neighbour.position = neighbour.position, item.position
    item.save(update_fields=["position"])
    neighbour.save(update_fields=["position"])
    audit_log(
        actor=by,
        action=AuditAction.UPDATE,
        obj=meeting,
        changes={"review": item.review_id, "position": [neighbour.position, item.position]},
        message=f"Moved an agenda item {direction}",
    )
    return item
