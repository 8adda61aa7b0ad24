"""Import of historic records (issue 7, point 6; DOMAIN.md §6): one row per incident, from a
CSV (UTF-8, with or without a byte order mark) or XLSX file, becomes a submitted SIN with its
child in focus, the partnership's submitted rapid review and the Panel's decision, so that
the Panel can load earlier years and other systems' data and count them with the rest.

The columns (`COLUMNS`, any order, each exactly once, nothing else): the SIN's
`local_authority` (ONS code or name), `incident_date`, `date_aware`, `notified_at`,
`reason`, `abuse_or_neglect`, `children_count`, `imd_decile`; the rapid review's
`rr_submitted_at`, `page_count`, `lcspr_decision`, every coded field of DOMAIN.md §4 under its
`RapidReview` name (`sex` and `age_years` are also the child in focus's on the SIN, so they
are always needed), `theme_<code>` and `good_practice_<code>` (yes/no) for each learning
theme; then `panel_decision` and `panel_decided_at`. Values are the DOMAIN.md codes or their
labels, in any case; dates are YYYY-MM-DD or DD/MM/YYYY (or date cells), and the three
`…_at` columns may have a time too (a date alone is midnight, UK time).

A blank cell means not applicable or not known (DOMAIN.md §6). A row whose rapid-review
columns are all blank has no review yet; one whose `panel_decision` is blank has no decision.
Otherwise each row is judged by the same rules as the forms (`notifications.rules`,
`rapidreviews.rules`) plus the cross-field checks a file needs (dates in order, codes valid,
a cause of death only for a death and required for one, questions asked only at the ages
they apply to), with DOMAIN.md §6's relaxations: a late SIN needs no reason (stored as not
given), and the review's LCSPR rationale, narrative and document, which no file holds, are
left blank. Every problem is reported at once as (row, column, value, reason), rows numbered
as a spreadsheet shows them (the header is row 1); a header with a missing, unknown or
repeated column is reported alone, since the rows cannot be read until it is right.

All or nothing, in one transaction; a dry run goes through the same writes and rolls them
back, so that it reports exactly what an import would do. Importing the same file again adds
nothing: see `import_key`. Rows already imported whose other values now differ are reported
as warnings (see `ImportResult.warnings`).
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from types import SimpleNamespace
from typing import IO, Any

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from notifications import rules as sin_rules
from notifications.models import AbuseOrNeglect, Notification, NotificationChild
from notifications.services import _next_reference  # the one SIN reference sequence
from notifications.timescales import notification_on_time
from panel.models import Outcome, PanelDecision
from rapidreviews import rules as review_rules
from rapidreviews.codes import LcsprDecision, LearningTheme, LookedAfter
from rapidreviews.models import RapidReview, RapidReviewTheme
from rapidreviews.sections import SECTION_BY_KEY, SECTIONS
from rapidreviews.timescales import rapid_review_due_date, rapid_review_working_days_taken
from safeguarding.audit import audit_log
from safeguarding.calendars import england_calendar
from safeguarding.codes import Reason, Role
from safeguarding.models import AuditAction, LocalAuthority, User
from safeguarding.workingdays import WorkingDayCalendar

SYSTEM_USERNAME = "records-import"
CHILD_REFERENCE = "Child A"
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
THEME_COLUMNS = tuple(f"theme_{theme}" for theme in LearningTheme.values)
GOOD_PRACTICE_COLUMNS = tuple(f"good_practice_{theme}" for theme in LearningTheme.values)
PANEL_COLUMNS = ("panel_decision", "panel_decided_at")
COLUMNS = (
    *SIN_COLUMNS,
    "rr_submitted_at",
    "page_count",
    "lcspr_decision",
    *CODED_COLUMNS,
    *THEME_COLUMNS,
    *GOOD_PRACTICE_COLUMNS,
    *PANEL_COLUMNS,
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

# Why a question the form would not ask must be left blank.
NOT_ASKED = {
    "cause_of_death": "A cause of death is only for an incident type of death",
    "cause_of_harm": "A cause of serious harm is only for an incident type of serious harm",
    "education_status": "Education status is only for children aged 4 to 17",
    "missing_education": "Missing education is only for children aged 4 to 15",
    "neet": "NEET is only for children aged 16 or 17",
    "mental_health_linked": (
        "Whether a mental health condition is linked to the incident is only for a child with "
        "a condition (mental_health diagnosed, undiagnosed, both or unknown_if_diagnosed)"
    ),
}
ASKED_DEPENDING_ON = {
    "cause_of_death": "incident_type",
    "cause_of_harm": "incident_type",
    "education_status": "age_years",
    "missing_education": "age_years",
    "neet": "age_years",
    "mental_health_linked": "mental_health",
}
REQUIRED = {
    "local_authority": "Enter the local authority's ONS code or name",
    "notified_at": "Enter the date the SIN was submitted",
    "children_count": "Enter the number of children in the incident",
    "sex": "Enter the sex of the child in focus",
    "age_years": "Enter the age of the child in focus",
    "incident_type": "Enter the incident type as reviewed",
    "cause_of_death": "Enter the likely cause of death: the incident type is death",
    "cause_of_harm": "Enter the likely cause of serious harm: the incident type is serious harm",
    **sin_rules.MISSING,
}


@dataclass(frozen=True)
class RowProblem:
    """A problem with a cell: its row as a spreadsheet numbers it (the header is row 1; 0 for
    the file as a whole), its column, the value as written and what is wrong."""

    row: int
    column: str
    value: str
    reason: str


@dataclass(frozen=True)
class ImportResult:
    """What an import did, or would do (`dry_run`). With `errors`, nothing was written."""

    filename: str
    dry_run: bool
    rows: int = 0
    added: int = 0
    already_imported: int = 0
    errors: list[RowProblem] = field(default_factory=list)
    # Rows already imported whose other values differ from the record: skipped, never applied
    # (the record may have been amended in the service since), and listed column by column.
    warnings: list[RowProblem] = field(default_factory=list)
    references: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class CellError(ValueError):
    """A value that cannot be read for its column; the message says what to enter."""


# --- Reading the file ------------------------------------------------------------------------


def _read_cells(file: IO, filename: str) -> list[tuple[Any, ...]]:
    """Every row of the file as a tuple of cells: strings from a CSV; strings, numbers, dates,
    booleans or None from an XLSX (its first sheet)."""
    file.seek(0)
    data = file.read()
    if isinstance(data, str):
        data = data.encode("utf-8")
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension == "csv":
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise CellError("The file must be a CSV file saved as UTF-8") from exc
        try:
            return [tuple(row) for row in csv.reader(io.StringIO(text, newline=""))]
        except csv.Error as exc:
            raise CellError(f"The file is not a CSV file that can be read ({exc})") from exc
    if extension == "xlsx":
        try:
            workbook = load_workbook(io.BytesIO(data), data_only=True)
        except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError) as exc:
            raise CellError("The file is not an Excel (.xlsx) workbook that can be read") from exc
        return list(workbook.worksheets[0].iter_rows(values_only=True))
    raise CellError("The file must be a CSV or Excel (.xlsx) file")


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _shown(value: Any) -> str:
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


def _normal(text: str) -> str:
    """Codes and labels compared the way people type them: any case, any dash, any spaces."""
    return " ".join(text.replace("–", "-").replace("—", "-").lower().split())


def _choice(choices: Iterable[tuple[str, str]]) -> Callable[[Any], str]:
    """A parser accepting a code or its label, in any case."""
    choices = list(choices)
    lookup = {_normal(str(label)): code for code, label in choices}
    lookup.update({_normal(code): code for code, _ in choices})
    codes = ", ".join(code for code, _ in choices)

    def parse(value: Any) -> str:
        code = lookup.get(_normal(_shown(value)))
        if code is None:
            raise CellError(f"Enter one of: {codes}")
        return code

    return parse


def parse_yes_no(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    answer = _normal(_shown(value))
    if answer in ("yes", "y", "true"):
        return True
    if answer in ("no", "n", "false"):
        return False
    raise CellError("Enter yes or no")


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
}


# --- Checking a row ---------------------------------------------------------------------------


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
            for theme in LearningTheme.values
            if self.values[f"theme_{theme}"] is not None
            or self.values[f"good_practice_{theme}"] is not None
        }


def _parse_row(number: int, raw: dict[str, Any]) -> Row:
    row = Row(number=number, raw=raw, values={})
    for column in COLUMNS:
        value = raw.get(column)
        if _blank(value):
            row.values[column] = None
            continue
        try:
            row.values[column] = PARSERS[column](value) if column in PARSERS else value
        except CellError as exc:
            row.values[column] = None
            row.add(column, str(exc))
    return row


def _check_row(row: Row, *, authorities: dict[str, LocalAuthority], now: datetime) -> None:
    """Every rule a row breaks, recorded on the row."""
    values, today = row.values, timezone.localdate(now)
    la_text = values.get("local_authority")
    if la_text is not None:
        authority = authorities.get(_normal(_shown(la_text)))
        if authority is None:
            row.add("local_authority", "Enter the ONS code or name of a local authority in England")
        values["local_authority"] = authority
    for column in (*SIN_COLUMNS, *CHILD_COLUMNS):
        if column != "imd_decile" and values[column] is None and row.ok(column):
            row.add(column, REQUIRED[column])

    # The SIN and its child, by the form's rules.
    row.add_all(
        sin_rules.incident_errors(
            incident_date=values["incident_date"], date_aware=values["date_aware"], today=today
        )
    )
    if values["age_years"] is not None:
        row.add_all(
            sin_rules.child_errors(
                date_of_birth=None,
                age_years=values["age_years"],
                incident_date=values["incident_date"],
                today=today,
            )
        )
    circumstances = sin_rules.circumstances_errors(
        reason=values["reason"] or "",
        abuse_or_neglect=values["abuse_or_neglect"] or "",
        child_looked_after_death=row.child_looked_after_death if values["reason"] else None,
        placement_postcode="",
        imd_decile=values["imd_decile"],
    )
    if "abuse_or_neglect" in circumstances:
        if row.ok("reason", "looked_after"):
            circumstances["abuse_or_neglect"] = [
                f"{message}: here, a death whose looked_after is foster, other_residential or "
                "residential_home"
                for message in circumstances["abuse_or_neglect"]
            ]
        else:
            del circumstances["abuse_or_neglect"]  # judged once the reason can be read
    row.add_all(circumstances, {"child_looked_after_death": "looked_after"})
    _check_order(row, "date_aware", "notified_at", "the date the local authority became aware")
    _check_not_future(row, "notified_at", now)

    if row.has_review:
        _check_review(row, now)
    elif values["panel_decision"] is not None:
        row.add(
            "panel_decision",
            "A Panel decision needs the rapid review it is on: enter rr_submitted_at and the "
            "review's answers",
        )
    no_decision = values["panel_decision"] is None and row.ok("panel_decision")
    if no_decision and values["panel_decided_at"] is not None:
        row.add("panel_decision", "Enter the Panel's decision, or leave panel_decided_at blank")
    if values["panel_decision"] is not None and row.ok("panel_decided_at"):
        if values["panel_decided_at"] is None:
            row.add("panel_decided_at", "Enter the date of the Panel's decision")
        _check_order(row, "rr_submitted_at", "panel_decided_at", "the rapid review's submission")
        _check_not_future(row, "panel_decided_at", now)


def _check_review(row: Row, now: datetime) -> None:
    values = row.values
    if values["rr_submitted_at"] is None and row.ok("rr_submitted_at"):
        row.add(
            "rr_submitted_at",
            "Enter the date the rapid review was submitted: the row has the review's answers "
            "(leave them all blank when there is no review yet)",
        )
    if values["incident_type"] is None and row.ok("incident_type"):
        row.add("incident_type", REQUIRED["incident_type"])
    _check_order(row, "notified_at", "rr_submitted_at", "the SIN's submission")
    _check_not_future(row, "rr_submitted_at", now)
    answers = SimpleNamespace(**values)
    for section in SECTIONS:
        if not section.fields or section.key in ("narrative", "decision"):
            continue
        visible = review_rules.visible_fields(section, answers)
        for name in section.fields:
            depends_on = ASKED_DEPENDING_ON.get(name)
            if name in visible or values[name] is None or not row.ok(name):
                continue
            if depends_on and (values[depends_on] is None or not row.ok(depends_on)):
                continue  # judged once what it depends on is given and can be read
            row.add(name, f"{NOT_ASKED[name]}: leave it blank")
        for name in review_rules.required_fields(section, answers):
            # Blank means not known (DOMAIN.md §6), except what the incident type requires.
            if section.key == "cause" and values[name] is None and row.ok(name, "incident_type"):
                row.add(name, REQUIRED[name])
    row.add_all(
        review_rules.section_errors(
            SECTION_BY_KEY["child"], {"age_years": values["age_years"]}, answers
        )
    )
    row.add_all(
        review_rules.themes_errors(row.themes),
        {f"{theme}_good_practice": f"good_practice_{theme}" for theme in LearningTheme.values},
    )


def _check_order(row: Row, earlier: str, later: str, what: str) -> None:
    first, second = row.values.get(earlier), row.values.get(later)
    if first is None or second is None or not row.ok(earlier, later):
        return
    first_day = first if type(first) is date else timezone.localdate(first)
    second_day = second if type(second) is date else timezone.localdate(second)
    if second_day < first_day:
        row.add(later, f"Must be the same as or after {what} ({first_day:%-d %B %Y})")


def _check_not_future(row: Row, column: str, now: datetime) -> None:
    if row.values.get(column) is not None and row.ok(column) and row.values[column] > now:
        row.add(column, "Must be in the past")


def import_key(values: dict[str, Any]) -> str:
    """SHA-256 of the row's identifying columns, normalised: the local authority's ONS code,
    the incident date and the date aware (ISO), the date (UK) the SIN was submitted, the
    reason's code, and the sex code and age of the child in focus. Two rows with these alike
    are the same incident, however their other columns were written or have changed since.
    `notified_at` counts by its date, so that one export with times and another without them
    still match."""
    parts = [
        values["local_authority"].ons_code,
        values["incident_date"].isoformat(),
        values["date_aware"].isoformat(),
        timezone.localdate(values["notified_at"]).isoformat(),
        values["reason"],
        values["sex"],
        str(values["age_years"]),
    ]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


# --- Comparing with a record already imported ------------------------------------------------


def _comparable(values: dict[str, Any]) -> dict[str, Any]:
    """A row's values as a record keeps them: good practice is "no" unless answered yes."""
    result = dict(values)
    for theme in LearningTheme.values:
        result[f"good_practice_{theme}"] = bool(values[f"good_practice_{theme}"])
    return result


