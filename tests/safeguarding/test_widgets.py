"""FastSelect writes exactly the HTML Django's Select writes, without a template per option."""

import pytest
from django import forms

from safeguarding.filter_forms import ListFilterForm
from safeguarding.widgets import FastSelect, fast_select_for

CHOICES = [
    ("", "Any"),
    ("E08000035", 'Leeds & <Bradford> "quoted"'),
    ("group", [("a", "Alpha"), ("b", "Beta")]),
    (3, "Three"),
]


@pytest.mark.parametrize("value", [None, "", "E08000035", "b", "3", ["a", "b"]])
@pytest.mark.parametrize(
    "attrs", [None, {"class": "govuk-select", "id": "id_la", "aria-describedby": "x y"}]
)
def test_the_html_is_djangos(value, attrs):
    django_select = forms.Select(choices=CHOICES)
    fast = FastSelect(choices=CHOICES)
    assert fast.render("la", value, attrs) == django_select.render("la", value, attrs)


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
    from django.template import Context, Template

    class Filters(ListFilterForm):
        authority = forms.ChoiceField(required=False, choices=CHOICES[:2])

    html = Template("{% load crispy_forms_tags %}{% crispy form %}").render(
        Context({"form": Filters()})
    )
    assert '<select name="authority" class="govuk-select"' in html
