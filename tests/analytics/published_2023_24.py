"""The published figures that the statistics engine must reproduce: a faithful transcription of
the Child Safeguarding Practice Review Panel's Annual Report 2023 to 2024 (Open Government
Licence v3.0; /work/shared/seeds/panel-annual-report-2023-24.txt), chapter 3 Tables 2, 3 and 4
and Appendix D Tables B, C and D.

Every n and pct is exactly as printed (pct as a one-decimal string, "100" for 100%, None where
the report prints nothing). Printed values that do not follow from their own n and denominator
are kept as printed and listed in KNOWN_MISPRINTS with the recomputed value.

Percentages (DOMAIN.md §5):
- Tables 2, 3 and 4 are column percentages: n / the column's total (`denominators`).
- Appendix D Tables B, C and D are row percentages: n / the row's `Total` n (the share of the
  row's incidents that were a death / a serious harm); the Total column, which includes the
  9 incidents reviewed as `other`, is therefore 100% on every row.
- One decimal place, rounded half up (Table 4: 58/160 = 36.25 is printed 36.3 and 134/160 =
  83.75 is printed 83.8; banker's rounding would give 36.2 and 83.8). See `pct()`.

Row labels are the report's (and so DOMAIN.md's / the code lists' labels); footnote markers
("³", "¹") are dropped. The `group` of a row is the section heading the report prints above it
inside the table; rows printed above any heading (e.g. Table B's "Total") have group "".
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

SOURCE = "Child Safeguarding Practice Review Panel, Annual Report 2023 to 2024"
YEAR = 2023  # reporting year: incidents 1 April 2023 – 31 March 2024 (by incident date)

# Rapid reviews by incident type as reviewed (3.19): the Total columns include `other`.
INCIDENTS = {"death": 161, "serious_harm": 160, "other": 9}
TOTAL_INCIDENTS = 330
OTHER_INCIDENTS = TOTAL_INCIDENTS - INCIDENTS["death"] - INCIDENTS["serious_harm"]  # 9

SEX_COLUMNS = ("Female", "Male", "Total")
TYPE_COLUMNS = ("Death", "Serious harm", "Total")


def pct(n: int, denominator: int) -> str:
    """The report's percentage: one decimal, rounded half up; "100" for 100%."""
    if denominator == 0:
        raise ZeroDivisionError("no denominator")
    if n == denominator:
        return "100"
    value = (Decimal(n) * 100 / Decimal(denominator)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )
    return str(value)


@dataclass(frozen=True)
class Cell:
    n: int
    pct: str | None  # as printed; None where the report prints no percentage


@dataclass(frozen=True)
class Row:
    group: str
    label: str
    cells: dict[str, Cell]


@dataclass(frozen=True)
class Table:
    id: str
    title: str
    location: str  # where it is in the report (and the seed file's line)
    columns: tuple[str, str, str]
    direction: str  # "column" or "row" percentages
    # Column tables: the denominator of each column. Row tables: each row's Total n is its
    # denominator, and the table's incident totals are recorded here for reference.
    denominators: dict[str, int]
    rows: tuple[Row, ...]
    note: str = ""

    def row(self, label: str, group: str | None = None) -> Row:
        found = [r for r in self.rows if r.label == label and group in (None, r.group)]
        if len(found) != 1:
            raise KeyError(f"{self.id}: {len(found)} rows labelled {label!r} in {group!r}")
        return found[0]

    def denominator(self, row: Row, column: str) -> int:
        """The denominator the report uses for a cell's percentage."""
        if self.direction == "column":
            return self.denominators[column]
        return row.cells["Total"].n


def _cells(columns, *values) -> dict[str, Cell]:
    """values: n1, pct1, n2, pct2, n3, pct3 in column order."""
    if len(values) != 2 * len(columns):
        raise ValueError(f"{len(values)} values for {len(columns)} columns")
    return {column: Cell(values[2 * i], values[2 * i + 1]) for i, column in enumerate(columns)}


