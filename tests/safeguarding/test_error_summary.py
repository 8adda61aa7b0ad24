"""The GOV.UK error summary links each error to its field's first input (issue 13, item 1):
the first radio or checkbox, the date's day box (or the box still empty), the input otherwise."""

from datetime import date
from html.parser import HTMLParser

import pytest
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout
from django import forms
from django.template import Context, Template

from analytics.forms import RecordsImportForm
from lcsprs.forms import CommissionForm, FeedbackForm, PlannedPublicationForm, PublishForm
from notifications.forms import NotificationFilterForm
from panel.forms import DecisionForm, LetterForm
from rapidreviews.forms import (
    ExtensionDecisionForm,
    ExtensionRequestForm,
    ReopenForm,
    ReviewDocumentForm,
    ThemesForm,
)
from safeguarding.account_request_forms import AccountRequestForm, EmailDomainForm
from safeguarding.account_request_forms import DecisionForm as AccountRequestDecisionForm
from safeguarding.fields import GovukDateField
from safeguarding.forms import (
    AccessHistoryForm,
    PasswordChangeForm,
    PasswordResetForm,
    RecoveryCodeForm,
    SecondFactorCodeForm,
    SetPasswordForm,
    SignInForm,
)
from safeguarding.models import User
from safeguarding.people_forms import (
    AcceptInvitationForm,
    ApiTokenForm,
    InviteForm,
    PersonChangeForm,
)
from safeguarding.templatetags.govuk_errors import error_links, error_target


class EveryKindForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    name = forms.CharField(label="Name")
    harm = forms.ChoiceField(
        label="Harm", choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect
    )
    needs = forms.MultipleChoiceField(
        label="Needs", choices=[("x", "X"), ("y", "Y")], widget=forms.CheckboxSelectMultiple
    )
    when = GovukDateField(subject="The date", label="When")
    region = forms.ChoiceField(label="Region", choices=[("", "Any"), ("n", "North")])
    agree = forms.BooleanField(label="I agree")
    notes = forms.CharField(label="Notes", widget=forms.Textarea)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("name"),
            Field.radios("harm"),
            Field.checkboxes("needs"),
            Field("when"),
            Field.select("region"),
            Field.checkbox("agree"),
            Field.textarea("notes"),
        )

    def clean(self):
        raise forms.ValidationError("Something about the whole form")


class _Inputs(HTMLParser):
    """The ids of the elements a link can move focus to."""

    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.in_summary = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in {"input", "select", "textarea"} and attrs.get("type") != "hidden":
            self.ids.add(attrs.get("id"))
        if "govuk-error-summary" in (attrs.get("class") or "").split():
            self.in_summary = True
        if tag == "a" and self.in_summary:
            self.links.append(attrs["href"])

    def handle_endtag(self, tag):
        if tag == "ul":
            self.in_summary = False


def rendered(form) -> _Inputs:
    html = Template(
        "{% load crispy_forms_tags crispy_forms_gds %}{% error_summary form %}{% crispy form %}"
    ).render(Context({"form": form}))
    parser = _Inputs()
    parser.feed(html)
    return parser


def test_each_error_links_to_the_first_input_of_its_field():
    form = EveryKindForm(data={"version": "x", "when_0": "", "when_1": "5", "when_2": "2024"})
    assert not form.is_valid()
    targets = {error: target for target, error in error_links(form)}
    assert targets["Something about the whole form"] == "id_name"
    assert targets["Enter a whole number."] == "id_name"  # the hidden version: first field
    assert error_target(form["harm"]) == "id_harm_1"
    assert error_target(form["needs"]) == "id_needs_1"
    assert error_target(form["when"]) == "id_when_0"  # the day box is the one left empty
    assert error_target(form["region"]) == "id_region"
    assert error_target(form["agree"]) == "id_agree"
    assert error_target(form["notes"]) == "id_notes"


def test_a_part_filled_date_links_to_the_first_empty_box():
    form = EveryKindForm(data={"when_0": "4", "when_1": "", "when_2": ""})
    assert error_target(form["when"]) == "id_when_1"
    assert error_target(EveryKindForm(data={})["when"]) == "id_when_0"
    assert error_target(EveryKindForm()["when"]) == "id_when_0"


def test_a_prefixed_form_links_to_its_prefixed_inputs():
    form = EveryKindForm(data={}, prefix="child")
    assert error_target(form["harm"]) == "id_child-harm_1"
    assert error_target(form["when"]) == "id_child-when_0"


def test_every_link_of_the_rendered_summary_names_an_input_on_the_page():
    page = rendered(EveryKindForm(data={}))
    assert len(page.links) == 9  # the form's own error, the hidden field's, 7 fields'
    assert {link.removeprefix("#") for link in page.links} <= page.ids


@pytest.mark.django_db
@pytest.mark.parametrize(
    "make_form",
    [
        lambda: SignInForm(data={}),
        lambda: PasswordChangeForm(User(username="someone"), data={}),
        lambda: SetPasswordForm(User(username="someone"), data={}),
        lambda: SecondFactorCodeForm(data={"code": "12"}),
        lambda: RecoveryCodeForm(data={}),
        lambda: AccessHistoryForm(data={"date_from_0": "1"}),
        lambda: DecisionForm(data={}, correcting=True),
        lambda: LetterForm(data={}),
        lambda: ReopenForm(data={}),
        lambda: ExtensionRequestForm(data={"proposed_date_1": "13"}, due_date=date(2024, 5, 24)),
        lambda: ExtensionDecisionForm(
            data={"new_due_date_0": "x"},
            due_date=date(2024, 5, 24),
            proposed_date=date(2024, 6, 7),
        ),
        lambda: PlannedPublicationForm(data={}),
        lambda: PublishForm(data={"published_on_2": "24"}),
        lambda: FeedbackForm(data={"version": "1"}),
        lambda: RecordsImportForm(data={}),
        lambda: PasswordResetForm(data={"email": "not-an-address"}),
        lambda: CommissionForm(data={}),
        lambda: ReviewDocumentForm(data={}),
        lambda: ThemesForm(data={}),
        lambda: NotificationFilterForm(data={"incident_from": "soon"}, authorities=[]),
        lambda: InviteForm(data={}, by=User(role="administrator")),
        lambda: InviteForm(data={"email": "x"}, by=User(role="la_user", is_approver=True)),
        lambda: PersonChangeForm(data={}, by=User(role="administrator")),
        lambda: ApiTokenForm(data={}),
        lambda: AcceptInvitationForm(User(username="someone"), data={"new_password1": "a"}),
        lambda: AccountRequestForm(data={}),
        lambda: AccountRequestForm(data={"role": "la_user", "email": "x"}),
        lambda: AccountRequestDecisionForm(data={"decision": "reject", "version": "1"}),
        lambda: AccountRequestDecisionForm(data={}),
        lambda: EmailDomainForm(data={}),
    ],
)
def test_the_service_forms_link_every_error_to_an_input_they_render(make_form):
    form = make_form()
    assert not form.is_valid()
    page = rendered(form)
    assert page.links, "the form shows no error summary"
    assert {link.removeprefix("#") for link in page.links} <= page.ids
