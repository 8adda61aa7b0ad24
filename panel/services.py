"""Writes for Panel decisions and response letters: one function per action, each in a
transaction; letters are rendered and e-mailed by a worker (panel.tasks)."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial
from typing import IO
from uuid import uuid4

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Case, Exists, F, Max, OuterRef, Q, QuerySet, Value, When
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from rapidreviews.models import PanelStage, RapidReview
from safeguarding import policy
from safeguarding.audiences import Audience, notify, partnership_leads
from safeguarding.audit import audit_log
from safeguarding.email import Attachment
from safeguarding.errors import DomainError, DomainInvalid, DomainNotFound
from safeguarding.models import AuditAction, User
from safeguarding.pdf import html_to_pdf

from .models import PanelDecision, PanelMeeting, ResponseLetter

# A `rendering` claim older than this belongs to a worker that died mid-render.
STALE_CLAIM = timedelta(minutes=10)


class PanelError(DomainError):
    """An action that is not allowed now (shown as a form error, or HTTP 409)."""


class PanelInvalid(PanelError, DomainInvalid):
    """The answers break the Panel's rules."""


class LetterNotMade(PanelError, DomainNotFound):
    """The letter's PDF is not made yet: nothing to download (a 404)."""


class LetterUndeliverable(PanelError):
    """The letter has nowhere to go: retrying will not help until someone fixes the data."""


@dataclass(frozen=True)
class DecisionAnswers:
    outcome: str
    reasons: str
    analysis_quality: str
    lived_experience: str
    race_ethnicity_culture: str
    characteristics_recorded: str
    good_practice_identified: str
    feedback: str = ""


def _check_member(by: User) -> None:
    if not policy.can_decide(by):
        raise PanelError("Only a Panel member can record the Panel's decision")


def _check_answers(answers: DecisionAnswers) -> None:
    if not answers.reasons.strip():
        raise PanelInvalid({"reasons": ["Enter the reasons for the Panel's view"]})


def _check_meeting(meeting: PanelMeeting | None, review_id: int) -> None:
    """A decision taken at a meeting: one whose agenda holds the review, not cancelled."""
    if meeting is None:
        return
    if (
        meeting.status == PanelMeeting.Status.CANCELLED
        or not meeting.agenda.filter(review_id=review_id).exists()
    ):
        raise PanelError("This review is not on the agenda of that Panel meeting")


def _answers_dict(answers: DecisionAnswers) -> dict:
    return {
        "outcome": answers.outcome,
        "reasons": answers.reasons.strip(),
        "analysis_quality": answers.analysis_quality,
        "lived_experience": answers.lived_experience,
        "race_ethnicity_culture": answers.race_ethnicity_culture,
        "characteristics_recorded": answers.characteristics_recorded,
        "good_practice_identified": answers.good_practice_identified,
        "feedback": answers.feedback.strip(),
    }


def panel_stage_refresh(reviews: QuerySet[RapidReview] | Iterable[int] | None = None) -> int:
    """Store each review's `panel_stage` from its status, decisions and letters, in one
    UPDATE (`reviews`: a queryset, ids or instances; None: every review). The services below
    call it for the review they change; a bulk loader that inserts reviews, decisions or sent
    letters without them (the importer, the benchmark's dataset) calls it once afterwards.
    Returns the number of reviews updated."""
    decided = PanelDecision.objects.filter(review=OuterRef("pk"))
    sent = ResponseLetter.objects.filter(review=OuterRef("pk"), status=ResponseLetter.Status.SENT)
    stage = Case(
        When(~Q(status=RapidReview.Status.SUBMITTED), then=Value(PanelStage.NOT_SUBMITTED)),
        # Closed because its SIN was withdrawn or not progressed: out of the Panel's queue.
        When(closed_on_withdrawal=True, then=Value(PanelStage.NOT_SUBMITTED)),
        When(Exists(sent), then=Value(PanelStage.LETTER_SENT)),
        When(Exists(decided), then=Value(PanelStage.DECIDED)),
        default=Value(PanelStage.AWAITING),
    )
    rows = RapidReview.objects.all()
    if reviews is not None:
        rows = rows.filter(pk__in=reviews)
    return rows.update(panel_stage=stage)