def _rows(columns, spec) -> tuple[Row, ...]:
    rows = []
    for group, entries in spec:
        for label, *values in entries:
            rows.append(Row(group, label, _cells(columns, *values)))
    return tuple(rows)


# ---------------------------------------------------------------------------------------------
# Table 2 (3.36, line ~390): fatal incidents by likely cause of death and sex. Column %.
TABLE_2 = Table(
    id="table_2_cause_of_death",
    title="Number and proportion of fatal incidents by likely cause of death and sex of the "
    "child, 2023 to 2024",
    location="Chapter 3, Table 2 (seed line 390)",
    columns=SEX_COLUMNS,
    direction="column",
    denominators={"Female": 66, "Male": 95, "Total": 161},
    rows=_rows(
        SEX_COLUMNS,
        [
            (
                "Likely cause of death",
                [
                    ("Unexplained SUDI/SUDC", 16, "24.2", 21, "22.1", 37, "23.0"),
                    ("Suicide", 14, "21.2", 11, "11.6", 25, "15.5"),
                    ("Child homicide – extrafamilial", 1, "1.5", 16, "16.8", 17, "10.6"),
                    ("Medical", 8, "12.1", 9, "9.5", 17, "10.6"),
                    ("Fatal assaults – intrafamilial", 3, "4.5", 13, "13.7", 16, "9.9"),
                    ("Unclear", 6, "9.1", 6, "6.3", 12, "7.5"),
                    ("Overt child homicide by primary caregiver", 5, "7.6", 4, "4.2", 9, "5.6"),
                    ("Death from extreme neglect", 5, "7.6", 3, "3.2", 8, "5.0"),
                    ("Accident/injury", 2, "3.0", 4, "4.2", 6, "3.7"),
                    ("Covert child homicide by primary caregiver", 5, "7.6", 1, "1.1", 6, "3.7"),
                    ("Fatal assaults – extrafamilial", 0, "0.0", 4, "4.2", 4, "2.5"),
                    ("Risk taking behaviour", 0, "0.0", 3, "3.2", 3, "1.9"),
                    ("Total", 66, "100", 95, "100", 161, "100"),
                ],
            )
        ],
    ),
    note="Deaths only (incident type as reviewed). The causes with no deaths in the year are "
    "not printed: Child homicide – intrafamilial, Death following self-harm, "
    "Fabricated/induced illness, Severe, persistent child cruelty.",
)

# ---------------------------------------------------------------------------------------------
# Table 3 (3.39, line ~417; printed over two pages): serious harm by likely cause and sex.
TABLE_3 = Table(
    id="table_3_cause_of_harm",
    title="Number and proportion of serious harm incidents by likely cause of harm and sex of "
    "the child, 2023 to 2024",
    location="Chapter 3, Table 3 (seed line 417)",
    columns=SEX_COLUMNS,
    direction="column",
    denominators={"Female": 81, "Male": 79, "Total": 160},
    rows=_rows(
        SEX_COLUMNS,
        [
            (
                "Likely cause of harm",
                [
                    ("Non-fatal assaults – intrafamilial", 19, "23.5", 29, "36.7", 48, "30.0"),
                    ("Non-fatal neglect", 8, "9.9", 15, "19.0", 23, "14.4"),
                    ("Non-fatal assaults – extrafamilial", 3, "3.7", 14, "17.7", 17, "10.6"),
                    ("Child sexual abuse – intrafamilial", 15, "18.5", 2, "2.5", 17, "10.6"),
                    ("Child sexual abuse – extrafamilial", 11, "13.6", 1, "1.3", 12, "7.5"),
                    ("Other non-fatal incident", 5, "6.2", 7, "8.9", 12, "7.5"),
                    ("Severe, persistent child cruelty", 7, "8.6", 4, "5.1", 11, "6.9"),
                    ("Child sexual exploitation", 4, "4.9", 0, "0.0", 4, "2.5"),
                    ("Attempted suicide", 3, "3.7", 0, "0.0", 3, "1.9"),
                    ("Medical cause", 2, "2.5", 1, "1.3", 3, "1.9"),
                    ("Unclear", 2, "2.5", 1, "1.3", 3, "1.9"),
                    ("Risk taking behaviour", 0, "0.0", 2, "2.5", 2, "1.3"),
                    ("Self-harm", 1, "1.2", 1, "1.3", 2, "1.3"),
                    ("Accident/injury", 0, "0.0", 1, "1.3", 1, "0.6"),
                    ("Child criminal exploitation", 0, "0.0", 1, "1.3", 1, "0.6"),
                    ("Fabricated/induced illness", 1, "1.2", 0, "0.0", 1, "0.6"),
                    ("Total", 81, "100", 79, "100", 160, "100"),
                ],
            )
        ],
    ),
    note="Serious harm only. Emotional abuse is the one cause of harm with no incidents; it "
    "is not printed.",
)

