"""GOV.UK forms for the LCSPR's steps. The rules are the services'; each form carries the
version of the LCSPR the user saw, so a change made from a stale page is refused."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size
from django import forms

from panel.models import Extent, Quality
from rapidreviews import documents
from rapidreviews.codes import LearningTheme
from safeguarding.fields import GovukChoiceField, GovukDateField
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

from . import services
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


class FinalReportUploadForm(VersionedForm):
    """The partnership's final report. What the file is, and its size, is checked by the
    upload service (the rapid review document's rules), so the page and the API agree. A
    replacement asks why (`replacing`)."""

    document = forms.FileField(
        label="Upload the final report",
        # An empty file is the service's to refuse, with its message.
        allow_empty_file=True,
        error_messages={
            "required": "Select the final report",
            "invalid": "Select the final report",
            "missing": "Select the final report",
        },
        # Only helps the browser's file picker; the content is what is checked.
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,.docx," + ",".join(documents.CONTENT_TYPES.values())}
        ),
    )
    reason = LongTextField(
        max_length=REASON_MAX_CHARS,
        label="Why are you replacing the final report?",
        help_text="The earlier version is kept. Your reason is kept in the LCSPR's history.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, replacing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        limit = documents.size_label(documents.document_max_bytes())
        self.fields["document"].help_text = f"PDF or Word (DOCX), up to {limit}"
        if not replacing:
            del self.fields["reason"]
        self.helper = _helper(
            Field("document"), *([character_count(self, "reason")] if replacing else [])
        )


def _scale_field(label: str, scale) -> GovukChoiceField:
    """A radio question on the Quality or Extent scale; its messages are the service's
    (`services.FEEDBACK_SCALES`), set by field name in the form."""
    return GovukChoiceField(
        subject="an answer", label=label, choices=scale.choices, widget=forms.RadioSelect
    )


class FeedbackForm(VersionedForm):
    """The Panel's structured feedback on the final report. The rules, and the messages of
    the answers the service checks, are the service's (`services.lcspr_feedback_record`)."""

    feedback_analysis_quality = _scale_field("How thorough was the analysis?", Quality)
    feedback_lived_experience = _scale_field(
        "How well did the report consider the child's lived experience?", Quality
    )
    feedback_race_ethnicity_culture = _scale_field(
        "How well did the report consider race, ethnicity and culture?", Quality
    )
    recommendations_smart = _scale_field(
        "Are the recommendations SMART (specific, measurable, achievable, relevant and "
        "time-bound)?",
        Extent,
    )
    child_voice_heard = _scale_field("Was the child's voice heard?", Extent)
    themes = forms.MultipleChoiceField(
        label="Which learning themes did the Panel identify?",
        help_text="Select all that apply.",
        choices=LearningTheme.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": services.THEMES_REQUIRED,
            "invalid_choice": services.THEMES_REQUIRED,
        },
    )
    considered_on = GovukDateField(
        subject=services.CONSIDERED_SUBJECT,
        label="When did the Panel consider the LCSPR?",
        help_text="Today or earlier, and not before the final report was received. For "
        "example, 27 3 2025",
    )
    feedback = LongTextField(
        max_length=NARRATIVE_MAX_CHARS,
        label="The Panel's feedback on the final report",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Enter the Panel's feedback"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, (_scale, message) in services.FEEDBACK_SCALES.items():
            self.fields[name].error_messages["required"] = message
            self.fields[name].error_messages["invalid_choice"] = message
        self.helper = _helper(
            *(
                Field.radios(name, legend_size=Size.SMALL, inline=True)
                for name in Lcspr.FEEDBACK_QUALITY_FIELDS
            ),
            Field.checkboxes("themes", legend_size=Size.SMALL, small=True),
            Field("considered_on"),
            character_count(self, "feedback"),
        )

    def answers(self) -> services.FeedbackAnswers:
        data = self.cleaned_data
        return services.FeedbackAnswers(
            quality={name: data[name] for name in Lcspr.FEEDBACK_QUALITY_FIELDS},
            themes=data["themes"],
            considered_on=data["considered_on"],
            feedback=data["feedback"],
        )

    @staticmethod
    def initial_for(lcspr: Lcspr, themes: list[str]) -> dict:
        """The form as the LCSPR's feedback stands (to correct it), at its version."""
        initial = {name: getattr(lcspr, name) for name in Lcspr.FEEDBACK_QUALITY_FIELDS}
        return {
            **initial,
            "themes": themes,
            "considered_on": lcspr.considered_on,
            "feedback": lcspr.panel_feedback,
            "version": lcspr.version,
        }


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
    awaiting_consideration = forms.BooleanField(
        label="Final report awaiting the Panel's consideration", required=False
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
