"""GOV.UK forms for asking for an account, deciding a request, and an organisation's work
e-mail domains."""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms
from django.core.exceptions import ValidationError

from .account_requests import NAME_PROBLEM, NON_ASCII_EMAIL, name_is_plain
from .codes import Role
from .forms import LongTextField, character_count
from .limits import REASON_MAX_CHARS
from .models import LocalAuthority, Partnership


def ascii_email(value: str) -> None:
    """Only ASCII in an address: a look-alike (a Kelvin sign for a K) could pass the domain
    rule yet miss the account with the address it imitates."""
    if not value.isascii():
        raise ValidationError(NON_ASCII_EMAIL, code="non_ascii")


def _plain_name(which: str):
    def validate(value: str) -> None:
        if not name_is_plain(value):
            raise ValidationError(NAME_PROBLEM.format(which=which), code="not_plain")

    return validate


class AccountRequestForm(forms.Form):
    first_name = forms.CharField(
        label="First name",
        max_length=150,
        validators=[_plain_name("your first name")],
        error_messages={"required": "Enter your first name"},
    )
    last_name = forms.CharField(
        label="Last name",
        max_length=150,
        validators=[_plain_name("your last name")],
        error_messages={"required": "Enter your last name"},
    )
    email = forms.EmailField(
        label="Work email address",
        max_length=254,
        validators=[ascii_email],
        help_text="Your own work address, not a shared one: it will be your username",
        error_messages={
            "required": "Enter your work email address",
            "invalid": "Enter an email address in the correct format, like name@example.gov.uk",
        },
    )
    role = forms.ChoiceField(
        label="Where do you work?",
        widget=forms.RadioSelect,
        choices=[
            (Role.LA_USER, "A local authority's children's services (local authority user)"),
            (Role.PARTNERSHIP_LEAD, "A safeguarding partnership (partnership lead)"),
        ],
        error_messages={"required": "Select where you work"},
    )
    local_authority = forms.ModelChoiceField(
        label="Local authority (if you work for one)",
        queryset=LocalAuthority.objects.order_by("name"),
        required=False,
        empty_label="Choose a local authority",
        error_messages={"invalid_choice": "Choose a local authority from the list"},
    )
    partnership = forms.ModelChoiceField(
        label="Safeguarding partnership (if you work for one)",
        queryset=Partnership.objects.order_by("name"),
        required=False,
        empty_label="Choose a partnership",
        error_messages={"invalid_choice": "Choose a partnership from the list"},
    )
    reason = LongTextField(
        label="Why do you need an account?",
        max_length=REASON_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For example, your job and the work you will do in the service",
        error_messages={"required": "Enter why you need an account"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.label_size = Size.SMALL
        self.helper.layout = Layout(
            Field.text("first_name", field_width=20, autocomplete="given-name"),
            Field.text("last_name", field_width=20, autocomplete="family-name"),
            Field.text("email", field_width=30, autocomplete="email", spellcheck="false"),
            Field.radios("role", legend_size=Size.SMALL),
            Field.select("local_authority"),
            Field.select("partnership"),
            character_count(self, "reason"),
            Submit("submit", "Send request"),
        )

    def clean(self):
        data = super().clean()
        role = data.get("role")
        if role == Role.LA_USER and not data.get("local_authority"):
            self.add_error("local_authority", "Choose your local authority")
        if role == Role.PARTNERSHIP_LEAD and not data.get("partnership"):
            self.add_error("partnership", "Choose your safeguarding partnership")
        return data


APPROVE, REJECT = "approve", "reject"


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Your decision",
        widget=forms.RadioSelect,
        choices=[
            (APPROVE, "Approve: invite them (they get an email to choose a password)"),
            (REJECT, "Reject"),
        ],
        error_messages={"required": "Select approve or reject"},
    )
    decision_reason = LongTextField(
        label="Reason (if you reject)",
        max_length=REASON_MAX_CHARS,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The person is emailed this reason",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.label_size = Size.SMALL
        self.helper.render_hidden_fields = True
        self.helper.layout = Layout(
            Field.radios("decision", legend_size=Size.MEDIUM),
            character_count(self, "decision_reason"),
            Submit("submit", "Save decision"),
        )

    def clean(self):
        data = super().clean()
        if data.get("decision") == REJECT and not (data.get("decision_reason") or "").strip():
            self.add_error("decision_reason", "Enter the reason for rejecting")
        return data


class EmailDomainForm(forms.Form):
    domain = forms.CharField(
        label="Add a work email domain",
        max_length=253,
        help_text="For example, leeds.gov.uk. Addresses at its subdomains are accepted too",
        error_messages={"required": "Enter a domain, like leeds.gov.uk"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.label_size = Size.SMALL
        self.helper.layout = Layout(
            Field.text("domain", field_width=20, spellcheck="false"),
            Submit("submit", "Add domain"),
        )
