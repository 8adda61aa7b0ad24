"""GOV.UK forms for the SIN journey. Forms only parse what was typed; the rules live in
`rules.py` and are applied by the services, whose errors the views put next to the fields."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size
from django import forms
from django.utils import timezone

from safeguarding.codes import Reason, RegionCode, Sex
from safeguarding.dates import validate_date_in_service_range
from safeguarding.fields import GovukDateField
from safeguarding.filter_forms import ListFilterForm, choices_of
from safeguarding.forms import LongTextField, character_count
from safeguarding.limits import NARRATIVE_MAX_CHARS, REASON_MAX_CHARS

from . import rules
from .models import AbuseOrNeglect, Notification, Withdrawal

YES_NO = [("yes", "Yes"), ("no", "No")]


def yes_no_to_bool(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


def bool_to_yes_no(value: bool | None) -> str:
    return {True: "yes", False: "no"}.get(value, "")


class SectionForm(forms.Form):
    """A section of the SIN. On a draft, "Save as draft" keeps whatever is filled in;
    "Save and continue" asks for every answer. On a submitted SIN every change needs a reason."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    amendment_reason = LongTextField(
        max_length=REASON_MAX_CHARS,
        label="Why are you changing this notification?",
        help_text="The Panel sees this reason in the notification's history.",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    required_on_continue: tuple[str, ...] = ()
    submit_label = "Save and continue"

    def __init__(self, *args, notification: Notification, save_as_draft: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.notification = notification
        for name in self.required_on_continue:
            self.fields[name].required = not save_as_draft and notification.is_draft
            if not notification.is_draft:
                self.fields[name].required = True
        if notification.is_draft:
            del self.fields["amendment_reason"]
        else:
            self.fields["amendment_reason"].error_messages["required"] = (
                "Enter why you are changing a submitted notification"
            )
            self.fields["amendment_reason"].required = True
        self.helper = FormHelper()
        self.helper.form_tag = False  # the template writes the <form> and its buttons
        self.helper.render_hidden_fields = True  # the version the user started from
        self.helper.label_size = Size.SMALL
        self.helper.legend_size = Size.SMALL
        amendment = [] if notification.is_draft else [character_count(self, "amendment_reason")]
        self.helper.layout = Layout(*self.layout_fields(), *amendment)

    def layout_fields(self) -> list:
        return []

    def add_rule_errors(self, errors: rules.Errors) -> None:
        for field, messages in errors.items():
            if field in self.fields and field not in self.errors:
                for message in messages:
                    self.add_error(field, message)

    def buttons(self) -> list[dict[str, str]]:
        """The form's submit buttons: `action` is what the view receives."""
        if not self.notification.is_draft:
            return [{"action": "save", "label": "Save changes"}]
        buttons = [{"action": "continue", "label": self.submit_label}]
        if self.required_on_continue:
            buttons.append({"action": "draft", "label": "Save as draft", "secondary": True})
        return buttons


class IncidentForm(SectionForm):
    incident_date = GovukDateField(
        subject="Date of the incident",
        label="When did the incident happen?",
        help_text="For example, 27 3 2024",
        required=False,
    )
    date_aware = GovukDateField(
        subject="Date the local authority became aware",
        label="When did the local authority become aware of it?",
        help_text="The 5 working days to notify the Panel start the day after this date.",
        required=False,
    )
    reason = forms.ChoiceField(
        label="What is the reason for the notification?",
        choices=Reason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the reason for notification"},
    )
    required_on_continue = ("incident_date", "date_aware", "reason")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["incident_date"].error_messages["required"] = "Enter the date of the incident"
        self.fields["date_aware"].error_messages["required"] = (
            "Enter the date the local authority became aware"
        )

    def clean(self):
        # The same rules the service applies, run here too so that every problem on the page
        # is shown at once, even when another answer could not be read.
        data = super().clean()
        self.add_rule_errors(
            rules.incident_errors(
                incident_date=data.get("incident_date"),
                date_aware=data.get("date_aware"),
                today=timezone.localdate(),
            )
        )
        return data

    def layout_fields(self) -> list:
        return [
            Field("incident_date"),
            Field("date_aware"),
            Field.radios("reason", legend_size=Size.SMALL),
        ]


class ChildForm(SectionForm):
    child_reference = forms.CharField(
        label="Reference for the child",
        help_text="A pseudonymous reference such as Child A. Do not use the child's name.",
        max_length=40,
        error_messages={"required": "Enter a reference for the child"},
    )
    name = forms.CharField(
        label="Child's name (optional)",
        help_text="Only the Panel sees it. It never appears in letters, exports or statistics.",
        max_length=200,
        required=False,
    )
    date_of_birth = GovukDateField(
        subject="Date of birth",
        label="Date of birth (if known)",
        help_text="For example, 31 3 2015",
        required=False,
    )
    age_years = forms.IntegerField(
        label="Age on the date of the incident",
        help_text="In whole years: 0 for a baby under 1. You can leave this blank if you gave "
        "the date of birth.",
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        error_messages={"invalid": "Age must be a whole number from 0 to 17"},
    )
    sex = forms.ChoiceField(
        label="Sex",
        choices=Sex.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the child's sex"},
    )
    harm = forms.ChoiceField(
        label="What happened to this child?",
        choices=Reason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what happened to this child"},
    )
    required_on_continue = ()
    submit_label = "Save child"

    def clean(self):
        data = super().clean()
        if "date_of_birth" not in self.errors and "age_years" not in self.errors:
            self.add_rule_errors(
                rules.child_errors(
                    date_of_birth=data.get("date_of_birth"),
                    age_years=data.get("age_years"),
                    incident_date=self.notification.incident_date,
                    today=timezone.localdate(),
                )
            )
        return data

    def layout_fields(self) -> list:
        return [
            Field.text("child_reference", field_width=20),
            Field.text("name", field_width=20),
            Field("date_of_birth"),
            Field.text("age_years", field_width=2),
            Field.radios("sex", legend_size=Size.SMALL, inline=True),
            Field.radios("harm", legend_size=Size.SMALL),
        ]


class ChildRemoveForm(SectionForm):
    submit_label = "Remove child"

    def buttons(self) -> list[dict[str, str]]:
        return [{"action": "remove", "label": "Remove child", "warning": True}]


class ChildInFocusForm(SectionForm):
    child = forms.ChoiceField(
        label="Which child is the child in focus?",
        widget=forms.RadioSelect,
        error_messages={"required": "Select the child in focus"},
    )
    override_reason = LongTextField(
        max_length=REASON_MAX_CHARS,
        label="Why is this child the child in focus? (only if you chose a different child "
        "from the one suggested)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    submit_label = "Save child in focus"

    def __init__(self, *args, children, suggested, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["child"].choices = [
            (
                str(child.pk),
                f"{child.child_reference}{' (suggested)' if child == suggested else ''}",
            )
            for child in children
        ]

    def layout_fields(self) -> list:
        return [
            Field.radios("child", legend_size=Size.SMALL),
            character_count(self, "override_reason"),
        ]


class CircumstancesForm(SectionForm):
    abuse_or_neglect = forms.ChoiceField(
        label="Is abuse or neglect known or suspected?",
        choices=AbuseOrNeglect.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether abuse or neglect is known or suspected"},
    )
    child_looked_after_death = forms.ChoiceField(
        label="Is this the death of a looked-after child?",
        help_text="A looked-after child's death is notified whether or not abuse or neglect is "
        "suspected.",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether this is the death of a looked-after child"},
    )
    placement_postcode = forms.CharField(
        label="Postcode of the child's home or placement (optional)",
        max_length=10,
        required=False,
    )
    imd_decile = forms.IntegerField(
        label="Index of Multiple Deprivation (IMD) decile (optional)",
        help_text="1 is the most deprived 10% of areas, 10 the least. Leave blank to look it "
        "up from the postcode; if the postcode is not found it is recorded as unknown.",
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        error_messages={"invalid": "IMD decile must be a whole number from 1 to 10"},
    )
    summary = LongTextField(
        max_length=NARRATIVE_MAX_CHARS,
        label="Summary of what happened",
        help_text="Do not include the names of children or adults.",
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": "Enter a summary of what happened"},
    )
    required_on_continue = ("abuse_or_neglect", "child_looked_after_death", "summary")

    def clean(self):
        data = super().clean()
        self.add_rule_errors(
            rules.circumstances_errors(
                reason=self.notification.reason,
                abuse_or_neglect=data.get("abuse_or_neglect", ""),
                child_looked_after_death=yes_no_to_bool(data.get("child_looked_after_death", "")),
                placement_postcode=data.get("placement_postcode", "").strip(),
                imd_decile=data.get("imd_decile"),
            )
        )
        return data

    def layout_fields(self) -> list:
        return [
            Field.radios("abuse_or_neglect", legend_size=Size.SMALL),
            Field.radios("child_looked_after_death", legend_size=Size.SMALL, inline=True),
            Field.text("placement_postcode", field_width=10),
            Field.text("imd_decile", field_width=2),
            character_count(self, "summary"),
        ]


class SubmitForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    lateness_reason = LongTextField(
        max_length=REASON_MAX_CHARS,
        label="Why is the notification being sent after 5 working days?",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )

    def __init__(self, *args, late: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not late:
            del self.fields["lateness_reason"]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.render_hidden_fields = True
        self.helper.label_size = Size.SMALL
        self.helper.layout = Layout(*([character_count(self, "lateness_reason")] if late else []))


class NotificationFilterForm(ListFilterForm):
    """The SIN list's filters, as `NotificationFilter`'s values (the layout: ListFilterForm's)."""

    date_ranges = (("incident_from", "incident_to"),)

    # As long as the API's `reference` filter (NotificationFilter) allows.
    reference = forms.CharField(
        label="Reference",
        required=False,
        max_length=20,
        error_messages={"max_length": "Reference must be 20 characters or fewer"},
    )
    status = forms.ChoiceField(
        label="Status", choices=[("", "Any")] + Notification.Status.choices, required=False
    )
    reason = forms.ChoiceField(
        label="Reason", choices=[("", "Any")] + Reason.choices, required=False
    )
    local_authority = forms.ChoiceField(label="Local authority", required=False)
    region = forms.ChoiceField(
        label="Region", choices=[("", "Any")] + RegionCode.choices, required=False
    )
    notified_late = forms.BooleanField(label="Notified late", required=False)
    draft_due_soon = forms.BooleanField(
        label="Drafts due today or by the next working day", required=False
    )
    draft_overdue = forms.BooleanField(label="Drafts past their due date", required=False)
    withdrawn = forms.BooleanField(label="Withdrawn or not progressed", required=False)
    incident_from = forms.DateField(
        label="Incident on or after",
        required=False,
        help_text="For example, 1/4/2024",
        validators=[validate_date_in_service_range],
    )
    incident_to = forms.DateField(
        label="Incident on or before",
        required=False,
        help_text="For example, 31/3/2025",
        validators=[validate_date_in_service_range],
    )
    sort = forms.ChoiceField(
        label="Sort by",
        required=False,
        choices=[
            ("newest", "Most recently created"),
            ("oldest", "Oldest first"),
            ("incident", "Incident date"),
            ("notified", "Date submitted"),
            ("reference", "Reference"),
            ("authority", "Local authority"),
        ],
    )

    def __init__(self, *args, authorities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["local_authority"].choices = choices_of(authorities, "ons_code")
        for name in ("incident_from", "incident_to"):
            self.fields[name].error_messages["invalid"] = "Enter a date, like 31/3/2025"


# --- Withdrawn or not progressed (issue 16) ---------------------------------------------------


class WithdrawForm(forms.Form):
    """The Panel secretariat marks a submitted SIN withdrawn or not progressed."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    withdrawal = forms.ChoiceField(
        label="Why is this notification not going on?",
        choices=Withdrawal.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select whether it does not meet the criteria or was withdrawn"
        },
    )
    reason = LongTextField(
        max_length=REASON_MAX_CHARS,
        label="Reason",
        help_text="The partnership's leads and the local authority's users will see this.",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the reason"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.render_hidden_fields = True
        self.helper.label_size = Size.SMALL
        self.helper.layout = Layout(
            Field.radios("withdrawal", legend_size=Size.SMALL), character_count(self, "reason")
        )


class ReinstateForm(forms.Form):
    """The Panel secretariat reinstates a SIN marked withdrawn or not progressed."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = LongTextField(
        max_length=REASON_MAX_CHARS,
        label="Why is the notification being reinstated?",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the reason"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.render_hidden_fields = True
        self.helper.label_size = Size.SMALL
        self.helper.layout = Layout(character_count(self, "reason"))
