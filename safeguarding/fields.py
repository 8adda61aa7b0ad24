"""Form fields the GOV.UK way, shared by every app's forms."""

from datetime import date

from crispy_forms_gds.fields import DateInputField
from django import forms
from django.core.exceptions import ValidationError

from .dates import date_window_error


class GovukDateField(DateInputField):
    """A GOV.UK date input (day, month, year boxes) whose errors name the date and say what is
    wrong, as the Design System asks: "Date of the incident must include a month",
    "… must be a real date". `subject` is how the date is named in messages."""

    def __init__(self, *, subject: str, required: bool = True, **kwargs):
        self.subject = subject
        super().__init__(required=required, require_all_fields=False, **kwargs)
        self.error_messages["required"] = f"Enter {subject.lower()}"
        for part, name in zip(self.fields, ("day", "month", "year"), strict=True):
            part.required = True
            part.error_messages["incomplete"] = f"{subject} must include a {name}"
            part.validators = []

    def clean(self, value):
        if isinstance(value, list | tuple):
            value = [str(v).strip() if v is not None else "" for v in value]
            filled = [v for v in value if v]
            if filled and not all(v.isdigit() for v in filled):
                raise ValidationError(f"{subject_sentence(self.subject)} must be a real date")
            if len(value) == 3 and value[2] and len(value[2]) != 4:
                raise ValidationError(f"{self.subject} year must include 4 numbers")
        return super().clean(value)

    def compress(self, data_list):
        day, month, year = data_list
        if not (day and month and year):
            return None
        try:
            value = date(day=int(day), month=int(month), year=int(year))
        except ValueError as exc:
            raise ValidationError(f"{self.subject} must be a real date") from exc
        # Each kind of date has its own window in its app's rules; this one only refuses what
        # no date in the service can be (0001, 9999).
        error = date_window_error(value, subject=self.subject)
        if error:
            raise ValidationError(error)
        return value


def subject_sentence(subject: str) -> str:
    return subject[:1].upper() + subject[1:]


class GovukChoiceField(forms.ChoiceField):
    """A ChoiceField whose 'required' message follows the GOV.UK pattern "Select …"."""

    def __init__(self, *, subject: str, **kwargs):
        super().__init__(**kwargs)
        self.error_messages["required"] = f"Select {subject}"
