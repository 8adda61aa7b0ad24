"""The rules a SIN must satisfy (DOMAIN.md §1 and §3), written once: the web forms, the API
serializers and the services all call these functions, so a rule cannot differ between them.

Each function returns {field name: [message, …]}; an empty dict means no problem. Messages
follow the GOV.UK Design System: they say what is wrong and how to put it right.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Protocol

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from safeguarding.codes import HARM_SEVERITY, Reason
from safeguarding.dates import date_window_error
from safeguarding.postcodes import is_valid_postcode
from safeguarding.workingdays import ENGLAND, WorkingDayCalendar

from .codes import Agency, IncidentLocation, IncidentSetting
from .models import AbuseOrNeglect
from .timescales import (
    DATE_OF_BIRTH_EARLIEST,
    INCIDENT_EARLIEST,
    SIN_DEADLINE_WORKING_DAYS,
    notification_on_time,
    notification_working_days_taken,
)

Errors = dict[str, list[str]]

MAX_AGE = 17


class ChildLike(Protocol):
    child_reference: str
    date_of_birth: date | None
    age_years: int | None
    harm: str


def _add(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def age_on(date_of_birth: date, day: date) -> int:
    """Age in whole years on `day`."""
    before_birthday = (day.month, day.day) < (date_of_birth.month, date_of_birth.day)
    return day.year - date_of_birth.year - before_birthday


def incident_errors(*, incident_date: date | None, date_aware: date | None, today: date) -> Errors:
    errors: Errors = {}
    if incident_date and incident_date > today:
        _add(errors, "incident_date", "Date of the incident must be today or in the past")
    elif incident_date and incident_date < INCIDENT_EARLIEST:
        _add(
            errors,
            "incident_date",
            date_window_error(
                incident_date, subject="Date of the incident", earliest=INCIDENT_EARLIEST
            ),
        )
    if date_aware and date_aware > today:
        _add(
            errors,
            "date_aware",
            "Date the local authority became aware must be today or in the past",
        )
    elif date_aware and date_aware < INCIDENT_EARLIEST:
        _add(
            errors,
            "date_aware",
            date_window_error(
                date_aware,
                subject="Date the local authority became aware",
                earliest=INCIDENT_EARLIEST,
            ),
        )
    elif incident_date and date_aware and date_aware < incident_date:
        _add(
            errors,
            "date_aware",
            "Date the local authority became aware must be the same as or after the date of "
            "the incident",
        )
    return errors


def child_errors(
    *,
    date_of_birth: date | None,
    age_years: int | None,
    incident_date: date | None,
    today: date,
) -> Errors:
    errors: Errors = {}
    if date_of_birth is None and age_years is None:
        _add(errors, "age_years", "Enter the child's date of birth or their age")
        return errors
    if age_years is not None and not 0 <= age_years <= MAX_AGE:
        _add(errors, "age_years", "Age must be a whole number from 0 to 17")
    if date_of_birth is None:
        return errors
    if date_of_birth > today:
        _add(errors, "date_of_birth", "Date of birth must be today or in the past")
        return errors
    if date_of_birth < DATE_OF_BIRTH_EARLIEST:
        _add(
            errors,
            "date_of_birth",
            date_window_error(
                date_of_birth,
                subject="Date of birth",
                earliest=DATE_OF_BIRTH_EARLIEST,
                earliest_why=": a SIN is for children under 18",
            ),
        )
        return errors
    if incident_date is None:
        return errors
    if date_of_birth > incident_date:
        _add(errors, "date_of_birth", "Date of birth must be on or before the date of the incident")
        return errors
    age = age_on(date_of_birth, incident_date)
    if age > MAX_AGE:
        _add(
            errors,
            "date_of_birth",
            f"The child was {age} on the date of the incident: a SIN is for children under 18",
        )
    elif age_years is not None and age_years != age and "age_years" not in errors:
        _add(
            errors,
            "age_years",
            f"Age must match the date of birth: the child was {age} on the date of the incident",
        )
    return errors


def child_home_authority_errors(
    *, home_local_authority_id: int | None, notifying_local_authority_id: int | None
) -> Errors:
    """The child's home authority is asked only when it differs from the notifying one."""
    errors: Errors = {}
    if home_local_authority_id is not None and (
        home_local_authority_id == notifying_local_authority_id
    ):
        _add(
            errors,
            "home_local_authority",
            "The child's home local authority must be a different authority from the one "
            "notifying: leave it blank if the child lives in your area",
        )
    return errors


