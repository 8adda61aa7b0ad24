from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from safeguarding.deadlines.engine import SweepIncomplete, deadline_sweep


def _iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(
            f"--date must be a date as YYYY-MM-DD, like 2024-06-03: {value}"
        ) from exc


class Command(BaseCommand):
    help = (
        "Run the deadline sweep in this process as of a date (today unless --date is given): "
        "send every reminder and escalation due that day that has not already been sent. "
        "Safe to run at any time and more than once; --dry-run only lists what would be sent "
        "(and does not move due dates after a calendar change)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--date", dest="as_of", help="The day to run as, YYYY-MM-DD")
        parser.add_argument(
            "--dry-run", action="store_true", help="List what would be sent; send nothing"
        )

    def handle(self, *args, as_of: str | None, dry_run: bool, **options) -> None:
        today = _iso_date(as_of) if as_of else timezone.localdate()
        try:
            result = deadline_sweep(today=today, dry_run=dry_run)
        except SweepIncomplete as exc:
            raise CommandError(f"Some reminders could not be sent: {exc}") from exc
        self.stdout.write(f"Deadline checks as of {today:%-d %B %Y} ({today.isoformat()})")
        if dry_run:
            for rule, about, due_date, repeat in result.would_send:
                week = f", week {repeat + 1}" if repeat else ""
                self.stdout.write(f"  would send {rule}: {about} (due {due_date}{week})")
            self.stdout.write(f"{len(result.would_send)} reminder(s) would be sent.")
            return
        if result.due_dates_moved:
            self.stdout.write(f"  {result.due_dates_moved} running due date(s) moved")
        for rule in sorted(set(result.sent) | set(result.already_sent)):
            self.stdout.write(
                f"  {rule}: {result.sent[rule]} sent, {result.already_sent[rule]} already sent"
            )
        total = sum(result.sent.values())
        self.stdout.write(self.style.SUCCESS(f"{total} reminder(s) sent."))