def _record_values(notification: Notification) -> dict[str, Any]:
    child = notification.child_in_focus
    review: RapidReview | None = getattr(notification, "rapid_review", None)
    values: dict[str, Any] = {
        "local_authority": notification.local_authority,
        "incident_date": notification.incident_date,
        "date_aware": notification.date_aware,
        "notified_at": notification.notified_at,
        "reason": notification.reason,
        "abuse_or_neglect": notification.abuse_or_neglect,
        "children_count": notification.imported_children_count,
        "imd_decile": notification.imd_decile,
        "sex": child.sex if child else None,
        "age_years": child.age_years if child else None,
    }
    themes = {theme.theme: theme for theme in review.themes.all()} if review else {}
    decisions = review.panel_decisions.all() if review else []
    decision = next((d for d in decisions if d.is_current), None)
    values.update(
        {
            "rr_submitted_at": review.submitted_at if review else None,
            "page_count": review.document_page_count if review else None,
            "lcspr_decision": review.lcspr_decision if review else None,
            **{
                name: getattr(review, name) if review else None
                for name in CODED_COLUMNS
                if name not in CHILD_COLUMNS
            },
            **{
                f"theme_{theme}": themes[theme].present if theme in themes else None
                for theme in LearningTheme.values
            },
            "panel_decision": decision.outcome if decision else None,
            "panel_decided_at": decision.decided_at if decision else None,
        }
    )
    for theme in LearningTheme.values:
        values[f"good_practice_{theme}"] = theme in themes and themes[theme].good_practice
    return {column: None if value == "" else value for column, value in values.items()}


