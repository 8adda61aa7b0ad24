"""safeguarding.exports: text a spreadsheet would run as a formula is made inert; numbers
stay numbers."""

import pytest
from openpyxl import Workbook

from safeguarding.exports import safe_cell, safe_row, safe_workbook


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://example.invalid","x")', '\'=HYPERLINK("http://example.invalid","x")'),
        ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(1+1)*cmd|' /C calc'!A0", "'@SUM(1+1)*cmd|' /C calc'!A0"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("Leeds", "Leeds"),
        ("", ""),
        ("a=b", "a=b"),
        ("-5", "-5"),
        ("-12.5", "-12.5"),
        (-5, -5),
        (-0.25, -0.25),
        (None, None),
    ],
)
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected
    assert type(safe_cell(value)) is type(expected)


def test_safe_row_and_workbook():
    assert safe_row(["=1", 2, "x"]) == ["'=1", 2, "x"]
    workbook = Workbook()
    workbook.active["A1"] = "=1+1"
    workbook.active["A2"] = -3
    safe_workbook(workbook)
    assert workbook.active["A1"].value == "'=1+1"
    assert workbook.active["A1"].data_type == "s"
    assert workbook.active["A2"].value == -3
