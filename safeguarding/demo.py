"""Synthetic demo data for the kernel: one demo account per role. Every name here is made up.
Each app adds its own demo data to `seed_demo` by registering a loader here from its
`AppConfig.ready()`; the command runs them in the order the apps are installed, which is the
order they build on each other (SINs before their rapid reviews, before LCSPRs and letters)."""

from base64 import b32decode
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from .codes import Role
from .models import EmailDomain, LocalAuthority, Partnership, User
from .second_factor import authenticator_set_for_demo
from .services import user_create

DEMO_PASSWORD = "demo-safeguarding-2026"  # noqa: S105 - printed by `make run`; demo only
# Every demo account's authenticator app secret (base32, as an app asks for it): printed by
# `make run`, so one app entry (or `oathtool --totp -b`) signs in to every demo account.
DEMO_AUTHENTICATOR_SECRET = "DEMOSAFEGUARDINGCSIRPANELREVIEWS"  # noqa: S105 - demo only


def demo_authenticator_key_hex() -> str:
    """The demo secret as django-otp stores a TOTP key (hex)."""
    return b32decode(DEMO_AUTHENTICATOR_SECRET).hex()


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: Role
    first_name: str
    last_name: str
    local_authority: str = ""  # ONS code
    partnership: str = ""  # partnership code
    is_approver: bool = False


DEMO_USERS = [
    # Leeds' approver: manages Leeds' people on the team pages (/people/).
    DemoUser(
        "la-user", Role.LA_USER, "Robin", "Example", local_authority="E08000035", is_approver=True
    ),
    DemoUser("la-user-bristol", Role.LA_USER, "Sam", "Sample", local_authority="E06000023"),
    DemoUser("la-user-kent", Role.LA_USER, "Alex", "Invented", local_authority="E10000016"),
    DemoUser("la-user-camden", Role.LA_USER, "Riley", "Synthetic", local_authority="E09000007"),
    DemoUser(
        "partnership-lead", Role.PARTNERSHIP_LEAD, "Jordan", "Placeholder", partnership="leeds"
    ),
    DemoUser(
        "partnership-lead-kent", Role.PARTNERSHIP_LEAD, "Drew", "Fabricated", partnership="kent"
    ),
    DemoUser("panel-member", Role.PANEL_MEMBER, "Morgan", "Testcase"),
    DemoUser("panel-secretariat", Role.PANEL_SECRETARIAT, "Casey", "Fictional"),
    DemoUser("administrator", Role.ADMINISTRATOR, "Avery", "Madeup"),
    # Read-only: every submitted SIN, and the rapid reviews the Panel shares with them.
    DemoUser("dfe-viewer", Role.DFE_VIEWER, "Quinn", "Pretend"),
    DemoUser("ofsted-viewer", Role.OFSTED_VIEWER, "Harper", "Imaginary"),
]


# Leeds' work e-mail domain in the demo (synthetic: `example` is reserved, nobody's address):
# invitations and requests for an account for Leeds must use it (safeguarding.email_domains).
DEMO_EMAIL_DOMAINS = {"E08000035": "leeds.example.gov.uk"}


# A loader adds what is missing of an app's demo data and says what it did, in one line.
DemoLoader = Callable[[], str]
DEMO_LOADERS: dict[str, DemoLoader] = {}


def register_demo_loader(app_label: str, loader: DemoLoader) -> None:
    """Add (or replace) an app's demo loader. Apps register one that imports their demo module
    only when called, so a normal start-up does not load demo code."""
    DEMO_LOADERS[app_label] = loader


@transaction.atomic
def seed_demo_users() -> list[tuple[User, bool]]:
    """Create the demo accounts that are missing; existing ones are left as they are. Every
    one has the demo authenticator secret as its second factor."""
    seeded = []
    for demo in DEMO_USERS:
        user = User.objects.filter(username=demo.username).first()
        created = user is None
        if created:
            user = user_create(
                username=demo.username,
                email=f"{demo.username}@example.org",
                role=demo.role,
                password=DEMO_PASSWORD,
                first_name=demo.first_name,
                last_name=demo.last_name,
                local_authority=(
                    LocalAuthority.objects.get(ons_code=demo.local_authority)
                    if demo.local_authority
                    else None
                ),
                partnership=(
                    Partnership.objects.get(code=demo.partnership) if demo.partnership else None
                ),
            )
        if demo.is_approver and not user.is_approver:
            user.is_approver = True
            user.save(update_fields=["is_approver"])
        authenticator_set_for_demo(user=user, key_hex=demo_authenticator_key_hex())
        seeded.append((user, created))
    for ons_code, domain in DEMO_EMAIL_DOMAINS.items():
        EmailDomain.objects.get_or_create(
            local_authority=LocalAuthority.objects.get(ons_code=ons_code), domain=domain
        )
    return seeded


def seed_demo_reminders():
    """Run the deadline sweep as of the last working day, so the demo inboxes show the
    reminders and escalations the demo cases have earned. Idempotent like every sweep."""
    from .calendars import england_calendar
    from .deadlines.engine import deadline_sweep

    calendar = england_calendar()
    day = timezone.localdate()
    while not calendar.is_working_day(day):
        day -= timedelta(days=1)
    return deadline_sweep(today=day)
