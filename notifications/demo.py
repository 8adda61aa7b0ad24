"""Synthetic demo SINs for `seed_demo`: submitted and draft, on time and late, for several
authorities. Every child, summary and reason is invented."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from rapidreviews.models import RapidReview
from rapidreviews.timescales import rapid_review_due_date
from safeguarding.codes import Reason, Sex
from safeguarding.models import User
from safeguarding.workingdays import add_working_days, working_days_between

from . import services
from .models import AbuseOrNeglect, Notification
from .timescales import notification_on_time

DEMO_MARK = "Demo record"
LATENESS_REASON = "Demo: the local authority was waiting for police confirmation"


@dataclass(frozen=True)
class DemoSin:
    key: str
    username: str
    reason: str
    children: tuple[tuple[str, int, str, str], ...]  # reference, age, sex, harm
    submitted_working_days_ago: int | None  # None: left as a draft
    working_days_to_notify: int = 3
    abuse_or_neglect: str = AbuseOrNeglect.SUSPECTED
    looked_after_death: bool = False
    postcode: str = ""


DEMO_SINS = [
    DemoSin(
        "leeds-1",
        "la-user",
        Reason.SERIOUS_HARM,
        (("Child A", 0, Sex.MALE, Reason.SERIOUS_HARM),),
        2,
        postcode="LS9 8AA",
    ),
    DemoSin(
        "leeds-2",
        "la-user",
        Reason.DEATH,
        (
            ("Child A", 15, Sex.FEMALE, Reason.DEATH),
            ("Child B", 12, Sex.FEMALE, Reason.SERIOUS_HARM),
        ),
        9,
    ),
    DemoSin(
        "leeds-3",
        "la-user",
        Reason.SERIOUS_HARM,
        (("Child A", 7, Sex.MALE, Reason.SERIOUS_HARM),),
        20,
        working_days_to_notify=8,
    ),
    DemoSin(
        "leeds-old",
        "la-user",
        Reason.DEATH,
        (("Child A", 0, Sex.MALE, Reason.DEATH),),
        30,
        abuse_or_neglect=AbuseOrNeglect.SUSPECTED,
    ),
    DemoSin(
        "leeds-draft", "la-user", Reason.OTHER, (("Child A", 16, Sex.MALE, Reason.OTHER),), None
    ),
    DemoSin(
        "bristol-1",
        "la-user-bristol",
        Reason.DEATH,
        (("Child A", 17, Sex.MALE, Reason.DEATH),),
        4,
        abuse_or_neglect=AbuseOrNeglect.NOT_SUSPECTED,
        looked_after_death=True,
    ),
    DemoSin(
        "bristol-draft",
        "la-user-bristol",
        Reason.SERIOUS_HARM,
        (("Child A", 2, Sex.FEMALE, Reason.SERIOUS_HARM),),
        None,
    ),
    DemoSin(
        "kent-1",
        "la-user-kent",
        Reason.SERIOUS_HARM,
        (("Child A", 14, Sex.FEMALE, Reason.SERIOUS_HARM),),
        12,
        abuse_or_neglect=AbuseOrNeglect.KNOWN,
    ),
    DemoSin(
        "camden-1",
        "la-user-camden",
        Reason.DEATH,
        (("Child A", 0, Sex.FEMALE, Reason.DEATH),),
        1,
        working_days_to_notify=6,
    ),
]


def _summary(demo: DemoSin) -> str:
    return f"{DEMO_MARK} {demo.key}: a synthetic incident for demonstrating the service."


@transaction.atomic
def seed_demo_notifications() -> int:
    """Create the demo SINs that are missing. Submitted ones are dated in the past, with their
    working days and rapid review due dates computed as a real submission would have."""
    created = 0
    today = timezone.localdate()
    for demo in DEMO_SINS:
        if Notification.objects.filter(summary=_summary(demo)).exists():
            continue
        user = User.objects.get(username=demo.username)
        if demo.submitted_working_days_ago is None:
            submitted_on = today
        else:
            submitted_on = add_working_days(today, -demo.submitted_working_days_ago)
        date_aware = add_working_days(submitted_on, -demo.working_days_to_notify)
        notification = services.notification_create(
            local_authority=user.local_authority,
            by=user,
            incident_date=date_aware - timedelta(days=1),
            date_aware=date_aware,
            reason=demo.reason,
            abuse_or_neglect=demo.abuse_or_neglect,
            child_looked_after_death=demo.looked_after_death,
            placement_postcode=demo.postcode,
            summary=_summary(demo),
            children=[
                services.ChildData(child_reference=ref, age_years=age, sex=sex, harm=harm)
                for ref, age, sex, harm in demo.children
            ],
        )
        if demo.submitted_working_days_ago is not None:
            # Submitted today, then moved back to its date: today it may already be late.
            services.notification_submit(
                notification=notification,
                by=user,
                lateness_reason=LATENESS_REASON,
                expected_version=None,
            )
            _backdate(notification, submitted_on)
        created += 1
    return created


def _backdate(notification: Notification, submitted_on) -> None:
    """Move a just-submitted demo SIN's submission to `submitted_on` (demo data only)."""
    notified_at = timezone.make_aware(datetime.combine(submitted_on, time(11, 0)))
    days = working_days_between(notification.date_aware, submitted_on)
    Notification.objects.filter(pk=notification.pk).update(
        notified_at=notified_at,
        working_days_to_notify=days,
        notified_on_time=notification_on_time(days),
        lateness_reason="" if notification_on_time(days) else LATENESS_REASON,
    )
    due = rapid_review_due_date(submitted_on)
    RapidReview.objects.filter(notification=notification).update(
        clock_started_on=submitted_on, due_date=due, original_due_date=due
    )


def seed_demo() -> str:
    """This app's part of `manage.py seed_demo` (registered in its AppConfig.ready())."""
    return f"Demo incident notifications: {seed_demo_notifications()} added."
