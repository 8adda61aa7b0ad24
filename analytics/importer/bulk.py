"""Inserting an import's records fast: on PostgreSQL one `COPY` a table per chunk, with the
ids it needs taken from the table's sequence in one statement beforehand (no model instances,
no per-value conversion: the importer gives values ready for the database, and a column it
does not give takes the model field's default, converted once). Elsewhere (SQLite in
development), `bulk_create`."""

from __future__ import annotations

import operator
from typing import Any

from django.db import connection, models
from django.utils import timezone


def _default(field: models.Field, now) -> Any:
    """The value Django would save for a field the importer does not give."""
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        value = now
    else:
        value = field.get_default()
    return field.get_db_prep_save(value, connection)


def rows_insert(model: type[models.Model], rows: list[dict[str, Any]]) -> list[int]:
    """Insert `rows` ({field attname: value}, the same attnames in every row) and return
    their new ids, in order."""
    if not rows:
        return []
    if connection.vendor != "postgresql":
        created = model.objects.bulk_create([model(**row) for row in rows], batch_size=500)
        return [instance.pk for instance in created]
    meta = model._meta
    fields = [field for field in meta.concrete_fields if not field.primary_key]
    given = rows[0].keys()
    now = timezone.now()
    defaults = {f.attname: _default(f, now) for f in fields if f.attname not in given}
    values_of = operator.itemgetter(*(field.attname for field in fields))
    quote = connection.ops.quote_name
    columns = ", ".join(quote(column) for column in [meta.pk.column, *(f.column for f in fields)])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(rows)],
        )
        ids = [new_id for (new_id,) in cursor.fetchall()]
        # psycopg's own cursor: Django does not translate its errors, so a unique or foreign
        # key violation is made Django's IntegrityError here, as an INSERT's would be.
        sql = f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN"
        with connection.wrap_database_errors, cursor.cursor.copy(sql) as copy:
            for new_id, row in zip(ids, rows, strict=True):
                copy.write_row((new_id, *values_of(defaults | row)))
    return ids