@transaction.atomic
def panel_decision_record(
    *,
    review: RapidReview,
    by: User,
    answers: DecisionAnswers,
    meeting: PanelMeeting | None = None,
) -> PanelDecision:
    """Record the Panel's decision on a submitted rapid review (version 1), taken at `meeting`
    when given (one whose agenda holds the review). A decision is recorded once: a change
    after that is a correction (`panel_decision_correct`)."""
    _check_member(by)
    _check_answers(answers)
    review = RapidReview.objects.select_for_update().get(pk=review.pk)
    _check_meeting(meeting, review.pk)
    if review.status != RapidReview.Status.SUBMITTED:
        raise PanelError("The Panel decides only on a submitted rapid review")
    if review.closed_on_withdrawal:
        raise PanelError("This rapid review is closed: its notification was withdrawn")
    if review.panel_decisions.exists():
        raise PanelError("The Panel's decision is already recorded: correct it instead")
    decision = PanelDecision.objects.create(
        review=review,
        version=1,
        is_current=True,
        decided_by=by,
        decided_at=timezone.now(),
        meeting=meeting,
        **_answers_dict(answers),
    )
    panel_stage_refresh(reviews=[review.pk])
    audit_log(
        actor=by,
        action=AuditAction.CREATE,
        obj=review,
        changes={
            "outcome": decision.outcome,
            "version": 1,
            **({"meeting": meeting.pk} if meeting else {}),
        },
        message=f"Panel decision recorded: {decision.get_outcome_display()}",
    )
    return decision


@transaction.atomic
def panel_decision_correct(
    *,
    decision: PanelDecision,
    by: User,
    correction_reason: str,
    answers: DecisionAnswers,
    meeting: PanelMeeting | None = None,
) -> PanelDecision:
    """Correct the current decision: the next version, with its reason, becomes current
    (taken at `meeting` when given); the earlier versions stay as they were."""
    _check_member(by)
    errors: dict[str, list[str]] = {}
    if not correction_reason.strip():
        errors["correction_reason"] = ["Enter why the decision is being corrected"]
    if not answers.reasons.strip():
        errors["reasons"] = ["Enter the reasons for the Panel's view"]
    if errors:
        raise PanelInvalid(errors)
    RapidReview.objects.select_for_update().get(pk=decision.review_id)
    _check_meeting(meeting, decision.review_id)
    current = PanelDecision.objects.get(review=decision.review_id, is_current=True)
    if current.pk != decision.pk:
        raise PanelError(
            "Someone else corrected this decision after you opened the page: "
            "check the current version and correct that"
        )
    current.is_current = False
    current.save(update_fields=["is_current"])
    corrected = PanelDecision.objects.create(
        review_id=current.review_id,
        version=current.version + 1,
        is_current=True,
        correction_reason=correction_reason.strip(),
        decided_by=by,
        decided_at=timezone.now(),
        meeting=meeting,
        **_answers_dict(answers),
    )
    changes = {
        field: [getattr(current, field), getattr(corrected, field)]
        for field in _answers_dict(answers)
        if getattr(current, field) != getattr(corrected, field)
    }
    audit_log(
        actor=by,
        action=AuditAction.UPDATE,
        obj=current.review,
        changes={**changes, "version": [current.version, corrected.version]},
        message=f"Panel decision corrected (version {corrected.version}): "
        f"{corrected.correction_reason}",
    )
    return corrected


# Response letters.


def _child_reference(review: RapidReview) -> str:
    """The child in focus's pseudonymous reference: the only way a letter names the child."""
    child = review.notification.child_in_focus
    return child.child_reference if child else ""


def response_letter_default_body(*, decision: PanelDecision) -> str:
    """The letter's text from the template, filled with the decision and its feedback."""
    review = decision.review
    return render_to_string(
        "panel/letter_body.txt",
        {
            "decision": decision,
            "review": review,
            "notification": review.notification,
            "child_reference": _child_reference(review),
        },
    ).strip()


def response_letter_context(*, letter: ResponseLetter, on: date | None = None) -> dict:
    """What templates/panel/_letter_content.html shows: the preview and the PDF alike."""
    review = letter.review
    return {
        "letter": letter,
        "review": review,
        "notification": review.notification,
        "partnership": review.partnership,
        "child_reference": _child_reference(review),
        "letter_date": on or timezone.localdate(),
    }


