"""Sign-in and password forms on the GOV.UK Design System (crispy-forms-gds), and the
admin's IMD lookup upload."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms
from django.contrib.auth import forms as auth_forms
from django.core.validators import FileExtensionValidator
from django.template.loader import render_to_string

from .email import email_queue
from .limits import too_long_message


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
        """Queue the reset e-mail through the outbox, like every e-mail the service sends."""
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        email_queue(
            to=[to_email],
            subject=subject,
            body=render_to_string(email_template_name, context),
            related=context["user"],
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
