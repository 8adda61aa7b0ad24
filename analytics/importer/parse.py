"""Reading a file of historic records: its columns, its cells and each row's values, parsed
but not yet judged (analytics.importer.check does that). A cell that cannot be read for its
column is a problem on the row, with a message saying what to enter."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import IO, Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from notifications.codes import (
    Agency,
    CriminalProceedings,
    IncidentLocation,
    IncidentSetting,
    YesNoUnknown,
    agencies_join,
)
from notifications.models import AbuseOrNeglect, NotificationChild
from panel.models import Outcome
from rapidreviews.codes import CORE_THEMES, LcsprDecision, LearningTheme, LookedAfter
from rapidreviews.models import RapidReview
from rapidreviews.sections import SECTIONS
from safeguarding.codes import Reason

from .xlsx import WorkbookRefused, read_xlsx, xlsx_rows_declared

MAX_CHILDREN = 999
MAX_PAGES = 9_999

SIN_COLUMNS = (
    "local_authority",
    "incident_date",
    "date_aware",
    "notified_at",
    "reason",
    "abuse_or_neglect",
    "children_count",
    "imd_decile",
)
# The child in focus's sex and age: on the SIN's child and in the review alike.
CHILD_COLUMNS = ("sex", "age_years")
# Every coded answer of the review, in the order of its sections (narrative and the LCSPR
# decision's rationale are not coded).
CODED_COLUMNS = tuple(
    name
    for section in SECTIONS
    if section.key not in ("narrative", "decision")
    for name in section.fields
)
THEMES = tuple(LearningTheme.values)
THEME_COLUMNS = tuple(f"theme_{theme}" for theme in THEMES)
GOOD_PRACTICE_COLUMNS = tuple(f"good_practice_{theme}" for theme in THEMES)
PANEL_COLUMNS = ("panel_decision", "panel_decided_at")
# --- The SIN child's statutory answers (issue 16): optional columns, which a file may leave
# out, about the SIN's child (the child in focus). Named sin_… because the review has columns
# of the same names, its own answers about the child. {column: NotificationChild field}.
SIN_CHILD_COLUMNS = {
    "sin_ethnicity": "ethnicity",
    "sin_disability": "disability",
    "sin_child_in_need": "child_in_need",
    "sin_child_protection_plan": "child_protection_plan",
    "sin_looked_after": "looked_after",
    "sin_care_order": "care_order",
    "sin_home_local_authority": "home_local_authority",
}
# Issue 16: where and how the incident happened (the SIN's statutory-form questions). Optional
# columns: a file may leave them out altogether, and a blank cell is not known.
INCIDENT_PLACE_COLUMNS = (
    "incident_time",
    "incident_location",
    "incident_local_authority",
    "incident_place_outside_england",
    "incident_setting",
    "incident_setting_other",
    "agencies_involved",
    "police_involvement",
    "criminal_proceedings",
    "media_interest",
)
INCIDENT_PLACE_TEXT_MAX = 200
# The optional cross-cutting themes (DOMAIN.md §4, Table 7.2): a review records them only when
# they feature, and other systems often have no such field (issue 19, item 6).
CROSS_CUTTING_THEMES = tuple(theme for theme in THEMES if theme not in CORE_THEMES)
CROSS_CUTTING_THEME_COLUMNS = tuple(
    f"{prefix}_{theme}" for theme in CROSS_CUTTING_THEMES for prefix in ("theme", "good_practice")
)
# Columns a file may leave out, read as blank for every row: the cross-cutting themes and the
# notification's newer statutory questions (issue 16). The others are the figures' core
# (DOMAIN.md §5) and must be in the header, though a cell may be blank where §6 allows.
OPTIONAL_COLUMNS = (*CROSS_CUTTING_THEME_COLUMNS, *SIN_CHILD_COLUMNS, *INCIDENT_PLACE_COLUMNS)
COLUMNS = (
    *SIN_COLUMNS,
    "rr_submitted_at",
    "page_count",
    "lcspr_decision",
    *CODED_COLUMNS,
    *THEME_COLUMNS,
    *GOOD_PRACTICE_COLUMNS,
    *PANEL_COLUMNS,
    *SIN_CHILD_COLUMNS,
    *INCIDENT_PLACE_COLUMNS,
)
# Any of these filled in means the row has a rapid review.
REVIEW_COLUMNS = tuple(
    name
    for name in ("rr_submitted_at", "page_count", "lcspr_decision", *CODED_COLUMNS)
    if name not in CHILD_COLUMNS
) + (*THEME_COLUMNS, *GOOD_PRACTICE_COLUMNS)
# The identifying columns, hashed into `Notification.import_key`.
KEY_COLUMNS = ("local_authority", "incident_date", "date_aware", "notified_at", "reason")
KEY_COLUMNS += CHILD_COLUMNS

# Looked-after "now" (not "previously"): a death of such a child may be notified with abuse or
# neglect not suspected (DOMAIN.md §3).
CURRENTLY_LOOKED_AFTER = {
    LookedAfter.FOSTER,
    LookedAfter.OTHER_RESIDENTIAL,
    LookedAfter.RESIDENTIAL_HOME,
}


@dataclass(frozen=True)
class RowProblem:
    """A problem with a cell: its row as a spreadsheet numbers it (the header is row 1; 0 for
    the file as a whole), its column, the value as written and what is wrong."""

    row: int
    column: str
    value: str
    reason: str


class CellError(ValueError):
    """A value that cannot be read for its column; the message says what to enter."""


# --- Reading the file ------------------------------------------------------------------------


def read_cells(file: IO, filename: str) -> Iterator[tuple[Any, ...]]:
    """The file's rows one at a time, each a tuple of cells: strings from a CSV; strings,
    numbers, dates, booleans or None from an XLSX (its first sheet, read within the limits in
    analytics.importer.xlsx). Streamed: no more than a row is held, however long the file. A
    file over settings.IMPORT_MAX_BYTES is refused unread; one that turns out unreadable part
    way raises CellError there."""
    limit = settings.IMPORT_MAX_BYTES
    file.seek(0, io.SEEK_END)
    if file.tell() > limit:
        raise CellError(
            f"The file is too large: the most one import takes is {limit / (1024 * 1024):g} MB. "
            "Split the records into smaller files"
        )
    file.seek(0)
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension == "csv":
        yield from _csv_rows(file)
    elif extension == "xlsx":
        try:
            yield from read_xlsx(file)
        except WorkbookRefused as exc:
            raise CellError(str(exc)) from exc
    else:
        raise CellError("The file must be a CSV or Excel (.xlsx) file")


def rows_estimate(file: IO, filename: str) -> int | None:
    """About how many records (rows after the header) the file has, cheaply, for a progress
    bar: a CSV's lines (csv's C reader, counting rows with any text; quoted line breaks are
    counted right), an XLSX's declared size. None when it cannot tell (unreadable, too large:
    the import says why). The file is left at its start."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    try:
        file.seek(0, io.SEEK_END)
        if file.tell() > settings.IMPORT_MAX_BYTES:
            return None
        file.seek(0)
        if extension == "xlsx":
            return xlsx_rows_declared(file)
        if extension != "csv":
            return None
        rows = -1  # the header
        for row in _csv_rows(file):
            if any(row):
                rows += 1
        return max(rows, 0)
    except (CellError, ValueError, OSError):
        return None
    finally:
        file.seek(0)


