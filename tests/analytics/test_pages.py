"""The statistics pages: who may see them, what they show (the latest snapshot, every table, a
failed run), recomputing, the comparison with the previous year and the version history."""

import html as html_lib
import re
from datetime import date
from html.parser import HTMLParser
from unittest import mock

import pytest
from django.template.defaultfilters import date as date_format
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from analytics.models import StatisticsSnapshot
from analytics.services import StatisticsComputeError, statistics_compute
from analytics.tables import TABLES
from rapidreviews.models import RapidReview
from safeguarding.codes import Role
from safeguarding.models import AuditEvent

from ..notifications.factories import SubmittedNotificationFactory
from ..rapidreviews.factories import RapidReviewFactory

pytestmark = pytest.mark.django_db

READERS = [Role.ADMINISTRATOR, Role.PANEL_MEMBER, Role.PANEL_SECRETARIAT]
REFUSED = [Role.PARTNERSHIP_LEAD, Role.LA_USER]


def _records(year: int = 2023, count: int = 3, sex: str = "male") -> None:
    """`count` deaths by suicide of 16-year-olds in the reporting year, each reviewed."""
    for i in range(count):
        sin = SubmittedNotificationFactory(incident_date=date(year, 5, 1 + i), reason="death")
        RapidReviewFactory(
            notification=sin,
            status=RapidReview.Status.SUBMITTED,
            submitted_at=timezone.now(),
            working_days_taken=12,
            incident_type="death",
            sex=sex,
            age_years=16,
            cause_of_death="suicide",
        )


