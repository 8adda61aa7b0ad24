"""The text of a PDF for assertions, the same on any machine.

Where a line breaks depends on the fonts installed (WeasyPrint falls back to whatever the
machine has for Arial), so a test must not depend on it: a title such as "… of 4- to
15-year-olds …" may come out of pdftotext as "4-\\nto 15-\\nyear-olds" on one machine and on one
line on another. pdftotext's default mode also "dehyphenates" a word broken at a hyphen,
dropping the hyphen ("15year-olds"), so `pdf_text` reads the text in the order it is drawn
(`-raw`), which keeps every character, then collapses every run of whitespace to one space and
removes any whitespace after a hyphen; `normalised` does the same to the string looked for, so that
`normalised(expected) in pdf_text(data)` checks the same words in the same order wherever the
lines broke. Compatibility characters (ligatures such as "ﬁ", no-break spaces) are folded too
(NFKC), as some fonts map them differently.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
import unicodedata
from pathlib import Path

_SPACE_AFTER_HYPHEN = re.compile(r"-\s+")


def normalised(text: str) -> str:
    """Text as `pdf_text` returns it: NFKC, whitespace collapsed, none after a hyphen."""
    text = " ".join(unicodedata.normalize("NFKC", text).split())
    return _SPACE_AFTER_HYPHEN.sub("-", text)


def _pdftotext(data: bytes, *args: str) -> str:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "document.pdf"
        path.write_bytes(data)
        return subprocess.run(
            ["pdftotext", *args, str(path), "-"], capture_output=True, text=True, check=True
        ).stdout


def pdf_text(data: bytes) -> str:
    """Every page's text, in reading order, normalised (see the module's docstring)."""
    return normalised(_pdftotext(data, "-raw"))


def pdf_layout_text(data: bytes) -> str:
    """The text laid out as on the page (`pdftotext -layout`), for checking a table's row with
    a pattern whose gaps are `\\s+`: each row is one line whatever the fonts."""
    return _pdftotext(data, "-layout")
