"""Judging the rows of a file of historic records: every rule a row breaks, by the same rules
as the forms (notifications.rules, rapidreviews.rules) plus the cross-field checks a file needs;
the header's problems; the key that identifies an incident; and how a row differs from the
record already imported from it."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import date, datetime
from types import SimpleNamespace
from typing import Any

from django.utils import timezone

from notifications import rules as sin_rules
from notifications.models import Notification
from rapidreviews import rules as review_rules
from rapidreviews.codes import LearningTheme, MentalHealth
from rapidreviews.models import RapidReview
from rapidreviews.sections import SECTION_BY_KEY, SECTIONS
from safeguarding.models import LocalAuthority

from .parse import (
    CHILD_COLUMNS,
    CODED_COLUMNS,
    COLUMNS,
    INCIDENT_PLACE_COLUMNS,
    OPTIONAL_COLUMNS,
    SIN_CHILD_COLUMNS,
    SIN_COLUMNS,
    THEMES,
    Row,
    RowProblem,
    local_day,
    normal,
    shown,
)


def _ages(years: range, *, joined: str = "to") -> str:
    """A rule's ages as a message says them: "4 to 15", or "16 or 17"."""
    return f"{years.start} {joined} {years.stop - 1}"


def _either(codes: list[str]) -> str:
    return f"{', '.join(codes[:-1])} or {codes[-1]}" if len(codes) > 1 else "".join(codes)


# The codes that are a mental health condition, in the code list's order, for messages.
_CONDITION_CODES = [c.value for c in MentalHealth if c in review_rules.MENTAL_HEALTH_CONDITION]

# Why a question the form would not ask must be left blank: the ages and answers are the
# form's own (rapidreviews.rules), so the file and the form ask the same questions.
NOT_ASKED = {
    "cause_of_death": "A cause of death is only for an incident type of death",
    "cause_of_harm": "A cause of serious harm is only for an incident type of serious harm",
    "education_status": (
        f"Education status is only for children aged {_ages(review_rules.EDUCATION_AGE)}"
    ),
    "missing_education": (
        f"Missing education is only for children aged {_ages(review_rules.SCHOOL_AGE)}"
    ),
    "neet": f"NEET is only for children aged {_ages(review_rules.POST_16, joined='or')}",
    "mental_health_linked": (
        "Whether a mental health condition is linked to the incident is only for a child with "
        f"a condition (mental_health {_either(_CONDITION_CODES)})"
    ),
}
ASKED_DEPENDING_ON = {
    "cause_of_death": "incident_type",
    "cause_of_harm": "incident_type",
    "education_status": "age_years",
    "missing_education": "age_years",
    "neet": "age_years",
    "mental_health_linked": "mental_health",
}
REQUIRED = {
    "local_authority": "Enter the local authority's ONS code or name",
    "notified_at": "Enter the date the SIN was submitted",
    "children_count": "Enter the number of children in the incident",
    "sex": "Enter the sex of the child in focus",
    "age_years": "Enter the age of the child in focus",
    "incident_type": "Enter the incident type as reviewed",
    "cause_of_death": "Enter the likely cause of death: the incident type is death",
    "cause_of_harm": "Enter the likely cause of serious harm: the incident type is serious harm",
    **sin_rules.MISSING,
}


def check_row(row: Row, *, authorities: dict[str, LocalAuthority], now: datetime) -> None:
    """Every rule a row breaks, recorded on the row."""
    _check_notification(row, authorities=authorities, now=now)
    _check_child_statutory(row, authorities=authorities)
    if row.has_review:
        _check_review(row, now)
    elif row.values["panel_decision"] is not None:
        row.add(
            "panel_decision",
            "A Panel decision needs the rapid review it is on: enter rr_submitted_at and the "
            "review's answers",
        )
    _check_decision(row, now)


