"""The cohort builder's forms (GOV.UK, no JavaScript needed).

The whole cohort being built travels in the form: the year, then one row per condition
(`c<i>-part`, `c<i>-field`, `c<i>-or` and the row's answers), so that "Add condition" and
"Remove" are plain submit buttons that re-render the page with everything typed kept. A row
marked "or" joins the row above it in the same part into one "any of" group
(analytics.cohort_definitions). Rows are Django forms built for their field's kind, so errors
stand next to the field they are about.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fieldset, Layout, Size
from django import forms

from safeguarding.limits import id_or_none

from .cohort_definitions import (
    BOOLEAN,
    CHOICE,
    FIELDS,
    FIELDS_BY_NAME,
    INTEGER,
    PART_LABELS,
    PARTS,
    PRESETS,
    THEME,
    CohortField,
    condition_errors,
    definition_errors,
)
from .cohorts import SAMPLE_MAX

State = dict[str, list[str]]
ROW_FIELD = {CHOICE: "codes", THEME: "codes", INTEGER: "min", BOOLEAN: "value"}
YES_NO = [("yes", "Yes"), ("no", "No")]


def _first(state: State, key: str) -> str:
    values = state.get(key) or [""]
    return values[0]


def field_choices() -> list:
    """The "Add a condition" list: ready-made conditions, then every field by section."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for entry in FIELDS:
        groups.setdefault(entry.group, []).append((entry.name, entry.label))
    ready = [(f"preset:{key}", label) for key, (label, _) in PRESETS.items()]
    return [("", "Choose a field"), ("Ready-made conditions", ready), *groups.items()]


class CohortForm(forms.Form):
    """The cohort as a whole: its year, name and description, and the next condition to add."""

    year = forms.TypedChoiceField(
        label="Reporting year",
        help_text="1 April to 31 March, by incident date",
        coerce=int,
        error_messages={"required": "Choose the reporting year"},
    )
    add_part = forms.ChoiceField(
        label="Add it to",
        required=False,
        choices=[
            ("where", "Cohort criteria (the children the cohort is about)"),
            ("within", "Compared within (the population: for example an age band)"),
        ],
        widget=forms.RadioSelect,
    )
    add_field = forms.ChoiceField(label="Condition", required=False)
    add_or = forms.BooleanField(
        label="Or with the last condition of that part (any of them is enough)", required=False
    )
    sample_size = forms.IntegerField(
        label="Number of cases to sample",
        required=False,
        min_value=1,
        max_value=SAMPLE_MAX,
        error_messages={
            "min_value": f"Sample 1 to {SAMPLE_MAX} cases",
            "max_value": f"Sample 1 to {SAMPLE_MAX} cases",
            "invalid": "Enter the number of cases as a whole number",
        },
    )
    name = forms.CharField(label="Cohort name", required=False, max_length=200)
    description = forms.CharField(
        label="Description (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, years: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", "Choose a year"), *years]
        self.fields["add_field"].choices = field_choices()
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(Field.select("year"))


class ConditionForm(forms.Form):
    """One condition: the answers of one field, laid out for its kind."""

    def __init__(self, *args, entry: CohortField, part: str, joined: bool, index: int, **kwargs):
        super().__init__(*args, prefix=f"c{index}", **kwargs)
        self.entry, self.part, self.joined, self.index = entry, part, joined, index
        legend = f"{'Or ' if joined else ''}{entry.label}"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        if entry.kind in (CHOICE, THEME):
            self.fields["codes"] = forms.MultipleChoiceField(
                label=legend,
                help_text="Any of the answers you select",
                choices=entry.choices,
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )
            self.helper.layout = Layout(
                Field.checkboxes("codes", small=True, legend_size=Size.SMALL)
            )
        elif entry.kind == INTEGER:
            bounds = f"{entry.low} to {entry.high}"
            for bound, word in (("min", "Lowest"), ("max", "Highest")):
                self.fields[bound] = forms.IntegerField(
                    label=f"{word} ({bounds})",
                    required=False,
                    widget=forms.TextInput(attrs={"inputmode": "numeric"}),
                    error_messages={"invalid": f"Enter the {word.lower()} as a whole number"},
                )
            self.helper.layout = Layout(
                Fieldset(
                    Field.text("min", field_width=4),
                    Field.text("max", field_width=4),
                    legend=legend,
                    legend_size=Size.SMALL,
                )
            )
        else:
            self.fields["value"] = forms.ChoiceField(
                label=legend, choices=YES_NO, required=False, widget=forms.RadioSelect
            )
            self.helper.layout = Layout(
                Field.radios("value", inline=True, small=True, legend_size=Size.SMALL)
            )

    def condition(self) -> dict[str, Any]:
        """The condition as the definition language has it (from the answers as given)."""
        data = self.cleaned_data if self.is_bound else self.initial
        if self.entry.kind in (CHOICE, THEME):
            return {"field": self.entry.name, "codes": list(data.get("codes") or [])}
        if self.entry.kind == INTEGER:
            return {"field": self.entry.name, "min": data.get("min"), "max": data.get("max")}
        value = data.get("value")
        return {"field": self.entry.name, "value": {"yes": True, "no": False}.get(value, value)}

    def check(self) -> bool:
        """Validate, with the definition language's own message beside the field."""
        if not self.is_valid():
            return False
        errors = condition_errors(self.condition())
        for error in errors:
            self.add_error(ROW_FIELD[self.entry.kind], error)
        return not errors


