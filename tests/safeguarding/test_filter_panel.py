"""A list's filter panel (ListFilterForm.panel_html): GOV.UK form groups with labels, hints and
errors tied to their inputs, and what the user typed kept."""

import re
from datetime import date

from django import forms

from safeguarding.filter_forms import ListFilterForm, filter_date_field, reference_field


class Filters(ListFilterForm):
    reference = reference_field()
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Any"), ("open", "Open & <new>")]
    )
    overdue = forms.BooleanField(label="Overdue only", required=False)
    due_from = filter_date_field("Due on or after")
    due_to = filter_date_field("Due on or before")

    date_ranges = (("due_from", "due_to"),)


def group(html: str, name: str) -> str:
    """The form group of field `name`."""
    match = re.search(
        rf'<div id="div_id_{name}" class="[^"]*">.*?</div>(?=<div id="div_|</fieldset)',
        html,
        re.S,
    )
    assert match, name
    return match.group(0)


def test_an_empty_panel_labels_every_field_and_ties_hints_to_inputs():
    html = Filters().panel_html()
    assert html.startswith('<form method="get"><fieldset class="govuk-fieldset">')
    for name, label in [
        ("reference", "Reference"),
        ("status", "Status"),
        ("due_from", "Due on or after"),
    ]:
        assert f'<label for="id_{name}" class="govuk-label govuk-label--s">{label}</label>' in html
    reference = group(html, "reference")
    assert (
        '<div id="id_reference_hint" class="govuk-hint">'
        "All or part of it, for example SIN-2024</div>" in reference
    )
    assert 'aria-describedby="id_reference_hint"' in reference
    assert 'class="govuk-input"' in reference and "error" not in reference
    assert '<option value="open">Open &amp; &lt;new&gt;</option>' in group(html, "status")
    overdue = group(html, "overdue")
    assert (
        '<input type="checkbox" name="overdue" class="govuk-checkboxes__input" id="id_overdue">'
        in overdue
    )
    assert (
        '<label class="govuk-label govuk-checkboxes__label" for="id_overdue">Overdue only</label>'
        in overdue
    )
    assert 'name="filter" value="Apply filters"' in html and html.endswith("</button></form>")


def test_errors_sit_next_to_their_fields_and_keep_what_was_typed():
    form = Filters(
        {
            "reference": "X" * 30,
            "status": "closed",
            "overdue": "on",
            "due_from": "soon",
            "due_to": "1/1/2025",
        }
    )
    assert not form.is_valid()
    html = form.panel_html()

    reference = group(html, "reference")
    assert 'class="govuk-form-group govuk-form-group--error"' in reference
    assert (
        '<p id="id_reference_1_error" class="govuk-error-message">'
        '<span class="govuk-visually-hidden">Error:</span>'
        " Reference must be 20 characters or fewer</p>"
    ) in reference
    assert 'aria-describedby="id_reference_hint id_reference_1_error"' in reference
    assert (
        'class="govuk-input govuk-input--error"' in reference and 'aria-invalid="true"' in reference
    )
    assert f'value="{"X" * 30}"' in reference

    status = group(html, "status")
    assert "Choose a status from the list" in status
    assert 'class="govuk-select govuk-select--error"' in status

    due_from = group(html, "due_from")
    assert "Enter a date, like 31/3/2025" in due_from and 'value="soon"' in due_from
    assert 'value="1/1/2025"' in group(html, "due_to")
    assert "checked" in group(html, "overdue")


def test_a_range_the_wrong_way_round_is_left_out_whole():
    form = Filters({"due_from": "1/6/2024", "due_to": "1/5/2024", "overdue": "on"})
    assert form.filters() == {"overdue": True}
    assert "Due on or before must be the same as or after due on or after" in group(
        form.panel_html(), "due_to"
    )
    assert Filters({"due_from": "1/5/2024"}).filters() == {"due_from": date(2024, 5, 1)}
