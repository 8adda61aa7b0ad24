"""The LCSPR's section of the case file (safeguarding.case_file): its timeline, its final
report and the Panel's feedback, as its page shows them, for anyone who may see the LCSPR."""

from __future__ import annotations

from django.utils import timezone

from notifications.models import Notification
from rapidreviews.case_links import case_review
from safeguarding.case_file import Section, register
from safeguarding.dates import long_date
from safeguarding.models import User

from . import selectors
from .timescales import PANEL_NOTICE_DAYS


def lcspr_section(user: User, notification: Notification) -> Section | None:
    review = case_review(user, notification, with_shared=False)
    lcspr = review and selectors.lcspr_get_for_review(user=user, review=review)
    if not lcspr:
        return None
    rows = [("Status", lcspr.get_status_display())]
    for entry in selectors.lcspr_timeline(lcspr=lcspr):
        when = long_date(entry.on) if entry.on else "Not yet"
        done = "done" if entry.done else "to come"
        detail = f" ({entry.detail})" if entry.detail else ""
        rows.append((entry.title, f"{when}, {done}{detail}"))
    report = selectors.lcspr_final_report_list(lcspr=lcspr).first()
    if report is not None:
        pages = f", {report.page_count} pages" if report.page_count else ""
        rows.append(
            (
                "Final report",
                f"{report.name} (version {report.number}, {report.kind.upper()}{pages}), "
                f"uploaded {long_date(timezone.localdate(report.uploaded_at))}",
            )
        )
    if lcspr.final_report_received_on:
        notice = lcspr.panel_notice_days
        received = long_date(lcspr.final_report_received_on)
        if notice is not None:
            received += f", {notice} day{'s' if notice != 1 else ''} before publication"
            if lcspr.panel_notice_short:
                received += f" (fewer than {PANEL_NOTICE_DAYS})"
        rows.append(("Final report received by the Panel", received))
    rows.extend(selectors.lcspr_feedback_rows(lcspr=lcspr))
    if lcspr.panel_feedback:
        rows.append(("The Panel's feedback", lcspr.panel_feedback))
    return Section("LCSPR timeline", rows=rows)


register("lcsprs", lcspr_section, order=50)
