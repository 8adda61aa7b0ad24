"""UK postcodes: normalising and checking their format. Pure functions, no ORM.

A postcode is an outward code (A9, A99, A9A, AA9, AA99 or AA9A) and a three-character
inward code (9AA), e.g. "LS1 4AP", "M60 2LA", "EC1A 1BB", plus the special "GIR 0AA".
Only the format is checked: whether a postcode exists is for the lookup table to say."""

import re

_POSTCODE = re.compile(
    r"(?:[A-Z][0-9]{1,2}|[A-Z][0-9][A-Z]|[A-Z]{2}[0-9]{1,2}|[A-Z]{2}[0-9][A-Z]) [0-9][A-Z]{2}"
    r"|GIR 0AA"
)
INWARD_LENGTH = 3


def normalise_postcode(raw: str) -> str:
    """Upper case, no spaces but one before the inward code: " ls1  4ap" -> "LS1 4AP".

    Anything too short to hold an inward code comes back compacted and upper case, and fails
    `is_valid_postcode`."""
    compact = "".join(raw.split()).upper()
    if len(compact) <= INWARD_LENGTH:
        return compact
    return f"{compact[:-INWARD_LENGTH]} {compact[-INWARD_LENGTH:]}"


def is_valid_postcode(raw: str) -> bool:
    """Whether `raw`, once normalised, has the format of a UK postcode."""
    return _POSTCODE.fullmatch(normalise_postcode(raw)) is not None
