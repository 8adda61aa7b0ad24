"""The LCSPR's section of the case file (safeguarding.case_file): its timeline, as its page
shows it, for anyone who may see the LCSPR."""

from __future__ import annotations

from notifications.models import Notification
from rapidreviews.case_links import case_review
from safeguarding.case_file import Section, register
from safeguarding.dates import long_date
from safeguarding.models import User

from . import selectors


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
    return Section("LCSPR timeline", rows=rows)


register("lcsprs", lcspr_section, order=50)
