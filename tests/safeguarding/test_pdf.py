"""safeguarding.pdf fetches only the service's own static files and data: URIs: an image on
another server and a file outside the static directories are asked for and refused (nothing
reaches the network or the file system)."""

import pytest
from weasyprint.urls import URLFetcher

from safeguarding import pdf


@pytest.fixture
def fetched(monkeypatch) -> list[str]:
    """The URLs the fetcher was asked for, and those it let through to WeasyPrint's own."""
    asked: list[str] = []
    let_through: list[str] = []
    check = pdf.is_allowed_url
    real_fetch = URLFetcher.fetch

    def spy_check(url):
        asked.append(url)
        return check(url)

    def spy_fetch(self, url, headers=None):
        let_through.append(url)
        return real_fetch(self, url, headers)

    monkeypatch.setattr(pdf, "is_allowed_url", spy_check)
    monkeypatch.setattr(URLFetcher, "fetch", spy_fetch)
    return asked, let_through


def test_other_servers_and_files_outside_static_are_refused(fetched, caplog):
    asked, let_through = fetched
    html = (
        "<html><head><link rel='stylesheet' href='file:///etc/passwd'></head><body>"
        "<p>Letter</p><img src='http://attacker.invalid/pixel.png'>"
        "<img src='https://169.254.169.254/latest/meta-data/'>"
        "</body></html>"
    )
    data = pdf.html_to_pdf(html)
    assert data.startswith(b"%PDF")
    assert "http://attacker.invalid/pixel.png" in asked
    assert "file:///etc/passwd" in asked
    assert let_through == []
    assert "refused to fetch http://attacker.invalid/pixel.png" in caplog.text


def test_static_files_and_data_uris_are_allowed(settings):
    static = settings.STATICFILES_DIRS[0]
    assert pdf.is_allowed_url("data:image/png;base64,iVBORw0KGgo=")
    assert pdf.is_allowed_url(f"file://{static}/govuk/govuk-frontend.min.css")
    assert not pdf.is_allowed_url(f"file://{static}/../safeguarding/settings.py")
    assert not pdf.is_allowed_url(f"file://{settings.BASE_DIR}/safeguarding/settings.py")
    assert not pdf.is_allowed_url("file://evil.example/etc/passwd")
    assert not pdf.is_allowed_url("ftp://example.invalid/x")
    assert not pdf.is_allowed_url("http://127.0.0.1:8000/static/x.css")
