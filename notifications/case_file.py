"""The SIN's sections of the case file (safeguarding.case_file) and the "case-file" document
kind (safeguarding.documents) whose subject is the SIN, read through its selector."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from safeguarding import documents, policy
from safeguarding.case_file import Part, Section, case_file_render, parts_html, register
from safeguarding.dates import long_date
from safeguarding.models import User

from . import links, selectors
from .models import Notification

CASE_FILE = "case-file"


def notification_section(user: User, notification: Notification) -> Section:
    """The SIN as its page shows it to this reader: children's names only for those who may
    see them, the due date of the review only for those who may see the review."""
    rows = []
    if notification.notified_at:
        rows.append(
            ("Submitted", f"{timezone.localtime(notification.notified_at):%-d %B %Y, %H:%M}")
        )
    if notification.working_days_to_notify is not None:
        on_time = "on time" if notification.notified_on_time else "late"
        rows.append(
            ("Working days to notify", f"{notification.working_days_to_notify} ({on_time})")
        )
    if notification.lateness_reason:
        rows.append(("Reason for lateness", notification.lateness_reason))
    rows.append(("Local authority", str(notification.local_authority)))
    rows.append(("Safeguarding partnership", str(notification.local_authority.partnership)))
    if notification.withdrawal:
        rows.append((notification.get_withdrawal_display(), notification.withdrawal_reason))
    html = render_to_string(
        "notifications/case_file/_notification.html",
        {
            "notification": notification,
            "children": notification.children.all(),
            "show_names": policy.can_see_child_identity(user, notification),
            "show_change": False,
        },
    )
    return Section("Incident notification and children", html=html, rows=rows)


def linked_cases_section(user: User, notification: Notification) -> Section | None:
    """Linked cases as the SIN's page shows them to this reader."""
    if notification.is_draft:
        return None
    shown = links.linked_cases_for(user=user, notification=notification)
    parts = [
        Part(
            heading=view.label,
            rows=[("Kind of link", view.kind_label)]
            + (
                [("Linked on", long_date(timezone.localdate(view.linked_at)))]
                if view.linked_at
                else []
            ),
            text=view.reason,
        )
        for view in shown
    ]
    return Section("Linked cases", html=parts_html(parts, empty="No linked cases."))


def _subject(user: User, pk: int) -> Notification:
    return selectors.notification_get_for_user(user=user, pk=pk)


def _title(notification: Notification) -> str:
    return f"Case file for {notification.reference or 'a draft notification'}"


register("notification", notification_section, order=10)
register("linked-cases", linked_cases_section, order=60)
documents.register(
    documents.DocumentKind(name=CASE_FILE, subject=_subject, title=_title, render=case_file_render)
)