def _csv_rows(file: IO) -> Iterator[tuple[str, ...]]:
    """A CSV's rows, decoded as UTF-8 (with or without a byte order mark) as they are read."""
    if isinstance(file.read(0), str):
        text, wrapper = file, None
    else:
        # Lines split as open(newline="") splits them, for the csv module.
        text = wrapper = io.TextIOWrapper(file, encoding="utf-8-sig", newline="")
    try:
        for number, row in enumerate(csv.reader(text), start=1):
            if number > settings.IMPORT_MAX_ROWS + 1:  # the header and IMPORT_MAX_ROWS rows
                raise CellError(
                    f"The file has more than {settings.IMPORT_MAX_ROWS:,} rows: the most "
                    "one import takes. Split the records into smaller files"
                )
            yield tuple(row)
    except UnicodeDecodeError as exc:
        raise CellError("The file must be a CSV file saved as UTF-8") from exc
    except csv.Error as exc:
        raise CellError(f"The file is not a CSV file that can be read ({exc})") from exc
    finally:
        if wrapper is not None:
            wrapper.detach()  # the caller's file stays open


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def shown(value: Any) -> str:
    """A cell as the person who wrote it would recognise it, for messages."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="minutes" if not value.second else "seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# --- Reading a cell ----------------------------------------------------------------------------

_DATE_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATE_UK = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_TIME = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?")
_WHOLE = re.compile(r"[+-]?\d+")
DATE_HINT = "Enter a real date, like 2023-05-31 or 31/05/2023"
DATETIME_HINT = "Enter a real date, like 2023-05-31 or 31/05/2023, with a time if known (14:30)"


def _date_from_text(text: str) -> date:
    if _DATE_ISO.fullmatch(text):
        return date.fromisoformat(text)
    match = _DATE_UK.fullmatch(text)
    if match:
        day, month, year = (int(part) for part in match.groups())
        return date(year, month, day)
    raise ValueError(text)


def parse_date(value: Any) -> date:
    if isinstance(value, datetime):
        if value.time() != time(0):
            raise CellError(f"{DATE_HINT}, without a time")
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return _date_from_text(str(value).strip())
    except ValueError as exc:
        raise CellError(DATE_HINT) from exc


def parse_datetime(value: Any) -> datetime:
    """A date and time; naive ones (and dates alone, as midnight) are UK time."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, time(0))
    else:
        text = str(value).strip()
        day_text, _, time_text = text.replace("T", " ", 1).partition(" ")
        try:
            day = _date_from_text(day_text)
            if not time_text.strip():
                moment = datetime.combine(day, time(0))
            elif _DATE_ISO.fullmatch(day_text):
                # ISO 8601 with a time, possibly with seconds' fractions and an offset.
                moment = datetime.fromisoformat(f"{day_text}T{time_text.strip()}")
            else:
                match = _TIME.fullmatch(time_text.strip())
                if not match:
                    raise ValueError(text)
                hour, minute, second = (int(part or 0) for part in match.groups())
                moment = datetime.combine(day, time(hour, minute, second))
        except ValueError as exc:
            raise CellError(DATETIME_HINT) from exc
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def parse_whole_number(value: Any) -> int:
    if isinstance(value, bool):
        raise CellError("Enter a whole number")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = str(value).strip()
    if isinstance(value, float) or not _WHOLE.fullmatch(text):
        raise CellError("Enter a whole number")
    return int(text)