def circumstances_errors(
    *,
    reason: str,
    abuse_or_neglect: str,
    child_looked_after_death: bool | None,
    placement_postcode: str,
    imd_decile: int | None,
) -> Errors:
    errors: Errors = {}
    if abuse_or_neglect == AbuseOrNeglect.NOT_SUSPECTED and not (
        child_looked_after_death and reason == Reason.DEATH
    ):
        _add(
            errors,
            "abuse_or_neglect",
            "Select 'Not suspected' only when notifying the death of a looked-after child",
        )
    if child_looked_after_death and reason and reason != Reason.DEATH:
        _add(
            errors,
            "child_looked_after_death",
            "A looked-after child's death needs the reason for notification 'Death'",
        )
    if placement_postcode and not is_valid_postcode(placement_postcode):
        _add(errors, "placement_postcode", "Enter a real postcode, like LS1 4AP")
    if imd_decile is not None and not 1 <= imd_decile <= 10:
        _add(errors, "imd_decile", "IMD decile must be a whole number from 1 to 10")
    return errors


def children_count_errors(*, count: int, maximum: int) -> Errors:
    """A notification lists at most `maximum` children (settings.NOTIFICATION_MAX_CHILDREN):
    the statutory form has room for 4, and a limit keeps one request from exhausting the
    server."""
    if count > maximum:
        return {
            "children": [
                f"A notification can have at most {maximum} children: this one would have "
                f"{count}. Notify the rest in another notification, or tell the Panel"
            ]
        }
    return {}


def choose_child_in_focus(children: Sequence[ChildLike], incident_date: date | None):
    """The child with the most serious harm (death, then serious harm, then other); on a tie,
    the eldest (DOMAIN.md §1). Among equals, the child entered first."""
    if not children:
        return None

    def age_key(child: ChildLike) -> tuple[int, int]:
        if child.date_of_birth:
            # Earlier birth = older; compare by date, ahead of whole-year ages.
            return (0, child.date_of_birth.toordinal())
        if child.age_years is not None:
            # Without a date of birth, approximate the birth date from the age at the incident.
            on = incident_date or date.today()
            return (0, on.toordinal() - int((child.age_years + 0.5) * 365.25))
        return (1, 0)

    return min(children, key=lambda child: (HARM_SEVERITY.get(child.harm, 9), *age_key(child)))


def reason_errors(*, reason: str, harms: Iterable[str]) -> Errors:
    harms = set(harms)
    if reason and harms and reason not in harms:
        label = Reason(reason).label
        return {
            "reason": [
                f"No child is recorded with the harm '{label}': change the reason for "
                "notification or the children's harm"
            ]
        }
    return {}


def working_days_taken(
    date_aware: date, submitted_on: date, calendar: WorkingDayCalendar = ENGLAND
) -> int:
    return notification_working_days_taken(date_aware, submitted_on, calendar)


def is_late(date_aware: date, submitted_on: date, calendar: WorkingDayCalendar = ENGLAND) -> bool:
    return not notification_on_time(working_days_taken(date_aware, submitted_on, calendar))


MISSING = {
    "incident_date": "Enter the date of the incident",
    "date_aware": "Enter the date the local authority became aware",
    "reason": "Select the reason for notification",
    "abuse_or_neglect": "Select whether abuse or neglect is known or suspected",
    "child_looked_after_death": "Select whether this is the death of a looked-after child",
    "summary": "Enter a summary of what happened",
    # Issue 16: prefilled from the notifier's account, so asking for them costs nothing.
    "notifier_name": "Enter the name of the person notifying",
    "notifier_email": "Enter the email address of the person notifying",
}


