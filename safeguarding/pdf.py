"""HTML to PDF, written once: the Panel's response letters and the annual figures document are
both rendered here, so that they share one WeasyPrint call and its settings.

WeasyPrint fetches what a document points to (images, stylesheets, fonts). The documents are
built from our templates, with every user's text escaped, but a fetcher that fetches anything
would turn one escaping mistake into a server-side request (http://169.254.169.254/…) or a
read of the server's files (file:///etc/passwd). So it fetches only `data:` URIs and files
under the service's own static directories; everything else is refused and logged."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

import weasyprint
from django.conf import settings
from weasyprint.urls import URLFetcher

logger = logging.getLogger(__name__)


class URLRefused(ValueError):
    """A URL outside the service's own static files."""


def static_roots() -> list[Path]:
    roots = [Path(root) for root in settings.STATICFILES_DIRS]
    if settings.STATIC_ROOT:
        roots.append(Path(settings.STATIC_ROOT))
    return [Path(os.path.normpath(root.absolute())) for root in roots]


def is_allowed_url(url: str) -> bool:
    """Whether a document may load this URL: a data: URI, or a file under a static root."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "data":
        return True
    if scheme != "file" or parts.netloc not in ("", "localhost"):
        return False
    # Lexically (`..` removed), not resolving links: the operator's static directories may
    # hold links (as development's static/govuk does).
    path = Path(os.path.normpath(unquote(parts.path)))
    return any(path.is_relative_to(root) for root in static_roots())


class StaticOnlyURLFetcher(URLFetcher):
    """WeasyPrint's fetcher, for our static files and data: URIs only (no redirects)."""

    def __init__(self) -> None:
        super().__init__(timeout=5, allowed_protocols={"file", "data"}, allow_redirects=False)

    def fetch(self, url, headers=None):
        if not is_allowed_url(url):
            logger.warning("PDF rendering refused to fetch %s", url[:200])
            raise URLRefused(f"Not one of the service's static files: {url[:200]}")
        return super().fetch(url, headers)


def html_to_pdf(html: str) -> bytes:
    """The PDF of an HTML document, rendered in-process. Relative URLs (none today: styles and
    charts are inline) resolve against the project directory, and only the service's static
    files can be loaded (StaticOnlyURLFetcher)."""
    return weasyprint.HTML(
        string=html, base_url=str(settings.BASE_DIR), url_fetcher=StaticOnlyURLFetcher()
    ).write_pdf()
