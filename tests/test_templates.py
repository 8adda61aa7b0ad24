"""Template hygiene that no page test would name: Django's `{# #}` comment is one line only, so
one spread over several lines is printed on the page as text (inside a summary list it also
breaks the list for screen readers: axe's `definition-list` rule)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MULTILINE_COMMENT = re.compile(r"\{#(?:(?!#\}).)*\n", re.S)


def test_no_template_spreads_a_one_line_comment_over_several_lines():
    offenders = [
        str(path.relative_to(ROOT))
        for path in sorted(ROOT.glob("templates/**/*.html"))
        + sorted(ROOT.glob("*/templates/**/*.html"))
        if ".venv" not in path.parts
        and "node_modules" not in path.parts
        and MULTILINE_COMMENT.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == [], f"use {{% comment %}} for comments over several lines: {offenders}"
