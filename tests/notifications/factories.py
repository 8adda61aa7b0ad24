"""Factories for SINs: one per status."""

from datetime import date

import factory
from django.utils import timezone

from notifications.models import AbuseOrNeglect, Notification, NotificationChild
from safeguarding.codes import Reason, Sex
from safeguarding.models import LocalAuthority


class DraftNotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    local_authority = factory.LazyFunction(lambda: LocalAuthority.objects.get(name="Leeds"))
    created_by = factory.SubFactory("tests.factories.LaUserFactory")
    status = Notification.Status.DRAFT


class CompleteDraftFactory(DraftNotificationFactory):
    """A draft with every answer given, ready to submit."""

    class Meta:
        skip_postgeneration_save = True

    incident_date = date(2024, 6, 3)
    date_aware = date(2024, 6, 4)
    reason = Reason.SERIOUS_HARM
    abuse_or_neglect = AbuseOrNeglect.SUSPECTED
    child_looked_after_death = False
    summary = "Synthetic summary."
    # Issue 16: needed to submit (prefilled from the account in the journey).
    notifier_name = "Sam Notifier"
    notifier_email = "sam.notifier@example.org"

    @factory.post_generation
    def children(self, create, extracted, **kwargs):
        if create and extracted is None:
            NotificationChildFactory(notification=self, is_child_in_focus=True)


class SubmittedNotificationFactory(CompleteDraftFactory):
    status = Notification.Status.SUBMITTED
    reference = factory.Sequence(lambda n: f"SIN-2024-{n + 1:06d}")
    notified_at = factory.LazyFunction(timezone.now)
    working_days_to_notify = 3
    notified_on_time = True


class NotificationChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NotificationChild

    child_reference = factory.Sequence(lambda n: f"Child {n}")
    age_years = 7
    sex = Sex.FEMALE
    harm = Reason.SERIOUS_HARM


def png_bytes(size: tuple[int, int] = (2, 2)) -> bytes:
    """A small valid PNG image."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def attachment_add(notification, *, by=None, data: bytes | None = None, name: str = "report.png"):
    """An attachment added through the service, as a user of the SIN's authority would."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from notifications.services import notification_attachment_add

    return notification_attachment_add(
        notification=notification,
        by=by or notification.created_by,
        uploaded_file=SimpleUploadedFile(name, png_bytes() if data is None else data),
        description="Synthetic document",
    )