def _counted(low: int, high: int, what: str) -> Callable[[Any], int]:
    def parse(value: Any) -> int:
        number = parse_whole_number(value)
        if not low <= number <= high:
            raise CellError(f"Enter {what}, a whole number from {low} to {high}")
        return number

    return parse


def normal(text: str) -> str:
    """Codes and labels compared the way people type them: any case, any dash, any spaces."""
    return " ".join(text.replace("–", "-").replace("—", "-").lower().split())


def _choice(choices: Iterable[tuple[str, str]]) -> Callable[[Any], str]:
    """A parser accepting a code or its label, in any case."""
    choices = list(choices)
    lookup = {normal(str(label)): code for code, label in choices}
    lookup.update({normal(code): code for code, _ in choices})
    codes = ", ".join(code for code, _ in choices)

    def parse(value: Any) -> str:
        code = lookup.get(normal(shown(value)))
        if code is None:
            raise CellError(f"Enter one of: {codes}")
        return code

    return parse


def parse_yes_no(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    answer = normal(shown(value))
    if answer in ("yes", "y", "true"):
        return True
    if answer in ("no", "n", "false"):
        return False
    raise CellError("Enter yes or no")


# --- Issue 16: the incident's time, and its agencies ------------------------------------------

_CLOCK = re.compile(r"(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?")
TIME_HINT = "Enter a time like 14:30 or 2:30pm"


def parse_time(value: Any) -> time:
    """A time of day: a time cell, or text like 14:30, 14.30, 2:30pm or 2pm."""
    if isinstance(value, time):
        return value.replace(second=0, microsecond=0)
    if isinstance(value, datetime):
        raise CellError(f"{TIME_HINT}, without a date")
    match = _CLOCK.fullmatch(normal(shown(value)))
    if not match:
        raise CellError(TIME_HINT)
    hour, minute, half = int(match.group(1)), int(match.group(2) or 0), match.group(3)
    if half and not 1 <= hour <= 12 or not half and match.group(2) is None:
        raise CellError(TIME_HINT)
    if half:
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59:
        raise CellError(TIME_HINT)
    return time(hour, minute)


_agency = _choice(Agency.choices)


def parse_agencies(value: Any) -> str:
    """Agencies' codes or labels separated by commas or semicolons, as stored (codes joined
    by commas in the code list's order)."""
    parts = [part for part in re.split(r"[,;]", shown(value)) if part.strip()]
    try:
        return agencies_join([_agency(part) for part in parts])
    except CellError as exc:
        raise CellError(
            f"Enter agencies from: {', '.join(Agency.values)}, separated by commas"
        ) from exc


def _short_text(value: Any) -> str:
    text = shown(value)
    if len(text) > INCIDENT_PLACE_TEXT_MAX:
        raise CellError(f"Must be {INCIDENT_PLACE_TEXT_MAX} characters or fewer")
    return text


def _review_field_parser(name: str) -> Callable[[Any], Any]:
    model_field = RapidReview._meta.get_field(name)
    if model_field.choices:
        return _choice(model_field.choices)
    if isinstance(model_field, models.IntegerField):
        return parse_whole_number  # the age: 0 to 17 is the rules' to judge
    raise TypeError(f"No parser for {name}")


PARSERS: dict[str, Callable[[Any], Any]] = {
    "incident_date": parse_date,
    "date_aware": parse_date,
    "notified_at": parse_datetime,
    "reason": _choice(Reason.choices),
    "abuse_or_neglect": _choice(AbuseOrNeglect.choices),
    "children_count": _counted(1, MAX_CHILDREN, "the number of children"),
    "imd_decile": parse_whole_number,  # 1 to 10 is the rules' to judge
    "rr_submitted_at": parse_datetime,
    "page_count": _counted(1, MAX_PAGES, "the number of pages"),
    "lcspr_decision": _choice(LcsprDecision.choices),
    **{name: _review_field_parser(name) for name in CODED_COLUMNS},
    **dict.fromkeys((*THEME_COLUMNS, *GOOD_PRACTICE_COLUMNS), parse_yes_no),
    "panel_decision": _choice(Outcome.choices),
    "panel_decided_at": parse_datetime,
    # The SIN child's statutory answers (sin_home_local_authority is looked up when checked).
    **{
        column: _choice(NotificationChild._meta.get_field(name).choices)
        for column, name in SIN_CHILD_COLUMNS.items()
        if name != "home_local_authority"
    },
    # Issue 16 (incident_local_authority is looked up with the authorities, in check.py).
    "incident_time": parse_time,
    "incident_location": _choice(IncidentLocation.choices),
    "incident_place_outside_england": _short_text,
    "incident_setting": _choice(IncidentSetting.choices),
    "incident_setting_other": _short_text,
    "agencies_involved": parse_agencies,
    "police_involvement": _choice(YesNoUnknown.choices),
    "criminal_proceedings": _choice(CriminalProceedings.choices),
    "media_interest": _choice(YesNoUnknown.choices),
}


# --- A row ----------------------------------------------------------------------------------


@dataclass
class Row:
    number: int
    raw: dict[str, Any]
    values: dict[str, Any]
    errors: dict[str, list[str]] = field(default_factory=dict)
    key: str = ""

    def add(self, column: str, message: str) -> None:
        messages = self.errors.setdefault(column, [])
        if message not in messages:
            messages.append(message)

    def add_all(self, errors: dict[str, list[str]], columns: dict[str, str] | None = None) -> None:
        """A rule's {field: [messages]}, each under the column the field comes from."""
        for name, messages in errors.items():
            column = (columns or {}).get(name, name)
            if column not in COLUMNS:
                column = ""  # about the row as a whole
            for message in messages:
                self.add(column, message)

    def ok(self, *columns: str) -> bool:
        return not any(column in self.errors for column in columns)

    @property
    def has_review(self) -> bool:
        return any(
            self.values.get(column) is not None or column in self.errors
            for column in REVIEW_COLUMNS
        )

    @property
    def child_looked_after_death(self) -> bool | None:
        """Derived, as the file has no such column: a death of a child the review records as
        looked after at the time. Unknown without the review's answer."""
        if self.values["reason"] != Reason.DEATH:
            return False
        looked_after = self.values.get("looked_after")
        return None if looked_after is None else looked_after in CURRENTLY_LOOKED_AFTER

    @property
    def themes(self) -> dict[str, tuple[bool, bool]]:
        """{theme: (present, good practice)} for the themes the row answers."""
        return {
            theme: (
                bool(self.values[f"theme_{theme}"]),
                bool(self.values[f"good_practice_{theme}"]),
            )
            for theme in THEMES
            if self.values[f"theme_{theme}"] is not None
            or self.values[f"good_practice_{theme}"] is not None
        }


def local_day(moment: datetime) -> date:
    """The day in UK time (the service's time zone) of an aware moment: what
    `timezone.localdate` gives, without looking up the active time zone for every cell."""
    return moment.astimezone(timezone.get_default_timezone()).date()


# Cells as written repeat (codes, yes/no, dates): each written text is parsed once per column,
# up to this many remembered (parsed values are immutable).
_PARSED_MAX = 50_000
_parsed: dict[tuple[str, str], Any] = {}


def _parse_cell(column: str, value: Any) -> Any:
    if not isinstance(value, str):
        return PARSERS[column](value)
    key = (column, value)
    try:
        return _parsed[key]
    except KeyError:
        parsed = PARSERS[column](value)  # a CellError is not remembered
        if len(_parsed) >= _PARSED_MAX:
            _parsed.clear()
        _parsed[key] = parsed
        return parsed


def parse_row(number: int, raw: dict[str, Any]) -> Row:
    row = Row(number=number, raw=raw, values={})
    values = row.values
    for column in COLUMNS:
        value = raw.get(column)
        if value is None or value == "" or blank(value):
            values[column] = None
            continue
        try:
            values[column] = _parse_cell(column, value) if column in PARSERS else value
        except CellError as exc:
            values[column] = None
            row.add(column, str(exc))
    return row