class _TableText(HTMLParser):
    """The text of each row of the table with id `table_id`: [[cell, ...], ...]."""

    def __init__(self, table_id: str):
        super().__init__()
        self.table_id, self.depth, self.rows, self.cell = table_id, 0, [], None
        self.hidden = False  # inside an aria-hidden element (e.g. the "–" of "not available")

    def handle_starttag(self, tag, attrs):
        if self.cell is not None and dict(attrs).get("aria-hidden") == "true":
            self.hidden = True
        elif tag == "table" and (self.depth or dict(attrs).get("id") == self.table_id):
            self.depth += 1
        elif self.depth and tag == "tr":
            self.rows.append([])
        elif self.depth and tag in ("th", "td"):
            self.cell = []

    def handle_endtag(self, tag):
        if self.hidden:
            self.hidden = False
        elif tag == "table" and self.depth:
            self.depth -= 1
        elif self.depth and tag in ("th", "td") and self.cell is not None:
            self.rows[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None and not self.hidden:
            self.cell.append(data)


def table_rows(html: str, table_id: str) -> list[list[str]]:
    parser = _TableText(table_id)
    parser.feed(html)
    assert parser.rows, f"no table {table_id!r} on the page"
    return parser.rows


def text(response) -> str:
    """The page's visible text, whitespace collapsed (tags removed)."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def shown_time(snapshot: StatisticsSnapshot) -> str:
    return date_format(timezone.localtime(snapshot.computed_at), "j F Y, H:i")


@pytest.fixture
def admin(make_user):
    return make_user(Role.ADMINISTRATOR, first_name="Ada", last_name="Admin")


@pytest.fixture
def admin_client(client, admin):
    client.force_login(admin)
    client.user = admin
    return client


@pytest.fixture
def panel_client(make_user):
    client = Client()
    client.force_login(make_user(Role.PANEL_MEMBER))
    return client


@pytest.fixture
def snapshot(admin):
    _records()
    return statistics_compute(year=2023, by=admin)


PAGES = [
    ("analytics:statistics-index", ()),
    ("analytics:statistics-year", (2023,)),
    ("analytics:statistics-compare", (2023,)),
    ("analytics:snapshot-list", (2023,)),
    ("analytics:snapshot-detail", (2023, 1)),
]


@pytest.mark.parametrize("name,args", PAGES)
@pytest.mark.parametrize("role", READERS + REFUSED, ids=str)
def test_administrators_and_the_panel_see_the_pages_and_no_one_else(
    client, make_user, snapshot, role, name, args
):
    client.force_login(make_user(role))
    response = client.get(reverse(name, args=args))
    assert response.status_code == (200 if role in READERS else 403)


@pytest.mark.parametrize("name,args", PAGES)
def test_signed_out_users_are_sent_to_sign_in(client, snapshot, name, args):
    url = reverse(name, args=args)
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("role", [Role.PANEL_MEMBER, Role.PANEL_SECRETARIAT], ids=str)
def test_the_panel_reads_without_recompute_or_import(client, make_user, snapshot, role):
    client.force_login(make_user(role))
    for url in [
        reverse("analytics:statistics-index"),
        reverse("analytics:statistics-year", args=[2023]),
    ]:
        page = text(client.get(url))
        assert "Version 1" in page or "version 1" in page
        assert "Recompute" not in page
        assert "Import historic records" not in page

    response = client.post(reverse("analytics:statistics-recompute", args=[2023]))
    assert response.status_code == 403
    assert StatisticsSnapshot.objects.filter(year=2023).count() == 1


@pytest.mark.parametrize("role", READERS, ids=str)
def test_statistics_is_in_the_navigation_of_readers(client, make_user, role):
    client.force_login(make_user(role))
    response = client.get(reverse("home"))
    assert 'href="/statistics/"' in response.content.decode()


@pytest.mark.parametrize("role", REFUSED, ids=str)
def test_statistics_is_not_in_the_navigation_of_others(client, make_user, role):
    client.force_login(make_user(role))
    response = client.get(reverse("home"))
    assert 'href="/statistics/"' not in response.content.decode()


def test_the_summary_shows_the_version_time_inputs_and_every_table(admin_client, snapshot):
    response = admin_client.get(reverse("analytics:statistics-index"), {"year": 2023})
    page = text(response)
    assert "Annual figures 2023 to 2024" in page
    assert "Version 1" in page
    assert f"{shown_time(snapshot)} by Ada Admin" in page
    assert "Serious incident notifications 3 in 2023 to 2024 (0 in 2022 to 2023)" in page
    assert "Rapid reviews 3 in 2023 to 2024" in page
    html = response.content.decode()
    for table in snapshot.tables:
        assert f'/statistics/2023/tables/{table["id"]}/"' in html
        assert table["title"] in page
    assert len(snapshot.tables) == len(TABLES)
    assert "Recompute 2023 to 2024" in page
    assert reverse("analytics:records-import") in html


def test_the_year_defaults_to_the_latest_with_figures(admin_client, snapshot):
    _records(year=2025, count=1)  # data, but no figures yet
    page = text(admin_client.get(reverse("analytics:statistics-index")))
    assert "Annual figures 2023 to 2024" in page
    html = admin_client.get(reverse("analytics:statistics-index")).content.decode()
    assert '<option value="2025">2025 to 2026</option>' in html
    assert '<option value="2023" selected>2023 to 2024</option>' in html


def test_every_table_is_on_its_page_with_its_figures_in_the_right_cells(admin_client, snapshot):
    # The year page lists every table (analytics.contents); each has a page of its own.
    response = admin_client.get(reverse("analytics:statistics-year", args=[2023]))
    html, page = response.content.decode(), text(response)
    for table in snapshot.tables:
        assert f'/statistics/2023/tables/{table["id"]}/"' in html
        assert table["title"] in page
    response = admin_client.get(
        reverse("analytics:statistics-table", args=[2023, "table_2_cause_of_death"])
    )
    html = response.content.decode()
    assert "Version 1, computed" in text(response)

    rows = table_rows(html, "table_2_cause_of_death-table")
    assert rows[0][1:] == ["Female", "Male", "Total"]
    assert rows[1][:6] == ["N, Female", "%, Female", "N, Male", "%, Male", "N, Total", "%, Total"]
    suicide = next(row for row in rows if row[0] == "Suicide")
    assert suicide[1:] == ["0", "not available", "3", "100.0", "3", "100.0"]
    total = next(row for row in rows if row[0] == "Total")
    assert total[1:] == ["0", "not available", "3", "100.0", "3", "100.0"]
    # Totals are bold; numbers right-aligned.
    assert re.search(
        r'<th scope="row" class="govuk-table__header">Total</th>\s*'
        r'<td class="govuk-table__cell govuk-table__cell--numeric govuk-!-font-weight-bold">0</td>',
        html,
    )


def test_a_failed_latest_run_shows_its_error_and_the_previous_figures(admin_client, snapshot):
    with (
        mock.patch("analytics.services.compute_year", side_effect=ValueError("bad declaration")),
        pytest.raises(StatisticsComputeError),
    ):
        statistics_compute(year=2023, by=None)
    failed = StatisticsSnapshot.objects.get(year=2023, version=2)

    for url in [
        reverse("analytics:statistics-index") + "?year=2023",
        reverse("analytics:statistics-year", args=[2023]),
    ]:
        page = text(admin_client.get(url))
        assert f"The latest run for 2023 to 2024 failed: version 2, {shown_time(failed)}" in page
        assert "ValueError: bad declaration" in page
        assert "The figures shown are still version 1" in page
    table_2 = reverse("analytics:statistics-table", args=[2023, "table_2_cause_of_death"])
    rows = table_rows(admin_client.get(table_2).content.decode(), "table_2_cause_of_death-table")
    assert next(row for row in rows if row[0] == "Suicide")[3] == "3"

    page = text(admin_client.get(reverse("analytics:snapshot-detail", args=[2023, 2])))
    assert "This run failed" in page and "Traceback" in page


def test_a_year_without_figures_says_so_and_offers_to_compute(admin_client, panel_client):
    page = text(admin_client.get(reverse("analytics:statistics-index"), {"year": 2021}))
    assert "No figures yet" in page
    assert "The figures for 2021 to 2022 have not been computed" in page
    assert "Compute 2021 to 2022" in page
    page = text(panel_client.get(reverse("analytics:statistics-year", args=[2021])))
    assert "An administrator can compute them" in page
    assert "Compute 2021 to 2022" not in page


def test_recompute_adds_a_version_and_is_audited(
    admin_client, snapshot, django_capture_on_commit_callbacks
):
    url = reverse("analytics:statistics-recompute", args=[2023])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = admin_client.post(url)
    assert len(callbacks) == 1
    assert response.status_code == 302
    assert response.url == reverse("analytics:statistics-index") + "?year=2023"

    latest = StatisticsSnapshot.objects.filter(year=2023).order_by("-version").first()
    assert (latest.version, latest.status, latest.computed_by) == (
        2,
        "succeeded",
        admin_client.user,
    )
    event = AuditEvent.objects.get(action="create", actor=admin_client.user)
    assert event.changes == {"year": 2023}
    assert event.message == "Requested a recomputation of the annual figures for 2023 to 2024"

    page = text(admin_client.get(response.url))
    # The test's transaction held the task until the response was sent, as a worker would.
    assert "Recomputing 2023 to 2024: the new version will appear when it is ready" in page
    assert "Version 2" in page


@pytest.mark.django_db(transaction=True)
def test_with_an_eager_celery_the_banner_names_the_new_version(client, make_user, reference_data):
    _records()
    admin = make_user(Role.ADMINISTRATOR)
    client.force_login(admin)
    statistics_compute(year=2023, by=None)
    response = client.post(reverse("analytics:statistics-recompute", args=[2023]), follow=True)
    assert "Recomputed 2023 to 2024: version 2 is shown below." in text(response)
    assert AuditEvent.objects.filter(action="create", actor=admin).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_failed_recompute_says_so(client, make_user, reference_data):
    admin = make_user(Role.ADMINISTRATOR)
    client.force_login(admin)
    with mock.patch("analytics.services.compute_year", side_effect=ValueError("bad declaration")):
        response = client.post(reverse("analytics:statistics-recompute", args=[2023]), follow=True)
    page = text(response)
    assert "Recomputing 2023 to 2024 failed: the error is shown below." in page
    assert "ValueError: bad declaration" in page
    assert StatisticsSnapshot.objects.get(year=2023).status == "failed"


def test_recompute_only_by_post(admin_client):
    response = admin_client.get(reverse("analytics:statistics-recompute", args=[2023]))
    assert response.status_code == 405
    assert not StatisticsSnapshot.objects.exists()
    assert not AuditEvent.objects.filter(action="create").exists()


def test_the_comparison_shows_both_years(admin_client):
    _records(year=2022, count=1)
    _records(year=2023, count=3)
    previous = statistics_compute(year=2022, by=None)
    current = statistics_compute(year=2023, by=None)
    response = admin_client.get(reverse("analytics:statistics-compare", args=[2023]))
    page, html = text(response), response.content.decode()
    assert "Compare with 2022 to 2023" in page
    assert f"version {current.version}, computed {shown_time(current)}" in page
    assert f"version {previous.version}, computed {shown_time(previous)}" in page
    # Table 2: 3 of 3 male deaths by suicide this year, 1 of 1 the year before.
    rows = table_rows(html, "table_2_cause_of_death-compare")
    male = [row for row in rows if row[:2] == ["Suicide", "Male"]]
    assert male[0][2:] == ["3", "100.0", "1", "100.0", "0.0 pp"]
    incidents = [row for row in table_rows(html, "sin_children-compare") if row[1] == "Total"]
    assert (incidents[0][0], incidents[0][2], incidents[0][4]) == ("Incidents", "3", "1")


def test_the_comparison_says_when_the_previous_year_has_no_figures(admin_client, snapshot):
    page = text(admin_client.get(reverse("analytics:statistics-compare", args=[2023])))
    assert "There are no figures for 2022 to 2023 to compare with" in page


def test_the_history_lists_every_version_and_each_can_be_viewed(admin_client, snapshot):
    with (
        mock.patch("analytics.services.compute_year", side_effect=ValueError("bad declaration")),
        pytest.raises(StatisticsComputeError),
    ):
        statistics_compute(year=2023, by=None)
    statistics_compute(year=2023, by=None)

    response = admin_client.get(reverse("analytics:snapshot-list", args=[2023]))
    rows = table_rows(response.content.decode(), "snapshot-versions")
    assert [row[:2] for row in rows[1:]] == [
        ["Version 3", "Succeeded (shown)"],
        ["Version 2", "Failed"],
        ["Version 1", "Succeeded"],
    ]
    assert "ValueError: bad declaration" in rows[2][4]
    assert rows[3][3] == "Ada Admin"

    page = text(admin_client.get(reverse("analytics:snapshot-detail", args=[2023, 1])))
    assert "Version 1" in page
    assert "This is an earlier version. The latest figures are version 3" in page
    assert admin_client.get(reverse("analytics:snapshot-detail", args=[2023, 9])).status_code == 404


def test_the_downloads_link_to_every_export_of_the_shown_version(admin_client, snapshot):
    html = admin_client.get(reverse("analytics:statistics-year", args=[2023])).content.decode()
    url = reverse("analytics:snapshot-download", args=[2023, 1, "csv"])
    assert f'href="{url}"' in html
    assert f'href="{url}?public=1"' in html
    # The PDF and the spreadsheet are prepared on a worker, for each audience.
    assert f'action="{reverse("analytics:export-request", args=[2023, 1])}"' in html
    assert html.count("Prepare the PDF") == 2 and html.count("Prepare the spreadsheet") == 2
