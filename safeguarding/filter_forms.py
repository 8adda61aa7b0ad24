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

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fieldset, Layout, Size, Submit
from django import forms
from django.utils.functional import cached_property

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
    """ "Any" then each item by `key` (a code, never shown) and its name."""
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

    @cached_property
    def helper(self) -> FormHelper:
        # Built when rendered, so a subclass may add or drop fields in its __init__.
        helper = FormHelper()
        helper.form_method = "get"
        helper.label_size = Size.SMALL
        helper.layout = Layout(
            Fieldset(*(self._layout_field(name, field) for name, field in self.fields.items())),
            Submit("filter", "Apply filters", css_class="govuk-button--secondary"),
        )
        return helper

    @staticmethod
    def _layout_field(name: str, field: forms.Field):
        if isinstance(field, forms.BooleanField):
            return Field.checkbox(name, small=True)
        if isinstance(field, forms.ChoiceField):
            return Field.select(name)
        return Field.text(name)

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
        """The answers given, as the FilterSet's values, without any the user got wrong."""
        self.is_valid()
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if value not in (None, "", False) and name not in self.errors
        }


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
