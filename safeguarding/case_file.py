"""A case's whole file as one PDF (issue 17, item 5): the SIN and its children, the rapid
review, extensions, the Panel's decisions (every version), response letters, the LCSPR,
linked cases and the messages between the Panel and the partnership: everything about the
case that its reader may see.

The kernel knows none of these models, as for the "This case" panel (safeguarding.case_links).
Each app registers, from its `AppConfig.ready()` (in its own `<app>/case_file.py`), a section
provider at an order:

    register("rapidreviews", review_section, order=20)

    def review_section(user, notification) -> Section | None

A provider reads only through its app's selectors for that user (so each section holds what the
reader may see on the pages, and no more) and returns None when the reader may see nothing of
it (then the section is left out, and out of the contents). A `Section` has a title and either
an HTML fragment (made with `render_to_string`, so escaped) or label/value rows (plain text,
escaped here), or both (rows first).

  10 Incident notification and children · 20 Rapid review · 25 Extensions
  30 Panel decisions · 40 Response letters · 50 LCSPR · 60 Linked cases · 70 Messages (panel)

`case_file_render(notification, user)` makes the PDF: a title page (reference, for whom, when,
the "Official – Sensitive" marking), a contents page, then the sections, each from a new page,
with page numbers in the footer. It is the renderer of the "case-file" document kind
(safeguarding.documents), registered by the notifications app, which reads the subject.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst, slugify
from pypdf import PdfReader

from .documents import RenderedFile
from .history import person
from .models import User
from .pdf import html_to_pdf

MARKING = "Official – Sensitive"


@dataclass(frozen=True)
class Section:
    """One part of the case file. `html` is a fragment rendered from a template (trusted,
    escaped); `rows` are (label, value) pairs of plain text, shown as a table."""

    title: str
    html: str = ""
    rows: Sequence[tuple[str, str]] = field(default_factory=tuple)

    @property
    def fragment(self) -> SafeString:
        return mark_safe(self.html)  # noqa: S308 - rendered by a template, so already escaped


# provider(user, notification) -> the section as this user may see it, or None.
Provider = Callable[[User, Any], "Section | None"]

_PROVIDERS: dict[str, tuple[int, Provider]] = {}


def register(name: str, provider: Provider, *, order: int) -> Provider:
    """Add an app's section provider at `order` (see the module docstring); registering a name
    again replaces it."""
    _PROVIDERS[name] = (order, provider)
    return provider


@dataclass(frozen=True)
class Part:
    """One item of a section (a decision's version, a letter, an extension): a heading, its
    (label, value) rows and any long text, each as plain text."""

    heading: str
    rows: Sequence[tuple[str, str]] = ()
    text: str = ""


def parts_html(parts: Sequence[Part], *, empty: str = "") -> str:
    """A section's fragment made of parts (escaped here), or the `empty` sentence."""
    return render_to_string(
        "safeguarding/_case_file_parts.html", {"parts": list(parts), "empty": empty}
    )


def field_rows(obj: Any, names: Sequence[str]) -> list[tuple[str, str]]:
    """(label, value) rows of a record's fields as the pages name and show them: the verbose
    name, a code by its label, a date as "24 May 2024", nothing as "Not given"."""
    from .history import display_value

    rows = []
    for name in names:
        model_field = obj._meta.get_field(name)
        value = getattr(obj, name)
        if hasattr(value, "isoformat"):
            value = value.isoformat()
        rows.append((capfirst(str(model_field.verbose_name)), display_value(value, model_field)))
    return rows


def case_file_sections(*, user: User, notification: Any) -> list[Section]:
    """The sections `user` may see of the case known by its SIN, in case order."""
    sections = []
    for _, provider in sorted(_PROVIDERS.values(), key=lambda entry: entry[0]):
        section = provider(user, notification)
        if section is not None:
            sections.append(section)
    return sections


def case_file_html(
    *, user: User, notification: Any, sections: list[Section], made_at: datetime
) -> str:
    anchored = [(f"section-{index}-{slugify(s.title)}", s) for index, s in enumerate(sections, 1)]
    return render_to_string(
        "safeguarding/case_file.html",
        {
            "notification": notification,
            "reference": notification.reference or "Draft notification",
            "made_for": person(user),
            "made_at": timezone.localtime(made_at),
            "marking": MARKING,
            "sections": anchored,
        },
    )


def case_file_filename(notification: Any) -> str:
    return f"{notification.reference or 'draft'}-case-file.pdf"


def case_file_render(notification: Any, user: User) -> RenderedFile:
    """The case file's PDF, as `user` may see the case now."""
    sections = case_file_sections(user=user, notification=notification)
    html = case_file_html(
        user=user, notification=notification, sections=sections, made_at=timezone.now()
    )
    data = html_to_pdf(html)
    return RenderedFile(
        data=data,
        filename=case_file_filename(notification),
        page_count=len(PdfReader(io.BytesIO(data)).pages),
    )
