"""Writes for the shared kernel: loading reference data and the IMD postcode lookup,
creating people, and the in-app notifications inbox."""

import csv
import io
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import IO

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from .audit import audit_log
from .codes import Role
from .models import (
    AuditAction,
    CensusEthnicityShare,
    InboxMessage,
    LocalAuthority,
    Partnership,
    PostcodeImdDecile,
    Region,
    RegionPopulation,
    User,
)
from .postcodes import is_valid_postcode, normalise_postcode
from .selectors import inbox_message_get_for_user

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"
POPULATION_SOURCE = "ONS mid-2023 estimates, Panel annual report 2023 to 2024, Appendix D Table A"


@dataclass(frozen=True)
class ReferenceDataResult:
    regions: int
    local_authorities: int
    partnerships: int
    created: int


def _rows(name: str) -> list[dict[str, str]]:
    with (REFERENCE_DIR / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@transaction.atomic
def reference_data_load() -> ReferenceDataResult:
    """Load the regions and their mid-2023 child populations, the 153 upper-tier local
    authorities with one partnership each, and the Census 2021 ethnicity shares.

    Idempotent: running it again creates only what is missing and never overwrites what an
    administrator has changed since (a population figure, an authority's partnership)."""
    created = 0
    regions: dict[str, Region] = {}
    for row in _rows("regions.csv"):
        region, was_created = Region.objects.get_or_create(
            code=row["code"], defaults={"name": row["name"]}
        )
        regions[region.code] = region
        created += was_created
        _, was_created = RegionPopulation.objects.get_or_create(
            region=region,
            year=2023,
            defaults={"children": int(row["children_mid_2023"]), "source": POPULATION_SOURCE},
        )
        created += was_created

    existing = set(LocalAuthority.objects.values_list("ons_code", flat=True))
    partnerships = {p.code: p for p in Partnership.objects.all()}
    new_authorities = []
    for row in _rows("local_authorities.csv"):
        if row["ons_code"] in existing:
            continue
        code = slugify(row["name"])
        partnership = partnerships.get(code)
        if partnership is None:
            partnership = Partnership.objects.create(
                code=code, name=f"{row['name']} Safeguarding Children Partnership"
            )
            partnerships[code] = partnership
            created += 1
        new_authorities.append(
            LocalAuthority(
                ons_code=row["ons_code"],
                dfe_code=row["dfe_code"],
                name=row["name"],
                region=regions[row["region"]],
                partnership=partnership,
            )
        )
    LocalAuthority.objects.bulk_create(new_authorities)
    created += len(new_authorities)

    for row in _rows("census_ethnicity_2021.csv"):
        _, was_created = CensusEthnicityShare.objects.get_or_create(
            census_year=2021,
            is_group=row["is_group"] == "1",
            code=row["code"],
            defaults={"percentage": Decimal(row["percentage"])},
        )
        created += was_created

    return ReferenceDataResult(
        regions=Region.objects.count(),
        local_authorities=LocalAuthority.objects.count(),
        partnerships=Partnership.objects.count(),
        created=created,
    )


@transaction.atomic
def user_create(
    *,
    username: str,
    email: str,
    role: Role | str,
    password: str | None,
    local_authority: LocalAuthority | None = None,
    partnership: Partnership | None = None,
    first_name: str = "",
    last_name: str = "",
    by: User | None = None,
) -> User:
    """Create a person with a role in an organisation (the database rejects a role without
    the organisation it needs). A None password leaves the account unusable until reset."""
    user = User(
        username=username,
        email=email,
        role=role,
        local_authority=local_authority,
        partnership=partnership,
        first_name=first_name,
        last_name=last_name,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    user.save()
    audit_log(actor=by, action=AuditAction.CREATE, obj=user, changes={"role": str(role)})
    return user


# --- IMD deciles by postcode ---------------------------------------------------------------

IMD_POSTCODE_COLUMN = "postcode"
IMD_DECILE_COLUMN = "imd_decile"
# Rows per INSERT … ON CONFLICT statement: 4 parameters a row stays far below PostgreSQL's
# 65,535 and Django splits further where SQLite needs it.
IMD_BATCH_SIZE = 5_000
# A file that is wrong throughout (say, the wrong columns mapped) would otherwise produce
# millions of messages; the first ones show the problem.
IMD_ERRORS_SHOWN = 100
_WHOLE_NUMBER = re.compile(r"[0-9]{1,2}")


@dataclass(frozen=True)
class ImdImportResult:
    rows: int
    created: int
    updated: int


class ImdImportError(Exception):
    """The file was refused and nothing was imported. `errors` holds at most
    IMD_ERRORS_SHOWN messages such as "Row 7, column imd_decile: …"; `total` counts them all."""

    def __init__(self, errors: list[str], total: int | None = None):
        self.errors = errors
        self.total = len(errors) if total is None else total
        super().__init__(f"{self.total} error{'s' if self.total != 1 else ''}: {errors[0]}")


@contextmanager
def _text_of(file: IO) -> Iterator[IO[str]]:
    """The file rewound and read as text, whether it was opened in text or binary mode (an
    upload, `open(path, "rb")`). UTF-8, with or without the byte order mark Excel writes.
    The caller's file is left open."""
    file.seek(0)
    if isinstance(file, io.TextIOBase):
        yield file
        return
    text = io.TextIOWrapper(file, encoding="utf-8-sig", newline="")
    try:
        yield text
    finally:
        text.detach()


def _imd_cells(text: IO[str]) -> Iterator[tuple[int, str, str]]:
    """(row number, postcode, decile) for each data row, as written. Rows are numbered as a
    spreadsheet shows them: the header is row 1."""
    reader = csv.reader(text)
    # A text stream may still start with Excel's byte order mark.
    header = [name.replace("\ufeff", "").strip().lower() for name in next(reader, [])]
    missing = [name for name in (IMD_POSTCODE_COLUMN, IMD_DECILE_COLUMN) if name not in header]
    if missing:
        raise ImdImportError(
            [f"Row 1: the header row needs a column named {name}" for name in missing]
        )
    postcode_at, decile_at = header.index(IMD_POSTCODE_COLUMN), header.index(IMD_DECILE_COLUMN)
    for number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue  # blank lines, e.g. at the end of a file saved from a spreadsheet
        yield (
            number,
            row[postcode_at] if postcode_at < len(row) else "",
            row[decile_at] if decile_at < len(row) else "",
        )


def _imd_decile(raw: str) -> int | None:
    value = raw.strip()
    if not _WHOLE_NUMBER.fullmatch(value):
        return None
    decile = int(value)
    return decile if 1 <= decile <= 10 else None


def _imd_validate(text: IO[str]) -> None:
    """Read the whole file and raise ImdImportError listing every problem, if there is one."""
    errors: list[str] = []
    total = rows = 0
    # ~100 bytes a postcode: about 170 MB for the 1.7 million in the national file, held only
    # while the file is checked. A postcode twice would make the upsert's outcome depend on
    # row order (and PostgreSQL refuses it within one statement).
    seen: set[str] = set()
    try:
        for number, raw_postcode, raw_decile in _imd_cells(text):
            rows += 1
            postcode = normalise_postcode(raw_postcode)
            row_errors = []
            if not postcode:
                row_errors.append(f"Row {number}, column postcode: enter a postcode")
            elif not is_valid_postcode(postcode):
                row_errors.append(
                    f"Row {number}, column postcode: enter a full UK postcode, like LS1 4AP "
                    f"(found “{raw_postcode.strip()[:20]}”)"
                )
            elif postcode in seen:
                row_errors.append(
                    f"Row {number}, column postcode: {postcode} is in the file more than once"
                )
            else:
                seen.add(postcode)
            if _imd_decile(raw_decile) is None:
                row_errors.append(
                    f"Row {number}, column imd_decile: enter a whole number from 1 to 10"
                )
            total += len(row_errors)
            errors.extend(row_errors[: max(IMD_ERRORS_SHOWN - len(errors), 0)])
    except UnicodeDecodeError as exc:
        raise ImdImportError(["The file must be a CSV file saved as UTF-8"]) from exc
    except csv.Error as exc:
        raise ImdImportError([f"The file is not a CSV file that can be read ({exc})"]) from exc
    if not rows:
        raise ImdImportError(["The file has no rows after the header row"])
    if total:
        raise ImdImportError(errors, total)


def _imd_upsert(batch: list[PostcodeImdDecile]) -> None:
    PostcodeImdDecile.objects.bulk_create(
        batch,
        update_conflicts=True,
        unique_fields=["postcode"],
        update_fields=["decile", "source", "loaded_at"],
    )


def imd_deciles_import(*, file: IO, by: User | None, source: str = "") -> ImdImportResult:
    """Load the postcode → IMD decile lookup from a CSV file whose header row has `postcode`
    and `imd_decile` columns (any case, any order; other columns are ignored).

    All or nothing: every row is checked first and, if any is wrong, ImdImportError lists the
    problems by row and column and nothing is imported. Otherwise every postcode is inserted
    or has its decile replaced, in one transaction, recorded once in the audit trail. The file
    is streamed twice (check, then load) in batches, so the national file of some 1.7 million
    rows is never held in memory; `file` must therefore be seekable."""
    source = source.strip()
    if len(source) > PostcodeImdDecile._meta.get_field("source").max_length:
        raise ImdImportError(["Source: enter 200 characters or fewer"])
    with _text_of(file) as text:
        _imd_validate(text)
    rows = 0
    with transaction.atomic(), _text_of(file) as text:
        before = PostcodeImdDecile.objects.count()
        batch: list[PostcodeImdDecile] = []
        for _number, raw_postcode, raw_decile in _imd_cells(text):
            batch.append(
                PostcodeImdDecile(
                    postcode=normalise_postcode(raw_postcode),
                    decile=_imd_decile(raw_decile),
                    source=source,
                )
            )
            if len(batch) == IMD_BATCH_SIZE:
                _imd_upsert(batch)
                rows += len(batch)
                batch = []
        if batch:
            _imd_upsert(batch)
            rows += len(batch)
        # Postcodes are unique in the file (checked above), so what is not new was updated.
        created = PostcodeImdDecile.objects.count() - before
        result = ImdImportResult(rows=rows, created=created, updated=rows - created)
        audit_log(
            actor=by,
            action=AuditAction.CREATE,
            changes={"rows": rows, "created": created, "updated": rows - created, "source": source},
            message="IMD deciles imported",
        )
    return result


# --- Inbox --------------------------------------------------------------------------------

INBOX_SUBJECT_MAX = InboxMessage._meta.get_field("subject").max_length


def inbox_notify(
    *,
    recipients: Iterable[User],
    subject: str,
    body: str = "",
    url: str = "",
    dedupe_key: str | None = None,
) -> int:
    """Put a message in each active recipient's inbox ("Notifications"), e.g. "SIN-2024-000123
    submitted by Leeds" linking to the case. Call it inside the transaction of the change it
    reports, so that both commit or roll back together.

    With a `dedupe_key`, someone who already has a message with that key gets no second one
    (the database's unique constraint settles a race). Returns how many messages were made."""
    active = {user.pk: user for user in recipients if user.is_active}
    dedupe_key = dedupe_key or None
    already: set[int] = set()
    if dedupe_key and active:
        already = set(
            InboxMessage.objects.filter(recipient_id__in=active, dedupe_key=dedupe_key).values_list(
                "recipient_id", flat=True
            )
        )
    if len(subject) > INBOX_SUBJECT_MAX:
        # A long case title must not make the change it reports fail.
        subject = subject[: INBOX_SUBJECT_MAX - 1] + "…"
    messages = [
        InboxMessage(recipient_id=pk, subject=subject, body=body, url=url, dedupe_key=dedupe_key)
        for pk in active
        if pk not in already
    ]
    InboxMessage.objects.bulk_create(messages, ignore_conflicts=True)
    return len(messages)


def inbox_mark_read(*, user: User, message_id: int) -> InboxMessage:
    """Mark one of the user's own messages read (404 for anyone else's). Reading it again
    keeps the first time it was read."""
    message = inbox_message_get_for_user(user=user, message_id=message_id)
    if message.read_at is None:
        now = timezone.now()
        if InboxMessage.objects.filter(pk=message.pk, read_at__isnull=True).update(read_at=now):
            message.read_at = now
        else:
            message.refresh_from_db(fields=["read_at"])
    return message


def inbox_mark_all_read(*, user: User) -> int:
    """Mark every unread message of the user's read; returns how many were unread."""
    return InboxMessage.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
