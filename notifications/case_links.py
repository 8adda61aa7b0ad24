"""The SIN's links in the case's "This case" panel (safeguarding.case_links): the SIN itself,
its linked cases (issue 17) and the whole case file as a PDF."""

from django.urls import reverse

from safeguarding.case_links import CaseLink, register
from safeguarding.models import User

from . import links, selectors
from .models import Notification


def _visible(user: User, notification: Notification) -> bool:
    return selectors.notification_list(user=user).filter(pk=notification.pk).exists()


def notification_case_links(user: User, notification: Notification) -> list[CaseLink]:
    if not _visible(user, notification):
        return []
    label = f"Incident notification {notification.reference}".strip()
    url = reverse("notifications:notification-detail", args=[notification.pk])
    return [CaseLink("notification", label, url)]


def linked_case_links(user: User, notification: Notification) -> list[CaseLink]:
    """ "Linked cases (2)", to the list on the SIN's page, when there are any."""
    if notification.is_draft or not _visible(user, notification):
        return []
    count = links.linked_case_count(notification=notification)
    if not count:
        return []
    url = reverse("notifications:notification-detail", args=[notification.pk]) + "#linked-cases"
    return [CaseLink("linked_cases", f"Linked cases ({count})", url)]


def case_file_links(user: User, notification: Notification) -> list[CaseLink]:
    """The whole case file (safeguarding.case_file), for anyone who reads the SIN."""
    if notification.is_draft or not _visible(user, notification):
        return []
    url = reverse("notifications:case-file", args=[notification.pk])
    return [CaseLink("case_file", "Download the case file (PDF)", url)]


register("notifications", notification_case_links, order=10)
register("linked-cases", linked_case_links, order=60)
register("case-file", case_file_links, order=90)
