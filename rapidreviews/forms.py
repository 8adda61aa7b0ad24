"""GOV.UK forms for the rapid review, generated from the section declarations and the model's
fields, so that a question is declared once."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size
from django import forms
from django.db import models

from . import codes, rules
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
                self.fields[name] = forms.CharField(
                    label=_question(name),
                    required=False,
                    widget=forms.Textarea(attrs={"rows": 6}),
                )
                layout.append(Field.textarea(name))
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
    reason = forms.CharField(
        label="Why is the review being reopened?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why the review is being reopened"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(Field.textarea("reason"))
