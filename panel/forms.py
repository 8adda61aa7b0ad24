"""GOV.UK forms for the Panel's decision and its response letter."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size
from django import forms

from rapidreviews.codes import LcsprDecision
from rapidreviews.forms import ReviewFindForm
from safeguarding.codes import Role
from safeguarding.fields import GovukChoiceField
from safeguarding.forms import LongTextField, character_count
from safeguarding.limits import LETTER_MAX_CHARS, NARRATIVE_MAX_CHARS, REASON_MAX_CHARS
from safeguarding.models import User

from . import conversations
from .models import Extent, MessageKind, Outcome, PanelDecision, Quality
from .selectors import ME, STAGES, UNALLOCATED, member_name, panel_member_list
from .services import DecisionAnswers


def _label(name: str) -> str:
    label = str(PanelDecision._meta.get_field(name).verbose_name)
    return label[:1].upper() + label[1:]


class DecisionForm(forms.Form):
    """The decision and its structured feedback. With `correcting`, also the reason for the
    correction, asked first."""

    correction_reason = LongTextField(
        max_length=REASON_MAX_CHARS,
        label="Why is the decision being corrected?",
        help_text="The earlier version and this reason stay in the decision's history.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why the decision is being corrected"},
    )
    outcome = GovukChoiceField(
        subject="whether the Panel agrees with the partnership's decision",
        label="Does the Panel agree with the partnership's decision on an LCSPR?",
        choices=Outcome.choices,
        widget=forms.RadioSelect,
    )
    reasons = LongTextField(
        max_length=NARRATIVE_MAX_CHARS,
        label="Reasons for the Panel's view",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter the reasons for the Panel's view"},
    )
    analysis_quality = GovukChoiceField(
        subject="how thorough the analysis was",
        label=_label("analysis_quality"),
        choices=Quality.choices,
        widget=forms.RadioSelect,
    )
    lived_experience = GovukChoiceField(
        subject="how well the review considered the child's lived experience",
        label="How well did the review consider the child's lived experience?",
        choices=Quality.choices,
        widget=forms.RadioSelect,
    )
    race_ethnicity_culture = GovukChoiceField(
        subject="how well the review considered race, ethnicity and culture",
        label="How well did the review consider race, ethnicity and culture?",
        choices=Quality.choices,
        widget=forms.RadioSelect,
    )
    characteristics_recorded = GovukChoiceField(
        subject="whether the child's characteristics were recorded",
        label="Were the child's characteristics recorded?",
        choices=Extent.choices,
        widget=forms.RadioSelect,
    )
    good_practice_identified = GovukChoiceField(
        subject="whether the review identified good practice",
        label="Did the review identify good practice?",
        choices=Extent.choices,
        widget=forms.RadioSelect,
    )
    feedback = LongTextField(
        max_length=NARRATIVE_MAX_CHARS,
        label="Feedback on the review's quality (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args, correcting: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not correcting:
            del self.fields["correction_reason"]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            *([character_count(self, "correction_reason")] if correcting else []),
            Field.radios("outcome", legend_size=Size.MEDIUM),
            character_count(self, "reasons"),
            Field.radios("analysis_quality", legend_size=Size.SMALL, inline=True),
            Field.radios("lived_experience", legend_size=Size.SMALL, inline=True),
            Field.radios("race_ethnicity_culture", legend_size=Size.SMALL, inline=True),
            Field.radios("characteristics_recorded", legend_size=Size.SMALL, inline=True),
            Field.radios("good_practice_identified", legend_size=Size.SMALL, inline=True),
            character_count(self, "feedback"),
        )

    def answers(self) -> DecisionAnswers:
        data = self.cleaned_data
        return DecisionAnswers(
            outcome=data["outcome"],
            reasons=data["reasons"],
            analysis_quality=data["analysis_quality"],
            lived_experience=data["lived_experience"],
            race_ethnicity_culture=data["race_ethnicity_culture"],
            characteristics_recorded=data["characteristics_recorded"],
            good_practice_identified=data["good_practice_identified"],
            feedback=data["feedback"],
        )


def decision_initial(decision: PanelDecision) -> dict:
    """A correction starts from the current version's answers."""
    return {
        name: getattr(decision, name)
        for name in ("outcome", "reasons", *PanelDecision.QUALITY_FIELDS, "feedback")
    }