@dataclass
class Row:
    part: str
    field: str
    joined: bool
    answers: dict[str, list[str]]


def rows_from_state(state: State) -> list[Row]:
    """The condition rows the form carries, in order; rows naming no known field are dropped."""
    rows = []
    count_text = _first(state, "condition_count")
    count = id_or_none(count_text) or 0
    for i in range(min(count, 100)):
        field = _first(state, f"c{i}-field")
        part = _first(state, f"c{i}-part")
        if field not in FIELDS_BY_NAME or part not in PARTS:
            continue
        answers = {key: state.get(f"c{i}-{key}", []) for key in ("codes", "min", "max", "value")}
        rows.append(Row(part, field, _first(state, f"c{i}-or") == "1", answers))
    return rows


def rows_state(rows: list[Row]) -> State:
    """The hidden inputs that carry `rows` (the answers travel in the rows' own inputs)."""
    state: State = {"condition_count": [str(len(rows))]}
    for i, row in enumerate(rows):
        state[f"c{i}-part"] = [row.part]
        state[f"c{i}-field"] = [row.field]
        state[f"c{i}-or"] = ["1" if row.joined else ""]
    return state


def rows_from_definition(definition: dict) -> list[Row]:
    rows = []
    for part in PARTS:
        for condition in definition.get(part, []):
            group = condition.get("any_of", [condition])
            for j, inner in enumerate(group):
                if inner.get("field") not in FIELDS_BY_NAME:
                    continue  # a field no longer offered: the builder leaves it out
                answers: dict[str, list[str]] = {}
                if "codes" in inner:
                    answers["codes"] = list(inner["codes"])
                for bound in ("min", "max"):
                    if inner.get(bound) is not None:
                        answers[bound] = [str(inner[bound])]
                if "value" in inner:
                    answers["value"] = ["yes" if inner["value"] else "no"]
                rows.append(Row(part, inner["field"], j > 0, answers))
    return rows


def rows_add(rows: list[Row], *, part: str, choice: str, joined: bool) -> list[Row]:
    """`rows` with the field or ready-made condition `choice` added at the end of `part`."""
    if choice.startswith("preset:"):
        _, condition = PRESETS[choice.removeprefix("preset:")]
        added = rows_from_definition({part: [condition]})
        if joined and added:
            added[0].joined = True
    else:
        added = [Row(part, choice, joined, {})]
    return rows + added


def condition_forms(rows: list[Row], *, bound: bool) -> list[ConditionForm]:
    forms_ = []
    for i, row in enumerate(rows):
        entry = FIELDS_BY_NAME[row.field]
        previous_same_part = any(r.part == row.part for r in rows[:i])
        joined = row.joined and previous_same_part
        kwargs: dict[str, Any] = {"entry": entry, "part": row.part, "joined": joined, "index": i}
        data = {f"c{i}-{key}": values for key, values in row.answers.items()}
        if bound:
            from django.utils.datastructures import MultiValueDict

            forms_.append(ConditionForm(MultiValueDict(data), **kwargs))
        else:
            initial: dict[str, Any] = {}
            for key, values in row.answers.items():
                if values:
                    initial[key] = values if key == "codes" else values[0]
            forms_.append(ConditionForm(initial=initial, **kwargs))
    return forms_


def definition_from_forms(year: int | None, forms_: list[ConditionForm]) -> dict:
    """The definition the (checked) condition forms describe."""
    parts: dict[str, list[list[dict]]] = {part: [] for part in PARTS}
    for form in forms_:
        groups = parts[form.part]
        if form.joined and groups:
            groups[-1].append(form.condition())
        else:
            groups.append([form.condition()])
    definition: dict[str, Any] = {"year": year}
    for part in PARTS:
        definition[part] = [g[0] if len(g) == 1 else {"any_of": g} for g in parts[part]]
    return definition


def whole_definition_errors(definition: dict) -> list[str]:
    """Problems of the definition as a whole (its rows' own problems are beside them)."""
    own = (*PART_LABELS.values(), "Choose the reporting year")
    return [error for error in definition_errors(definition) if not error.startswith(own)]
