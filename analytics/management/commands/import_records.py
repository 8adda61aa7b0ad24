from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, OutputWrapper
from tqdm import tqdm

from analytics.importer import (
    SYSTEM_USERNAME,
    ImportProgress,
    ImportResult,
    RowProblem,
    records_import,
    records_import_system_user,
    rows_estimate,
)
from safeguarding import policy
from safeguarding.models import User


def _line(problem: RowProblem) -> str:
    where = f"Row {problem.row}" if problem.row else "File"
    column = f", column {problem.column}" if problem.column else ""
    value = f" (value “{problem.value}”)" if problem.value else ""
    return f"{where}{column}{value}: {problem.reason}"


class _Terminal:
    """The command's stderr as a file for tqdm: written as is (no line ending added, no error
    colour), so the bar redraws in place on a terminal."""

    def __init__(self, wrapper: OutputWrapper) -> None:
        self.wrapper = wrapper

    def write(self, text: str) -> None:
        self.wrapper.write(text, style_func=str, ending="")

    def flush(self) -> None:
        self.wrapper.flush()

    def isatty(self) -> bool:
        return self.wrapper.isatty()


class _ProgressBar:
    """A tqdm bar of rows checked (to stderr), moved by the importer's progress callback every
    chunk of rows; its postfix says the records written so far. Shown only on a terminal
    (tqdm's `disable=None`), so logs and captured output hold the summary and problems alone."""

    def __init__(self, total: int | None, stream: _Terminal, dry_run: bool) -> None:
        self.bar = tqdm(
            total=total, unit=" rows", file=stream, desc="Checking", leave=True, disable=None
        )
        self.written = "would add" if dry_run else "written"

    def __call__(self, progress: ImportProgress) -> None:
        if self.bar.disable:
            return
        self.bar.update(progress.rows_checked - self.bar.n)
        self.bar.set_description("Saving" if progress.phase == "importing" else "Checking")
        self.bar.set_postfix_str(f"{progress.rows_imported:,} {self.written}", refresh=False)

    def close(self) -> None:
        self.bar.close()


class Command(BaseCommand):
    help = (
        "Import historic records (one row per incident) from a CSV or XLSX file: a submitted "
        "SIN, its rapid review and the Panel's decision for each row. All or nothing: if any "
        "row is wrong, nothing is imported and every problem is listed. Rows imported before "
        "are skipped, so running the same file twice adds nothing."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", type=Path, help="The CSV or XLSX file")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the file and report what would be imported, without importing",
        )
        parser.add_argument(
            "--no-progress",
            action="store_true",
            help="Do not show the progress bar (shown on stderr when it is a terminal)",
        )
        parser.add_argument(
            "--by",
            metavar="USERNAME",
            help=(
                "The administrator the records are imported by (default: the system account "
                f"{SYSTEM_USERNAME!r}, created the first time it is needed)"
            ),
        )

    def handle(
        self,
        *args,
        path: Path,
        dry_run: bool,
        by: str | None,
        no_progress: bool = False,
        **options,
    ) -> None:
        user = self._user(by) if by else None
        try:
            with path.open("rb") as handle:
                bar = None
                if not no_progress:
                    total = rows_estimate(handle, path.name)
                    bar = _ProgressBar(total, _Terminal(self.stderr), dry_run)
                try:
                    result = records_import(
                        file=handle, filename=path.name, by=user, dry_run=dry_run, progress=bar
                    )
                finally:
                    if bar is not None:
                        bar.close()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}") from exc
        if result.errors:
            for problem in result.errors:
                self.stderr.write(_line(problem))
            raise CommandError(
                f"Nothing imported: {len(result.errors):,} problem(s) in {path.name}"
            )
        self._report(result)

    def _user(self, username: str) -> User:
        if username == SYSTEM_USERNAME:
            return records_import_system_user()
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user is called {username!r}")
        if not policy.can_manage_statistics(user):
            raise CommandError(f"{username!r} is not an active administrator")
        return user

    def _report(self, result: ImportResult) -> None:
        for problem in result.warnings:
            self.stderr.write(f"Warning: {_line(problem)}")
        verb = "Would add" if result.dry_run else "Added"
        summary = (
            f"{verb} {result.added:,} record(s); {result.already_imported:,} already imported "
            f"({result.rows:,} row(s) in {result.filename})."
        )
        if result.dry_run:
            summary += " Dry run: nothing was imported."
        self.stdout.write(self.style.SUCCESS(summary))
