"""Benchmarking (issue 19, item 5): a partnership lead or a local authority user sees their own
area's figures beside their region's and England's, and no other area's; the Panel and
administrators choose any area; small numbers are suppressed on the page and in the CSV."""

import csv
import io
from datetime import date
from unittest import mock

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from analytics import benchmarking, engine
from analytics import tables as t
from analytics.models import StatisticsSnapshot
from notifications.models import Notification
from rapidreviews.models import RapidReview
from safeguarding.codes import Reason, Role
from safeguarding.models import AuditAction, AuditEvent, LocalAuthority, Partnership

from ..notifications.factories import SubmittedNotificationFactory
from ..rapidreviews.factories import RapidReviewFactory
from .test_pages import table_rows, text

pytestmark = pytest.mark.django_db

YEAR = 2023
PAGE = reverse("analytics:benchmarking")
DOWNLOAD = reverse("analytics:benchmarking-download")


def _sins(authority: str, reason: str, count: int, *, reviewed: int = 0) -> None:
    """`count` SINs of the authority in the reporting year, the first `reviewed` of them with
    a submitted rapid review of the same type (a child of 9)."""
    la = LocalAuthority.objects.get(name=authority)
    for i in range(count):
        sin = SubmittedNotificationFactory(
            local_authority=la, incident_date=date(YEAR, 6, 1 + i), reason=reason
        )
        if i < reviewed:
            RapidReviewFactory(
                notification=sin,
                status=RapidReview.Status.SUBMITTED,
                submitted_at=timezone.now(),
                working_days_taken=12,
                incident_type=reason,
                sex="female",
                age_years=9,
            )


def _snapshot(version: int = 1) -> StatisticsSnapshot:
    """The year's figures as published: the benchmarked tables (all a snapshot needs here)."""
    specs = [t.TABLES_BY_ID[b.id] for b in benchmarking.BENCHMARK_TABLES]
    return StatisticsSnapshot.objects.create(
        year=YEAR,
        version=version,
        status=StatisticsSnapshot.Status.SUCCEEDED,
        tables=[engine.compute_table(spec, YEAR) for spec in specs],
    )


@pytest.fixture
def records():
    # Leeds and Bradford are in Yorkshire and the Humber; Bristol in the South West.
    _sins("Leeds", Reason.DEATH, 5, reviewed=5)
    _sins("Leeds", Reason.SERIOUS_HARM, 6, reviewed=2)  # four SINs without a review yet
    _sins("Bradford", Reason.SERIOUS_HARM, 7, reviewed=7)
    _sins("Bristol", Reason.DEATH, 2, reviewed=2)
    return _snapshot()


def _client(make_user, role: Role, **organisation) -> Client:
    client = Client()
    client.force_login(make_user(role, **organisation))
    return client


@pytest.fixture
def lead_client(make_user, leeds):
    return _client(make_user, Role.PARTNERSHIP_LEAD, partnership=leeds.partnership)


def _row(html: str, table_id: str, label: str) -> list[str]:
    return next(row for row in table_rows(html, f"{table_id}-table") if row and row[0] == label)


def _count(**filters) -> int:
    """A straightforward count of the year's submitted SINs."""
    return Notification.objects.filter(
        status=Notification.Status.SUBMITTED,
        incident_date__gte=date(YEAR, 4, 1),
        incident_date__lte=date(YEAR + 1, 3, 31),
        **filters,
    ).count()


