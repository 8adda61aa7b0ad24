"""The GOV.UK error summary's links, for every form the service renders.

crispy-forms-gds links each error to the field's `auto_id`, which no element carries for a
radio group or a set of checkboxes (their inputs are `id_<name>_1`, `id_<name>_2`…) and which
is a `<div>` for a date input, so the link moves focus nowhere. Here each link points at the
first input a user can type in or choose: the first radio or checkbox, the date's day box (or
its first empty box when the date is part-filled), the input, select or textarea otherwise.
govuk-frontend's ErrorSummary then focuses it and scrolls its legend or label into view.
"""

from django import forms, template

register = template.Library()


def _first_empty_part(bound_field: forms.BoundField) -> int:
    """The box of a part-filled multi-box input (a date) a user should fill first, else 0."""
    if not bound_field.form.is_bound:
        return 0
    value = bound_field.field.widget.value_from_datadict(
        bound_field.form.data, bound_field.form.files, bound_field.html_name
    )
    if not isinstance(value, list | tuple) or not any(value):
        return 0
    return next((index for index, part in enumerate(value) if not part), 0)


@register.filter
def error_target(bound_field: forms.BoundField) -> str:
    """The id of the first focusable input of a field, for an error summary link."""
    widget = bound_field.field.widget
    if isinstance(widget, forms.RadioSelect):
        # RadioSelect and CheckboxSelectMultiple: crispy-forms-gds numbers their inputs from 1.
        return f"id_{bound_field.html_name}_1"
    if isinstance(widget, forms.MultiWidget):
        return f"{bound_field.auto_id}_{_first_empty_part(bound_field)}"
    return bound_field.id_for_label or bound_field.auto_id


@register.filter
def error_links(form: forms.BaseForm) -> list[tuple[str, str]]:
    """(target id, message) for every error of the form, in the order of its fields; errors
    that belong to no visible field (the form's own, a hidden field's) go first and point at
    the first field."""
    visible = form.visible_fields()
    first = error_target(visible[0]) if visible else ""
    links = [(first, error) for error in form.non_field_errors()]
    links += [(first, error) for field in form.hidden_fields() for error in field.errors]
    links += [(error_target(field), error) for field in visible for error in field.errors]
    return links
