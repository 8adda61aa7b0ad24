"""XLSX sheets are named by their tables' titles (issue 19): shortened to Excel's 31
characters at a word boundary, the report reference in brackets dropped first, unique
(case-insensitive) with " (2)" suffixes, none of Excel's forbidden characters, never "About"."""

import re

from analytics.engine import Labels
from analytics.exports import SHEET_NAME_LENGTH, sheet_names, sheet_title
from analytics.tables import TABLES


def _valid(name: str) -> bool:
    return (
        0 < len(name) <= SHEET_NAME_LENGTH
        and not re.search(r"[\[\]:*?/\\]", name)
        and name.lower() != "about"
        and not name.startswith("'")
        and not name.endswith("'")
    )


def test_every_table_of_the_report_gets_a_valid_unique_name_from_its_title():
    labels = Labels(2023)
    titles = [labels.fill(spec.title) for spec in TABLES]
    names = sheet_names(titles)
    assert all(_valid(name) for name in names), names
    assert len({name.lower() for name in names}) == len(names)
    by_id = dict(zip([spec.id for spec in TABLES], names, strict=True))
    assert by_id["table_2_cause_of_death"] == "Table 2. Number and proportion"
    assert by_id["timeliness"] == "Timeliness of SINs and rapid"
    assert by_id["table_a_regions"] == "Table A Regional figures"


def test_the_paragraph_reference_and_years_go_first_then_a_cut_at_a_word():
    assert sheet_title("Length of rapid reviews in pages (3.93), 2023 to 2024") == (
        "Length of rapid reviews in"
    )
    assert sheet_title("Review length (3.93), 2023 to 2024") == "Review length"
    assert sheet_title("Short title") == "Short title"


def test_duplicates_get_numbered_within_31_characters():
    title = "LCSPRs considered by the Panel by something"
    names = sheet_names([title, title, title.upper(), "About", "about"])
    assert names[0] == "LCSPRs considered by the Panel"
    assert names[1].endswith(" (2)") and names[2].endswith(" (3)")
    assert all(_valid(name) for name in names)
    assert len({name.lower() for name in names}) == 5


def test_forbidden_characters_are_replaced():
    (name,) = sheet_names(["Rates [per 100,000]: a/b*c?d\\e"])
    assert _valid(name)
    assert name.startswith("Rates per 100,000")