def response_letter_html(*, letter: ResponseLetter, on: date | None = None) -> str:
    """The whole letter as an HTML document, for the PDF."""
    return render_to_string("panel/letter.html", response_letter_context(letter=letter, on=on))


def _check_letter_role(by: User) -> None:
    if not policy.can_write_letter(by):
        raise PanelError("Only the Panel can write a response letter")


@transaction.atomic
def response_letter_draft(*, review: RapidReview, by: User, body: str) -> ResponseLetter:
    """Save the text of the review's draft letter, starting the next version if there is no
    draft. The letter answers the current decision."""
    _check_letter_role(by)
    if not body.strip():
        raise PanelInvalid({"body": ["Enter the text of the letter"]})
    review = RapidReview.objects.select_for_update().get(pk=review.pk)
    decision = PanelDecision.objects.filter(review=review, is_current=True).first()
    if decision is None:
        raise PanelError("Record the Panel's decision before writing the letter")
    letter = ResponseLetter.objects.filter(
        review=review, status=ResponseLetter.Status.DRAFTED, send_requested_at__isnull=True
    ).first()
    if letter is None:
        latest = review.response_letters.aggregate(v=Max("version"))["v"] or 0
        letter = ResponseLetter.objects.create(
            review=review, decision=decision, version=latest + 1, body=body, created_by=by
        )
        audit_log(
            actor=by,
            action=AuditAction.CREATE,
            obj=review,
            changes={"letter_version": letter.version},
            message=f"Response letter version {letter.version} drafted",
        )
        return letter
    letter.body, letter.decision = body, decision
    letter.save(update_fields=["body", "decision", "updated_at"])
    audit_log(
        actor=by,
        action=AuditAction.UPDATE,
        obj=review,
        changes={"letter_version": letter.version},
        message=f"Response letter version {letter.version} edited",
    )
    return letter


def _queue_render(letter_id: int) -> None:
    from .tasks import letter_render_and_send_task

    transaction.on_commit(partial(letter_render_and_send_task.delay, letter_id))


@transaction.atomic
def response_letter_send(*, letter: ResponseLetter, by: User) -> ResponseLetter:
    """Ask for the draft to be made into a PDF and e-mailed to the partnership; a worker does
    it after this commits. The text can no longer change."""
    _check_letter_role(by)
    letter = ResponseLetter.objects.select_for_update().get(pk=letter.pk)
    if not letter.is_open_draft:
        raise PanelError("This letter has already been sent")
    letter.send_requested_by, letter.send_requested_at = by, timezone.now()
    letter.save(update_fields=["send_requested_by", "send_requested_at", "updated_at"])
    audit_log(
        actor=by,
        action=AuditAction.SUBMIT,
        obj=letter.review,
        changes={"letter_version": letter.version},
        message=f"Response letter version {letter.version} sent for rendering and e-mail",
    )
    _queue_render(letter.pk)
    return letter


@transaction.atomic
def response_letter_retry(*, letter: ResponseLetter, by: User) -> ResponseLetter:
    """Try a failed letter again now, rather than waiting for the worker's next retry."""
    _check_letter_role(by)
    letter = ResponseLetter.objects.select_for_update().get(pk=letter.pk)
    if letter.status != ResponseLetter.Status.FAILED:
        raise PanelError("Only a letter that failed can be tried again")
    audit_log(
        actor=by,
        action=AuditAction.UPDATE,
        obj=letter.review,
        changes={"letter_version": letter.version},
        message=f"Response letter version {letter.version} tried again",
    )
    _queue_render(letter.pk)
    return letter


def _claim(letter_id: int) -> bool:
    now = timezone.now()
    return bool(
        ResponseLetter.objects.filter(pk=letter_id, send_requested_at__isnull=False)
        .filter(
            Q(status__in=ResponseLetter.CLAIMABLE)
            | Q(status=ResponseLetter.Status.RENDERING, claimed_at__lt=now - STALE_CLAIM)
        )
        .update(status=ResponseLetter.Status.RENDERING, claimed_at=now, attempts=F("attempts") + 1)
    )


def render_pdf(html: str) -> bytes:
    """HTML to PDF, in-process (safeguarding.pdf, shared with the annual figures)."""
    return html_to_pdf(html)


