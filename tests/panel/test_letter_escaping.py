"""Text written into a response letter reaches its PDF as text: markup in it is escaped, and
nothing it names is fetched."""

import pytest

from panel import services
from safeguarding import pdf
from safeguarding.codes import Role

from ..pdf import normalised, pdf_text
from .factories import PanelDecisionFactory

BODY = (
    "Dear partnership,\n\n<script>alert('x')</script> and <b>not bold</b>.\n\n"
    '<img src="http://attacker.invalid/pixel.png"> <link href="file:///etc/passwd">'
)


@pytest.mark.django_db
def test_letter_text_is_escaped_in_the_pdf_and_nothing_is_fetched(make_user, monkeypatch):
    asked: list[str] = []
    check = pdf.is_allowed_url
    monkeypatch.setattr(pdf, "is_allowed_url", lambda url: asked.append(url) or check(url))
    decision = PanelDecisionFactory()
    letter = services.response_letter_draft(
        review=decision.review, by=make_user(Role.PANEL_SECRETARIAT), body=BODY
    )
    html = services.response_letter_html(letter=letter)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<b>not bold</b>" not in html

    text = pdf_text(services.render_pdf(html))
    assert normalised("<script>alert('x')</script> and <b>not bold</b>.") in text
    assert normalised('<img src="http://attacker.invalid/pixel.png">') in text
    assert not any("attacker.invalid" in url or "/etc/passwd" in url for url in asked)
