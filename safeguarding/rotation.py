"""Re-encrypting data at rest under the newest key (issue 12, item 9).

`encryption_keys_rotate` walks every encrypted model field (safeguarding.encrypted) and every
file in the default storage (safeguarding.storage), and rewrites each value that the first key
of FIELD_ENCRYPTION_KEYS does not already open: a token under an older key is rotated
(MultiFernet.rotate), plaintext written before encryption was turned on is encrypted. Values
already under the first key are left alone, so a second run changes nothing. A token no key
opens is counted as unreadable and left as it is: the old key must not be removed then.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from django.apps import apps
from django.core.files.storage import default_storage
from django.db import connection, models, transaction

from . import crypto
from .audit import audit_log
from .encrypted import EncryptedMixin
from .models import AuditAction
from .storage import EncryptedFileSystemStorage

BATCH_SIZE = 500


@dataclass
class RotationResult:
    rewritten_values: int = 0
    current_values: int = 0
    rewritten_files: int = 0
    current_files: int = 0
    # Where a value no key opens was found ("table.column id=…" or a file name): never content.
    unreadable: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "rewritten_values": self.rewritten_values,
            "current_values": self.current_values,
            "rewritten_files": self.rewritten_files,
            "current_files": self.current_files,
            "unreadable": len(self.unreadable),
        }


def encrypted_fields() -> Iterator[tuple[type[models.Model], list[models.Field]]]:
    """Each concrete model with encrypted columns of its own, and those fields."""
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        fields = [f for f in model._meta.local_concrete_fields if isinstance(f, EncryptedMixin)]
        if fields:
            yield model, fields


def _renew(raw: bytes) -> bytes | None:
    """The new stored form of `raw`, or None when it is already under the first key. Raises
    InvalidToken for a token no configured key opens."""
    if not crypto.looks_like_token(raw):
        return crypto.encrypt_bytes(raw)
    if crypto.is_current(raw):
        return None
    return crypto.rotate_token(raw)


def _rotate_table(model, fields, *, batch_size: int, dry_run: bool, result) -> None:
    quote = connection.ops.quote_name
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    columns = [quote(f.column) for f in fields]
    lock = " FOR UPDATE" if connection.features.has_select_for_update and not dry_run else ""
    last = None
    while True:
        # One transaction per batch, its rows locked, so a concurrent save is not overwritten.
        with transaction.atomic(), connection.cursor() as cursor:
            after = "" if last is None else f"WHERE {pk} > %s "
            cursor.execute(
                f"SELECT {pk}, {', '.join(columns)} FROM {table} {after}"  # noqa: S608 (ours)
                f"ORDER BY {pk} LIMIT %s{lock}",
                ([] if last is None else [last]) + [batch_size],
            )
            rows = cursor.fetchall()
            if not rows:
                return
            for row in rows:
                last = row[0]
                changes = {}
                for f, column, value in zip(fields, columns, row[1:], strict=True):
                    if value is None or value == "":
                        continue
                    try:
                        renewed = _renew(value.encode("utf-8"))
                    except crypto.InvalidToken:
                        result.unreadable.append(f"{model._meta.db_table}.{f.column} id={last}")
                        continue
                    if renewed is None:
                        result.current_values += 1
                    else:
                        result.rewritten_values += 1
                        changes[column] = renewed.decode("ascii")
                if changes and not dry_run:
                    assignments = ", ".join(f"{column} = %s" for column in changes)
                    cursor.execute(
                        f"UPDATE {table} SET {assignments} WHERE {pk} = %s",  # noqa: S608
                        [*changes.values(), last],
                    )


def _rotate_files(*, dry_run: bool, result: RotationResult) -> None:
    storage = default_storage
    if not isinstance(storage, EncryptedFileSystemStorage):
        return
    try:
        names = list(storage.walk())
    except FileNotFoundError:  # nothing stored yet
        return
    for name in names:
        try:
            renewed = _renew(storage.read_raw(name))
        except crypto.InvalidToken:
            result.unreadable.append(name)
            continue
        if renewed is None:
            result.current_files += 1
            continue
        result.rewritten_files += 1
        if not dry_run:
            storage.replace_raw(name, renewed)


def encryption_keys_rotate(*, batch_size: int = BATCH_SIZE, dry_run: bool = False):
    """Re-encrypt everything at rest under the first key of FIELD_ENCRYPTION_KEYS, and record
    one audit entry with the counts (no content, no names). With `dry_run`, count only."""
    result = RotationResult()
    for model, fields in encrypted_fields():
        _rotate_table(model, fields, batch_size=batch_size, dry_run=dry_run, result=result)
    _rotate_files(dry_run=dry_run, result=result)
    if not dry_run:
        audit_log(
            actor=None,
            actor_username="rotate_encryption_keys",
            action=AuditAction.UPDATE,
            changes=result.as_dict(),
            message=(
                f"Re-encrypted data at rest under the newest key: {result.rewritten_values} "
                f"values and {result.rewritten_files} files rewritten, "
                f"{result.current_values + result.current_files} already current, "
                f"{len(result.unreadable)} unreadable"
            ),
        )
    return result