def _letter_filename(letter: ResponseLetter) -> str:
    return f"{letter.review.notification.reference}-panel-response-v{letter.version}.pdf"


def _render(letter: ResponseLetter) -> bytes:
    """Make and store the PDF (once: a retry after a failed e-mail reuses it)."""
    if letter.pdf:
        with letter.pdf.open("rb") as handle:
            return handle.read()
    today = timezone.localdate()
    data = render_pdf(response_letter_html(letter=letter, on=today))
    letter.pdf.save(f"{uuid4().hex}-v{letter.version}.pdf", ContentFile(data), save=False)
    letter.pdf_name = _letter_filename(letter)
    letter.sha256 = hashlib.sha256(data).hexdigest()
    letter.page_count = len(PdfReader(io.BytesIO(data)).pages)
    letter.rendered_at = timezone.now()
    letter.status = ResponseLetter.Status.RENDERED
    letter.error = ""
    letter.save(
        update_fields=[
            "pdf",
            "pdf_name",
            "sha256",
            "page_count",
            "rendered_at",
            "status",
            "error",
            "updated_at",
        ]
    )
    return data


def response_letter_render_and_send(*, letter_id: int) -> bool:
    """Render the letter to PDF and e-mail it to the partnership's leads (and its shared inbox),
    with a message in the leads' inbox, unless another worker has it or it has been sent.
    Returns whether this call did it. A failure marks the letter failed with the error, then
    raises so the task retries."""
    if not _claim(letter_id):
        return False
    letter = ResponseLetter.objects.select_related(
        "review__notification", "review__partnership"
    ).get(pk=letter_id)
    try:
        data = _render(letter)
        audience = partnership_leads(letter.review.partnership)
        if not audience.emails:
            raise LetterUndeliverable(
                f"{letter.review.partnership} has no partnership lead with an e-mail address "
                "and no shared inbox"
            )
        with transaction.atomic():
            _tell_partnership_of_letter(letter, data, audience)
            ResponseLetter.objects.filter(pk=letter.pk).update(
                status=ResponseLetter.Status.SENT, sent_at=timezone.now(), error=""
            )
            panel_stage_refresh(reviews=[letter.review_id])
            audit_log(
                actor=None,
                action=AuditAction.UPDATE,
                obj=letter.review,
                changes={"letter_version": letter.version, "to": sorted(audience.emails)},
                message=f"Response letter version {letter.version} e-mailed to the partnership",
                actor_username="system",
            )
    except Exception as exc:
        ResponseLetter.objects.filter(pk=letter_id).update(
            status=ResponseLetter.Status.FAILED, error=f"{exc.__class__.__name__}: {exc}"[:2000]
        )
        raise
    return True


def _tell_partnership_of_letter(letter: ResponseLetter, data: bytes, audience: Audience) -> None:
    """The partnership's leads (safeguarding.audiences): the letter attached to the e-mail,
    and a message in each lead's inbox linking to the decision."""
    review = letter.review
    reference = review.notification.reference
    url = reverse("panel:decision", args=[review.pk])
    notify(
        audience,
        subject=f"{reference}: the Panel's response to your rapid review",
        body="The Panel's response letter is on the decision page.",
        url=url,
        email_body=(
            f"The Child Safeguarding Practice Review Panel has responded to {review.partnership}'s "
            f"rapid review of {reference}. The letter is attached.\n\n"
            f"Sign in to read it: {settings.SITE_URL}{url}\n"
        ),
        related=letter,
        # Once per letter version, however often the task runs.
        dedupe_key=f"panel-response-letter-{letter.pk}",
        attachments=[Attachment(_letter_filename(letter), data, "application/pdf")],
    )


@dataclass(frozen=True)
class LetterDownload:
    file: IO[bytes]
    filename: str


def response_letter_download(*, letter: ResponseLetter, by: User) -> LetterDownload:
    """Open a rendered letter for `by` (who read it through its selector), and record it."""
    if not letter.pdf:
        raise LetterNotMade("This letter has not been made into a PDF yet")
    audit_log(
        actor=by,
        action=AuditAction.EXPORT,
        obj=letter.review,
        changes={"letter_version": letter.version, "sha256": letter.sha256},
        message=f"Downloaded response letter version {letter.version}",
    )
    return LetterDownload(file=letter.pdf.open("rb"), filename=letter.pdf_name)
