"""The cohort definition language (issue 18, item 4): which rapid reviews a cohort holds, as
JSON that is stored with a saved cohort and read back the same way every time.

A definition is `{"year": 2023, "within": [conditions], "where": [conditions]}`:

- `year`: the reporting year (1 April `year` to 31 March `year + 1`, by incident date), whose
  counted records are the engine's (`analytics.engine.records_q`: submitted reviews of submitted
  SINs, not withdrawn);
- `within`: the comparison population, every condition true (empty: every review of the year);
- `where`: the cohort's criteria, every condition true (at least one).

The cohort is `within AND where`; the rest of the year is `within AND NOT where`, so Appendix
F's "children of the same age who do not meet the criteria" is `within` = the age band.

A condition names one field of the catalogue (`FIELDS`, built from the rapid review's coded
fields, DOMAIN.md §4) with the operator of its kind:

- choice (a coded answer, yes/no/unknown fields included): `{"field": "camhs", "codes": [...]}`
  - any of the codes; `"not_answered"` stands for an answer not given;
- integer (age, IMD decile): `{"field": "age_years", "min": 11, "max": 17}`, either bound
  optional, both inclusive;
- boolean: `{"field": "submitted_on_time", "value": true}`;
- learning theme: `{"field": "theme_curiosity", "codes": ["present"]}` - any of `present`
  (raised in the review), `not_present`, `good_practice` (good practice identified);
- any of several conditions: `{"any_of": [condition, condition, ...]}` (one level deep), e.g.
  extrafamilial harm = gang violence OR child criminal exploitation OR extrafamilial CSA/E.

`definition_clean` checks a definition and returns it in its canonical form, or raises
`DefinitionError` with one message per problem; `definition_q` turns it into the (cohort,
rest) Q objects over RapidReview, without the year (callers add `year_records_q`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from notifications.models import Notification
from rapidreviews import codes as rr
from rapidreviews import rules
from rapidreviews.models import RapidReview, RapidReviewTheme
from rapidreviews.sections import SECTIONS
from safeguarding.codes import Reason, RegionCode

from . import engine
from .tables.spec import REVIEW

CHOICE, INTEGER, BOOLEAN, THEME = "choice", "integer", "boolean", "theme"
KINDS = (CHOICE, INTEGER, BOOLEAN, THEME)
PARTS = ("within", "where")
PART_LABELS = {"within": "Compared within", "where": "Cohort criteria"}

# An answer not given: stored as "", named in a definition.
NOT_ANSWERED = "not_answered"
NOT_ANSWERED_LABEL = "Not answered"
THEME_CODES = (
    ("present", "Raised in the review"),
    ("not_present", "Recorded as not raised"),
    ("good_practice", "Good practice identified"),
)
FIRST_YEAR, LAST_YEAR = 2000, 2100
# Narrative and free-text answers are never conditions: a cohort is built from codes only.
NOT_CODED_SECTIONS = {"narrative", "themes", "document"}


@dataclass(frozen=True)
class CohortField:
    """A field a condition can name: its kind (the operator), label, group heading on the
    builder, the ORM path from RapidReview, and its codes or bounds."""

    name: str
    kind: str
    label: str
    group: str
    lookup: str
    choices: tuple[tuple[str, str], ...] = ()
    low: int | None = None
    high: int | None = None

    def code_label(self, code: str) -> str:
        return dict(self.choices).get(code, code)


def _label(text: str) -> str:
    return text[:1].upper() + text[1:]


def _review_field(name: str, group: str) -> CohortField | None:
    """The catalogue entry of one of the review's own fields, from the model: a field with a
    code list is a choice; the age is an integer 0 to 17 (the model's check constraint)."""
    model_field = RapidReview._meta.get_field(name)
    label = _label(str(model_field.verbose_name))
    if model_field.choices:
        choices = tuple((str(c), str(lab)) for c, lab in model_field.choices if c != "")
        return CohortField(
            name, CHOICE, label, group, name, choices + ((NOT_ANSWERED, NOT_ANSWERED_LABEL),)
        )
    if name == "age_years":
        return CohortField(name, INTEGER, label, group, name, low=0, high=17)
    return None  # free text: never a condition


def _catalogue() -> tuple[CohortField, ...]:
    fields: list[CohortField] = []
    for section in SECTIONS:
        if section.key in NOT_CODED_SECTIONS:
            continue
        for name in section.fields:
            entry = _review_field(name, section.title)
            if entry is not None:
                fields.append(entry)
    process = "The review and its notification"
    fields += [
        CohortField(
            "submitted_on_time",
            BOOLEAN,
            "Rapid review submitted within 15 working days",
            process,
            "submitted_on_time",
        ),
        CohortField(
            "region",
            CHOICE,
            "Region of the notifying local authority",
            process,
            "notification__local_authority__region__code",
            tuple((str(c), str(lab)) for c, lab in RegionCode.choices),
        ),
        CohortField(
            "notification_reason",
            CHOICE,
            "Reason for the notification (as notified)",
            process,
            "notification__reason",
            tuple((str(c), str(lab)) for c, lab in Reason.choices),
        ),
        CohortField(
            "imd_decile",
            INTEGER,
            "IMD decile of the placement (1 most deprived)",
            process,
            "notification__imd_decile",
            low=1,
            high=10,
        ),
        CohortField(
            "child_looked_after_death",
            BOOLEAN,
            _label(str(Notification._meta.get_field("child_looked_after_death").verbose_name)),
            process,
            "notification__child_looked_after_death",
        ),
    ]
    themes = "Learning and practice themes"
    fields += [
        CohortField(f"theme_{code}", THEME, str(label), themes, code, THEME_CODES)
        for code, label in rr.LearningTheme.choices
    ]
    return tuple(fields)


FIELDS: tuple[CohortField, ...] = _catalogue()
FIELDS_BY_NAME: dict[str, CohortField] = {f.name: f for f in FIELDS}

# Conditions the builder offers ready-made, besides one field at a time: report 4.5's "mental
# health condition" (analytics.tables.common.HAS_MENTAL_HEALTH_CONDITION) and 6.4/6.6's
# extrafamilial harm (analytics.tables.appendix_f.EXTRAFAMILIAL_HARM).
MENTAL_HEALTH_CONDITION_CODES = [
    str(c) for c in rr.MentalHealth if c in rules.MENTAL_HEALTH_CONDITION
]
PRESETS: dict[str, tuple[str, dict]] = {
    "mental_health_condition": (
        "A mental health condition (diagnosed, undiagnosed, both or unknown if diagnosed)",
        {"field": "mental_health", "codes": MENTAL_HEALTH_CONDITION_CODES},
    ),
    "parent_mental_health": (
        "A parent or relevant adult with a mental health condition",
        {"field": "parent_mental_health", "codes": ["yes"]},
    ),
    "extrafamilial_harm": (
        "Extrafamilial harm (gang-related or youth violence, child criminal exploitation, or "
        "extrafamilial sexual abuse/exploitation)",
        {
            "any_of": [
                {"field": "gang_youth_violence", "codes": ["yes"]},
                {"field": "cce", "codes": ["yes"]},
                {"field": "sexual_abuse", "codes": ["extrafamilial", "both"]},
            ]
        },
    ),
}


class DefinitionError(ValueError):
    """A definition that cannot be used: `messages` says what is wrong, one per problem."""

    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = messages


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def _at(where: str, text: str) -> str:
    return f"{where}: {text}" if where else text[:1].upper() + text[1:]


def condition_errors(condition: Any, where: str = "") -> list[str]:
    """What is wrong with one condition (not an any-of group); `where` names it in messages
    (none: the message stands beside the condition's own field)."""
    if not isinstance(condition, dict):
        return [_at(where, "this is not a condition")]
    name = condition.get("field")
    entry = FIELDS_BY_NAME.get(name) if isinstance(name, str) else None
    if entry is None:
        return [_at(where, f"there is no field called '{name}'")]
    if entry.kind in (CHOICE, THEME):
        codes = condition.get("codes")
        if not isinstance(codes, list) or not codes:
            return [_at(where, f"select at least one answer for '{entry.label}'")]
        known = {code for code, _ in entry.choices}
        unknown = [str(c) for c in codes if c not in known]
        if unknown:
            return [_at(where, f"'{entry.label}' has no answer '{unknown[0]}'")]
        return []
    if entry.kind == INTEGER:
        low, high = condition.get("min"), condition.get("max")
        errors = []
        for bound, value in (("lowest", low), ("highest", high)):
            if value is not None and _int(value) is None:
                errors.append(_at(where, f"the {bound} '{entry.label}' must be a whole number"))
        if errors:
            return errors
        low, high = _int(low), _int(high)
        if low is None and high is None:
            return [_at(where, f"enter the lowest or the highest '{entry.label}', or both")]
        for value in (low, high):
            if value is not None and not entry.low <= value <= entry.high:
                return [_at(where, f"'{entry.label}' must be between {entry.low} and {entry.high}")]
        if low is not None and high is not None and low > high:
            return [_at(where, f"the lowest '{entry.label}' must not be more than the highest")]
        return []
    if not isinstance(condition.get("value"), bool):
        return [_at(where, f"say whether '{entry.label}' must be yes or no")]
    return []


def _condition_clean(condition: dict) -> dict:
    entry = FIELDS_BY_NAME[condition["field"]]
    if entry.kind in (CHOICE, THEME):
        order = [code for code, _ in entry.choices]
        return {"field": entry.name, "codes": sorted(set(condition["codes"]), key=order.index)}
    if entry.kind == INTEGER:
        clean: dict[str, Any] = {"field": entry.name}
        for bound in ("min", "max"):
            if condition.get(bound) is not None:
                clean[bound] = _int(condition[bound])
        return clean
    return {"field": entry.name, "value": condition["value"]}


def definition_errors(definition: Any) -> list[str]:
    """Every problem with `definition`, each in words (empty: it can be used)."""
    if not isinstance(definition, dict):
        return ["A cohort definition must be an object with a year and its conditions"]
    errors = []
    year = _int(definition.get("year"))
    if year is None or not FIRST_YEAR <= year <= LAST_YEAR:
        errors.append("Choose the reporting year")
    unknown_keys = set(definition) - {"year", *PARTS}
    if unknown_keys:
        errors.append(f"A cohort definition has no part called '{sorted(unknown_keys)[0]}'")
    for part in PARTS:
        conditions = definition.get(part, [])
        if not isinstance(conditions, list):
            errors.append(f"'{part}' must be a list of conditions")
            continue
        for i, condition in enumerate(conditions, start=1):
            where = f"{PART_LABELS[part]}, condition {i}"
            if isinstance(condition, dict) and "any_of" in condition:
                group = condition["any_of"]
                if not isinstance(group, list) or len(group) < 2:
                    errors.append(f"{where}: 'any of' needs at least two conditions")
                    continue
                for j, inner in enumerate(group, start=1):
                    if isinstance(inner, dict) and "any_of" in inner:
                        errors.append(f"{where}, part {j}: 'any of' cannot hold another 'any of'")
                    else:
                        errors += condition_errors(inner, f"{where}, part {j}")
            else:
                errors += condition_errors(condition, where)
    if isinstance(definition.get("where", []), list) and not definition.get("where"):
        errors.append("Add at least one cohort criterion: the cohort is compared with the rest")
    return errors


def definition_clean(definition: Any) -> dict:
    """`definition` in its canonical form (codes in the code list's order, bounds as
    integers), or DefinitionError."""
    errors = definition_errors(definition)
    if errors:
        raise DefinitionError(errors)
    clean: dict[str, Any] = {"year": _int(definition["year"])}
    for part in PARTS:
        clean[part] = [
            {"any_of": [_condition_clean(inner) for inner in condition["any_of"]]}
            if "any_of" in condition
            else _condition_clean(condition)
            for condition in definition.get(part, [])
        ]
    return clean


def _theme_q(theme: str, code: str) -> Q:
    recorded = {
        "present": Q(present=True),
        "not_present": Q(present=False),
        "good_practice": Q(good_practice=True),
    }[code]
    # A subquery rather than a join: one row per review, and its negation is exact.
    rows = RapidReviewTheme.objects.filter(recorded, theme=theme).values("review_id")
    return Q(pk__in=rows)


def condition_q(condition: dict) -> Q:
    """One clean condition (or any-of group) as a Q over RapidReview."""
    if "any_of" in condition:
        q = Q()
        for inner in condition["any_of"]:
            q |= condition_q(inner)
        return q
    entry = FIELDS_BY_NAME[condition["field"]]
    if entry.kind == CHOICE:
        values = ["" if c == NOT_ANSWERED else c for c in condition["codes"]]
        return Q(**{f"{entry.lookup}__in": values})
    if entry.kind == THEME:
        q = Q()
        for code in condition["codes"]:
            q |= _theme_q(entry.lookup, code)
        return q
    if entry.kind == INTEGER:
        q = Q()
        if condition.get("min") is not None:
            q &= Q(**{f"{entry.lookup}__gte": condition["min"]})
        if condition.get("max") is not None:
            q &= Q(**{f"{entry.lookup}__lte": condition["max"]})
        return q
    return Q(**{entry.lookup: condition["value"]})


def _all_of(conditions: list[dict]) -> Q:
    q = Q()
    for condition in conditions:
        q &= condition_q(condition)
    return q


def definition_q(definition: dict) -> tuple[Q, Q]:
    """(cohort, rest) over RapidReview: `within AND where`, `within AND NOT where`. Without
    the year: `analytics.cohort_tables.compare` applies it, and `year_records_q` gives it."""
    clean = definition_clean(definition)
    within, where = _all_of(clean["within"]), _all_of(clean["where"])
    return within & where, within & ~where


def year_records_q(year: int) -> Q:
    """The reviews a reporting year counts (the engine's rules)."""
    return engine.records_q(REVIEW, year)


# --- Describing a definition in words ------------------------------------------------------


def condition_text(condition: dict) -> str:
    """A clean condition in words: "Age at the incident: 11 to 17"."""
    if "any_of" in condition:
        return "Any of: " + "; or ".join(condition_text(c) for c in condition["any_of"])
    entry = FIELDS_BY_NAME[condition["field"]]
    if entry.kind in (CHOICE, THEME):
        answers = [entry.code_label(c) for c in condition["codes"]]
        if len(answers) == 1:
            return f"{entry.label}: {answers[0]}"
        return f"{entry.label}: any of {', '.join(answers)}"
    if entry.kind == INTEGER:
        low, high = condition.get("min"), condition.get("max")
        if low is not None and high is not None:
            span = str(low) if low == high else f"{low} to {high}"
        elif low is not None:
            span = f"{low} or more"
        else:
            span = f"{high} or less"
        return f"{entry.label}: {span}"
    return f"{entry.label}: {'yes' if condition['value'] else 'no'}"


def definition_text(definition: dict) -> dict[str, list[str]]:
    """{"within": [...], "where": [...]}: each part's conditions in words."""
    clean = definition_clean(definition)
    return {part: [condition_text(c) for c in clean[part]] for part in PARTS}
