"""The public workbook of a real slice of data: suppressed exactly as the public CSV, revealing
nothing (in a module of its own: test_exports reads one snapshot computed for its whole module,
and this test computes its own from other data)."""

import csv
import io

import pytest

from analytics.exports import sheets_by_table, snapshot_csv, snapshot_xlsx
from analytics.importer import records_import
from analytics.models import StatisticsSnapshot
from analytics.services import statistics_compute
from analytics.suppression import SUPPRESSED

from .test_exports import DATA, THRESHOLD, _n_columns, _row, _workbook

pytestmark = pytest.mark.django_db


@pytest.fixture
def synthetic_snapshot() -> StatisticsSnapshot:
    """The first 120 records of the synthetic year: enough for small and large counts."""
    lines = DATA.read_text(encoding="utf-8").splitlines()
    data = io.StringIO("\n".join(lines[:121]) + "\n")
    result = records_import(file=data, filename="slice.csv", by=None, dry_run=False)
    assert not result.errors, result.errors[:3]
    return statistics_compute(year=2023, by=None)


def test_public_xlsx_suppresses_exactly_as_the_csv_and_reveals_nothing(synthetic_snapshot):
    book = _workbook(snapshot_xlsx(synthetic_snapshot, public=True, threshold=THRESHOLD))
    about = {row[0]: row[1] for row in book["About"].iter_rows(values_only=True) if row[0]}
    assert about["Export"].startswith("Public")
    assert "from 1 to 4" in about["Suppression"]
    assert about["Computed by"] == "Child Safeguarding Practice Review Panel"

    public_csv = list(
        csv.DictReader(io.StringIO(snapshot_csv(synthetic_snapshot, public=True, threshold=5)))
    )
    suppressed_anywhere = False
    for table in synthetic_snapshot.tables:
        names = sheets_by_table(synthetic_snapshot.tables)
        if table.get("internal"):  # left out of public exports (the data quality by partnership)
            assert names[table["id"]] not in book.sheetnames
            continue
        sheet = book[names[table["id"]]]
        n_columns = _n_columns(sheet)
        for row in sheet.iter_rows(min_row=6, values_only=True):
            for i in n_columns:
                value = row[i] if i < len(row) else None
                # No count from 1 to 4 is published.
                assert not (isinstance(value, int) and 0 < value < THRESHOLD), (table["id"], row)
                suppressed_anywhere |= value == SUPPRESSED

    # Table 2 cell by cell: the workbook's counts are the public CSV's.
    sheet = book[sheets_by_table(synthetic_snapshot.tables)["table_2_cause_of_death"]]
    columns = ["Female", "Male", "Total"]
    for line in public_csv:
        if line["table"] != "table_2_cause_of_death":
            continue
        cells = _row(sheet, line["row"])
        n = cells[1 + 2 * columns.index(line["column"])].value
        assert str(n) == line["n"], line

    # Secondary suppression: no row or column of Table 2's counts has a single `c`.
    grid = [
        [r[i].value for i in _n_columns(sheet)]
        for r in sheet.iter_rows(min_row=6)
        if r[0].value and r[1].value is not None
    ]
    for line in [*grid, *zip(*grid, strict=True)]:
        assert list(line).count(SUPPRESSED) != 1, line
    assert suppressed_anywhere
