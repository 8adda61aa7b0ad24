"""python manage.py export_statistics --year 2023 --format csv|xlsx|pdf [--public] --output PATH

Exports the latest succeeded snapshot of a reporting year. `--public` applies small-number
suppression (STATISTICS_SUPPRESSION_THRESHOLD). Every export is recorded in the audit trail."""

import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from analytics.exports import FORMATS, snapshot_export
from analytics.selectors import snapshot_latest

COMMAND = "manage.py export_statistics"


class Command(BaseCommand):
    help = "Export the latest annual figures of a reporting year."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True, help="e.g. 2023 for 2023 to 2024")
        parser.add_argument("--format", choices=FORMATS, default="csv")
        parser.add_argument("--public", action="store_true", help="Suppress small numbers")
        parser.add_argument("--output", required=True, help="File to write ('-' for stdout)")

    def handle(self, *args, year: int, format: str, public: bool, output: str, **options):
        snapshot = snapshot_latest(year)
        if snapshot is None:
            raise CommandError(
                f"There are no annual figures for {year} to {year + 1} yet: run "
                f"`python manage.py compute_statistics --year {year}` first."
            )
        export = snapshot_export(
            snapshot=snapshot,
            fmt=format,
            public=public,
            by=None,
            threshold=settings.STATISTICS_SUPPRESSION_THRESHOLD,
            actor_username=COMMAND,
        )
        if output == "-":
            if format == "csv":
                self.stdout.write(export.content.decode("utf-8"), ending="")
            else:
                self.stdout.flush()
                sys.stdout.buffer.write(export.content)
                sys.stdout.buffer.flush()
            return
        Path(output).write_bytes(export.content)
        kind = "public (suppressed)" if public else "internal"
        self.stdout.write(
            f"Wrote the {kind} {format.upper()} of {year} to {year + 1}, snapshot version "
            f"{snapshot.version}, to {output}"
        )