class LetterForm(forms.Form):
    body = LongTextField(
        max_length=LETTER_MAX_CHARS,
        label="Text of the letter",
        help_text="Plain text; a blank line starts a new paragraph. The heading, date, "
        "addressee and references are added for you.",
        widget=forms.Textarea(attrs={"rows": 20}),
        error_messages={"required": "Enter the text of the letter"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(character_count(self, "body"))


class PanelQueueFilterForm(ReviewFindForm):
    """The Panel queue's filters: where each review is in the Panel's work (awaiting its
    decision unless asked otherwise) and the partnership's LCSPR decision, with the filters
    every list of reviews has."""

    stage = forms.ChoiceField(label="Show", required=False, choices=STAGES)
    lcspr_decision = forms.ChoiceField(
        label="Partnership's LCSPR decision",
        required=False,
        choices=[("", "Any"), *LcsprDecision.choices],
    )

    allocated_to = forms.ChoiceField(label="Allocated to", required=False)

    @classmethod
    def for_user(cls, data, *, user):
        form = super().for_user(data, user=user)
        mine = [(ME, "Me")] if user.role == Role.PANEL_MEMBER else []
        form.fields["allocated_to"].choices = [
            ("", "Anyone or no one"),
            *mine,
            (UNALLOCATED, "Not allocated"),
            *[(str(pk), name) for pk, name in _member_choices(panel_member_list())],
        ]
        return form

    field_order = [
        "reference",
        "allocated_to",
        "stage",
        "lcspr_decision",
        "partnership",
        "local_authority",
        "region",
        "submitted_from",
        "submitted_to",
    ]


# --- Messages on a case (panel.conversations) -------------------------------------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Any number of files (none too); what each is, and how many, the service checks."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": conversations.ACCEPT}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        uploads = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(MultipleFileField, self).clean(upload, initial) for upload in uploads]


KIND_LABELS = {
    MessageKind.QUESTION: "A question for the partnership (asks for further information)",
    MessageKind.MESSAGE: "A message",
    MessageKind.INTERNAL_NOTE: "An internal note (the Panel only: the partnership never sees it)",
    MessageKind.REPLY: "A reply to a question from the Panel",
}


class CaseMessageForm(forms.Form):
    """A message on a case: the kinds the user's side may send, the text, files, and (the
    Panel, on a rapid review) whether a question pauses the decision target. The rules are the
    service's (panel.conversations.case_message_send), so the page and the API agree."""

    kind = GovukChoiceField(
        subject="what kind of message this is",
        label="What are you sending?",
        choices=(),
        widget=forms.RadioSelect,
    )
    in_reply_to = forms.TypedChoiceField(
        label="Which question are you replying to?",
        coerce=int,
        required=False,
        choices=(),
    )
    body = LongTextField(
        max_length=10_000,
        label="Message",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": conversations.BODY_REQUIRED},
    )
    files = MultipleFileField(label="Attach files (optional)")
    pause_target = forms.BooleanField(
        label="Pause the decision target until the partnership replies",
        required=False,
    )

    def __init__(self, *args, user, open_questions=(), can_pause: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        # The longest message is a setting, read when the form is made.
        self.fields["body"] = LongTextField(
            max_length=conversations.body_max_chars(),
            label="Message",
            widget=forms.Textarea(attrs={"rows": 6}),
            error_messages={"required": conversations.BODY_REQUIRED},
        )
        self.fields["kind"].choices = [
            (kind, KIND_LABELS[kind]) for kind in conversations.kinds_for(user)
        ]
        self.fields["files"].help_text = conversations.attachment_hint()
        questions = list(open_questions)
        if len(questions) > 1:
            self.fields["in_reply_to"].choices = [("", "Choose a question")] + [
                (q.pk, f"Question sent {q.sent_at:%-d %B %Y} by {q.sender.get_full_name()}")
                for q in questions
            ]
            self.fields["in_reply_to"].help_text = "Only if you are sending a reply."
        else:
            del self.fields["in_reply_to"]
        if not can_pause:
            del self.fields["pause_target"]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.radios("kind", legend_size=Size.SMALL),
            *([Field.select("in_reply_to")] if "in_reply_to" in self.fields else []),
            character_count(self, "body"),
            Field("files"),
            *([Field.checkbox("pause_target")] if can_pause else []),
        )


# --- Allocation ----------------------------------------------------------------------------------


def _member_choices(members) -> list[tuple[int, str]]:
    return [(member.pk, member_name(member)) for member in members]


class AllocationForm(forms.Form):
    """The lead Panel member and any others, with the reason when anyone is taken off the
    review. The members listed are the active Panel members; any Panel member account is
    accepted here, so that the service says why an inactive one cannot be chosen."""

    lead = forms.ModelChoiceField(
        label="Lead Panel member",
        queryset=User.objects.filter(role=Role.PANEL_MEMBER),
        error_messages={
            "required": "Choose the lead Panel member",
            "invalid_choice": "Choose a Panel member from the list",
        },
    )
    others = forms.ModelMultipleChoiceField(
        label="Other Panel members (optional)",
        queryset=User.objects.filter(role=Role.PANEL_MEMBER),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose Panel members from the list"},
    )
    reason = LongTextField(
        max_length=REASON_MAX_CHARS,
        label="Reason for the reallocation",
        help_text="Needed when anyone is taken off the review. It stays in the review's "
        "allocation history.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, members: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        choices = members
        self.fields["lead"].choices = [("", "Choose a member"), *choices]
        self.fields["others"].choices = choices
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.select("lead"),
            Field.checkboxes("others", legend_size=Size.SMALL, small=True),
            character_count(self, "reason"),
            "version",
        )


class MemberProfileForm(forms.Form):
    """A Panel member's availability for new cases and their open-case cap."""

    member = forms.ModelChoiceField(
        queryset=User.objects.filter(role=Role.PANEL_MEMBER),
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": "Choose a Panel member from the workload table"},
    )
    available = GovukChoiceField(
        subject="whether the member is available for new cases",
        label="Available for new cases?",
        choices=[("yes", "Yes"), ("no", "No")],
        widget=forms.RadioSelect,
    )
    open_case_cap = forms.IntegerField(
        label="Most open cases at a time (optional)",
        help_text="Leave blank for the default.",
        required=False,
        min_value=0,
        max_value=500,
        # A text input (GOV.UK: no type=number), asking for the numeric keypad on a phone.
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        error_messages={
            "invalid": "Enter the cap as a whole number, like 12",
            "min_value": "Enter a cap between 0 and 500",
            "max_value": "Enter a cap between 0 and 500",
        },
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            "member",
            Field.radios("available", legend_size=Size.SMALL, inline=True),
            Field.text("open_case_cap", field_width=3),
            "version",
        )
