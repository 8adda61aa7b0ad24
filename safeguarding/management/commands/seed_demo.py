from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from safeguarding.demo import (
    DEMO_AUTHENTICATOR_SECRET,
    DEMO_LOADERS,
    DEMO_PASSWORD,
    seed_demo_reminders,
    seed_demo_users,
)
from safeguarding.services import reference_data_load


class Command(BaseCommand):
    help = (
        "Load reference data and the synthetic demo dataset, with one demo account per role. "
        "Idempotent: running it again adds nothing twice."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Seed even with ENVIRONMENT=production (demo accounts share one known password).",
        )

    def handle(self, *args, allow_production: bool = False, **options) -> None:
        if settings.PRODUCTION and not allow_production:
            raise CommandError(
                "Refusing to create demo accounts with ENVIRONMENT=production: they share a "
                "published password. Pass --allow-production for a demonstration server."
            )
        reference = reference_data_load()
        self.stdout.write(
            f"Reference data: {reference.local_authorities} local authorities, "
            f"{reference.partnerships} partnerships, {reference.regions} regions."
        )
        users = seed_demo_users()
        # Each app's demo data, registered from its AppConfig.ready() (safeguarding.demo).
        for load in DEMO_LOADERS.values():
            self.stdout.write(load())
        swept = seed_demo_reminders()
        self.stdout.write(
            f"Deadline checks as of {swept.as_of:%-d %B %Y}: "
            f"{sum(swept.sent.values())} reminder(s) sent."
        )
        self.stdout.write(self.style.SUCCESS("Demo accounts (all share one password):"))
        for user, created in users:
            status = "created" if created else "already there"
            self.stdout.write(
                f"  {user.username:<20} {user.get_role_display():<24} {user.organisation} "
                f"({status})"
            )
        self.stdout.write(self.style.SUCCESS(f"Demo password: {DEMO_PASSWORD}"))
        # The second factor of every demo account: add it to any authenticator app, or print
        # the current code with `oathtool --totp -b <secret>` (see the README).
        self.stdout.write(f"Demo authenticator secret: {DEMO_AUTHENTICATOR_SECRET}")