# ---------------------------------------------------------------------------------------------
# Table 4 (3.42, line ~451; over two pages): contact with CSC by incident type. Column %.
TABLE_4 = Table(
    id="table_4_csc",
    title="Number and proportion of incidents by type of incident and contact with CSC, "
    "2023 to 2024",
    location="Chapter 3, Table 4 (seed line 451)",
    columns=TYPE_COLUMNS,
    direction="column",
    denominators={"Death": 161, "Serious harm": 160, "Total": 330},
    rows=_rows(
        TYPE_COLUMNS,
        [
            (
                "Family known to CSC",
                [
                    ("Yes – current open case", 80, "49.7", 76, "47.5", 161, "48.8"),
                    ("Yes – previous known", 66, "41.0", 58, "36.3", 127, "38.5"),
                    ("Total known", 146, "90.1", 134, "83.8", 288, "87.3"),
                ],
            ),
            (
                "Child in need (CIN)",
                [
                    ("Yes – at time of the incident", 25, "15.5", 22, "13.8", 49, "14.8"),
                    ("Yes – previously", 39, "24.2", 41, "25.6", 85, "25.8"),
                    ("Total CIN status", 64, "39.8", 63, "39.4", 134, "40.6"),
                ],
            ),
            (
                "Child protection plan (CPP)",
                [
                    ("Yes – on CPP", 15, "9.3", 16, "10.0", 32, "9.7"),
                    ("Yes – previously on CPP", 29, "18.0", 27, "16.9", 57, "17.3"),
                    ("Total CPP status", 44, "27.3", 43, "26.9", 89, "27.0"),
                ],
            ),
            (
                "Child looked after",
                [
                    ("Yes – child in foster care", 9, "5.6", 8, "5.0", 17, "5.2"),
                    ("Yes – child in other residential setting", 6, "3.7", 7, "4.4", 13, "3.9"),
                    ("Yes – child in residential home", 8, "5.0", 10, "6.3", 18, "5.5"),
                    ("Previously looked after", 3, "1.9", 6, "3.8", 9, "2.7"),
                    ("Total Looked After status", 26, "16.1", 31, "19.4", 57, "17.3"),
                ],
            ),
            (
                "Child subject to a care order",
                [
                    ("Yes – currently subject to care proceedings", 5, "3.1", 1, "0.6", 6, "1.8"),
                    ("Yes – emergency or interim protection order", 8, "5.0", 7, "4.4", 15, "4.5"),
                    ("Yes – permanent care order", 6, "3.7", 12, "7.5", 18, "5.5"),
                    ("Yes – other order", 12, "7.5", 11, "6.9", 25, "7.6"),
                    ("Yes – previously subject to care order", 3, "1.9", 1, "0.6", 4, "1.2"),
                    ("Total care order status", 34, "21.1", 32, "20.0", 68, "20.6"),
                ],
            ),
            ("", [("Total incidents", 161, None, 160, None, 330, None)]),
        ],
    ),
    note="Column headed 'Death/fatal incident' in the report. Footnote 1: Total includes 9 "
    "cases with the incident type of other.",
)

