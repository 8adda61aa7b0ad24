"""GOV.UK forms for administrators' changes to organisations: moving a local authority to
another partnership, merging partnerships, and adding authorities and partnerships."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size
from django import forms
from django.forms.utils import ErrorDict

from .fields import GovukChoiceField, GovukDateField
from .models import Partnership, Region
from .moves import EFFECTIVE_DATE_MAX_DAYS_BACK, effective_date_problem


def _helper(*fields) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.label_size = Size.SMALL
    helper.layout = Layout(*fields)
    return helper


class MoveForm(forms.Form):
    """Where to and from when: the partnership to move to (or merge into), and the date the
    change takes effect."""

    to = GovukChoiceField(subject="the partnership", label="Partnership", widget=forms.Select)
    effective_on = GovukDateField(
        subject="The effective date",
        label="Effective date",
        help_text=(
            "The date the change took effect: today, or up to "
            f"{EFFECTIVE_DATE_MAX_DAYS_BACK} days ago. For example, 1 4 2026"
        ),
    )

    def __init__(self, *args, exclude: Partnership, label: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].label = label
        self.fields["to"].choices = [("", "Choose a partnership")] + [
            (p.code, p.name) for p in Partnership.objects.exclude(pk=exclude.pk).order_by("name")
        ]
        self.helper = _helper(Field("to"), Field("effective_on"))

    def clean_effective_on(self):
        effective_on = self.cleaned_data["effective_on"]
        problem = effective_date_problem(effective_on)
        if problem:
            raise forms.ValidationError(problem)
        return effective_on

    def clean_to(self):
        return Partnership.objects.get(code=self.cleaned_data["to"])


class LocalAuthorityForm(forms.Form):
    name = forms.CharField(
        label="Name", max_length=120, error_messages={"required": "Enter the name"}
    )
    ons_code = forms.CharField(
        label="ONS code",
        max_length=9,
        help_text="E and 8 digits, for example E06000066",
        error_messages={"required": "Enter the ONS code"},
    )
    dfe_code = forms.CharField(
        label="DfE LA code",
        max_length=3,
        help_text="3 digits, for example 941",
        error_messages={"required": "Enter the DfE LA code"},
    )
    region = GovukChoiceField(subject="the region", label="Region", widget=forms.Select)
    partnership = GovukChoiceField(
        subject="the partnership", label="Safeguarding partnership", widget=forms.Select
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", "Choose a region")] + [
            (r.code, r.name) for r in Region.objects.order_by("name")
        ]
        self.fields["partnership"].choices = [("", "Choose a partnership")] + [
            (p.code, p.name) for p in Partnership.objects.order_by("name")
        ]
        self.helper = _helper(
            Field.text("name"),
            Field.text("ons_code", field_width=10),
            Field.text("dfe_code", field_width=4),
            Field("region"),
            Field("partnership"),
        )

    def clean_region(self):
        return Region.objects.get(code=self.cleaned_data["region"])

    def clean_partnership(self):
        return Partnership.objects.get(code=self.cleaned_data["partnership"])


class PartnershipForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=200,
        help_text="For example, West Testshire Safeguarding Children Partnership",
        error_messages={"required": "Enter the name"},
    )
    code = forms.CharField(
        label="Code (optional)",
        max_length=80,
        required=False,
        help_text="Lower-case letters, digits and hyphens. Left blank, it is made from the name",
    )
    email = forms.EmailField(
        label="Shared e-mail address (optional)",
        required=False,
        help_text="Where the Panel's letters go",
        error_messages={"invalid": "Enter an e-mail address like team@example.org"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.text("name"), Field.text("code", field_width=20), Field.text("email")
        )


class ConfirmForm(forms.Form):
    """The check page's confirmation: what the administrator checked, carried in hidden
    fields, and `expected` (the partnership, or the authorities, the page showed), which
    tells whether someone changed them since."""

    to = forms.CharField(widget=forms.HiddenInput)
    effective_on = forms.DateField(widget=forms.HiddenInput)
    expected = forms.CharField(widget=forms.HiddenInput)

    INCOMPLETE = "The check page you confirmed was incomplete"

    def clean(self):
        """The hidden fields are the page's, not the user's, and a field error on one would
        show nowhere: any becomes the page's own error, in the error summary."""
        cleaned = super().clean()
        if any(name in self.fields for name in self._errors):
            self._errors = ErrorDict()
            self.add_error(None, self.INCOMPLETE)
        return cleaned