def _shown_value(value: Any) -> str:
    if isinstance(value, LocalAuthority):
        return f"{value.name} ({value.ons_code})"
    if isinstance(value, datetime):
        return _shown(timezone.localtime(value).replace(tzinfo=None))
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "blank" if value is None else _shown(value)


def _differences(row: Row, notification: Notification) -> list[RowProblem]:
    recorded = _record_values(notification)
    given = _comparable(row.values)
    return [
        RowProblem(
            row.number,
            column,
            _shown(row.raw.get(column)),
            f"Already imported as {notification.reference}, where this is "
            f"{_shown_value(recorded[column])}: the record was not changed (amend it in the "
            "service if the file is right)",
        )
        for column in COLUMNS
        if given[column] != recorded[column]
    ]


# --- Writing ---------------------------------------------------------------------------------


def records_import_system_user() -> User:
    """The account historic imports run as when no one is named (the import_records command
    without --by): `records-import`, an administrator that cannot sign in (inactive, with no
    usable password), so that imported records and the audit trail say where they came from.
    Created the first time it is needed, and found after that."""
    user = User.objects.filter(username=SYSTEM_USERNAME).first()
    if user is None:
        user = User(
            username=SYSTEM_USERNAME,
            role=Role.ADMINISTRATOR,
            first_name="Historic records",
            last_name="import",
            is_active=False,
        )
        user.set_unusable_password()
        user.save()
        audit_log(
            actor=None,
            action=AuditAction.CREATE,
            obj=user,
            changes={"role": Role.ADMINISTRATOR},
            message="System account for imports of historic records",
        )
    return user