def _check_notification(row: Row, *, authorities: dict[str, LocalAuthority], now: datetime) -> None:
    """The SIN and its child, by the form's rules, with the local authority looked up."""
    values, today = row.values, timezone.localdate(now)
    la_text = values.get("local_authority")
    if la_text is not None:
        authority = authorities.get(normal(shown(la_text)))
        if authority is None:
            row.add("local_authority", "Enter the ONS code or name of a local authority in England")
        values["local_authority"] = authority
    for column in (*SIN_COLUMNS, *CHILD_COLUMNS):
        if column != "imd_decile" and values[column] is None and row.ok(column):
            row.add(column, REQUIRED[column])

    row.add_all(
        sin_rules.incident_errors(
            incident_date=values["incident_date"], date_aware=values["date_aware"], today=today
        )
    )
    if values["age_years"] is not None:
        row.add_all(
            sin_rules.child_errors(
                date_of_birth=None,
                age_years=values["age_years"],
                incident_date=values["incident_date"],
                today=today,
            )
        )
    circumstances = sin_rules.circumstances_errors(
        reason=values["reason"] or "",
        abuse_or_neglect=values["abuse_or_neglect"] or "",
        child_looked_after_death=row.child_looked_after_death if values["reason"] else None,
        placement_postcode="",
        imd_decile=values["imd_decile"],
    )
    if "abuse_or_neglect" in circumstances:
        if row.ok("reason", "looked_after"):
            circumstances["abuse_or_neglect"] = [
                f"{message}: here, a death whose looked_after is foster, other_residential or "
                "residential_home"
                for message in circumstances["abuse_or_neglect"]
            ]
        else:
            del circumstances["abuse_or_neglect"]  # judged once the reason can be read
    row.add_all(circumstances, {"child_looked_after_death": "looked_after"})
    _check_order(row, "date_aware", "notified_at", "the date the local authority became aware")
    _check_not_future(row, "notified_at", now)
    _check_incident_place(row, authorities=authorities)


def _check_incident_place(row: Row, *, authorities: dict[str, LocalAuthority]) -> None:
    """Issue 16's optional columns, by the form's rule (notifications.rules): the authority
    where it happened looked up like the notifying one."""
    values = row.values
    text = values.get("incident_local_authority")
    if text is not None:
        authority = authorities.get(normal(shown(text)))
        if authority is None:
            row.add(
                "incident_local_authority",
                "Enter the ONS code or name of a local authority in England",
            )
        values["incident_local_authority"] = authority
    if not row.ok(*INCIDENT_PLACE_COLUMNS, "local_authority"):
        return  # judged once every answer can be read
    row.add_all(
        sin_rules.incident_place_errors(
            local_authority=values["local_authority"],
            incident_location=values["incident_location"] or "",
            incident_local_authority=values["incident_local_authority"],
            incident_place_outside_england=values["incident_place_outside_england"] or "",
            incident_setting=values["incident_setting"] or "",
            incident_setting_other=values["incident_setting_other"] or "",
            agencies=[],
        )
    )
    # An answer that only follows another (the form keeps it only then).
    for column, asked_by, code in (
        ("incident_local_authority", "incident_location", "elsewhere_england"),
        ("incident_place_outside_england", "incident_location", "outside_england"),
        ("incident_setting_other", "incident_setting", "other"),
    ):
        if values[column] is not None and values[asked_by] != code:
            row.add(column, f"Leave it blank unless {asked_by} is {code}")


def _check_child_statutory(row: Row, *, authorities: dict[str, LocalAuthority]) -> None:
    """The SIN child's home authority (issue 16): one in England, not the notifying one (its
    coded answers were judged as they were read)."""
    column = "sin_home_local_authority"
    text = row.values.get(column)
    if text is None:
        return
    home = authorities.get(normal(shown(text)))
    row.values[column] = home
    if home is None:
        row.add(column, "Enter the ONS code or name of a local authority in England")
        return
    notifying = row.values.get("local_authority")
    row.add_all(
        sin_rules.child_home_authority_errors(
            home_local_authority_id=home.pk,
            notifying_local_authority_id=notifying.pk if notifying else None,
        ),
        {"home_local_authority": column},
    )


def _check_decision(row: Row, now: datetime) -> None:
    """The Panel's decision and its date: both or neither, after the review, not in the
    future."""
    values = row.values
    no_decision = values["panel_decision"] is None and row.ok("panel_decision")
    if no_decision and values["panel_decided_at"] is not None:
        row.add("panel_decision", "Enter the Panel's decision, or leave panel_decided_at blank")
    if values["panel_decision"] is not None and row.ok("panel_decided_at"):
        if values["panel_decided_at"] is None:
            row.add("panel_decided_at", "Enter the date of the Panel's decision")
        _check_order(row, "rr_submitted_at", "panel_decided_at", "the rapid review's submission")
        _check_not_future(row, "panel_decided_at", now)


