"""LCSPRs move with their local authority to a new partnership (safeguarding.moves): every
LCSPR not yet published. A published one stays with the partnership that wrote it."""

from safeguarding.moves import CaseCarrier, register_case_carrier

from .models import Lcspr


def _open_lcsprs(authority):
    return (
        Lcspr.objects.filter(rapid_review__notification__local_authority=authority)
        .exclude(status=Lcspr.Status.PUBLISHED)
        .select_related("rapid_review__notification")
        .order_by("due_date", "pk")
    )


register_case_carrier(
    CaseCarrier(
        key="lcsprs",
        label="LCSPRs not yet published",
        open_cases=_open_lcsprs,
        reference=lambda lcspr: lcspr.rapid_review.notification.reference,
    )
)
