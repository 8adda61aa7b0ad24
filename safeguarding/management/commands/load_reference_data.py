from django.core.management.base import BaseCommand

from safeguarding.services import reference_data_load


class Command(BaseCommand):
    help = (
        "Load regions with child populations, the 153 local authorities with partnerships and "
        "the Census 2021 ethnicity shares. Safe to run again: it only adds what is missing."
    )

    def handle(self, *args, **options) -> None:
        result = reference_data_load()
        self.stdout.write(
            self.style.SUCCESS(
                f"Reference data: {result.regions} regions, {result.local_authorities} local "
                f"authorities, {result.partnerships} partnerships ({result.created} records added)."
            )
        )
