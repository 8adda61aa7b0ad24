"""HTML to PDF, written once: the Panel's response letters and the annual figures document are
both rendered here, so that they share one WeasyPrint call and its settings."""

from __future__ import annotations

import weasyprint
from django.conf import settings


def html_to_pdf(html: str) -> bytes:
    """The PDF of an HTML document, rendered in-process. Relative URLs (none today: styles and
    charts are inline) resolve against the project directory."""
    return weasyprint.HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
