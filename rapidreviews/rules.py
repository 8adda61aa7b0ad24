"""The rapid review's rules (DOMAIN.md §4), written once for the forms, the services and the
API: which questions apply given other answers, what must be answered before submission, and
which answers are a quality warning ("not recorded")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from safeguarding.codes import Reason
from safeguarding.dates import long_date
from safeguarding.workingdays import is_working_day

from . import codes
from .sections import SECTIONS, Section
from .timescales import EXTENSION_MAX_YEARS, extension_latest_date

SCHOOL_AGE = range(4, 16)  # education status and missing education: 4 to 15
POST_16 = range(16, 18)  # NEET: 16 and 17
EDUCATION_AGE = range(4, 18)

MENTAL_HEALTH_CONDITION = {
    codes.MentalHealth.DIAGNOSED,
    codes.MentalHealth.UNDIAGNOSED,
    codes.MentalHealth.BOTH,
    codes.MentalHealth.UNKNOWN_IF_DIAGNOSED,
}

# Answers the Panel counts as a recording gap (3.26, 3.97): allowed, but flagged.
NOT_RECORDED_ANSWERS = {
    "gender_differs": {codes.YesNoNotRecorded.NOT_RECORDED},
    "lgbtq": {codes.YesNoNotRecorded.NOT_RECORDED},
    "disability": {codes.YesNoNotRecorded.NOT_RECORDED},
    "neurodivergent": {codes.YesNoNotRecorded.NOT_RECORDED},
    "ethnicity": {"unknown"},
    "mental_health": {codes.MentalHealth.NOT_RECORDED},
}


def visible_fields(section: Section, answers) -> tuple[str, ...]:
    """The questions a section asks, given the answers so far (an object with attributes)."""
    incident_type = getattr(answers, "incident_type", "")
    age = getattr(answers, "age_years", None)
    hidden: set[str] = set()
    if section.key == "cause":
        if incident_type == Reason.DEATH:
            hidden.add("cause_of_harm")
        elif incident_type == Reason.SERIOUS_HARM:
            hidden.add("cause_of_death")
    if section.key == "needs":
        if age is None or age not in EDUCATION_AGE:
            hidden.add("education_status")
        if age is None or age not in SCHOOL_AGE:
            hidden.add("missing_education")
        if age is None or age not in POST_16:
            hidden.add("neet")
        if getattr(answers, "mental_health", "") not in MENTAL_HEALTH_CONDITION:
            hidden.add("mental_health_linked")
    return tuple(field for field in section.fields if field not in hidden)


def required_fields(section: Section, answers) -> tuple[str, ...]:
    """The questions that must be answered before submission."""
    incident_type = getattr(answers, "incident_type", "")
    fields = visible_fields(section, answers)
    if section.key == "cause":
        # A cause is required for a death or a serious harm; for "other" it is optional.
        return {
            Reason.DEATH: ("cause_of_death",),
            Reason.SERIOUS_HARM: ("cause_of_harm",),
        }.get(incident_type, ())
    return fields


def section_errors(section: Section, values: dict, answers) -> dict[str, list[str]]:
    """Problems with a section's answers as saved (any section may be saved incomplete)."""
    errors: dict[str, list[str]] = {}
    if section.key == "child":
        age = values.get("age_years")
        if age is not None and not 0 <= age <= 17:
            errors["age_years"] = ["Age must be a whole number from 0 to 17"]
    rationale = (values.get("lcspr_rationale") or "").strip()
    if section.key == "decision" and values.get("lcspr_decision") and not rationale:
        errors["lcspr_rationale"] = ["Enter the rationale for the partnership's decision"]
    return errors


@dataclass(frozen=True)
class Gap:
    section: Section
    field: str
    label: str


@dataclass(frozen=True)
class Completeness:
    unanswered: list[Gap]  # blocking
    not_recorded: list[Gap]  # quality warnings the partnership may accept
    themes_missing: list[str]
    document_missing: bool = False  # the full review document is not uploaded (blocking)

    @property
    def complete(self) -> bool:
        return not self.unanswered and not self.themes_missing and not self.document_missing


def completeness(review, *, labels: dict[str, str], theme_codes: set[str]) -> Completeness:
    """What is still unanswered (blocks submission) and what is answered 'not recorded'."""
    unanswered, not_recorded = [], []
    for section in SECTIONS:
        for field in required_fields(section, review):
            value = getattr(review, field)
            if value in (None, ""):
                unanswered.append(Gap(section, field, labels[field]))
            elif value in NOT_RECORDED_ANSWERS.get(field, ()):
                not_recorded.append(Gap(section, field, labels[field]))
    missing_themes = [theme for theme in codes.CORE_THEMES if theme not in theme_codes]
    return Completeness(
        unanswered,
        not_recorded,
        [str(t) for t in missing_themes],
        document_missing=not getattr(review, "document", None),
    )


def extension_request_errors(
    *, reason: str, proposed_date: date | None, due_date: date
) -> dict[str, list[str]]:
    """Problems with a request for more time: it needs a reason and a working day after the
    current due date."""
    errors: dict[str, list[str]] = {}
    if not (reason or "").strip():
        errors["reason"] = ["Enter why you need an extension"]
    if proposed_date is None:
        errors["proposed_date"] = ["Enter the proposed date"]
    else:
        date_error = _extended_date_error(proposed_date, due_date, subject="The proposed date")
        if date_error:
            errors["proposed_date"] = [date_error]
    return errors


def extension_decision_errors(
    *, approve: bool, decision_reason: str, new_due_date: date, due_date: date
) -> dict[str, list[str]]:
    """Problems with the secretariat's decision: an approval moves the due date to a later
    working day; a refusal says why."""
    errors: dict[str, list[str]] = {}
    if approve:
        date_error = _extended_date_error(new_due_date, due_date, subject="The new due date")
        if date_error:
            errors["new_due_date"] = [date_error]
    elif not (decision_reason or "").strip():
        errors["decision_reason"] = ["Enter why the extension is declined"]
    return errors


def _extended_date_error(day: date, due_date: date, *, subject: str) -> str | None:
    # After the current due date, which is never before the original one: an extension never
    # shortens the time the partnership has.
    if day <= due_date:
        return f"{subject} must be after the current due date, {long_date(due_date)}"
    if day > extension_latest_date(due_date):
        return (
            f"{subject} must be the same as or before {long_date(extension_latest_date(due_date))}"
            f", {EXTENSION_MAX_YEARS} years after the current due date"
        )
    if not is_working_day(day):
        return f"{subject} must be a working day"
    return None


def themes_errors(themes: dict[str, tuple[bool, bool]]) -> dict[str, list[str]]:
    """Good practice is identified within a theme that features in the review."""
    return {
        f"{theme}_good_practice": [
            f"Good practice can only be identified for '{codes.LearningTheme(theme).label}' if "
            "it features in the review"
        ]
        for theme, (present, good_practice) in themes.items()
        if good_practice and not present
    }
