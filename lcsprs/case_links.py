"""The LCSPR's link in the case's "This case" panel (safeguarding.case_links)."""

from django.urls import reverse

from notifications.models import Notification
from rapidreviews.case_links import case_review
from safeguarding.case_links import CaseLink, register
from safeguarding.models import User

from . import selectors


def lcspr_case_links(user: User, notification: Notification) -> list[CaseLink]:
    review = case_review(user, notification, with_shared=False)
    lcspr = review and selectors.lcspr_get_for_review(user=user, review=review)
    if not lcspr:
        return []
    return [CaseLink("lcspr", "LCSPR", reverse("lcsprs:lcspr-detail", args=[lcspr.pk]))]


register("lcsprs", lcspr_case_links, order=50)
