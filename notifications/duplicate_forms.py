"""GOV.UK forms for deciding a possible duplicate (notifications.duplicates)."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size
from django import forms

from safeguarding.fields import GovukChoiceField
from safeguarding.forms import LongTextField, character_count
from safeguarding.limits import REASON_MAX_CHARS

from .models import PossibleDuplicate

DECISIONS = [
    (PossibleDuplicate.Status.SAME_INCIDENT.value, "Link them as the same incident"),
    (PossibleDuplicate.Status.DISMISSED.value, "Dismiss the match: they are different incidents"),
]


class DuplicateDecisionForm(forms.Form):
    decision = GovukChoiceField(
        subject="whether they are the same incident",
        label="Are these the same incident?",
        choices=DECISIONS,
        widget=forms.RadioSelect,
    )
    reason = LongTextField(
        max_length=REASON_MAX_CHARS,
        label="Reason for your decision",
        help_text="Kept with the decision and in the audit trail.",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the reason for your decision"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.radios("decision", legend_size=Size.MEDIUM),
            character_count(self, "reason"),
            Field("version"),
        )


class DuplicateReopenForm(forms.Form):
    reopen_reason = LongTextField(
        max_length=REASON_MAX_CHARS,
        label="Why are you reopening this decision?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why you are reopening the decision"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(character_count(self, "reopen_reason"), Field("version"))
