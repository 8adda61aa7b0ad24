"""What the national review entries in a case's history mean (safeguarding.history): written
on the case's rapid review by `panel.national_reviews`. Proposals and declines carry
`safeguarding.history.PANEL_ONLY`, so only the Panel sees them; an acceptance is for everyone
who reads the case's history."""

from rapidreviews.models import RapidReview
from safeguarding.history import Rule, register, rules_describer
from safeguarding.models import AuditAction

RULES = [
    Rule(
        AuditAction.UPDATE,
        r"Proposed for national review: (?P<title>.*)",
        "proposed the case for the national review {title}",
        show=(),
    ),
    Rule(
        AuditAction.UPDATE,
        r"Accepted into national review: (?P<title>.*)",
        "accepted the case into the national review {title}",
        show=(),
    ),
    Rule(
        AuditAction.UPDATE,
        r"Declined for national review: (?P<title>.*?): (?P<reason>.*)",
        "declined the case for the national review {title}",
        note="Reason: {reason}",
        show=(),
    ),
]

register(RapidReview, rules_describer(RULES))
