"""python manage.py export_statistics --year 2023 --format csv|xlsx|pdf [--public] --output PATH

Exports the latest succeeded snapshot of a reporting year, in this process (no worker needed),
with a progress bar on the terminal (stderr) for the PDF and the XLSX. `--public` applies
small-number suppression (STATISTICS_SUPPRESSION_THRESHOLD). A PDF or XLSX is the stored copy
the pages serve too (made here if there is none yet). Every export is recorded in the audit
trail."""

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from analytics.exports import FORMATS, Progress, snapshot_export
from analytics.selectors import snapshot_latest

COMMAND = "manage.py export_statistics"


@contextmanager
def progress_bar(*, disable: bool) -> Iterator[Progress]:
    """A tqdm bar fed by the exports' progress callback (the same one the worker records)."""
    bar = tqdm(total=0, unit="step", file=sys.stderr, disable=disable, leave=False)

    def progress(done: int, total: int, stage: str) -> None:
        bar.total = total
        bar.n = done
        bar.set_description(stage, refresh=False)
        bar.refresh()

    try:
        yield progress
    finally:
        bar.close()


class Command(BaseCommand):
    help = "Export the latest annual figures of a reporting year."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True, help="e.g. 2023 for 2023 to 2024")
        parser.add_argument("--format", choices=FORMATS, default="csv")
        parser.add_argument("--public", action="store_true", help="Suppress small numbers")
        parser.add_argument("--output", required=True, help="File to write ('-' for stdout)")
        parser.add_argument(
            "--no-progress", action="store_true", help="No progress bar on the terminal"
        )

    def handle(
        self,
        *args,
        year: int,
        format: str,
        public: bool,
        output: str,
        no_progress: bool = False,
        **options,
    ):
        snapshot = snapshot_latest(year)
        if snapshot is None:
            raise CommandError(
                f"There are no annual figures for {year} to {year + 1} yet: run "
                f"`python manage.py compute_statistics --year {year}` first."
            )
        with progress_bar(disable=no_progress or format == "csv") as progress:
            export = snapshot_export(
                snapshot=snapshot,
                fmt=format,
                public=public,
                by=None,
                threshold=settings.STATISTICS_SUPPRESSION_THRESHOLD,
                actor_username=COMMAND,
                progress=progress,
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
