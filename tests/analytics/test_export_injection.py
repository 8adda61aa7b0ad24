"""The statistics exports neutralise text a spreadsheet would run as a formula (CSV and
XLSX, internal and public), and leave the figures as numbers."""

import csv
import io

import pytest
from openpyxl import load_workbook

from analytics.exports import snapshot_csv, snapshot_xlsx
from analytics.services import statistics_compute

from ..factories import AdministratorFactory
from .factories import submitted_suicides

pytestmark = pytest.mark.django_db
PAYLOAD = '=HYPERLINK("http://attacker.invalid","Click")'


@pytest.fixture
def snapshot():
    submitted_suicides(3)
    snapshot = statistics_compute(year=2023, by=AdministratorFactory())
    table = snapshot.tables[0]
    table["groups"][0]["rows"][0]["label"] = PAYLOAD
    table["groups"][0]["label"] = "@SUM(1+1)"
    return snapshot


@pytest.mark.parametrize("public", [False, True])
def test_csv_export_neutralises_formulas(snapshot, public):
    rows = list(csv.reader(io.StringIO(snapshot_csv(snapshot, public=public, threshold=5))))
    cells = [cell for row in rows for cell in row]
    assert f"'{PAYLOAD}" in cells and "'@SUM(1+1)" in cells
    assert not any(cell.startswith(("=", "+", "@")) for cell in cells)
    assert all(
        not cell.startswith("-") or cell.lstrip("-").replace(".", "").isdigit() for cell in cells
    )


@pytest.mark.parametrize("public", [False, True])
def test_xlsx_export_neutralises_formulas_and_keeps_numbers(snapshot, public):
    workbook = load_workbook(io.BytesIO(snapshot_xlsx(snapshot, public=public, threshold=5)))
    values = [
        cell
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    ]
    assert not any(cell.data_type == "f" for cell in values)
    texts = [cell.value for cell in values if isinstance(cell.value, str)]
    assert f"'{PAYLOAD}" in texts
    assert not any(text.startswith(("=", "+", "@", "-")) for text in texts)
    assert any(isinstance(cell.value, int | float) for cell in values)
