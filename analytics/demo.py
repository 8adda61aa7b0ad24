"""Demo figures: the synthetic 2023 to 2024 dataset (the one the tests check against the
Panel's published tables) imported and computed, so the statistics pages have a full year to
show. Idempotent: the import skips rows already imported, and the year is computed once."""

from pathlib import Path

from django.conf import settings

from .importer import records_import
from .models import StatisticsSnapshot
from .services import statistics_compute

DEMO_YEAR = 2023
DEMO_DATASET = Path(settings.BASE_DIR) / "tests" / "analytics" / "data" / "synthetic_2023_24.csv"


def seed_demo_statistics() -> tuple[int, StatisticsSnapshot | None]:
    """Import the dataset and compute its year unless a snapshot exists. Returns the records
    added and the snapshot computed now (None when one was there already)."""
    with DEMO_DATASET.open("rb") as handle:
        result = records_import(file=handle, filename=DEMO_DATASET.name, by=None, dry_run=False)
    if not result.ok:
        problems = "; ".join(str(error) for error in result.errors[:5])
        raise RuntimeError(f"The demo dataset did not import: {problems}")
    if StatisticsSnapshot.objects.filter(
        year=DEMO_YEAR, status=StatisticsSnapshot.Status.SUCCEEDED
    ).exists():
        return result.added, None
    return result.added, statistics_compute(year=DEMO_YEAR, by=None)


def seed_demo() -> str:
    """This app's part of `manage.py seed_demo` (registered in its AppConfig.ready())."""
    added, snapshot = seed_demo_statistics()
    return f"Demo annual figures: {added} synthetic 2023-24 record(s) imported" + (
        f"; 2023 to 2024 computed as version {snapshot.version}." if snapshot else "."
    )