def _record_create(row: Row, *, by: User, calendar: WorkingDayCalendar) -> Notification:
    """One incident: a submitted SIN with its child in focus; its submitted rapid review with
    its themes, when the row has one; and the Panel's decision on it, when given.

    No LCSPR is opened for a review that decided to hold one: an LCSPR opened now would be
    due 6 months after a review submitted years ago, overdue at once and chased by the
    deadline engine, although the historic review was most likely long published (or
    abandoned) outside the service. The partnership's decision stays on the review, where the
    statistics count it; a lead can still commission one with `lcspr_open_later`."""
    values = row.values
    notified_on = timezone.localdate(values["notified_at"])
    days = sin_rules.working_days_taken(values["date_aware"], notified_on, calendar)
    notification = Notification.objects.create(
        reference=_next_reference("SIN", notified_on.year),
        status=Notification.Status.SUBMITTED,
        local_authority=values["local_authority"],
        incident_date=values["incident_date"],
        date_aware=values["date_aware"],
        reason=values["reason"],
        abuse_or_neglect=values["abuse_or_neglect"],
        child_looked_after_death=row.child_looked_after_death,
        imd_decile=values["imd_decile"],
        imd_source="entered" if values["imd_decile"] is not None else "",
        notified_at=values["notified_at"],
        working_days_to_notify=days,
        notified_on_time=notification_on_time(days),
        lateness_reason="",  # historic data holds none (DOMAIN.md §6): not given
        source="import",
        import_key=row.key,
        imported_children_count=values["children_count"],
        created_by=by,
        submitted_by=by,
    )
    NotificationChild.objects.create(
        notification=notification,
        child_reference=CHILD_REFERENCE,
        sex=values["sex"],
        age_years=values["age_years"],
        harm=values["reason"],
        is_child_in_focus=True,
    )
    if not row.has_review:
        # No review is opened "not started": its 15 working days ran out long ago, so it would
        # be overdue at once and chased by the deadline engine.
        return notification
    submitted_on = timezone.localdate(values["rr_submitted_at"])
    due = rapid_review_due_date(notified_on, calendar)
    answers = {name: values[name] if values[name] is not None else "" for name in CODED_COLUMNS}
    answers["age_years"] = values["age_years"]
    review = RapidReview.objects.create(
        notification=notification,
        partnership=values["local_authority"].partnership,
        status=RapidReview.Status.SUBMITTED,
        clock_started_on=notified_on,
        due_date=due,
        original_due_date=due,
        lcspr_decision=values["lcspr_decision"] or "",
        document_page_count=values["page_count"],
        not_recorded_accepted=any(
            answers[name] in not_recorded
            for name, not_recorded in review_rules.NOT_RECORDED_ANSWERS.items()
        ),
        submitted_at=values["rr_submitted_at"],
        submitted_by=by,
        working_days_taken=rapid_review_working_days_taken(notified_on, submitted_on, calendar),
        submitted_on_time=submitted_on <= due,
        **answers,
    )
    RapidReviewTheme.objects.bulk_create(
        RapidReviewTheme(review=review, theme=theme, present=present, good_practice=good)
        for theme, (present, good) in row.themes.items()
    )
    if values["panel_decision"] is not None:
        # Historic decisions hold no structured feedback: its answers are blank, "not recorded".
        PanelDecision.objects.create(
            review=review,
            version=1,
            is_current=True,
            outcome=values["panel_decision"],
            decided_by=by,
            decided_at=values["panel_decided_at"],
        )
    return notification


