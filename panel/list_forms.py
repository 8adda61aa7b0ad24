"""The filters of the Panel's lists of decisions and of letters, as GOV.UK forms whose answers
are `PanelDecisionFilter`'s and `ResponseLetterFilter`'s values."""

from django import forms

from safeguarding.filter_forms import (
    ANY,
    ListFilterForm,
    choices_of,
    filter_date_field,
    reference_field,
    region_field,
)

from .models import Outcome, ResponseLetter


class DecisionFilterForm(ListFilterForm):
    reference = reference_field()
    outcome = forms.ChoiceField(label="Decision", choices=ANY + Outcome.choices, required=False)
    partnership = forms.ChoiceField(label="Partnership", required=False)
    local_authority = forms.ChoiceField(label="Local authority", required=False)
    region = region_field()
    decided_from = filter_date_field("Decided on or after", "1/4/2024")
    decided_to = filter_date_field("Decided on or before")

    date_ranges = (("decided_from", "decided_to"),)

    def __init__(self, *args, partnerships, authorities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partnership"].choices = choices_of(partnerships, "code")
        self.fields["local_authority"].choices = choices_of(authorities, "ons_code")
        self.drop_single_choices("partnership", "local_authority")


class LetterFilterForm(ListFilterForm):
    reference = reference_field()
    status = forms.ChoiceField(
        label="Status", choices=ANY + ResponseLetter.Status.choices, required=False
    )
    partnership = forms.ChoiceField(label="Partnership", required=False)
    region = region_field()
    sent_from = filter_date_field("Sent on or after", "1/4/2024")
    sent_to = filter_date_field("Sent on or before")

    date_ranges = (("sent_from", "sent_to"),)

    def __init__(self, *args, partnerships, show_status: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partnership"].choices = choices_of(partnerships, "code")
        self.drop_single_choices("partnership")
        if not show_status:
            # Only the Panel sees letters that are not sent yet: nothing to choose between.
            del self.fields["status"]
