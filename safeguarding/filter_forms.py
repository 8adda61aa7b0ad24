"""The GOV.UK side of a list's filters: a GET form whose answers become the values of the
list's `FilterSet` (in the app's selectors), so the page and the API filter alike.

A list's form declares its fields (dates with `filter_date_field`, so 31/3/2025 is understood),
names its date ranges in `date_ranges` (checked in order), and the view passes
`form.filters()` to the selector: a filter the user got wrong is shown as an error and left
out, the others still apply.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django import forms
from django.db.models import QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .codes import RegionCode
from .dates import validate_date_in_service_range
from .filters import FilterInvalid
from .forms import form_add_errors
from .widgets import fast_select_for

T = TypeVar("T")

ANY = [("", "Any")]


def filter_date_field(label: str, example: str = "31/3/2025") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        help_text=f"For example, {example}",
        validators=[validate_date_in_service_range],
        error_messages={"invalid": f"Enter a date, like {example}"},
    )


def reference_field(help_text: str = "All or part of it, for example SIN-2024") -> forms.CharField:
    # As long as the API's `reference` filters allow.
    return forms.CharField(
        label="Reference",
        required=False,
        max_length=20,
        help_text=help_text,
        error_messages={"max_length": "Reference must be 20 characters or fewer"},
    )


def region_field() -> forms.ChoiceField:
    return forms.ChoiceField(label="Region", choices=ANY + RegionCode.choices, required=False)


def choices_of(items: Iterable[Any], key: str) -> list[tuple[str, str]]:
    """ "Any" then each item by `key` (a code, never shown) and its name (an authority's or a
    partnership's `str`). A queryset is read as the two columns only, not as model objects."""
    if isinstance(items, QuerySet):
        return ANY + list(items.values_list(key, "name"))
    return ANY + [(getattr(item, key), str(item)) for item in items]


class ListFilterForm(forms.Form):
    """Filters a list (GET). Subclasses set `date_ranges` as (start field, end field) pairs,
    and `field_for_filter` where a FilterSet value comes from a field of another name (so a
    value the selector refuses is shown next to the field the user typed it in)."""

    date_ranges: tuple[tuple[str, str], ...] = ()
    field_for_filter: dict[str, str] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if type(field.widget) is forms.Select:
                # The same HTML without a template per option (authorities, partnerships).
                field.widget = fast_select_for(field.widget)
            if isinstance(field, forms.ChoiceField):
                # A value not offered (another partnership's code, say) is refused in words.
                label = str(field.label).lower()
                field.error_messages["invalid_choice"] = f"Choose a {label} from the list"

    def drop_single_choices(self, *names: str) -> None:
        """Leave out these choice fields where the user has nothing to choose between ("Any"
        and one organisation, say): a choice of one filters nothing."""
        for name in names:
            if len(self.fields[name].choices) <= 2:
                del self.fields[name]

    def panel_html(self) -> SafeString:
        """The form as GOV.UK markup, its fields in order and an "Apply filters" button. Written
        here rather than by crispy-forms-gds, which renders each field through half a dozen
        templates: about a quarter of a list page's time (issue 14). Each field has its label,
        hint and errors, the error classes on its group and input, and `aria-describedby`
        naming the hint and errors; what the user typed stays in the fields."""
        parts = ['<form method="get">', '<fieldset class="govuk-fieldset">']
        parts += [_field_html(bound) for bound in self]
        parts.append(
            '</fieldset><button type="submit" name="filter" value="Apply filters"'
            ' class="govuk-button govuk-button--secondary" data-module="govuk-button"'
            ' id="submit-id-filter">Apply filters</button></form>'
        )
        return mark_safe("".join(parts))  # noqa: S308 (every part escaped in _field_html)

    def clean(self) -> dict:
        data = super().clean()
        for start_name, end_name in self.date_ranges:
            start, end = data.get(start_name), data.get(end_name)
            if start and end and end < start:
                start_label = self.fields[start_name].label
                end_label = self.fields[end_name].label
                self.add_error(
                    end_name, f"{end_label} must be the same as or after {start_label.lower()}"
                )
        return data

    def filters(self) -> dict[str, Any]:
        """The answers given, as the FilterSet's values, without any the user got wrong (and
        without either end of a date range that has an error: half a range is not what was
        asked for)."""
        self.is_valid()
        wrong = set(self.errors)
        for start_name, end_name in self.date_ranges:
            if {start_name, end_name} & wrong:
                wrong |= {start_name, end_name}
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if value not in (None, "", False) and name not in wrong
        }