def _check_review(row: Row, now: datetime) -> None:
    values = row.values
    if values["rr_submitted_at"] is None and row.ok("rr_submitted_at"):
        row.add(
            "rr_submitted_at",
            "Enter the date the rapid review was submitted: the row has the review's answers "
            "(leave them all blank when there is no review yet)",
        )
    if values["incident_type"] is None and row.ok("incident_type"):
        row.add("incident_type", REQUIRED["incident_type"])
    _check_order(row, "notified_at", "rr_submitted_at", "the SIN's submission")
    _check_not_future(row, "rr_submitted_at", now)
    answers = _review_answers(values)
    for section, visible, required in _review_rules(answers):
        for name in section.fields:
            depends_on = ASKED_DEPENDING_ON.get(name)
            if name in visible or values[name] is None or not row.ok(name):
                continue
            if depends_on and (values[depends_on] is None or not row.ok(depends_on)):
                continue  # judged once what it depends on is given and can be read
            row.add(name, f"{NOT_ASKED[name]}: leave it blank")
        for name in required:
            # Blank means not known (DOMAIN.md §6), except what the incident type requires.
            if section.key == "cause" and values[name] is None and row.ok(name, "incident_type"):
                row.add(name, REQUIRED[name])
    row.add_all(
        review_rules.section_errors(
            SECTION_BY_KEY["child"], {"age_years": values["age_years"]}, answers
        )
    )
    row.add_all(
        review_rules.themes_errors(row.themes),
        {f"{theme}_good_practice": f"good_practice_{theme}" for theme in THEMES},
    )


# What the review's questions depend on (rapidreviews.rules: visible_fields, required_fields).
_RULE_INPUTS = ("incident_type", "age_years", "mental_health")
# {inputs: [(section, visible fields, required fields)]}: a file has few combinations.
_rules_by_inputs: dict[tuple, list] = {}


def _review_answers(values: dict) -> SimpleNamespace:
    """The answers the review's rules read, as the object they take."""
    return SimpleNamespace(**{name: values[name] for name in _RULE_INPUTS})


def _review_rules(answers: SimpleNamespace) -> list:
    """(section, visible, required) for each section the import checks, given the answers the
    rules depend on: worked out once per combination rather than once per row."""
    key = tuple(getattr(answers, name) for name in _RULE_INPUTS)
    rules = _rules_by_inputs.get(key)
    if rules is None:
        rules = [
            (
                section,
                frozenset(review_rules.visible_fields(section, answers)),
                review_rules.required_fields(section, answers),
            )
            for section in SECTIONS
            if section.fields and section.key not in ("narrative", "decision")
        ]
        if len(_rules_by_inputs) > 10_000:
            _rules_by_inputs.clear()
        _rules_by_inputs[key] = rules
    return rules


def _check_order(row: Row, earlier: str, later: str, what: str) -> None:
    first, second = row.values.get(earlier), row.values.get(later)
    if first is None or second is None or not row.ok(earlier, later):
        return
    first_day = first if type(first) is date else local_day(first)
    second_day = second if type(second) is date else local_day(second)
    if second_day < first_day:
        row.add(later, f"Must be the same as or after {what} ({first_day:%-d %B %Y})")


def _check_not_future(row: Row, column: str, now: datetime) -> None:
    if row.values.get(column) is not None and row.ok(column) and row.values[column] > now:
        row.add(column, "Must be in the past")


def import_key(values: dict[str, Any]) -> str:
    """SHA-256 of the row's identifying columns, normalised: the local authority's ONS code,
    the incident date and the date aware (ISO), the date (UK) the SIN was submitted, the
    reason's code, and the sex code and age of the child in focus. Two rows with these alike
    are the same incident, however their other columns were written or have changed since.
    `notified_at` counts by its date, so that one export with times and another without them
    still match."""
    parts = [
        values["local_authority"].ons_code,
        values["incident_date"].isoformat(),
        values["date_aware"].isoformat(),
        local_day(values["notified_at"]).isoformat(),
        values["reason"],
        values["sex"],
        str(values["age_years"]),
    ]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def row_problems(rows: Iterable[Row]) -> list[RowProblem]:
    return [
        RowProblem(row.number, column, shown(row.raw.get(column)), message)
        for row in rows
        for column in ("", *COLUMNS)
        for message in row.errors.get(column, [])
    ]


