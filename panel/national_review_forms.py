"""GOV.UK forms for national reviews: proposing a case for one, deciding a proposed case, and
moving a review along its statuses. The rules (a reason to decline, a title for a new review,
the link once published) are the services' (panel.national_reviews); the forms parse what was
typed."""

from __future__ import annotations

from collections.abc import Sequence

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fieldset, Layout, Size
from django import forms
from django.db.models import QuerySet

from rapidreviews.codes import LearningTheme
from safeguarding.fields import GovukDateField
from safeguarding.forms import LongTextField, character_count
from safeguarding.limits import REASON_MAX_CHARS

from .models import NationalReview

NEW = "new"
ACCEPT, DECLINE = "accept", "decline"


def _helper(*fields) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.render_hidden_fields = True
    helper.layout = Layout(*fields)
    return helper


class ProposeForm(forms.Form):
    national_review = forms.ChoiceField(
        label="Which national review?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose a national review, or a new one",
            "invalid_choice": "Choose a national review from the list, or a new one",
        },
    )
    title = forms.CharField(
        label="Title",
        max_length=200,
        required=False,
        help_text="For example, Children harmed by someone outside the family",
    )
    theme = LongTextField(
        max_length=REASON_MAX_CHARS,
        label="Theme",
        required=False,
        help_text="What the review will look at, in the Panel's words",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    learning_theme = forms.ChoiceField(
        label="Main learning theme (optional)",
        required=False,
        choices=[("", "None")] + LearningTheme.choices,
        help_text="The theme code it is counted under in the Panel's analyses",
        error_messages={"invalid_choice": "Choose a learning theme from the list"},
    )
    reason = LongTextField(
        max_length=REASON_MAX_CHARS,
        label="Why should this case be part of the review?",
        help_text="In the Panel's own words. The secretariat reads this when they decide.",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter why the Panel proposes this case for a national review"},
    )

    def __init__(self, *args, reviews: QuerySet[NationalReview], **kwargs):
        super().__init__(*args, **kwargs)
        self.reviews = {str(review.pk): review for review in reviews}
        self.fields["national_review"].choices = [
            (pk, f"{review.title} ({review.get_status_display().lower()})")
            for pk, review in self.reviews.items()
        ] + [(NEW, "A new national review")]
        self.helper = _helper(
            Field.radios("national_review", legend_size=Size.MEDIUM, small=True),
            Fieldset(
                Field.text("title"),
                character_count(self, "theme"),
                Field.select("learning_theme"),
                legend="If it is a new national review",
                legend_size=Size.SMALL,
            ),
            character_count(self, "reason"),
        )

    def chosen_review(self) -> NationalReview | None:
        """The existing review chosen, or None for a new one."""
        return self.reviews.get(self.cleaned_data["national_review"])


class CaseDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Your decision",
        widget=forms.RadioSelect,
        choices=[
            (ACCEPT, "Accept the case into the national review"),
            (DECLINE, "Decline the case"),
        ],
        error_messages={"required": "Choose whether to accept or decline the case"},
    )
    reason = LongTextField(
        max_length=REASON_MAX_CHARS,
        label="Reason",
        required=False,
        help_text="Required to decline. Whoever proposed the case is told.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.radios("decision", legend_size=Size.MEDIUM),
            character_count(self, "reason"),
        )


class StatusForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    target = forms.ChoiceField(
        label="What has happened?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose what has happened to the review",
            "invalid_choice": "Choose one of the steps listed",
        },
    )
    reason = LongTextField(
        max_length=REASON_MAX_CHARS,
        label="Reason for declining",
        required=False,
        help_text="Only when declining. Whoever proposed the review is told.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    published_on = GovukDateField(
        subject="The date published",
        label="Date published",
        required=False,
        help_text="Only when recording publication. For example, 12 1 2027",
    )
    published_url = forms.URLField(
        label="Link to the published review",
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text="Only when recording publication",
        error_messages={"invalid": "Enter the link as a web address, like https://www.gov.uk/…"},
    )

    def __init__(self, *args, steps: Sequence[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = list(steps)
        self.helper = _helper(
            Field.radios("target", legend_size=Size.MEDIUM),
            character_count(self, "reason"),
            Field("published_on"),
            Field.text("published_url"),
        )


ALL_CASES, SAMPLE = "all", "sample"


def _cohort_label(cohort) -> str:
    """ "Name (2023 to 2024; a sample of 10)": its reporting year, when the definition has one."""
    year = cohort.definition.get("year") if isinstance(cohort.definition, dict) else None
    parts = [f"{year} to {year + 1}"] if isinstance(year, int) else []
    if cohort.sample_size:
        parts.append(f"a sample of {cohort.sample_size}")
    return f"{cohort.name} ({'; '.join(parts)})" if parts else cohort.name


class CohortCasesForm(forms.Form):
    """Take the cases of a saved cohort (analytics.cohorts) into a national review: all of
    them, or the cohort's stored sample (Appendix E's way of choosing cases to read)."""

    cohort = forms.ChoiceField(
        label="Which saved cohort?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose a saved cohort",
            "invalid_choice": "Choose a saved cohort from the list",
        },
    )
    which = forms.ChoiceField(
        label="Which of its cases?",
        widget=forms.RadioSelect,
        choices=[
            (ALL_CASES, "Every case in the cohort"),
            (SAMPLE, "Only the cohort's sample"),
        ],
        error_messages={"required": "Choose every case in the cohort or only its sample"},
    )
    reason = LongTextField(
        max_length=REASON_MAX_CHARS,
        label="Why should these cases be part of the review?",
        help_text="In the Panel's own words. It is recorded against every case added.",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter why the Panel adds these cases to the review"},
    )

    def __init__(self, *args, cohorts, **kwargs):
        super().__init__(*args, **kwargs)
        self.cohorts = {str(cohort.pk): cohort for cohort in cohorts}
        self.fields["cohort"].choices = [
            (pk, _cohort_label(cohort)) for pk, cohort in self.cohorts.items()
        ]
        self.helper = _helper(
            Field.radios("cohort", legend_size=Size.MEDIUM, small=True),
            Field.radios("which", legend_size=Size.SMALL, small=True),
            character_count(self, "reason"),
        )

    def clean(self):
        data = super().clean()
        cohort = self.chosen_cohort()
        if cohort is not None and data.get("which") == SAMPLE and not cohort.sample_size:
            self.add_error(
                "which",
                f"“{cohort.name}” has no sample: draw one on the cohort's page, or choose every "
                "case",
            )
        return data

    def chosen_cohort(self):
        return self.cohorts.get(self.cleaned_data.get("cohort", ""))