# The input's class, and its error modifier, by the kind of field (ListFilterForm's four).
_INPUT_CLASSES = {
    "select": ("govuk-select", "govuk-select--error"),
    "text": ("govuk-input", "govuk-input--error"),
}


def _field_html(bound: forms.BoundField) -> str:
    """One filter field as a GOV.UK form group (ListFilterForm.panel_html)."""
    field = bound.field
    field_id = bound.auto_id
    errors = list(bound.errors)
    group_class = "govuk-form-group govuk-form-group--error" if errors else "govuk-form-group"
    error_ids = [f"{field_id}_{n}_error" for n in range(1, len(errors) + 1)]
    error_html = "".join(
        f'<p id="{error_id}" class="govuk-error-message">'
        f'<span class="govuk-visually-hidden">Error:</span> {escape(message)}</p>'
        for error_id, message in zip(error_ids, errors, strict=True)
    )
    if isinstance(field, forms.BooleanField):
        attrs = {"class": "govuk-checkboxes__input"}
        if errors:
            attrs["aria-describedby"] = " ".join(error_ids)
        return (
            f'<div id="div_{field_id}" class="{group_class}">{error_html}'
            '<div class="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes">'
            f'<div class="govuk-checkboxes__item">{bound.as_widget(attrs=attrs)}'
            f'<label class="govuk-label govuk-checkboxes__label" for="{field_id}">'
            f"{escape(field.label)}</label></div></div></div>"
        )
    hint_html, described_by = "", []
    if field.help_text:
        hint_html = f'<div id="{field_id}_hint" class="govuk-hint">{escape(field.help_text)}</div>'
        described_by.append(f"{field_id}_hint")
    described_by += error_ids
    kind = "select" if isinstance(field, forms.ChoiceField) else "text"
    css, error_css = _INPUT_CLASSES[kind]
    attrs = {"class": f"{css} {error_css}" if errors else css}
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    if errors:
        attrs["aria-invalid"] = "true"
    return (
        f'<div id="div_{field_id}" class="{group_class}">'
        f'<label for="{field_id}" class="govuk-label govuk-label--s">{escape(field.label)}</label>'
        f"{hint_html}{error_html}{bound.as_widget(attrs=attrs)}</div>"
    )


def filtered_list(form: ListFilterForm, select: Callable[[dict[str, Any]], T]) -> tuple[dict, T]:
    """(filters, `select(filters)`) with the form's filters. Should the list's FilterSet still
    refuse one the form let through, its message goes next to the field and the list is shown
    without filters rather than fail."""
    filters = form.filters() if form.is_bound else {}
    try:
        return filters, select(filters)
    except FilterInvalid as exc:
        errors = {form.field_for_filter.get(k, k): v for k, v in exc.errors.items()}
        form_add_errors(form, {k: v for k, v in errors.items() if k in form.fields})
        return {}, select({})


class InboxFilterForm(ListFilterForm):
    """The inbox's filters, as `selectors.InboxFilter`'s values."""

    subject = forms.CharField(
        label="Subject contains",
        required=False,
        max_length=200,
        error_messages={"max_length": "Subject must be 200 characters or fewer"},
    )
    unread = forms.BooleanField(label="Unread only", required=False)
    received_from = filter_date_field("Received on or after", "1/4/2025")
    received_to = filter_date_field("Received on or before")

    date_ranges = (("received_from", "received_to"),)
