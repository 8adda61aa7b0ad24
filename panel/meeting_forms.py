"""GOV.UK forms for Panel meetings: scheduling or changing one, cancelling it, adding reviews
to its agenda. The rules (not in the past, attendees active Panel members) are the services';
the forms parse what was typed."""

from __future__ import annotations

import re
from datetime import time

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size
from django import forms
from django.db.models import QuerySet

from rapidreviews.models import RapidReview
from safeguarding.fields import GovukDateField
from safeguarding.forms import LongTextField, character_count
from safeguarding.limits import REASON_MAX_CHARS
from safeguarding.models import User

from .meeting_services import MeetingDetails

_TIME = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")


class TimeTextField(forms.CharField):
    """A time typed as 24-hour hours and minutes: "10:30", "14.00"."""

    def __init__(self, **kwargs):
        super().__init__(max_length=5, **kwargs)
        self.error_messages["required"] = "Enter the start time"

    def clean(self, value):
        value = super().clean(value)
        match = _TIME.match(value or "")
        if not match:
            raise forms.ValidationError("Enter the start time as hours and minutes, like 10:30")
        hours, minutes = int(match.group(1)), int(match.group(2))
        if hours > 23 or minutes > 59:
            raise forms.ValidationError("Start time must be a real time, like 10:30 or 14:00")
        return time(hours, minutes)


class AttendeeChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.username


class MeetingForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    title = forms.CharField(
        label="Kind of meeting",
        max_length=200,
        initial="Panel meeting",
        error_messages={"required": "Enter the kind of meeting, for example Panel meeting"},
    )
    date = GovukDateField(
        subject="Date of the meeting",
        label="Date of the meeting",
        help_text="For example, 12 1 2027",
    )
    start_time = TimeTextField(label="Start time", help_text="24-hour clock, for example 10:30")
    location = forms.CharField(
        label="Where",
        max_length=200,
        help_text="A room and building, or Online",
        error_messages={"required": "Enter where the meeting is, for example a room or Online"},
    )
    attendees = AttendeeChoiceField(
        label="Members attending",
        required=False,
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Active Panel members. Each is told in their inbox and by e-mail.",
        error_messages={"invalid_choice": "Attendees must be active Panel members"},
    )

    def __init__(self, *args, members: QuerySet[User], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = members
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.render_hidden_fields = True
        self.helper.layout = Layout(
            Field.text("title", field_width=20),
            Field("date"),
            Field.text("start_time", field_width=5),
            Field.text("location", field_width=20),
            Field.checkboxes("attendees", legend_size=Size.SMALL, small=True),
        )

    def details(self) -> MeetingDetails:
        data = self.cleaned_data
        return MeetingDetails(
            title=data["title"],
            date=data["date"],
            start_time=data["start_time"],
            location=data["location"],
            attendees=list(data["attendees"]),
        )


class MeetingCancelForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = LongTextField(
        max_length=REASON_MAX_CHARS,
        label="Why is the meeting cancelled?",
        help_text="The members attending are told, with this reason.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why the meeting is cancelled"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.render_hidden_fields = True
        self.helper.layout = Layout(character_count(self, "reason"))


class ReviewChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: RapidReview) -> str:
        submitted = f"{obj.submitted_at:%-d %B %Y}" if obj.submitted_at else "not submitted"
        return f"{obj.notification.reference}: {obj.partnership}, submitted {submitted}"


class AgendaAddForm(forms.Form):
    reviews = ReviewChoiceField(
        label="Rapid reviews to add",
        queryset=RapidReview.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Submitted reviews without a Panel decision, the longest waiting first.",
        error_messages={
            "required": "Select at least one rapid review to add",
            "invalid_choice": "Select rapid reviews from the list",
            "invalid_pk_value": "Select rapid reviews from the list",
        },
    )

    def __init__(self, *args, candidates: QuerySet[RapidReview], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviews"].queryset = candidates
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.checkboxes("reviews", legend_size=Size.MEDIUM, small=True)
        )