# ---------------------------------------------------------------------------------------------
# Appendix D Table B (line ~1700): characteristics of the child. Row %.
TABLE_B = Table(
    id="table_b_characteristics",
    title="Table B: Characteristics of the child",
    location="Appendix D, Table B (seed line 1700)",
    columns=TYPE_COLUMNS,
    direction="row",
    denominators={"Death": 161, "Serious harm": 160, "Total": 330},
    rows=_rows(
        TYPE_COLUMNS,
        [
            ("", [("Total", 161, "48.8", 160, "48.5", 330, "100")]),
            (
                "Sex",
                [
                    ("Male", 95, "52.2", 79, "43.4", 182, "100"),
                    ("Female", 66, "44.6", 81, "54.7", 148, "100"),
                ],
            ),
            (
                "Age group",
                [
                    ("Under 1", 67, "56.8", 51, "43.2", 118, "100"),
                    ("1-5", 23, "50.0", 22, "47.8", 46, "100"),
                    ("6-10", 9, "34.6", 17, "65.4", 26, "100"),
                    ("11-15", 25, "37.3", 40, "59.7", 67, "100"),
                    ("16 and 17", 37, "50.7", 30, "41.1", 73, "100"),
                ],
            ),
            (
                "Ethnic group",
                [
                    ("White", 102, "47.7", 109, "50.9", 214, "100"),
                    ("Mixed/multiple ethnic groups", 29, "52.7", 25, "45.5", 55, "100"),
                    ("Asian/Asian British", 9, "56.3", 5, "31.3", 16, "100"),
                    ("Black/African/Caribbean/Black British", 13, "40.6", 16, "50.0", 32, "100"),
                    ("Other ethnic group", 3, "50.0", 3, "50.0", 6, "100"),
                    ("Unknown", 5, "71.4", 2, "28.6", 7, "100"),
                ],
            ),
            ("Gender", [("Different to sex", 6, "66.7", 3, "33.3", 9, "100")]),
            ("LGBTQ+", [("Yes", 7, "63.6", 4, "36.4", 11, "100")]),
            (
                "Mental health conditions",
                [("Yes – diagnosed/undiagnosed", 37, "52.1", 33, "46.5", 71, "100")],
            ),
            ("Neurodiverse", [("Yes", 21, "45.7", 24, "52.2", 46, "100")]),
            ("Disability", [("Yes", 34, "45.3", 35, "46.7", 75, "100")]),
        ],
    ),
    note="Footnote 1: Total includes 9 incidents that were recorded as 'other'.",
)

