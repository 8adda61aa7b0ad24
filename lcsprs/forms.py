"""GOV.UK forms for the LCSPR's steps. The rules are the services'; each form carries the
version of the LCSPR the user saw, so a change made from a stale page is refused."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size
from django import forms

from safeguarding.fields import GovukDateField
from safeguarding.filter_forms import (
    ANY,
    ListFilterForm,
    choices_of,
    filter_date_field,
    reference_field,
    region_field,
)
from safeguarding.forms import LongTextField, character_count
from safeguarding.limits import NARRATIVE_MAX_CHARS, REASON_MAX_CHARS

from .models import Lcspr
from .timescales import PANEL_NOTICE_DAYS


def _helper(*fields) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.render_hidden_fields = True
    helper.layout = Layout(*fields)
    return helper


class VersionedForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class StartForm(VersionedForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class FinalReportForm(VersionedForm):
    """The Panel records that it received the final report (today, unless changed)."""

    received_on = GovukDateField(
        subject="The date the Panel received the final report",
        label="When did the Panel receive the final report?",
        help_text="Today or earlier. For example, 27 3 2025",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field("received_on"))


class NoticeConfirmedForm(VersionedForm):
    """Carries the planned date the user was warned about and chose to keep: the warning is
    confirmed for that date only, so a different date typed on the warning page is checked
    again."""

    notice_confirmed_for = forms.DateField(widget=forms.HiddenInput, required=False)

    def notice_confirmed(self, planned_on) -> bool:
        confirmed_for = self.cleaned_data.get("notice_confirmed_for")
        return confirmed_for is not None and confirmed_for == planned_on


class PlannedPublicationForm(NoticeConfirmedForm):
    planned_on = GovukDateField(
        subject="The planned publication date",
        label="When do you plan to publish the report?",
        help_text="Send the final report to the Panel at least 7 days before. For example, "
        "27 3 2025",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field("planned_on"))


class PublishForm(VersionedForm):
    published_on = GovukDateField(
        subject="The publication date", label="When was the report published?"
    )
    url = forms.URLField(
        label="Link to the published report",
        max_length=500,
        assume_scheme="https",
        error_messages={
            "required": "Enter the link to the published report",
            "invalid": "Enter a link in the correct format, like https://www.example.gov.uk/lcspr",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field("published_on"), Field.text("url"))


class FeedbackForm(VersionedForm):
    feedback = LongTextField(
        max_length=NARRATIVE_MAX_CHARS,
        label="The Panel's feedback on the final report",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Enter the Panel's feedback"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(character_count(self, "feedback"))


class CorrectDateForm(NoticeConfirmedForm):
    """Correct one of the LCSPR's dates, with a reason. `choices`: the dates the user may
    correct, each labelled with its current value."""

    which = forms.ChoiceField(
        label="Which date do you want to correct?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the date you want to correct",
            "invalid_choice": "Select the date you want to correct",
        },
    )
    new_date = GovukDateField(
        subject="The new date",
        label="What is the correct date?",
        help_text="For example, 27 3 2025",
    )
    reason = LongTextField(
        max_length=REASON_MAX_CHARS,
        label="Why are you correcting this date?",
        help_text="It is kept in the LCSPR's history.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why the date is being corrected"},
    )

    def __init__(self, *args, choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["which"].choices = choices
        self.helper = _helper(
            Field.radios("which", legend_size=Size.SMALL),
            Field("new_date"),
            character_count(self, "reason"),
        )


class CommissionForm(forms.Form):
    reason = LongTextField(
        max_length=REASON_MAX_CHARS,
        label="Why is the partnership now commissioning an LCSPR?",
        help_text="For example, the Panel's response to the rapid review. It is kept in the "
        "LCSPR's history.",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter why the partnership is commissioning an LCSPR"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(character_count(self, "reason"))


class LcsprFilterForm(ListFilterForm):
    """The LCSPR list's filters, as `selectors.LcsprFilter`'s values."""

    reference = reference_field()
    status = forms.ChoiceField(label="Status", choices=ANY + Lcspr.Status.choices, required=False)
    overdue = forms.BooleanField(label="Overdue", required=False)
    due_soon = forms.BooleanField(label="Due within a month", required=False)
    publishing_soon = forms.BooleanField(
        label=f"Publishing within {PANEL_NOTICE_DAYS} days", required=False
    )
    partnership = forms.ChoiceField(label="Partnership", required=False)
    region = region_field()
    due_from = filter_date_field("Due on or after", "1/4/2025")
    due_to = filter_date_field("Due on or before")

    date_ranges = (("due_from", "due_to"),)

    def __init__(self, *args, partnerships, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partnership"].choices = choices_of(partnerships, "code")
        self.drop_single_choices("partnership")
