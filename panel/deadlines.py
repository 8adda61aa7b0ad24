"""The Panel's decision target's deadline rules (`panel.targets`), registered with the kernel's
deadline engine (`safeguarding.deadlines`) from `PanelConfig.ready()`: the lead Panel member is
reminded settings.PANEL_DECISION_REMINDER_WORKING_DAYS working days before the target, and the
secretariat (with the lead) is told when it passes without a decision. The engine sends each
once per target date (a target pushed back by a pause is a new date, so reminded again)."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse

from rapidreviews.models import RapidReview
from safeguarding.audiences import Audience, panel_secretariat
from safeguarding.dates import long_date
from safeguarding.deadlines.rules import Message, Occurrence, Rule, register, working_days_only

from .models import Allocation
from .pauses import decision_target_paused, pause_messages_prefetch
from .selectors import AWAITING_Q, member_name
from .targets import decision_target, decision_target_running


def _lead(review: RapidReview) -> Allocation | None:
    return (
        review.panel_allocations.filter(is_lead=True, ended_at=None)
        .select_related("member")
        .first()
    )


@working_days_only
def panel_decision_target_soon(review, today, calendar):
    """The lead member, N working days before the decision target (or the first sweep after,
    up to the target day itself)."""
    if not decision_target_running(review) or decision_target_paused(review):
        # While a question pauses the target it moves with every working day: reminding each
        # day would repeat itself. The reminder comes once the pause ends.
        return None
    target = decision_target(review, calendar=calendar, today=today)
    days_left = calendar.working_days_between(today, target)
    if 0 <= days_left <= settings.PANEL_DECISION_REMINDER_WORKING_DAYS:
        return Occurrence(target)
    return None


@working_days_only
def panel_decision_target_passed(review, today, calendar):
    """The first working day after the decision target with no decision (or the first sweep
    after that)."""
    if not decision_target_running(review) or decision_target_paused(review):
        # While a question pauses the target it moves with every working day: reminding each
        # day would repeat itself. The reminder comes once the pause ends.
        return None
    target = decision_target(review, calendar=calendar, today=today)
    if today >= calendar.add_working_days(target, 1):
        return Occurrence(target)
    return None


def _awaiting(today: date) -> QuerySet[RapidReview]:
    return (
        RapidReview.objects.filter(AWAITING_Q)
        .select_related("notification", "partnership")
        .prefetch_related(pause_messages_prefetch())
    )


def _awaiting_with_lead(today: date) -> QuerySet[RapidReview]:
    lead = Allocation.objects.filter(review=OuterRef("pk"), is_lead=True, ended_at=None)
    return _awaiting(today).filter(Exists(lead))


def _lead_audience(review: RapidReview) -> Audience:
    lead = _lead(review)
    if lead is None:
        return Audience()
    member = lead.member
    return Audience((member,), (member.email,) if member.email else ())


def _secretariat_and_lead(review: RapidReview) -> Audience:
    return panel_secretariat() + _lead_audience(review)


def _url(review: RapidReview) -> str:
    return reverse("panel:decision", args=[review.pk])


def _soon_message(review: RapidReview, occurrence: Occurrence, today: date) -> Message:
    reference = review.notification.reference
    return Message(
        subject=f"{reference}: the Panel's decision is due by {long_date(occurrence.due_date)}",
        body=(
            f"You are the lead Panel member for the rapid review for {reference} by "
            f"{review.partnership}. The Panel aims to decide by {long_date(occurrence.due_date)}."
        ),
        url=_url(review),
    )


def _passed_message(review: RapidReview, occurrence: Occurrence, today: date) -> Message:
    reference = review.notification.reference
    lead = _lead(review)
    who = (
        f"Its lead Panel member is {member_name(lead.member)}."
        if lead
        else "No Panel member is allocated to it."
    )
    return Message(
        subject=f"{reference}: the Panel's decision target has passed",
        body=(
            f"The Panel aimed to decide on the rapid review for {reference} by "
            f"{review.partnership} by {long_date(occurrence.due_date)}, and has not yet. {who}"
        ),
        url=reverse("panel:allocation", args=[review.pk]),
    )


RULES: tuple[Rule, ...] = (
    Rule(
        "panel_decision_target_soon",
        panel_decision_target_soon,
        _awaiting_with_lead,
        _lead_audience,
        _soon_message,
    ),
    Rule(
        "panel_decision_target_passed",
        panel_decision_target_passed,
        _awaiting,
        _secretariat_and_lead,
        _passed_message,
    ),
)

register(*RULES, order=40)