def _problems(rows: Iterable[Row]) -> list[RowProblem]:
    return [
        RowProblem(row.number, column, _shown(row.raw.get(column)), message)
        for row in rows
        for column in ("", *COLUMNS)
        for message in row.errors.get(column, [])
    ]


def _header_problems(header: list[str]) -> list[RowProblem]:
    problems = []
    seen: set[str] = set()
    for name in header:
        if not name:
            problems.append(RowProblem(1, "", "", "A column has no name: name it or remove it"))
        elif name in seen:
            problems.append(RowProblem(1, name, name, "This column is in the file more than once"))
        elif name not in COLUMNS:
            problems.append(
                RowProblem(1, name, name, "Unknown column: remove it, or correct its name")
            )
        seen.add(name)
    problems += [
        RowProblem(1, name, "", "The file has no column with this name: add it (it may be empty)")
        for name in COLUMNS
        if name not in seen
    ]
    return problems


def _authorities() -> dict[str, LocalAuthority]:
    lookup = {}
    for authority in LocalAuthority.objects.select_related("partnership"):
        lookup[_normal(authority.name)] = authority
        lookup[_normal(authority.ons_code)] = authority
    return lookup


def records_import(*, file: IO, filename: str, by: User | None, dry_run: bool) -> ImportResult:
    """Import historic records from a CSV or XLSX file (see the module's docstring for the
    columns and rules). Returns what was done; with `errors`, nothing was written. `by` is the
    person importing (None: the system account, `records_import_system_user`); one audit
    event records the import (who, the file's name, the counts). A dry run checks everything
    and makes the same writes, then rolls them all back."""
    result = ImportResult(filename=filename, dry_run=dry_run)
    try:
        cells = _read_cells(file, filename)
    except CellError as exc:
        return _with(result, errors=[RowProblem(0, "", filename, str(exc))])
    if not cells:
        return _with(result, errors=[RowProblem(1, "", "", "The file is empty")])
    header = [_shown(name).replace("\ufeff", "").strip().lower() for name in cells[0]]
    while header and not header[-1]:
        header.pop()  # empty cells after the last column, as spreadsheets save them
    problems = _header_problems(header)
    if problems:
        return _with(result, errors=problems)

    now = timezone.now()
    authorities = _authorities()
    rows: list[Row] = []
    for number, cells_of_row in enumerate(cells[1:], start=2):
        if all(_blank(cell) for cell in cells_of_row):
            continue  # blank lines, e.g. at the end of a file saved from a spreadsheet
        raw = dict(zip(header, cells_of_row, strict=False))
        extra = [cell for cell in cells_of_row[len(header) :] if not _blank(cell)]
        row = _parse_row(number, raw)
        if extra:
            row.add("", "The row has more cells than the header has columns")
        _check_row(row, authorities=authorities, now=now)
        rows.append(row)
    if not rows:
        return _with(
            result, errors=[RowProblem(2, "", "", "The file has no rows after the header")]
        )

    first_with_key: dict[str, Row] = {}
    for row in rows:
        if row.ok(*KEY_COLUMNS):
            row.key = import_key(row.values)
            earlier = first_with_key.setdefault(row.key, row)
            if earlier is not row:
                row.add(
                    "",
                    f"The same incident as row {earlier.number} (the same local authority, "
                    "dates, reason, sex and age): remove one of them",
                )
    result = _with(result, rows=len(rows), errors=_problems(rows))
    if result.errors:
        return result

    existing = {
        notification.import_key: notification
        for notification in Notification.objects.filter(import_key__in=[row.key for row in rows])
        .select_related("local_authority", "rapid_review")
        .prefetch_related("children", "rapid_review__themes", "rapid_review__panel_decisions")
    }
    warnings = [
        problem
        for row in rows
        if row.key in existing
        for problem in _differences(row, existing[row.key])
    ]
    new_rows = sorted(
        (row for row in rows if row.key not in existing),
        key=lambda row: (row.values["notified_at"], row.number),
    )
    checked = result
    try:
        with transaction.atomic():
            actor = by or records_import_system_user()
            calendar = england_calendar()
            references = [
                _record_create(row, by=actor, calendar=calendar).reference for row in new_rows
            ]
            result = _with(
                result,
                added=len(new_rows),
                already_imported=len(rows) - len(new_rows),
                warnings=warnings,
                references=references,
            )
            audit_log(
                actor=actor,
                action=AuditAction.CREATE,
                changes={
                    "file": filename,
                    "rows": result.rows,
                    "added": result.added,
                    "already_imported": result.already_imported,
                    "differing": len({problem.row for problem in warnings}),
                },
                message=f"Historic records imported from {filename}",
            )
            if dry_run:
                transaction.set_rollback(True)
    except IntegrityError:
        # Another import of the same rows committed first: running this again skips them.
        return _with(
            checked,
            errors=[
                RowProblem(
                    0,
                    "",
                    filename,
                    "Another import added some of these records at the same time: nothing was "
                    "imported from this file. Import it again to add the rest.",
                )
            ],
        )
    return result


def _with(result: ImportResult, **changes: Any) -> ImportResult:
    return replace(result, **changes)
