"""GOV.UK forms for the rapid review, generated from the section declarations and the model's
fields, so that a question is declared once."""

from datetime import date, timedelta

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size
from django import forms
from django.db import models

from safeguarding.dates import long_date
from safeguarding.fields import GovukChoiceField, GovukDateField
from safeguarding.filter_forms import (
    ANY,
    ListFilterForm,
    choices_of,
    filter_date_field,
    reference_field,
)
from safeguarding.forms import LongTextField, character_count
from safeguarding.limits import NARRATIVE_MAX_CHARS, REASON_MAX_CHARS
from safeguarding.selectors import local_authority_list, partnership_list
from safeguarding.workingdays import add_working_days

from . import codes, documents, rules
from .models import RapidReview
from .sections import Section

YES_NO = [("yes", "Yes"), ("no", "No")]


def _question(name: str) -> str:
    label = str(RapidReview._meta.get_field(name).verbose_name)
    return label[:1].upper() + label[1:]


def section_field_names(section: Section, review: RapidReview) -> tuple[str, ...]:
    names = list(rules.visible_fields(section, review))
    if section.key == "needs" and "mental_health_linked" not in names:
        # Asked alongside the condition it follows; cleared when there is no condition.
        names.append("mental_health_linked")
    return tuple(name for name in section.fields if name in names)


class ReviewSectionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, section: Section, review: RapidReview, **kwargs):
        super().__init__(*args, **kwargs)
        self.section = section
        layout = []
        for name in section_field_names(section, review):
            model_field = RapidReview._meta.get_field(name)
            if model_field.choices:
                self.fields[name] = forms.ChoiceField(
                    label=_question(name),
                    choices=model_field.choices,
                    widget=forms.RadioSelect,
                    required=False,
                )
                layout.append(Field.radios(name, legend_size=Size.SMALL))
            elif isinstance(model_field, models.IntegerField):
                self.fields[name] = forms.IntegerField(
                    label=_question(name),
                    required=False,
                    widget=forms.TextInput(attrs={"inputmode": "numeric"}),
                    error_messages={"invalid": "Age must be a whole number from 0 to 17"},
                )
                layout.append(Field.text(name, field_width=2))
            else:
                self.fields[name] = LongTextField(
                    max_length=NARRATIVE_MAX_CHARS,
                    label=_question(name),
                    required=False,
                    widget=forms.Textarea(attrs={"rows": 6}),
                )
                layout.append(character_count(self, name))
        if section.key == "needs":
            self.fields[
                "mental_health_linked"
            ].help_text = "Answer only if the child has a mental health condition."
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.render_hidden_fields = True
        self.helper.layout = Layout(*layout)

    def answers(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


class ThemesForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        layout = []
        for code, label in codes.LearningTheme.choices:
            core = code in codes.CORE_THEMES
            self.fields[f"{code}_present"] = forms.ChoiceField(
                label=f"{label}: does this feature in the review?",
                choices=YES_NO,
                widget=forms.RadioSelect,
                required=False,
                help_text="" if core else "Optional cross-cutting theme.",
            )
            self.fields[f"{code}_good_practice"] = forms.ChoiceField(
                label=f"{label}: was good practice identified?",
                choices=YES_NO,
                widget=forms.RadioSelect,
                required=False,
            )
            layout += [
                Field.radios(f"{code}_present", legend_size=Size.SMALL, inline=True),
                Field.radios(f"{code}_good_practice", legend_size=Size.SMALL, inline=True),
            ]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.render_hidden_fields = True
        self.helper.layout = Layout(*layout)

    def clean(self):
        data = super().clean()
        for code, label in codes.LearningTheme.choices:
            if data.get(f"{code}_good_practice") and not data.get(f"{code}_present"):
                self.add_error(f"{code}_present", f"Say whether '{label}' features in the review")
        if not self.errors:
            add_rule_errors(self, rules.themes_errors(self.themes()))
        return data

    def themes(self) -> dict[str, tuple[bool, bool]]:
        return {
            code: (
                self.cleaned_data[f"{code}_present"] == "yes",
                self.cleaned_data.get(f"{code}_good_practice") == "yes",
            )
            for code in codes.LearningTheme.values
            if self.cleaned_data.get(f"{code}_present")
        }


class SubmitReviewForm(forms.Form):
    accept_not_recorded = forms.BooleanField(
        label="I confirm the answers marked 'not recorded' are not recorded in the review",
        required=False,
    )

    def __init__(self, *args, warnings: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not warnings:
            del self.fields["accept_not_recorded"]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(*([Field.checkbox("accept_not_recorded")] if warnings else []))


class ReopenForm(forms.Form):
    reason = LongTextField(
        max_length=REASON_MAX_CHARS,
        label="Why is the review being reopened?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why the review is being reopened"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(character_count(self, "reason"))


class ShareForm(forms.Form):
    """The confirmation of sharing (or of no longer sharing) a review with DfE and Ofsted: the
    page's button sends the state wanted, so a second click or a colleague's change at the
    same moment is never undone by a toggle."""

    SHARE, STOP = "share", "stop"
    share = forms.ChoiceField(
        choices=[(SHARE, "Share"), (STOP, "Stop sharing")],
        error_messages={
            "required": "Choose whether to share the review",
            "invalid_choice": "Choose whether to share the review",
        },
    )


class ExtensionRequestForm(forms.Form):
    """A partnership lead's request for more time. The rules are the service's, run here too so
    that every problem on the page is shown at once."""

    reason = LongTextField(
        max_length=REASON_MAX_CHARS,
        label="Why do you need an extension?",
        help_text="The Panel secretariat reads this to decide. It is kept in the review's history.",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter why you need an extension"},
    )
    proposed_date = GovukDateField(
        subject="The proposed date",
        label="When will you send the rapid review to the Panel?",
    )

    def __init__(self, *args, due_date: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.due_date = due_date
        example = add_working_days(due_date, 10)
        self.fields["proposed_date"].help_text = (
            f"It is due on {long_date(due_date)}. Choose a working day after that. For "
            f"example, {example.day} {example.month} {example.year}"
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(character_count(self, "reason"), Field("proposed_date"))

    def clean(self):
        data = super().clean()
        errors = rules.extension_request_errors(
            reason=data.get("reason", ""),
            proposed_date=data.get("proposed_date"),
            due_date=self.due_date,
        )
        add_rule_errors(self, errors)
        return data


class ExtensionDecisionForm(forms.Form):
    decision = GovukChoiceField(
        subject="whether you approve or decline the extension",
        label="Do you approve the extension?",
        choices=[("approve", "Approve"), ("decline", "Decline")],
        widget=forms.RadioSelect,
    )
    new_due_date = GovukDateField(
        subject="The new due date",
        label="New due date (if you approve)",
        help_text="The date the partnership asked for, unless you change it. The original due "
        "date is kept as well.",
        required=False,
    )
    decision_reason = LongTextField(
        max_length=REASON_MAX_CHARS,
        label="Reason for your decision",
        help_text="Required if you decline. The partnership's leads will read it.",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )

    def __init__(self, *args, due_date: date, proposed_date: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.due_date = due_date
        self.proposed_date = proposed_date
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.radios("decision", legend_size=Size.MEDIUM, inline=True),
            Field("new_due_date"),
            character_count(self, "decision_reason"),
        )

    @property
    def approve(self) -> bool:
        return self.cleaned_data.get("decision") == "approve"

    def clean(self):
        data = super().clean()
        if data.get("decision"):
            errors = rules.extension_decision_errors(
                approve=self.approve,
                decision_reason=data.get("decision_reason", ""),
                new_due_date=data.get("new_due_date") or self.proposed_date,
                due_date=self.due_date,
            )
            add_rule_errors(self, errors)
        return data


def add_rule_errors(form: forms.Form, errors: dict[str, list[str]]) -> None:
    """Put a rule's messages next to their fields (or above the form), without repeating a
    field that already has an error."""
    for field, messages in errors.items():
        name = field if field in form.fields else None
        if name is not None and name in form.errors:
            continue
        for message in messages:
            form.add_error(name, message)


class ReviewDocumentForm(forms.Form):
    """The full review document. What the file is, and its size, is checked by the upload
    service (rapidreviews.documents), so the web page and the API apply the same rule."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    document = forms.FileField(
        label="Upload a file",
        # An empty file is the service's to refuse, with its message.
        allow_empty_file=True,
        error_messages={
            "required": "Select the full review document",
            "invalid": "Select the full review document",
            "missing": "Select the full review document",
        },
        # Only helps the browser's file picker; the content is what is checked.
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,.docx," + ",".join(documents.CONTENT_TYPES.values())}
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = documents.size_label(documents.document_max_bytes())
        self.fields["document"].help_text = f"PDF or Word (DOCX), up to {limit}"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.render_hidden_fields = True
        self.helper.layout = Layout(Field("document"))


class ReviewFindForm(ListFilterForm):
    """The filters any list of rapid reviews offers (a GET form for the filter panel): the
    SIN's reference, the partnership, authority and region (only those the user may see, and
    only when there is a choice), and the submission dates."""

    reference = reference_field("All or part of the SIN's reference")
    partnership = forms.ChoiceField(label="Partnership", required=False)
    local_authority = forms.ChoiceField(label="Local authority", required=False)
    region = forms.ChoiceField(label="Region", required=False)
    submitted_from = filter_date_field("Submitted on or after", "1/4/2024")
    submitted_to = filter_date_field("Submitted on or before", "31/3/2025")

    date_ranges = (("submitted_from", "submitted_to"),)

    def __init__(self, *args, authorities, partnerships, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partnership"].choices = choices_of(partnerships, "code")
        self.fields["local_authority"].choices = choices_of(authorities, "ons_code")
        regions = {la.region.code: la.region.name for la in authorities}
        self.fields["region"].choices = ANY + sorted(regions.items(), key=lambda item: item[1])
        self.drop_single_choices("partnership", "local_authority", "region")

    @classmethod
    def for_user(cls, data, *, user):
        return cls(
            data,
            authorities=local_authority_list(user=user),
            partnerships=partnership_list(user=user),
        )


class ReviewListFilterForm(ReviewFindForm):
    """The rapid review list's filters. "Due on or after/before" are the days included; the
    FilterSet's due_after/due_before leave them out, so a day is added either side."""

    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[
            ("", "Any"),
            ("not_started", "Not started"),
            ("drafting", "Drafting"),
            ("submitted", "Submitted"),
            ("due_soon", "Due soon"),
            ("overdue", "Overdue"),
        ],
    )
    due_from = filter_date_field("Due on or after", "1/4/2024")
    due_to = filter_date_field("Due on or before", "31/3/2025")
    extension_pending = forms.BooleanField(
        label="Only reviews with an extension request waiting", required=False
    )

    date_ranges = (*ReviewFindForm.date_ranges, ("due_from", "due_to"))
    # A FilterSet value the selector refused, shown next to the field the user typed it in.
    field_for_filter = {"due_after": "due_from", "due_before": "due_to"}
    field_order = [
        "reference",
        "status",
        "extension_pending",
        "partnership",
        "local_authority",
        "region",
        "due_from",
        "due_to",
        "submitted_from",
        "submitted_to",
    ]

    def filters(self) -> dict:
        values = super().filters()
        if "due_from" in values:
            values["due_after"] = values.pop("due_from") - timedelta(days=1)
        if "due_to" in values:
            values["due_before"] = values.pop("due_to") + timedelta(days=1)
        if values.get("extension_pending"):
            values["extension_pending"] = "true"
        return values
