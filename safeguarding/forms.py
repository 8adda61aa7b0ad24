"""Sign-in and password forms on the GOV.UK Design System (crispy-forms-gds), and the
admin's IMD lookup upload and the access history export."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fluid, Layout, Size, Submit
from django import forms
from django.contrib.auth import forms as auth_forms
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.template.loader import render_to_string

from .email import SECRET_LINK_PLACEHOLDER, email_queue
from .fields import GovukDateField
from .limits import too_long_message
from .lockout import lockout_message
from .models import SecretLink, User


class GovukFormMixin:
    """Lays every field out as a GOV.UK text input with a single submit button."""

    submit_label = "Continue"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.label_size = Size.SMALL
        self.helper.layout = Layout(
            *(Field.text(name) for name in self.fields),
            Submit("submit", self.submit_label),
        )


class SignInForm(GovukFormMixin, auth_forms.AuthenticationForm):
    submit_label = "Sign in"
    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account has been deactivated. Contact your administrator.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"

    def get_invalid_login_error(self) -> ValidationError:
        # django-axes marks the request when this failure locked the username or address, or
        # when they were locked already: the message is the same whether the account exists.
        if getattr(self.request, "axes_locked_out", False):
            return ValidationError(lockout_message(), code="locked_out")
        return super().get_invalid_login_error()


class PasswordResetForm(GovukFormMixin, auth_forms.PasswordResetForm):
    submit_label = "Send reset link"

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ) -> None:
        """Queue the reset e-mail through the outbox, like every e-mail the service sends. The
        outbox keeps the message without its link; the link is made as the e-mail is sent."""
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        email_queue(
            to=[to_email],
            subject=subject,
            body=render_to_string(
                email_template_name, {**context, "reset_link": SECRET_LINK_PLACEHOLDER}
            ),
            related=context["user"],
            secret_link=SecretLink.PASSWORD_RESET,
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "Email address"
        self.fields["email"].error_messages.update(
            required="Enter your email address",
            invalid="Enter an email address in the correct format, like name@example.org",
        )


class SetPasswordForm(GovukFormMixin, auth_forms.SetPasswordForm):
    submit_label = "Save new password"


class PasswordChangeForm(GovukFormMixin, auth_forms.PasswordChangeForm):
    submit_label = "Change password"


class ImdImportForm(forms.Form):
    """The admin's "Import from CSV" for the postcode → IMD decile lookup."""

    file = forms.FileField(
        label="CSV file",
        help_text="A header row with postcode and imd_decile columns; other columns are ignored.",
        validators=[FileExtensionValidator(["csv"], message="Choose a file ending in .csv")],
        error_messages={"required": "Choose a CSV file"},
    )
    source = forms.CharField(
        required=False,
        max_length=200,
        help_text="Where the figures come from, e.g. English Indices of Deprivation 2019 (NSPL)",
    )


def form_add_errors(form, errors: dict[str, list[str]]) -> None:
    """Put a service's {field: [messages]} on a form: each message next to its field, or above
    the form when the service names something the form has no field for."""
    for field, messages in errors.items():
        for message in messages:
            form.add_error(field if field in form.fields else None, message)


class AccessHistoryForm(forms.Form):
    """Whose access history, and over which dates (an administrator's investigation)."""

    username = forms.CharField(
        label="Username",
        max_length=150,
        error_messages={"required": "Enter the username of the person"},
    )
    date_from = GovukDateField(
        subject="The start date", label="From", help_text="For example, 1 4 2025"
    )
    date_to = GovukDateField(subject="The end date", label="To", help_text="For example, 30 4 2025")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.label_size = Size.SMALL
        self.helper.layout = Layout(
            Field.text("username", field_width=Fluid.ONE_THIRD),
            Field("date_from"),
            Field("date_to"),
            Submit("download", "Download CSV"),
        )

    def clean_username(self) -> User:
        username = self.cleaned_data["username"].strip()
        person = User.objects.filter(username=username).first()
        if person is None:
            raise forms.ValidationError("No one has that username")
        return person

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The end date must be the same as or after the start date")
        return cleaned


class SecondFactorCodeForm(forms.Form):
    """A 6-digit code from an authenticator app (GOV.UK's "security code" pattern)."""

    code = forms.CharField(
        label="Code from your authenticator app",
        help_text="The 6-digit code the app shows for this service, for example 123456",
        max_length=20,
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
    )

    def __init__(self, *args, submit_label: str = "Continue", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.label_size = Size.SMALL
        self.helper.layout = Layout(
            Field.text(
                "code",
                field_width=10,
                inputmode="numeric",
                autocomplete="one-time-code",
                spellcheck="false",
            ),
            Submit("submit", submit_label),
        )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split()).replace("-", "")
        if not (len(code) == 6 and code.isascii() and code.isdigit()):
            raise forms.ValidationError("Enter the code as 6 digits, for example 123456")
        return code


class RecoveryCodeForm(forms.Form):
    code = forms.CharField(
        label="Recovery code",
        help_text="One of the 10 codes you saved when you set up your authenticator app",
        max_length=40,
        error_messages={"required": "Enter one of your recovery codes"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.label_size = Size.SMALL
        self.helper.layout = Layout(
            Field.text("code", field_width=10, autocomplete="off", spellcheck="false"),
            Submit("submit", "Continue"),
        )


class LongTextField(forms.CharField):
    """Free text with a cap (safeguarding.limits) and a GOV.UK message when it is over. The
    textarea gets no `maxlength`: GOV.UK's character count tells the user instead of cutting
    what they paste (lay the field out with `character_count`)."""

    def __init__(self, *, max_length: int, **kwargs):
        super().__init__(max_length=max_length, **kwargs)
        if "max_length" not in (kwargs.get("error_messages") or {}):
            self.error_messages["max_length"] = too_long_message(max_length)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.pop("maxlength", None)
        # crispy-forms-gds's character count appends to this attribute and fails when a field
        # without a hint has none; it always fills it in.
        attrs.setdefault("aria-describedby", "")
        return attrs


def character_count(form, name: str, **kwargs):
    """A textarea laid out with GOV.UK's character count, for the field's cap."""
    return Field.textarea(name, max_characters=form.fields[name].max_length, **kwargs)
