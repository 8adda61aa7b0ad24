"""The rapid review's sections of the case file (safeguarding.case_file): its answers and
narrative, and its extensions. For anyone who may see the review (DfE and Ofsted viewers once
the Panel shares it with them; never an area the SIN was only shared with)."""

from __future__ import annotations

from django.utils import timezone

from notifications.models import Notification
from safeguarding.case_file import Part, Section, parts_html, register
from safeguarding.dates import long_date
from safeguarding.history import person
from safeguarding.models import User

from . import selectors
from .case_links import case_review

NOT_ANSWERED = "Not answered"


def review_section(user: User, notification: Notification) -> Section | None:
    review = case_review(user, notification)
    if review is None:
        return None
    rows = [
        ("Partnership", str(review.partnership)),
        ("Status", review.get_status_display()),
        ("Due", long_date(review.due_date)),
    ]
    if review.due_date != review.original_due_date:
        rows.append(("Originally due", long_date(review.original_due_date)))
    if review.submitted_at:
        rows.append(("Submitted", long_date(timezone.localdate(review.submitted_at))))
    parts = [
        Part(
            heading=answers.section.title,
            rows=[(question, answer or NOT_ANSWERED) for question, answer in answers.rows],
        )
        for answers in selectors.rapid_review_answers(review=review)
    ]
    return Section("Rapid review", html=parts_html(parts), rows=rows)


def extensions_section(user: User, notification: Notification) -> Section | None:
    review = case_review(user, notification)
    if review is None:
        return None
    parts = []
    for extension in reversed(list(selectors.rapid_review_extension_list(review=review))):
        rows = [
            ("Asked for", long_date(timezone.localdate(extension.requested_at))),
            ("Asked by", person(extension.requested_by)),
            ("Proposed due date", long_date(extension.proposed_date)),
            ("Why it is needed", extension.reason),
            ("Decision", extension.get_status_display()),
        ]
        if extension.decided_at:
            rows.append(("Decided", long_date(timezone.localdate(extension.decided_at))))
        if extension.new_due_date:
            rows.append(("New due date", long_date(extension.new_due_date)))
        if extension.decision_reason:
            rows.append(("Reason for the decision", extension.decision_reason))
        parts.append(Part(heading=f"Extension to {long_date(extension.proposed_date)}", rows=rows))
    return Section("Extensions", html=parts_html(parts, empty="No extension was asked for."))


register("rapid-review", review_section, order=20)
register("rapid-review-extensions", extensions_section, order=25)
