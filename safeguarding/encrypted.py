"""Model fields whose values are stored encrypted (Fernet tokens, see safeguarding.crypto) in a
text column and read back as plaintext.

The database sees only ciphertext, and each write of the same value gives a different token, so
it cannot filter, order, group or aggregate on these columns. Only two lookups are allowed:
`isnull`, and `exact` against the empty string (an absent value is stored as "" or NULL, not
encrypted, so that "no name given" stays queryable). Any other lookup or transform is a
FieldError rather than a query that silently matches nothing. Statistics use coded columns
stored beside these (the child's `age_years`, the placement's `imd_decile`).
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import FieldError, ValidationError
from django.db import models
from django.db.models.lookups import Exact, IsNull

from . import crypto


class EmptyOnlyExact(Exact):
    """`field=""` (a value that was never given) is the only equality the database can judge."""

    def get_prep_lookup(self):
        if self.rhs not in ("", None):
            raise FieldError(
                f"{self.lhs.output_field.name} is encrypted: the database cannot compare it "
                "with a value (only with the empty string, or __isnull)."
            )
        return super().get_prep_lookup()


class EncryptedMixin:
    """Encrypt on the way to the database, decrypt on the way back; "" and None as they are."""

    def db_type(self, connection) -> str:
        return models.TextField().db_type(connection)

    def get_internal_type(self) -> str:
        return "TextField"

    def cast_db_type(self, connection) -> str:
        return self.db_type(connection)

    def get_lookup(self, lookup_name: str):
        if lookup_name == "isnull":
            return IsNull
        if lookup_name == "exact":
            return EmptyOnlyExact
        return None

    def get_transform(self, lookup_name: str):
        return None

    def to_plaintext(self, value) -> str:
        raise NotImplementedError

    def from_plaintext(self, text: str):
        raise NotImplementedError

    def get_prep_value(self, value):
        if value is None or value == "":
            return value
        return crypto.encrypt_str(self.to_plaintext(self.to_python(value)))

    def get_db_prep_value(self, value, connection, prepared: bool = False):
        return value if prepared else self.get_prep_value(value)

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return self.from_plaintext(crypto.decrypt_str(value))


class EncryptedTextField(EncryptedMixin, models.TextField):
    """Text (a name, a postcode). `max_length`, if given, limits the plaintext, in forms and
    validation; the column holds the longer token."""

    def to_plaintext(self, value) -> str:
        return str(value)

    def from_plaintext(self, text: str) -> str:
        return text


class EncryptedDateField(EncryptedMixin, models.DateField):
    """A date (a date of birth), encrypted as its ISO form YYYY-MM-DD."""

    def to_plaintext(self, value: date) -> str:
        return value.isoformat()

    def from_plaintext(self, text: str) -> date:
        return date.fromisoformat(text)

    def get_prep_value(self, value):
        if value == "":
            raise ValidationError("Enter a valid date.")
        return super().get_prep_value(value)

    def pre_save(self, model_instance, add):
        return getattr(model_instance, self.attname)
