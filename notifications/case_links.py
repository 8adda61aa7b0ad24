"""The SIN's link in the case's "This case" panel (safeguarding.case_links)."""

from django.urls import reverse

from safeguarding.case_links import CaseLink, register
from safeguarding.models import User

from . import selectors
from .models import Notification


def notification_case_links(user: User, notification: Notification) -> list[CaseLink]:
    if not selectors.notification_list(user=user).filter(pk=notification.pk).exists():
        return []
    label = f"Incident notification {notification.reference}".strip()
    url = reverse("notifications:notification-detail", args=[notification.pk])
    return [CaseLink("notification", label, url)]


register("notifications", notification_case_links, order=10)
