"""FastSelect writes exactly the HTML Django's Select writes, without a template per option."""

import pytest
from django import forms
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from safeguarding.filter_forms import ListFilterForm
from safeguarding.widgets import FastSelect, fast_select_for

CHOICES = [
    ("", "Any"),
    ("E08000035", 'Leeds & <Bradford> "quoted"'),
    ("group", [("a", "Alpha"), ("b", "Beta")]),
    (3, "Three"),
]


# Without groups (how filter panels use it): written straight from the choices.
FLAT = [
    ("", "Any"),
    ("E08000035", 'Leeds & <Bradford> "quoted"'),
    ("a&b", mark_safe("<b>safe</b>")),
    (3, gettext_lazy("Three")),
    ("dup", "First"),
    ("dup", "Second"),
]


@pytest.mark.parametrize("choices", [CHOICES, FLAT], ids=["groups", "flat"])
@pytest.mark.parametrize("value", [None, "", "E08000035", "b", "3", "a&b", "dup", ["a", "b"]])
@pytest.mark.parametrize(
    "attrs", [None, {"class": "govuk-select", "id": "id_la", "aria-describedby": 'x "y"'}]
)
def test_the_html_is_djangos(choices, value, attrs):
    django_select = forms.Select(choices=choices)
    fast = FastSelect(choices=choices)
    assert fast.render("la", value, attrs) == django_select.render("la", value, attrs)


@pytest.mark.parametrize("value", [None, ["E08000035", "dup"]])
def test_a_multiple_select_is_djangos_too(value):
    django_select = forms.SelectMultiple(choices=FLAT)
    fast = FastSelect(choices=FLAT)
    fast.allow_multiple_selected = True
    assert fast.render("la", value) == django_select.render("la", value)


def test_required_and_disabled_attributes_are_written_as_django_does():
    attrs = {"required": True, "disabled": False, "data-x": 0}
    django_select = forms.Select(choices=CHOICES, attrs=attrs)
    fast = FastSelect(choices=CHOICES, attrs=attrs)
    assert fast.render("la", "a") == django_select.render("la", "a")


def test_list_filter_forms_use_it_and_keep_choices_set_later():
    class Filters(ListFilterForm):
        authority = forms.ChoiceField(required=False, choices=[("", "Any")])

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["authority"].choices = CHOICES

    form = Filters({"authority": "E08000035"})
    assert isinstance(form.fields["authority"].widget, FastSelect)
    html = str(form["authority"])
    assert '<option value="E08000035" selected>Leeds &amp; &lt;Bradford&gt;' in html
    assert form.is_valid(), form.errors


def test_the_copy_keeps_the_widgets_settings():
    widget = forms.Select(choices=CHOICES, attrs={"class": "x"})
    widget.is_required = True
    fast = fast_select_for(widget)
    assert (fast.attrs, list(fast.choices), fast.is_required) == (
        {"class": "x"},
        CHOICES,
        True,
    )


def test_a_filter_panel_draws_it_as_a_govuk_select():
    class Filters(ListFilterForm):
        authority = forms.ChoiceField(required=False, choices=CHOICES[:2])

    html = Filters().panel_html()
    assert '<select name="authority" class="govuk-select" id="id_authority">' in html
