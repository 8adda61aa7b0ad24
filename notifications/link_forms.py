"""The forms of linked cases (notifications.links): linking the case to another, removing a
link."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size
from django import forms

from safeguarding.forms import LongTextField, character_count
from safeguarding.limits import REASON_MAX_CHARS

from .models import LinkKind


class LinkedCaseAddForm(forms.Form):
    reference = forms.CharField(
        label="Reference of the other case",
        help_text="For example, SIN-2024-000123",
        max_length=20,
        error_messages={
            "required": "Enter the reference of a case you can see",
            "max_length": "Enter the reference of a case you can see",
        },
    )
    kind = forms.ChoiceField(
        label="How are the cases linked?",
        choices=LinkKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the kind of link"},
    )
    reason = LongTextField(
        max_length=REASON_MAX_CHARS,
        label="Why are they linked?",
        help_text="Readers of both cases who may see the other case will see this.",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the reason for linking the cases"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.label_size = Size.SMALL
        self.helper.layout = Layout(
            Field.text("reference", field_width=10),
            Field.radios("kind", legend_size=Size.SMALL),
            character_count(self, "reason"),
        )


class LinkedCaseRemoveForm(forms.Form):
    reason = LongTextField(
        max_length=REASON_MAX_CHARS,
        label="Why are you removing the link?",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the reason for removing the link"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.label_size = Size.SMALL
        self.helper.layout = Layout(character_count(self, "reason"))