def submission_errors(notification, *, children: Sequence[ChildLike], today: date) -> Errors:
    """Everything that stops a SIN being submitted, with every field rule re-checked."""
    errors: Errors = {}
    for field, message in MISSING.items():
        if getattr(notification, field) in (None, ""):
            _add(errors, field, message)
    for field, messages in {
        **incident_errors(
            incident_date=notification.incident_date,
            date_aware=notification.date_aware,
            today=today,
        ),
        **circumstances_errors(
            reason=notification.reason,
            abuse_or_neglect=notification.abuse_or_neglect,
            child_looked_after_death=notification.child_looked_after_death,
            placement_postcode=notification.placement_postcode,
            imd_decile=notification.imd_decile,
        ),
        **incident_place_errors(
            local_authority=notification.local_authority,
            incident_location=notification.incident_location,
            incident_local_authority=notification.incident_local_authority,
            incident_place_outside_england=notification.incident_place_outside_england,
            incident_setting=notification.incident_setting,
            incident_setting_other=notification.incident_setting_other,
            agencies=[],
        ),
        **notifier_errors(
            notifier_telephone=notification.notifier_telephone,
            notifier_email=notification.notifier_email,
        ),
        **reason_errors(reason=notification.reason, harms=[c.harm for c in children]),
    }.items():
        for message in messages:
            _add(errors, field, message)
    if not children:
        _add(errors, "children", "Add at least one child")
    for child in children:
        problems = child_errors(
            date_of_birth=child.date_of_birth,
            age_years=child.age_years,
            incident_date=notification.incident_date,
            today=today,
        )
        for messages in problems.values():
            for message in messages:
                _add(errors, "children", f"{child.child_reference}: {message}")
    in_focus = [child for child in children if getattr(child, "is_child_in_focus", False)]
    if children and len(in_focus) != 1:
        _add(errors, "children", "Choose exactly one child in focus")
    return errors


def lateness_errors(
    *,
    date_aware: date | None,
    submitted_on: date,
    lateness_reason: str,
    calendar: WorkingDayCalendar = ENGLAND,
) -> Errors:
    if date_aware and is_late(date_aware, submitted_on, calendar) and not lateness_reason.strip():
        days = working_days_taken(date_aware, submitted_on, calendar)
        return {
            "lateness_reason": [
                f"Enter why this notification is being sent {days} working days after the "
                f"local authority became aware (the deadline is {SIN_DEADLINE_WORKING_DAYS})"
            ]
        }
    return {}


# --- Issue 16: where and how it happened; the notifier and sign-off ------------------------

# A UK number once spaces are taken out and +44 (with an optional "(0)") is written as 0:
# 0 then 9 or 10 digits (01632 960 001, 07700 900 982, 0800 123 4567).
_UK_TELEPHONE = re.compile(r"0\d{9,10}")
TELEPHONE_MESSAGE = (
    "Enter a UK telephone number using digits and spaces, like 01632 960 001 or +44 1632 960 001"
)
EMAIL_MESSAGE = "Enter an email address in the correct format, like name@example.com"


def is_uk_telephone(text: str) -> bool:
    number = "".join(text.split())
    if number.startswith("+44"):
        number = number[3:]
        number = number[3:] if number.startswith("(0)") else number
        if number.startswith("0"):
            return False
        number = "0" + number
    return bool(_UK_TELEPHONE.fullmatch(number))


def is_email(text: str) -> bool:
    try:
        validate_email(text)
    except ValidationError:
        return False
    return True


def incident_place_errors(
    *,
    local_authority,
    incident_location: str,
    incident_local_authority,
    incident_place_outside_england: str,
    incident_setting: str,
    incident_setting_other: str,
    agencies: Iterable[str],
) -> Errors:
    """Where and how it happened: each question is optional, but an answer that leads to
    another needs it (another area in England: which authority, never the notifier's own;
    outside England: where; an "Other" setting: what)."""
    errors: Errors = {}
    if incident_location == IncidentLocation.ELSEWHERE_ENGLAND:
        if incident_local_authority is None:
            _add(
                errors,
                "incident_local_authority",
                "Select the local authority where it happened",
            )
        elif local_authority is not None and incident_local_authority == local_authority:
            _add(
                errors,
                "incident_local_authority",
                f"Select another local authority: {local_authority} is your own (choose "
                "'In our area' if it happened there)",
            )
    if (
        incident_location == IncidentLocation.OUTSIDE_ENGLAND
        and not incident_place_outside_england.strip()
    ):
        _add(errors, "incident_place_outside_england", "Enter where outside England it happened")
    if incident_setting == IncidentSetting.OTHER and not incident_setting_other.strip():
        _add(errors, "incident_setting_other", "Enter the setting where it happened")
    unknown = [code for code in agencies if code not in Agency.values]
    if unknown:
        _add(
            errors,
            "agencies_involved",
            f"Agencies involved must be from: {', '.join(Agency.values)}",
        )
    return errors


def notifier_errors(*, notifier_telephone: str, notifier_email: str) -> Errors:
    errors: Errors = {}
    if notifier_telephone.strip() and not is_uk_telephone(notifier_telephone):
        _add(errors, "notifier_telephone", TELEPHONE_MESSAGE)
    if notifier_email.strip() and not is_email(notifier_email.strip()):
        _add(errors, "notifier_email", EMAIL_MESSAGE)
    return errors
