from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from panel.models import ResponseLetter


class Command(BaseCommand):
    help = (
        "Write the PDF of the most recent rendered response letter (after `seed_demo`, the demo "
        "letter: synthetic data only) to a file, to look at a letter without signing in."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--output", default="sample-letter.pdf", help="Where to write it")

    def handle(self, *args, output: str, **options) -> None:
        letter = ResponseLetter.objects.exclude(pdf="").order_by("-rendered_at", "-id").first()
        if letter is None:
            raise CommandError("No rendered letter yet: run `manage.py seed_demo` first.")
        with letter.pdf.open("rb") as handle:
            data = handle.read()
        Path(output).write_bytes(data)
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {output}: letter version {letter.version} for "
                f"{letter.review.notification.reference} ({len(data):,} bytes)."
            )
        )
