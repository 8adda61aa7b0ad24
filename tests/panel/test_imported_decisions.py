"""A Panel decision imported from historic records (analytics.importer) holds no reasons and no
structured feedback: its page says "Not recorded" rather than showing empty rows."""

import io
import re
from pathlib import Path

import pytest
from django.urls import reverse

from analytics.importer import records_import
from panel.models import PanelDecision
from safeguarding.codes import Role

from .factories import PanelDecisionFactory

SYNTHETIC = Path(__file__).resolve().parent.parent / "analytics" / "data" / "synthetic_2023_24.csv"

pytestmark = pytest.mark.django_db


def _summary_value(html: str, key: str) -> str:
    """The text of the summary list's value next to `key` (the first such row)."""
    match = re.search(
        rf'<dt class="govuk-summary-list__key">{re.escape(key)}</dt>'
        r'<dd class="govuk-summary-list__value">(.*?)</dd>',
        html,
        re.S,
    )
    assert match, f"no {key!r} row on the page"
    return match.group(1).strip()


def _import_one_incident() -> PanelDecision:
    """The first incident of the synthetic dataset, imported as the command does."""
    header, first = SYNTHETIC.read_text(encoding="utf-8").splitlines()[:2]
    data = io.BytesIO(f"{header}\n{first}\n".encode())
    result = records_import(file=data, filename="one.csv", by=None, dry_run=False)
    assert result.ok and result.added == 1, result.errors
    return PanelDecision.objects.get()


@pytest.mark.parametrize("role", [Role.PANEL_MEMBER, Role.PANEL_SECRETARIAT, Role.ADMINISTRATOR])
def test_an_imported_decision_shows_its_reasons_as_not_recorded(client, make_user, role):
    decision = _import_one_incident()
    assert decision.reasons == ""
    client.force_login(make_user(role))
    response = client.get(reverse("panel:decision", args=[decision.review_id]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Version 1 (current): Agreed" in html
    assert _summary_value(html, "Reasons") == "Not recorded"
    # The structured feedback already said so.
    assert _summary_value(html, "Thoroughness of analysis") == "Not recorded"


def test_blank_reasons_are_not_recorded_and_given_reasons_are_shown(client, make_user):
    blank = PanelDecisionFactory(reasons="  \n ")
    given = PanelDecisionFactory(reasons="First line.\nSecond line.")
    client.force_login(make_user(Role.PANEL_MEMBER))
    html = client.get(reverse("panel:decision", args=[blank.review_id])).content.decode()
    assert _summary_value(html, "Reasons") == "Not recorded"
    html = client.get(reverse("panel:decision", args=[given.review_id])).content.decode()
    assert _summary_value(html, "Reasons") == "First line.<br>Second line."
