"""GOV.UK forms for the SIN journey. Forms only parse what was typed; the rules live in
`rules.py` and are applied by the services, whose errors the views put next to the fields."""

from crispy_forms.layout import HTML
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size
from django import forms
from django.utils import timezone

from safeguarding.codes import (
    CareOrder,
    ChildInNeed,
    ChildProtectionPlan,
    LookedAfter,
    Reason,
    RegionCode,
    Sex,
    YesNoNotRecorded,
    ethnicity_grouped_choices,
)
from safeguarding.dates import validate_date_in_service_range
from safeguarding.fields import GovukDateField
from safeguarding.filter_forms import ListFilterForm, choices_of
from safeguarding.forms import LongTextField, character_count
from safeguarding.limits import NARRATIVE_MAX_CHARS, REASON_MAX_CHARS
from safeguarding.models import LocalAuthority
from safeguarding.widgets import FastSelect

from . import attachments, rules
from .codes import Agency, CriminalProceedings, IncidentLocation, IncidentSetting, YesNoUnknown
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

    # --- The statutory form's questions about the child (issue 16), all optional.
    ethnicity = forms.ChoiceField(
        label="Ethnicity (optional)",
        choices=[("", "Not answered"), *ethnicity_grouped_choices()],
        required=False,
        widget=FastSelect,
        error_messages={"invalid_choice": "Select the child's ethnicity from the list"},
    )
    disability = forms.ChoiceField(
        label="Does the child have a disability? (optional)",
        choices=YesNoNotRecorded.choices,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Select yes, no or not recorded"},
    )
    health_needs = LongTextField(
        max_length=REASON_MAX_CHARS,
        label="Known health needs (optional)",
        help_text="Only the Panel and your authority see this. It never appears in letters, "
        "exports or statistics.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    child_in_need = forms.ChoiceField(
        label="Was the child a child in need? (optional)",
        choices=ChildInNeed.choices,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Select whether the child was a child in need"},
    )
    child_protection_plan = forms.ChoiceField(
        label="Was the child on a child protection plan? (optional)",
        choices=ChildProtectionPlan.choices,
        required=False,
        widget=forms.RadioSelect,
        error_messages={
            "invalid_choice": "Select whether the child was on a child protection plan"
        },
    )
    looked_after = forms.ChoiceField(
        label="Was the child looked after? (optional)",
        choices=LookedAfter.choices,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Select whether the child was looked after"},
    )
    care_order = forms.ChoiceField(
        label="Was the child subject to a care order? (optional)",
        choices=CareOrder.choices,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Select whether the child was subject to a care order"},
    )
    home_local_authority = forms.ModelChoiceField(
        label="Child's home local authority, if different from yours (optional)",
        help_text="Leave this as it is if the child lives in your authority's area.",
        queryset=LocalAuthority.objects.order_by("name"),
        to_field_name="ons_code",
        empty_label="Same as the notifying local authority",
        required=False,
        widget=FastSelect,
        error_messages={"invalid_choice": "Select a local authority from the list"},
    )
    # --- end of the statutory questions

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
        home = data.get("home_local_authority")
        self.add_rule_errors(
            rules.child_home_authority_errors(
                home_local_authority_id=home.pk if home else None,
                notifying_local_authority_id=self.notification.local_authority_id,
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
            # The statutory questions, under headings of their own (not nested fieldsets:
            # each set of radios is one already).
            HTML('<h2 class="govuk-heading-m">About the child (optional)</h2>'),
            Field.select("ethnicity"),
            Field.radios("disability", legend_size=Size.SMALL, inline=True),
            character_count(self, "health_needs"),
            Field.select("home_local_authority"),
            HTML(
                '<h2 class="govuk-heading-m">Legal status at the time of the incident '
                "(optional)</h2>"
            ),
            Field.radios("child_in_need", legend_size=Size.SMALL),
            Field.radios("child_protection_plan", legend_size=Size.SMALL),
            Field.radios("looked_after", legend_size=Size.SMALL),
            Field.radios("care_order", legend_size=Size.SMALL),
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


class ShareAddForm(SectionForm):
    """Name another area to tell (issue 16, item 3): one select of the 153 authorities and the
    partnerships, in two groups (`FastSelect`: ~300 options without a template each)."""

    area = forms.ChoiceField(
        label="Which local authority or safeguarding partnership should be told?",
        help_text="For example, where a child was placed or normally lived.",
        error_messages={
            "required": "Select a local authority or safeguarding partnership to tell",
            "invalid_choice": "Select a local authority or safeguarding partnership from the list",
        },
    )
    submit_label = "Add area"

    def __init__(self, *args, areas: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", "Choose an area"), *areas]
        self.fields["area"].widget = FastSelect(choices=self.fields["area"].choices)
        self.fields["area"].required = True

    def layout_fields(self) -> list:
        return [Field.select("area")]

    def buttons(self) -> list[dict[str, str]]:
        if not self.notification.is_draft:
            return [{"action": "save", "label": "Add area and tell them now"}]
        return [{"action": "continue", "label": self.submit_label}]


class ShareRemoveForm(SectionForm):
    def buttons(self) -> list[dict[str, str]]:
        return [{"action": "remove", "label": "Remove area", "warning": True}]


# --- Issue 16: where and how it happened; the notifier and sign-off ------------------------

INCIDENT_TIME_FORMATS = ["%H:%M", "%H.%M", "%I:%M%p", "%I.%M%p", "%I%p", "%I:%M %p", "%I %p"]


class IncidentTimeField(forms.TimeField):
    """A time as people write it: 14:30, 14.30, 2:30pm or 2pm."""

    def __init__(self, **kwargs):
        super().__init__(input_formats=INCIDENT_TIME_FORMATS, **kwargs)

    def to_python(self, value):
        return super().to_python(value.strip().lower() if isinstance(value, str) else value)

    def prepare_value(self, value):
        return value.strftime("%H:%M") if hasattr(value, "strftime") else value


def _text(label: str, *, max_length: int, what: str, **kwargs) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=False,
        error_messages={"max_length": f"{what} must be {max_length} characters or fewer"},
        **kwargs,
    )


class IncidentPlaceForm(SectionForm):
    """Where and how it happened: every question optional (the statutory form's incident
    questions); an answer that leads to another needs it."""

    incident_time = IncidentTimeField(
        label="What time did the incident happen? (if known)",
        help_text="For example, 14:30 or 2:30pm",
        required=False,
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
        error_messages={
            "invalid": "Enter the time of the incident like 14:30 or 2:30pm",
        },
    )
    incident_location = forms.ChoiceField(
        label="Where did it happen?",
        choices=IncidentLocation.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    incident_local_authority = forms.ModelChoiceField(
        label="If elsewhere in England, which local authority's area?",
        queryset=LocalAuthority.objects.order_by("name"),
        required=False,
        empty_label="Choose a local authority",
        error_messages={"invalid_choice": "Choose a local authority from the list"},
    )
    incident_place_outside_england = _text(
        "If outside England, where?",
        max_length=200,
        what="Where outside England",
        help_text="For example, the country and town",
    )
    incident_setting = forms.ChoiceField(
        label="In what setting did it happen?",
        choices=IncidentSetting.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    incident_setting_other = _text(
        "If other, what setting?", max_length=200, what="The other setting"
    )
    agencies_involved = forms.MultipleChoiceField(
        label="Which agencies were involved with the child at the time?",
        help_text="Select all that apply.",
        choices=Agency.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": "Select agencies from the list"},
    )
    police_involvement = forms.ChoiceField(
        label="Are the police involved?",
        choices=YesNoUnknown.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    criminal_proceedings = forms.ChoiceField(
        label="Are there criminal proceedings?",
        choices=CriminalProceedings.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    media_interest = forms.ChoiceField(
        label="Is there likely to be media interest?",
        choices=YesNoUnknown.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    submit_label = "Save and continue"

    def clean(self):
        data = super().clean()
        self.add_rule_errors(
            rules.incident_place_errors(
                local_authority=self.notification.local_authority,
                incident_location=data.get("incident_location", ""),
                incident_local_authority=data.get("incident_local_authority"),
                incident_place_outside_england=data.get("incident_place_outside_england", ""),
                incident_setting=data.get("incident_setting", ""),
                incident_setting_other=data.get("incident_setting_other", ""),
                agencies=data.get("agencies_involved", []),
            )
        )
        return data

    def layout_fields(self) -> list:
        return [
            Field.text("incident_time", field_width=5),
            Field.radios("incident_location", legend_size=Size.SMALL),
            Field.select("incident_local_authority"),
            Field.text("incident_place_outside_england", field_width=20),
            Field.radios("incident_setting", legend_size=Size.SMALL),
            Field.text("incident_setting_other", field_width=20),
            Field.checkboxes("agencies_involved", legend_size=Size.SMALL),
            Field.radios("police_involvement", legend_size=Size.SMALL, inline=True),
            Field.radios("criminal_proceedings", legend_size=Size.SMALL),
            Field.radios("media_interest", legend_size=Size.SMALL, inline=True),
        ]


class NotifierForm(SectionForm):
    """Who is notifying (prefilled from their account when the draft started) and the senior
    manager who signed the notification off."""

    notifier_name = _text("Your name", max_length=200, what="Your name")
    notifier_role = _text("Your role or job title (optional)", max_length=200, what="Your role")
    notifier_telephone = _text(
        "Your telephone number (optional)",
        max_length=30,
        what="Telephone number",
        help_text="A UK number, for example 01632 960 001 or +44 1632 960 001",
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    notifier_email = _text(
        "Your email address",
        max_length=254,
        what="Email address",
        widget=forms.TextInput(
            attrs={"type": "email", "autocomplete": "email", "spellcheck": "false"}
        ),
    )
    sign_off_name = _text(
        "Name of the senior manager who signed off this notification (optional)",
        max_length=200,
        what="The senior manager's name",
    )
    sign_off_role = _text(
        "Their role (optional)",
        max_length=200,
        what="The senior manager's role",
        help_text="For example, Director of Children's Services",
    )
    required_on_continue = ("notifier_name", "notifier_email")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.required_on_continue:
            self.fields[name].error_messages["required"] = rules.MISSING[name]

    def clean(self):
        data = super().clean()
        self.add_rule_errors(
            rules.notifier_errors(
                notifier_telephone=data.get("notifier_telephone", ""),
                notifier_email=data.get("notifier_email", ""),
            )
        )
        return data

    def layout_fields(self) -> list:
        return [
            Field.text("notifier_name", field_width=20, autocomplete="name"),
            Field.text("notifier_role", field_width=20, autocomplete="organization-title"),
            Field.text("notifier_telephone", field_width=20),
            Field.text("notifier_email", field_width=30),
            Field.text("sign_off_name", field_width=20),
            Field.text("sign_off_role", field_width=20),
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


class AttachmentForm(forms.Form):
    """One file to attach, with an optional description. What the file is, its size and the
    number of attachments are checked by the service (notifications.attachments), so the web
    page and the API refuse a file with the same message."""

    file = forms.FileField(
        label="Upload a file",
        # An empty file is the service's to refuse, with its message.
        allow_empty_file=True,
        error_messages={
            "required": attachments.REQUIRED,
            "invalid": attachments.REQUIRED,
            "missing": attachments.REQUIRED,
        },
        # Only helps the browser's file picker; the content is what is checked.
        widget=forms.ClearableFileInput(attrs={"accept": attachments.ACCEPT}),
    )
    description = forms.CharField(
        label="Description (optional)",
        help_text="For example, incident report from the police, or letter from the school.",
        max_length=attachments.DESCRIPTION_MAX_CHARS,
        required=False,
        error_messages={"max_length": attachments.DESCRIPTION_TOO_LONG},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = attachments.hint()
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.label_size = Size.SMALL
        self.helper.layout = Layout(Field("file"), Field.text("description"))


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
