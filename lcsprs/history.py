"""What an LCSPR's audit entries mean, for its history (safeguarding.history). The messages
matched here are written by `services.py`."""

from __future__ import annotations

from safeguarding.history import Rule, register, rules_describer
from safeguarding.models import AuditAction

from .models import Lcspr

CREATE, UPDATE = AuditAction.CREATE, AuditAction.UPDATE
PUBLISHED_LABELS = {"on_time": "Published on time"}
FINAL_REPORT_LABELS = {"final_report_version": "Version", "type": "Type", "pages": "Pages"}
FEEDBACK_LABELS = {"learning_themes": "Learning themes identified"}

RULES = [
    Rule(
        CREATE,
        r"LCSPR commissioned, due [^:]*(?:: (?P<reason>.*))?",
        "commissioned the LCSPR",
        note="Reason: {reason}",
        show=("due_date",),
    ),
    Rule(UPDATE, r"LCSPR started", "started the LCSPR", show=("status",)),
    Rule(
        UPDATE,
        r"Final report received",
        "recorded that the Panel received the final report",
        show=("status", "final_report_received_on"),
    ),
    Rule(
        UPDATE,
        r"Planned publication date set",
        "set the planned publication date",
        show=("planned_publication_date",),
    ),
    Rule(
        UPDATE,
        r"Published on",
        "recorded the publication",
        labels=PUBLISHED_LABELS,
        show=("status", "actual_publication_date", "published_url", "on_time"),
    ),
    Rule(
        UPDATE,
        r"Final report uploaded",
        "uploaded the final report",
        labels=FINAL_REPORT_LABELS,
        show=("status", "final_report_received_on", "final_report_version", "type", "pages"),
    ),
    Rule(
        UPDATE,
        r"Final report replaced [^.]*\. Reason: (?P<reason>.*)",
        "replaced the final report",
        note="Reason: {reason}",
        labels=FINAL_REPORT_LABELS,
        show=("final_report_version", "type", "pages"),
    ),
    # The answers given, or on a correction what changed (each "new (was old)").
    Rule(
        UPDATE,
        r"The Panel's feedback recorded",
        "recorded the Panel's feedback",
        labels=FEEDBACK_LABELS,
    ),
    Rule(
        UPDATE,
        r"The Panel's feedback corrected",
        "corrected the Panel's feedback",
        labels=FEEDBACK_LABELS,
    ),
    Rule(
        UPDATE,
        r".+? corrected from .+?\. Reason: (?P<reason>.*)",
        "corrected a date",
        note="Reason: {reason}",
        show=("planned_publication_date", "actual_publication_date", "final_report_received_on"),
    ),
]

register(Lcspr, rules_describer(RULES))
