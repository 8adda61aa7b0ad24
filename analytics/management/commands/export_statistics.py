"""python manage.py export_statistics --year 2023 --format csv [--public] --output PATH

Exports the latest succeeded snapshot of a reporting year. `--public` applies small-number
suppression (STATISTICS_SUPPRESSION_THRESHOLD). XLSX and PDF come in a later change."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from analytics.exports import snapshot_csv
from analytics.selectors import snapshot_latest

FORMATS = ("csv", "xlsx", "pdf")


class Command(BaseCommand):
    help = "Export the latest annual figures of a reporting year."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True, help="e.g. 2023 for 2023 to 2024")
        parser.add_argument("--format", choices=FORMATS, default="csv")
        parser.add_argument("--public", action="store_true", help="Suppress small numbers")
        parser.add_argument("--output", required=True, help="File to write ('-' for stdout)")

    def handle(self, *args, year: int, format: str, public: bool, output: str, **options):
        if format != "csv":
            raise CommandError(
                f"The {format.upper()} export is not yet available: it comes in a later "
                "change. Use --format csv."
            )
        snapshot = snapshot_latest(year)
        if snapshot is None:
            raise CommandError(
                f"There are no annual figures for {year} to {year + 1} yet: run "
                f"`python manage.py compute_statistics --year {year}` first."
            )
        text = snapshot_csv(
            snapshot, public=public, threshold=settings.STATISTICS_SUPPRESSION_THRESHOLD
        )
        if output == "-":
            self.stdout.write(text, ending="")
            return
        Path(output).write_text(text, encoding="utf-8")
        kind = "public (suppressed)" if public else "internal"
        self.stdout.write(
            f"Wrote the {kind} CSV of {year} to {year + 1}, snapshot version "
            f"{snapshot.version}, to {output}"
        )
