from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from safeguarding.services import ImdImportError, imd_deciles_import


class Command(BaseCommand):
    help = (
        "Load the postcode → IMD decile lookup from a CSV file with postcode and imd_decile "
        "columns. All or nothing: if any row is wrong, nothing is imported and the rows are "
        "listed. Postcodes already loaded have their decile replaced."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", type=Path, help="The CSV file")
        parser.add_argument(
            "--source", default="", help='Where the figures come from, e.g. "IoD2019 via NSPL"'
        )

    def handle(self, *args, path: Path, source: str, **options) -> None:
        try:
            with path.open("rb") as handle:
                result = imd_deciles_import(file=handle, by=None, source=source)
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}") from exc
        except ImdImportError as exc:
            for error in exc.errors:
                self.stderr.write(error)
            if exc.total > len(exc.errors):
                self.stderr.write(f"… and {exc.total - len(exc.errors):,} more")
            raise CommandError(f"Nothing imported: {exc.total:,} problem(s) in {path}") from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {result.rows:,} postcodes: {result.created:,} new, "
                f"{result.updated:,} updated."
            )
        )
