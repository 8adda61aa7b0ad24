"""The team pages' forms (GOV.UK, crispy-forms-gds): the people list's filters, inviting
someone, changing a role, the confirmations that carry the version the user saw, choosing a
password from an invitation, and making an API token."""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms

from . import policy
from .account_request_forms import ascii_email
from .api_tokens import api_token_expiry_choices
from .codes import Role
from .filter_forms import ANY, ListFilterForm
from .forms import GovukFormMixin
from .forms import SetPasswordForm as _SetPasswordForm
from .models import LocalAuthority, Partnership, PersonStatus
from .people import organisation_choices

YES_NO = [("yes", "Yes"), ("no", "No")]
APPROVER_HINT = (
    "An approver manages the people of their own organisation: invites them, changes their "
    "role and deactivates their account"
)


class PeopleFilterForm(ListFilterForm):
    name = forms.CharField(
        label="Name or email contains",
        required=False,
        max_length=200,
        error_messages={"max_length": "Name must be 200 characters or fewer"},
    )
    organisation = forms.ChoiceField(label="Organisation", required=False)
    role = forms.ChoiceField(label="Role", choices=ANY + Role.choices, required=False)
    status = forms.ChoiceField(label="Status", choices=ANY + PersonStatus.choices, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = ANY + organisation_choices(user=user)
        self.fields["organisation"].widget.choices = self.fields["organisation"].choices
        if not policy.is_administrator(user):
            # An approver's people are one organisation, of one role.
            del self.fields["organisation"]
            del self.fields["role"]


class _OrganisationFields(forms.Form):
    """Role, organisation and approver: an administrator chooses all three; an approver's
    people join the approver's own organisation and role, so only "approver" is asked."""

    role = forms.ChoiceField(
        label="Role", widget=forms.RadioSelect, error_messages={"required": "Select a role"}
    )
    local_authority = forms.ModelChoiceField(
        label="Local authority (for a local authority user)",
        queryset=LocalAuthority.objects.order_by("name"),
        required=False,
        empty_label="Choose a local authority",
        error_messages={"invalid_choice": "Choose a local authority from the list"},
    )
    partnership = forms.ModelChoiceField(
        label="Partnership (for a partnership lead)",
        queryset=Partnership.objects.order_by("name"),
        required=False,
        empty_label="Choose a partnership",
        error_messages={"invalid_choice": "Choose a partnership from the list"},
    )
    is_approver = forms.ChoiceField(
        label="Is the person an approver?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        help_text=APPROVER_HINT,
        error_messages={"required": "Select yes if the person is an approver"},
    )

    def __init__(self, *args, by, **kwargs):
        super().__init__(*args, **kwargs)
        self.by = by
        grantable = policy.roles_grantable(by)
        self.fields["role"].choices = [(v, label) for v, label in Role.choices if v in grantable]
        if not policy.is_administrator(by):
            for name in ("role", "local_authority", "partnership"):
                del self.fields[name]

    def organisation_layout(self) -> list:
        if "role" not in self.fields:
            return [Field.radios("is_approver", legend_size=Size.SMALL, inline=True)]
        return [
            Field.radios("role", legend_size=Size.SMALL),
            Field.select("local_authority"),
            Field.select("partnership"),
            Field.radios("is_approver", legend_size=Size.SMALL, inline=True),
        ]

    def service_values(self) -> dict:
        data = self.cleaned_data
        return {
            "role": data.get("role") or self.by.role,
            "is_approver": data["is_approver"] == "yes",
            "local_authority": data.get("local_authority"),
            "partnership": data.get("partnership"),
        }


class InviteForm(_OrganisationFields):
    first_name = forms.CharField(
        label="First name", max_length=150, error_messages={"required": "Enter a first name"}
    )
    last_name = forms.CharField(
        label="Last name", max_length=150, error_messages={"required": "Enter a last name"}
    )
    email = forms.EmailField(
        label="Work email address",
        max_length=254,
        validators=[ascii_email],
        help_text="The invitation is sent here; it is also their username",
        error_messages={
            "required": "Enter a work email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
    )
    field_order = ["first_name", "last_name", "email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.label_size = Size.SMALL
        self.helper.layout = Layout(
            Field.text("first_name", field_width=20),
            Field.text("last_name", field_width=20),
            Field.text("email", field_width=30),
            *self.organisation_layout(),
            Submit("submit", "Send invitation"),
        )


class PersonChangeForm(_OrganisationFields):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.label_size = Size.SMALL
        self.helper.render_hidden_fields = True
        self.helper.layout = Layout(*self.organisation_layout(), Submit("submit", "Save changes"))


class VersionForm(forms.Form):
    """A confirmation: the version of the account the user saw, so that a change made since
    is not overwritten."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False  # the confirmation page writes the form and its button


class AcceptInvitationForm(_SetPasswordForm):
    """Choose a password (Django's password validators, with the person's own details)."""

    submit_label = "Save password and continue"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = "Choose a password"
        self.fields["new_password1"].error_messages["required"] = "Enter a password"
        self.fields["new_password2"].label = "Type the password again"
        self.fields["new_password2"].error_messages["required"] = "Type the password again"


class ApiTokenForm(GovukFormMixin, forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=100,
        help_text="What the token is for, for example the case-management system that uses it",
        error_messages={"required": "Enter a name for the token"},
    )
    days = forms.TypedChoiceField(
        label="Expires after",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Select when the token expires"},
    )

    def __init__(self, *args, **kwargs):
        forms.Form.__init__(self, *args, **kwargs)
        self.fields["days"].choices = [(d, f"{d} days") for d in api_token_expiry_choices()]
        self.helper = FormHelper()
        self.helper.label_size = Size.SMALL
        self.helper.layout = Layout(
            Field.text("name", field_width=30),
            Field.radios("days", legend_size=Size.SMALL),
            Submit("submit", "Create token"),
        )