def test_a_lead_sees_their_partnership_beside_the_region_and_england(records, lead_client, leeds):
    response = lead_client.get(PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    header = table_rows(html, "chart_1_reason-table")[0]
    assert header[1:] == [leeds.partnership.name, "Yorkshire and the Humber", "England"]
    region = {"local_authority__region__code": "yorkshire_and_the_humber"}
    expected = {
        "Death": [
            _count(local_authority__name="Leeds", reason="death"),
            _count(**region, reason="death"),
            _count(reason="death"),
        ],
        "Serious harm": [
            _count(local_authority__name="Leeds", reason="serious_harm"),
            _count(**region, reason="serious_harm"),
            _count(reason="serious_harm"),
        ],
        "Total": [_count(local_authority__name="Leeds"), _count(**region), _count()],
    }
    assert expected["Total"] == [11, 18, 20]
    for label, counts in expected.items():
        row = _row(html, "chart_1_reason", label)
        assert row[1::2] == [str(n) for n in counts], label  # N of each place
    # Percentages of the place's own total: 5 of Leeds' 11 SINs were deaths.
    assert _row(html, "chart_1_reason", "Death")[2] == "45.5"
    # Rapid reviews count only reviewed SINs: Leeds' 5 deaths and 2 of its serious harm.
    reviews = _row(html, "rr_incident_type", "Total")
    assert reviews[1::2] == ["7", "14", "16"]
    assert "Bristol" not in html


def test_a_lead_asking_for_another_partnership_gets_404(records, lead_client):
    bristol = Partnership.objects.get(local_authorities__name="Bristol")
    for url in (PAGE, DOWNLOAD):
        assert lead_client.get(url, {"area": f"partnership:{bristol.code}"}).status_code == 404
        assert lead_client.get(url, {"area": "authority:E06000023"}).status_code == 404
        assert lead_client.get(url, {"area": "partnership:no-such-one"}).status_code == 404
    # Their own, named, is theirs.
    leeds = Partnership.objects.get(local_authorities__name="Leeds")
    assert lead_client.get(PAGE, {"area": f"partnership:{leeds.code}"}).status_code == 200


def test_a_local_authority_user_sees_their_authority(records, make_user, bristol):
    client = _client(make_user, Role.LA_USER, local_authority=bristol)
    response = client.get(PAGE)
    assert response.status_code == 200
    header = table_rows(response.content.decode(), "chart_1_reason-table")[0]
    assert header[1:] == ["Bristol", "South West", "England"]
    assert "Leeds" not in text(response)
    leeds = LocalAuthority.objects.get(name="Leeds")
    assert client.get(PAGE, {"area": f"authority:{leeds.ons_code}"}).status_code == 404


@pytest.mark.parametrize("role", [Role.DFE_VIEWER, Role.OFSTED_VIEWER])
def test_the_regulators_viewers_are_refused(records, make_user, role):
    client = _client(make_user, role)
    assert client.get(PAGE).status_code == 403
    assert client.get(DOWNLOAD, {"area": "partnership:leeds"}).status_code == 403


def test_small_numbers_are_suppressed_on_the_page_and_in_the_csv(records, make_user, bristol):
    """Bristol's two deaths: `c` in Bristol's column, and the total that would reveal them."""
    client = _client(make_user, Role.LA_USER, local_authority=bristol)
    html = client.get(PAGE).content.decode()
    death = _row(html, "chart_1_reason", "Death")
    total = _row(html, "chart_1_reason", "Total")
    assert death[1:3] == ["c", "c"] and total[1:3] == ["c", "c"]
    # The South West is Bristol alone here: suppressed too. England's deaths (7) are shown.
    assert death[3] == "c" and death[5] == "7"
    response = client.get(DOWNLOAD)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    lines = list(csv.DictReader(io.StringIO(response.content.decode())))
    bristol_cells = [
        line
        for line in lines
        if line["table"] in ("chart_1_reason", "rr_incident_type") and line["column"] == "Bristol"
    ]
    assert bristol_cells and all(line["n"] in ("c", "0") for line in bristol_cells)
    assert not any(line["n"] == "2" for line in lines if line["column"] == "Bristol")
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.object_id == str(bristol.pk) and "Bristol" in event.message


def test_the_panel_chooses_an_area(records, make_user, bristol):
    client = _client(make_user, Role.PANEL_MEMBER)
    response = client.get(PAGE)
    assert response.status_code == 200
    assert "Choose an area" in text(response)
    # Nothing to download until an area is chosen: back to the page.
    assert client.get(DOWNLOAD).status_code == 302
    response = client.get(PAGE, {"area": f"authority:{bristol.ons_code}", "year": YEAR})
    assert response.status_code == 200
    assert _row(response.content.decode(), "chart_1_reason", "Total")[5] == "20"
    assert client.get(PAGE, {"area": "region:london"}).status_code == 404
    assert client.get(PAGE, {"year": "twenty"}).status_code == 404


def test_the_page_view_is_audited_as_a_read_of_the_area(records, lead_client, leeds):
    lead_client.get(PAGE)
    event = AuditEvent.objects.get(action=AuditAction.VIEW)
    assert event.object_id == str(leeds.partnership_id)


def test_the_figures_are_computed_once_per_snapshot(records, lead_client):
    with mock.patch.object(
        benchmarking, "_compute_columns", wraps=benchmarking._compute_columns
    ) as computed:
        lead_client.get(PAGE)
        assert computed.call_count == 2  # Leeds, and Yorkshire and the Humber
        with CaptureQueriesContext(connection) as queries:
            lead_client.get(PAGE)
        assert computed.call_count == 2  # from the cache
        assert len(queries) < 25  # the session, the area, the snapshot: no table computed
        _snapshot(version=2)  # the nightly recompute: a new version
        lead_client.get(PAGE)
        assert computed.call_count == 4


def test_without_figures_for_the_year_the_page_says_so(lead_client):
    response = lead_client.get(PAGE)
    assert response.status_code == 200
    assert "No figures yet" in text(response)
    assert lead_client.get(DOWNLOAD).status_code == 302


def test_the_menu_links_leads_and_authorities_to_benchmarking(records, lead_client, make_user):
    assert f'href="{PAGE}"' in lead_client.get(reverse("home")).content.decode()
    panel = _client(make_user, Role.PANEL_MEMBER)
    # The Panel reaches it from the Statistics pages, not the menu.
    assert f'href="{PAGE}"' in panel.get(reverse("analytics:statistics-index")).content.decode()


def test_a_partnership_counts_every_authority_it_covers(records, lead_client, leeds):
    """Bradford joins Leeds' partnership: the partnership's figures count both authorities
    (the snapshot is unchanged, so the figures are computed for a new snapshot)."""
    LocalAuthority.objects.filter(name="Bradford").update(partnership=leeds.partnership)
    _snapshot(version=2)
    html = lead_client.get(PAGE).content.decode()
    assert _row(html, "chart_1_reason", "Total")[1::2] == ["18", "18", "20"]
    # Timeliness: every SIN of the factories was sent within 5 working days (3 days).
    on_time = _row(html, "timeliness", "Submitted within 5 working days")
    assert on_time[1:3] == ["18", "100.0"]


@pytest.mark.parametrize("year", ["²", "２０２３", "٢٠٢٣", "2023²"])
def test_a_year_of_non_ascii_digits_is_404_not_500(records, lead_client, year):
    for url in (PAGE, DOWNLOAD):
        assert lead_client.get(url, {"year": year}).status_code == 404


def test_the_page_explains_x_as_the_table_prints_it(records, lead_client):
    page = text(lead_client.get(PAGE))
    assert "dash" not in page
    assert "on this page and in the download: not available" in page


def test_a_year_without_records_is_x_in_every_place_and_a_true_zero_stays_0(lead_client):
    """SINs but no rapid review anywhere in the year: the review tables are `x` for the area
    and the region as for England (not 0); a reason no SIN of the area had is a true 0."""
    _sins("Leeds", Reason.DEATH, 6)
    _sins("Bradford", Reason.DEATH, 6)
    _snapshot()
    html = lead_client.get(PAGE).content.decode()
    total = _row(html, "rr_incident_type", "Total")
    assert total[1:] == ["not available"] * 6  # x (its text for screen readers), N and %
    serious = _row(html, "chart_1_reason", "Serious harm")
    assert serious[1::2] == ["0", "0", "0"]
    lines = list(csv.DictReader(io.StringIO(lead_client.get(DOWNLOAD).content.decode())))
    reviews = [line for line in lines if line["table"] == "rr_incident_type"]
    assert reviews and all(line["n"] == "x" for line in reviews)


def test_the_region_does_not_reveal_the_rest_of_the_region(lead_client, leeds):
    """Yorkshire and the Humber is Leeds plus Bradford's two deaths: the region's deaths less
    Leeds' would be Bradford's 2. The region's Death is `c` (its percentage too), and so is a
    further cell of the region's column, so that the region's total does not give it back."""
    _sins("Leeds", Reason.DEATH, 6)
    _sins("Leeds", Reason.SERIOUS_HARM, 6)
    _sins("Bradford", Reason.DEATH, 2)
    _sins("Bradford", Reason.SERIOUS_HARM, 6)
    _snapshot()
    html = lead_client.get(PAGE).content.decode()
    death = _row(html, "chart_1_reason", "Death")
    assert death[1] == "6" and death[3:5] == ["c", "c"]
    serious = _row(html, "chart_1_reason", "Serious harm")
    total = _row(html, "chart_1_reason", "Total")
    assert total[1] == "12"
    # Of the region's Serious harm (12) and Total (20), at least one is suppressed.
    assert "c" in (serious[3], total[3])
    lines = list(csv.DictReader(io.StringIO(lead_client.get(DOWNLOAD).content.decode())))
    region = "Yorkshire and the Humber"
    cells = {
        (line["row"], line["column"]): line["n"]
        for line in lines
        if line["table"] == "chart_1_reason"
    }
    assert cells[("Death", region)] == "c" and cells[("Death", leeds.partnership.name)] == "6"
    assert "c" in (cells[("Serious harm", region)], cells[("Total", region)])
    # Nowhere does the region less the area leave a small number (Bradford's count).
    by_place: dict[tuple[str, str, str], dict[str, str]] = {}
    for line in lines:
        by_place.setdefault((line["table"], line["group"], line["row"]), {})[line["column"]] = line[
            "n"
        ]
    for key, places in by_place.items():
        mine, theirs = places.get(leeds.partnership.name), places.get(region)
        if mine and theirs and mine.isdigit() and theirs.isdigit():
            assert not 0 < int(theirs) - int(mine) < 5, key
