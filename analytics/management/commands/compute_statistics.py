"""python manage.py compute_statistics --year 2023

Computes the annual figures of a reporting year (1 April 2023 - 31 March 2024 for 2023) and
records them as the year's next snapshot version, on a Celery worker when a broker is
configured (CELERY_TASK_ALWAYS_EAGER off, as it is whenever REDIS_URL is set), else in this
process. Prints the version."""

from celery.exceptions import TimeoutError as CeleryTimeoutError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from analytics.services import StatisticsComputeError, statistics_compute
from analytics.tasks import statistics_compute_task
from safeguarding.celery import app as celery_app
from safeguarding.models import User


class Command(BaseCommand):
    help = "Compute the annual figures of a reporting year and record a new snapshot version."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True, help="e.g. 2023 for 2023 to 2024")
        parser.add_argument("--by", help="Username to record as having computed it")
        parser.add_argument(
            "--timeout", type=float, default=600, help="Seconds to wait for the worker"
        )
        parser.add_argument(
            "--in-process", action="store_true", help="Compute here even if a worker is set up"
        )

    def handle(self, *args, year: int, by: str | None, timeout: float, **options) -> None:
        if not 2000 <= year <= 2100:
            raise CommandError(f"--year {year} is not a reporting year (e.g. 2023)")
        user = None
        if by:
            user = User.objects.filter(username=by).first()
            if user is None:
                raise CommandError(f"No user called {by!r}")
        # The app's setting is CELERY_TASK_ALWAYS_EAGER (read from the Django settings).
        if options["in_process"] or celery_app.conf.task_always_eager:
            try:
                snapshot = statistics_compute(year=year, by=user)
            except StatisticsComputeError as exc:
                raise CommandError(str(exc)) from exc
            version, where = snapshot.version, "in-process"
        else:
            result = statistics_compute_task.delay(year, user.pk if user else None)
            try:
                outcome = result.get(timeout=timeout)
            except CeleryTimeoutError as exc:
                raise CommandError(
                    f"No result from the worker after {timeout:g}s (task {result.id}); it may "
                    "still finish - see the snapshots in the admin"
                ) from exc
            except Exception as exc:
                raise CommandError(f"Computing the figures for {year} failed: {exc}") from exc
            version, where = outcome["version"], f"on a worker, task {result.id}"
        self.stdout.write(f"Computed the annual figures for {year} to {year + 1} ({where}).")
        self.stdout.write(f"Snapshot version: {version}")