def header_problems(header: list[str]) -> list[RowProblem]:
    problems = []
    seen: set[str] = set()
    for name in header:
        if not name:
            problems.append(RowProblem(1, "", "", "A column has no name: name it or remove it"))
        elif name in seen:
            problems.append(RowProblem(1, name, name, "This column is in the file more than once"))
        seen.add(name)
    problems += [
        RowProblem(1, name, "", "The file has no column with this name: add it (it may be empty)")
        for name in COLUMNS
        if name not in seen and name not in OPTIONAL_COLUMNS
    ]
    return problems


def header_warnings(header: list[str]) -> list[RowProblem]:
    """Columns the import does not know (issue 19, item 6): another system's extra fields are
    ignored, and said so, rather than refusing the file."""
    return [
        RowProblem(1, name, name, f"Unknown column {name}: it was ignored")
        for name in dict.fromkeys(header)
        if name and name not in COLUMNS
    ]


def authority_lookup() -> dict[str, LocalAuthority]:
    lookup = {}
    for authority in LocalAuthority.objects.select_related("partnership"):
        lookup[normal(authority.name)] = authority
        lookup[normal(authority.ons_code)] = authority
    return lookup


# --- Comparing with a record already imported ------------------------------------------------


def _comparable(values: dict[str, Any]) -> dict[str, Any]:
    """A row's values as a record keeps them: good practice is "no" unless answered yes."""
    result = dict(values)
    for theme in LearningTheme.values:
        result[f"good_practice_{theme}"] = bool(values[f"good_practice_{theme}"])
    return result


def _record_values(notification: Notification) -> dict[str, Any]:
    child = notification.child_in_focus
    review: RapidReview | None = getattr(notification, "rapid_review", None)
    values: dict[str, Any] = {
        "local_authority": notification.local_authority,
        "incident_date": notification.incident_date,
        "date_aware": notification.date_aware,
        "notified_at": notification.notified_at,
        "reason": notification.reason,
        "abuse_or_neglect": notification.abuse_or_neglect,
        "children_count": notification.imported_children_count,
        "imd_decile": notification.imd_decile,
        "sex": child.sex if child else None,
        "age_years": child.age_years if child else None,
        **{
            column: getattr(child, name) if child else None
            for column, name in SIN_CHILD_COLUMNS.items()
        },
        # Issue 16's optional columns.
        **{name: getattr(notification, name) for name in INCIDENT_PLACE_COLUMNS},
    }
    themes = {theme.theme: theme for theme in review.themes.all()} if review else {}
    decisions = review.panel_decisions.all() if review else []
    decision = next((d for d in decisions if d.is_current), None)
    values.update(
        {
            "rr_submitted_at": review.submitted_at if review else None,
            "page_count": review.document_page_count if review else None,
            "lcspr_decision": review.lcspr_decision if review else None,
            **{
                name: getattr(review, name) if review else None
                for name in CODED_COLUMNS
                if name not in CHILD_COLUMNS
            },
            **{
                f"theme_{theme}": themes[theme].present if theme in themes else None
                for theme in LearningTheme.values
            },
            "panel_decision": decision.outcome if decision else None,
            "panel_decided_at": decision.decided_at if decision else None,
        }
    )
    for theme in LearningTheme.values:
        values[f"good_practice_{theme}"] = theme in themes and themes[theme].good_practice
    return {column: None if value == "" else value for column, value in values.items()}


def _shown_value(value: Any) -> str:
    if isinstance(value, LocalAuthority):
        return f"{value.name} ({value.ons_code})"
    if isinstance(value, datetime):
        return shown(timezone.localtime(value).replace(tzinfo=None))
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "blank" if value is None else shown(value)


def differences(row: Row, notification: Notification) -> list[RowProblem]:
    recorded = _record_values(notification)
    given = _comparable(row.values)
    return [
        RowProblem(
            row.number,
            column,
            shown(row.raw.get(column)),
            f"Already imported as {notification.reference}, where this is "
            f"{_shown_value(recorded[column])}: the record was not changed (amend it in the "
            "service if the file is right)",
        )
        for column in COLUMNS
        # An optional column the file leaves out says nothing about the record.
        if given[column] != recorded[column]
        and (column not in OPTIONAL_COLUMNS or column in row.raw)
    ]
