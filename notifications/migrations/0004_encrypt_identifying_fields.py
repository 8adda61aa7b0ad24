"""Encrypt the child's name and date of birth and the placement postcode at rest (issue 12,
item 9). The columns become text holding Fernet tokens, and the rows already there are
encrypted in place; reversing decrypts them and restores the original column types.

The rows are read and written with SQL, not the historical models, because the models' fields
decrypt on read and the rows start in plaintext. A value that is already a token is left alone,
so running the forward step over a half-encrypted table is safe."""

from datetime import date

from django.db import migrations

import safeguarding.encrypted
from safeguarding import crypto

COLUMNS = [
    ("notifications_notification", "placement_postcode"),
    ("notifications_notificationchild", "name"),
    ("notifications_notificationchild", "date_of_birth"),
]
BATCH = 500


def _rewrite(schema_editor, change) -> None:
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table, column in COLUMNS:
            cursor.execute(
                f"SELECT id, {quote(column)} FROM {quote(table)} "  # noqa: S608 (names are ours)
                f"WHERE {quote(column)} IS NOT NULL AND {quote(column)} <> ''"
            )
            rows = cursor.fetchall()
            updates = [(new, pk) for pk, value in rows if (new := change(column, value)) != value]
            for start in range(0, len(updates), BATCH):
                cursor.executemany(
                    f"UPDATE {quote(table)} SET {quote(column)} = %s WHERE id = %s",  # noqa: S608
                    updates[start : start + BATCH],
                )


def _encrypt(column: str, value: str) -> str:
    if crypto.looks_like_token(value.encode("ascii", "replace")):
        return value
    if column == "date_of_birth":
        value = date.fromisoformat(value).isoformat()  # as the field writes it
    return crypto.encrypt_str(value)


def _decrypt(column: str, value: str) -> str:
    if not crypto.looks_like_token(value.encode("ascii", "replace")):
        return value
    return crypto.decrypt_str(value)


def encrypt_rows(apps, schema_editor) -> None:
    _rewrite(schema_editor, _encrypt)


def decrypt_rows(apps, schema_editor) -> None:
    _rewrite(schema_editor, _decrypt)


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0003_retention_marks"),
    ]

    operations = [
        migrations.AlterField(
            model_name="notification",
            name="placement_postcode",
            field=safeguarding.encrypted.EncryptedTextField(blank=True, max_length=8),
        ),
        migrations.AlterField(
            model_name="notificationchild",
            name="date_of_birth",
            field=safeguarding.encrypted.EncryptedDateField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="notificationchild",
            name="name",
            field=safeguarding.encrypted.EncryptedTextField(
                blank=True, help_text="Identifying; optional", max_length=200
            ),
        ),
        migrations.RunPython(encrypt_rows, decrypt_rows, elidable=False),
    ]