# ---------------------------------------------------------------------------------------------
# Appendix D Table C (line ~1737): needs of the child. Row %.
TABLE_C = Table(
    id="table_c_needs",
    title="Table C: Needs of the child",
    location="Appendix D, Table C (seed line 1737)",
    columns=TYPE_COLUMNS,
    direction="row",
    denominators={"Death": 161, "Serious harm": 160, "Total": 330},
    rows=_rows(
        TYPE_COLUMNS,
        [
            ("", [("Total 4- to 15-year-olds", 38, "37.6", 61, "60.4", 101, "100")]),
            (
                "Education status",
                [
                    ("Child enrolled at a mainstream school", 25, "36.8", 43, "63.2", 68, "100"),
                    ("Child enrolled at a SEN/ BEN establishment", 3, "75.0", 1, "25.0", 4, "100"),
                    ("Child enrolled in alternative provision", 4, "36.4", 6, "54.5", 11, "100"),
                    (
                        "Not enrolled at a school and not receiving an education",
                        *(1, "20.0", 3, "60.0", 5, "100"),
                    ),
                    (
                        "Not enrolled at a school and receiving elective home education",
                        *(4, "40.0", 6, "60.0", 10, "100"),
                    ),
                    ("Unknown", 1, "33.3", 2, "66.7", 3, "100"),
                ],
            ),
            (
                "Child missing school",
                [
                    ("Yes – regular absences/ poor attendance", 14, "37.8", 23, "62.2", 37, "100"),
                    ("Yes – other", 2, "18.2", 8, "72.7", 11, "100"),
                ],
            ),
            ("", [("Total 16- to 17-year-olds", 37, "50.7", 30, "41.1", 73, None)]),
            (
                "Not in education, employment or training",
                [("Yes", 10, "41.7", 12, "50.0", 24, "100")],
            ),
            ("", [("All children", 161, None, 160, None, 330, None)]),
            ("SEND support", [("Yes", 13, "44.8", 13, "44.8", 29, "100")]),
            (
                "EHC plan",
                [
                    ("Yes – EHC plan in place", 17, "45.9", 13, "35.1", 37, "100"),
                    ("Child previously on EHC plan", 3, "100", 0, "0.0", 3, "100"),
                    ("Child being assessed for EHC plan", 2, "40.0", 3, "60.0", 5, "100"),
                ],
            ),
            (
                "Speech and language support",
                [
                    ("Yes – receiving support", 10, "66.7", 4, "26.7", 15, "100"),
                    ("Yes – not receiving support", 3, "23.1", 9, "69.2", 13, "100"),
                    ("Yes – unknown if support being provided", 4, "33.3", 8, "66.7", 12, "100"),
                ],
            ),
            (
                "CAMHS",
                [
                    ("Yes – on a waiting list", 0, "0.0", 1, "100", 1, "100"),
                    ("Yes – open case", 16, "51.6", 15, "48.4", 31, "100"),
                    ("Yes – previously", 13, "43.3", 16, "53.3", 30, "100"),
                    ("Yes – referral made", 9, "60.0", 5, "33.3", 15, "100"),
                ],
            ),
        ],
    ),
    note="Education status and missing school: children aged 4 to 15 not at nursery (n=101, "
    "3.52, Chart 9); NEET: 16- and 17-year-olds (n=73); the rest: all children. The report "
    "prints no 'Yes – permanently excluded' row. Footnote 3: BEN: behavioural and emotional "
    "needs. Footnote 1: Total includes 9 incidents that were recorded as 'other'.",
)

# ---------------------------------------------------------------------------------------------
# Appendix D Table D (line ~1779): risk factors. Row %.
TABLE_D = Table(
    id="table_d_risk_factors",
    title="Table D: Risk factors",
    location="Appendix D, Table D (seed line 1779)",
    columns=TYPE_COLUMNS,
    direction="row",
    denominators={"Death": 161, "Serious harm": 160, "Total": 330},
    rows=_rows(
        TYPE_COLUMNS,
        [
            ("", [("Total", 161, "48.8", 160, "48.5", 330, "100")]),
            (
                "Environment",
                [
                    ("Neglect", 82, "50.3", 78, "47.9", 163, "100"),
                    ("Housing issues", 59, "54.6", 47, "43.5", 108, "100"),
                    ("Financial hardship", 31, "56.4", 22, "40.0", 55, "100"),
                    ("Domestic abuse", 83, "53.2", 69, "44.2", 156, "100"),
                    ("History of intergenerational abuse", 22, "46.8", 24, "51.1", 47, "100"),
                ],
            ),
            (
                "Physical abuse",
                [
                    ("Yes – extrafamilial", 12, "44.4", 14, "51.9", 27, "100"),
                    ("Yes – intrafamilial", 31, "25.8", 87, "72.5", 120, "100"),
                    ("Yes – both", 4, "57.1", 2, "28.6", 7, "100"),
                    ("Yes – unknown", 0, "0.0", 3, "100", 3, "100"),
                ],
            ),
            (
                "Emotional abuse",
                [
                    ("Yes – extrafamilial", 0, "0.0", 4, "100", 4, "100"),
                    ("Yes – intrafamilial", 23, "39.0", 34, "57.6", 59, "100"),
                    ("Yes – both", 1, "50.0", 1, "50.0", 2, "100"),
                ],
            ),
            (
                "Sexual abuse/exploitation",
                [
                    ("Yes – extrafamilial", 4, "19.0", 16, "76.2", 21, "100"),
                    ("Yes – intrafamilial", 6, "23.1", 20, "76.9", 26, "100"),
                    ("Yes – both", 3, "30.0", 7, "70.0", 10, "100"),
                    ("Yes – unknown", 0, "0.0", 1, "100", 1, "100"),
                ],
            ),
            (
                "Child on child abuse",
                [
                    ("Yes – extrafamilial", 15, "53.6", 8, "28.6", 28, "100"),
                    ("Yes – intrafamilial", 1, "12.5", 7, "87.5", 8, "100"),
                ],
            ),
            ("Victim/offender overlap", [("Yes", 21, "51.2", 15, "36.6", 41, "100")]),
        ],
    ),
    note="The report prints no 'Yes – unknown' row for emotional abuse. Footnote 1: Total "
    "includes 9 incidents that were recorded as 'other'.",
)

TABLES: dict[str, Table] = {
    table.id: table for table in (TABLE_2, TABLE_3, TABLE_4, TABLE_B, TABLE_C, TABLE_D)
}


@dataclass(frozen=True)
class Misprint:
    table: str
    group: str
    row: str
    column: str
    printed: str
    recomputed: str
    explanation: str
    field: str = "pct"  # "pct", or "n" for a count that cannot be reproduced


# Checked by recomputing every printed pct from its n and denominator (see
# test_synthetic_dataset.test_misprints_are_exactly_the_inconsistent_cells) and every subtotal
# row from its parts.
KNOWN_MISPRINTS: tuple[Misprint, ...] = (
    Misprint(
        table="table_4_csc",
        group="Family known to CSC",
        row="Total known",
        column="Death",
        printed="90.1",
        recomputed="90.7",
        explanation="146/161 = 90.68%; the printed 90.1 does not follow from the printed n "
        "(which does equal 80 + 66); 3.43's '90%' is consistent with either.",
    ),
    Misprint(
        table="table_2_cause_of_death",
        group="Likely cause of death",
        row="Total",
        column="Female",
        printed="66",
        recomputed="65",
        field="n",
        explanation="The printed Female rows sum to 65 (Total column rows: 160), not the printed "
        "Total 66 (161), which 3.36, Table B and every Female pct (n/66) confirm: one girl's "
        "death has a cause the table does not print. The dataset gives her the unprinted cause "
        "`homicide_intrafamilial`, so the Total row (66 / 161) and every printed row reproduce.",
    ),
    Misprint(
        table="table_2_cause_of_death",
        group="Likely cause of death",
        row="Total",
        column="Total",
        printed="161",
        recomputed="160",
        field="n",
        explanation="The same unprinted death as the Female entry above: the printed Total "
        "column rows sum to 160, the printed Total is 161 (all deaths), which the dataset "
        "reproduces.",
    ),
)


def misprint(table: str, row: str, column: str, group: str | None = None) -> Misprint | None:
    for entry in KNOWN_MISPRINTS:
        if (entry.table, entry.row, entry.column) == (table, row, column) and group in (
            None,
            entry.group,
        ):
            return entry
    return None


def other_count(table: Table, row: Row) -> int | None:
    """The row's incidents of type `other` (Total minus deaths minus serious harm), for the
    tables split by incident type."""
    if table.columns != TYPE_COLUMNS:
        return None
    return row.cells["Total"].n - row.cells["Death"].n - row.cells["Serious harm"].n


def iter_cells() -> Iterator[tuple[str, str, str, str, int, str | None]]:
    """Every published cell in the export's tidy layout: table, group, row, column, n, pct."""
    for table in TABLES.values():
        for row in table.rows:
            for column in table.columns:
                cell = row.cells[column]
                yield table.id, row.group, row.label, column, cell.n, cell.pct
