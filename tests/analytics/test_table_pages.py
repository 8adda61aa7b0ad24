"""A page per table (issue 19): the year page is a contents list of the tables grouped by the
report's chapters with each table's headline figure; each table has its own page (chart, data
table, notes, where it is in the report, the tables before and after it) and downloads of that
table alone, internal and public, each audited."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils.html import escape
from openpyxl import load_workbook

from analytics import contents
from analytics.charts import CHARTS
from analytics.exports import snapshot_csv
from analytics.models import StatisticsSnapshot
from analytics.tables import TABLES
from safeguarding.models import AuditAction, AuditEvent

from .test_pages import (  # noqa: F401 (fixtures)
    READERS,
    REFUSED,
    admin,
    admin_client,
    panel_client,
    snapshot,
    table_rows,
    text,
)

pytestmark = pytest.mark.django_db

TABLE_2 = "table_2_cause_of_death"


def _table_url(table_id: str, version: int | None = None) -> str:
    if version is None:
        return reverse("analytics:statistics-table", args=[2023, table_id])
    return reverse("analytics:snapshot-table", args=[2023, version, table_id])


def _download(table_id: str, fmt: str, version: int = 1) -> str:
    return reverse("analytics:snapshot-table-download", args=[2023, version, table_id, fmt])


# --- The contents ---------------------------------------------------------------------------


def test_the_year_page_lists_every_table_by_chapter_with_its_headline(admin_client, snapshot):  # noqa: F811
    response = admin_client.get(reverse("analytics:statistics-year", args=[2023]))
    html, page = response.content.decode(), text(response)
    # Chapters in the report's order, each heading once, its tables under it.
    chapters = list(dict.fromkeys(spec.chapter for spec in TABLES))
    positions = [html.index(f">{escape(chapter)}</h3>") for chapter in chapters]
    assert positions == sorted(positions)
    for spec in TABLES:
        table = snapshot.table(spec.id)
        link = html.index(f'href="{_table_url(spec.id)}"')
        chapter = chapters.index(spec.chapter)
        assert positions[chapter] < link
        assert chapter + 1 == len(positions) or link < positions[chapter + 1]
        assert f"{table['title']} {contents.headline(table) or 'No figures'}" in page
    # No chart is drawn on the contents page.
    assert "analytics-chart" not in html


def test_headlines_are_the_first_total_row_under_the_total_column(snapshot):  # noqa: F811
    # Three deaths by suicide, each reviewed: Table 2 counts 3 rapid reviews in its Total.
    table_2 = snapshot.table(TABLE_2)
    total = next(r for g in table_2["groups"] for r in g["rows"] if r["kind"] == "total")
    column = next(j for j, c in enumerate(table_2["columns"]) if c["is_total"])
    assert total["cells"][column]["n"] == 3
    assert contents.headline(table_2) == "3 rapid reviews"


def test_a_headline_without_a_total_column_takes_this_year_and_without_a_total_row_a_share():
    two_years = {
        "id": "chart_1_reason",
        "columns": [{"label": "2022/23"}, {"label": "2023/24"}],
        "groups": [
            {
                "label": "Reason",
                "rows": [
                    {"label": "Death", "kind": "cell", "cells": [{"n": 1}, {"n": 2}]},
                    {"label": "Total", "kind": "total", "cells": [{"n": 10}, {"n": 1234}]},
                ],
            }
        ],
    }
    assert contents.headline(two_years) == "1,234 SINs"
    shares = {
        "id": "chart_11_abuse_types",
        "columns": [{"label": "Total", "is_total": True}],
        "groups": [
            {
                "label": "Abuse type",
                "rows": [{"label": "Physical abuse", "cells": [{"n": 157, "pct": "47.6"}]}],
            }
        ],
    }
    assert contents.headline(shares) == "Physical abuse: 47.6%"
    assert contents.headline({"id": "x", "columns": [], "groups": []}) == ""


def test_the_regions_headline_counts_sins_in_england_and_the_themes_reviews():
    regions = {
        "id": "table_a_regions",
        "columns": [{"label": "Population"}, {"label": "Rate 2023/24"}, {"label": "% deaths"}],
        "groups": [
            {
                "label": "Region",
                "rows": [
                    {
                        "label": "England",
                        "kind": "total",
                        "cells": [{"n": 11_000_000}, {"n": 330, "value": "2.8"}, {"n": 117}],
                    }
                ],
            }
        ],
    }
    assert contents.headline(regions) == "330 SINs in England"
    themes = {
        "id": "chart_12_learning_themes",
        "columns": [{"label": "Featured"}, {"label": "Good practice identified"}],
        "groups": [
            {
                "label": "Theme",
                "rows": [
                    {"label": "Risk", "kind": "cell", "cells": [{"n": 3, "pct": "1.0"}, {}]},
                    {"label": "Rapid reviews", "kind": "total", "cells": [{"n": 330}, {"n": None}]},
                ],
            }
        ],
    }
    assert contents.headline(themes) == "330 rapid reviews"


def test_a_table_no_longer_declared_is_listed_under_other_tables_last():
    stored = [
        {"id": "gone", "title": "An old table", "columns": [], "groups": []},
        {"id": TABLE_2, "title": "Table 2", "columns": [], "groups": []},
    ]
    chapters = contents.snapshot_contents(stored)
    assert [c.title for c in chapters] == [
        TABLES[[s.id for s in TABLES].index(TABLE_2)].chapter,
        contents.OTHER_TABLES,
    ]
    assert chapters[-1].tables[0].id == "gone"


def test_the_report_reference_comes_from_the_title():
    def ref(title: str) -> str:
        return contents.report_reference({"title": title}, 2023)

    assert ref("Timeliness of SINs and rapid reviews (3.91-3.92)") == (
        "Annual Report 2023 to 2024, paragraphs 3.91 to 3.92"
    )
    assert ref("Length of rapid reviews in pages (3.93), 2023 to 2024") == (
        "Annual Report 2023 to 2024, paragraph 3.93"
    )
    assert ref("Chart 1: Proportion of incidents") == "Annual Report 2023 to 2024, Chart 1"
    assert ref("Table A: Regional figures") == "Annual Report 2023 to 2024, Appendix D Table A"
    assert ref("Appendix F Table B: Parental") == "Annual Report 2023 to 2024, Appendix F Table B"
    assert ref("LCSPRs considered by the Panel by incident type, 2023 to 2024") == ""


def test_a_version_page_links_to_that_versions_tables(admin_client, snapshot):  # noqa: F811
    html = admin_client.get(reverse("analytics:snapshot-detail", args=[2023, 1])).content.decode()
    for table in snapshot.tables:
        assert f'href="{_table_url(table["id"], 1)}"' in html


# --- A table's page -------------------------------------------------------------------------


def test_every_table_has_a_page_with_its_chart_table_and_notes(admin_client, snapshot):  # noqa: F811
    for number, table in enumerate(snapshot.tables):
        response = admin_client.get(_table_url(table["id"]))
        assert response.status_code == 200, table["id"]
        html, page = response.content.decode(), text(response)
        assert f">{escape(table['title'])}</h1>" in html
        assert f'id="{table["id"]}-table"' in html
        if table["id"] in CHARTS and 'class="analytics-chart"' in html:
            assert "The data in this chart is in the table below." in page
        for note in table.get("notes") or []:
            assert " ".join(note.split()) in page
        if table.get("notes") or table.get("denominators"):
            assert "Notes" in page
        # The tables before and after it, and back to the contents.
        if number:
            assert f'href="{_table_url(snapshot.tables[number - 1]["id"])}" rel="prev"' in html
        if number + 1 < len(snapshot.tables):
            assert f'href="{_table_url(snapshot.tables[number + 1]["id"])}" rel="next"' in html
        assert f'href="{reverse("analytics:statistics-year", args=[2023])}"' in html
        for fmt in ("csv", "xlsx"):
            assert f'href="{_download(table["id"], fmt)}"' in html
            # An internal-only table offers no public file (test_internal_tables.py).
            public = f'href="{_download(table["id"], fmt)}?public=1"' in html
            assert public is not table.get("internal", False)


def test_a_table_page_shows_its_figures_report_paragraph_and_headline(admin_client, snapshot):  # noqa: F811
    response = admin_client.get(_table_url(TABLE_2))
    rows = table_rows(response.content.decode(), f"{TABLE_2}-table")
    assert next(row for row in rows if row[0] == "Suicide")[3:5] == ["3", "100.0"]
    page = text(response)
    assert "In the report Annual Report 2023 to 2024, Table 2" in page
    assert "Headline 3 rapid reviews" in page
    assert 'class="analytics-chart"' in response.content.decode()
    timeliness = text(admin_client.get(_table_url("timeliness")))
    assert "Annual Report 2023 to 2024, paragraphs 3.91 to 3.92" in timeliness


def test_an_older_versions_table_page_says_so(admin_client, snapshot):  # noqa: F811
    StatisticsSnapshot.objects.create(
        year=2023,
        version=2,
        status=StatisticsSnapshot.Status.SUCCEEDED,
        input_counts=snapshot.input_counts,
        tables=snapshot.tables,
    )
    page = text(admin_client.get(_table_url(TABLE_2, version=1)))
    assert "This is version 1, an earlier version. The latest figures are version 2" in page


@pytest.mark.parametrize(
    "url",
    [
        _table_url("no_such_table"),
        _table_url("no_such_table", version=1),
        _table_url(TABLE_2, version=9),
        reverse("analytics:statistics-table", args=[2021, TABLE_2]),  # not computed
        reverse("analytics:statistics-table", args=[1999, TABLE_2]),  # not a reporting year
        _download("no_such_table", "csv"),
        _download(TABLE_2, "pdf"),
        _download(TABLE_2, "csv", version=9),
    ],
)
def test_an_unknown_table_version_or_format_is_404(admin_client, snapshot, url):  # noqa: F811
    assert admin_client.get(url).status_code == 404


def test_a_failed_runs_table_page_is_404(admin_client, snapshot):  # noqa: F811
    StatisticsSnapshot.objects.create(
        year=2023, version=2, status=StatisticsSnapshot.Status.FAILED, error="ValueError"
    )
    assert admin_client.get(_table_url(TABLE_2, version=2)).status_code == 404
    assert admin_client.get(_table_url(TABLE_2)).status_code == 200  # version 1 stays


@pytest.mark.parametrize("role", READERS + REFUSED, ids=str)
def test_only_statistics_readers_see_a_table_and_its_downloads(client, make_user, snapshot, role):  # noqa: F811
    client.force_login(make_user(role))
    expected = 200 if role in READERS else 403
    for url in [_table_url(TABLE_2), _table_url(TABLE_2, 1), _download(TABLE_2, "csv")]:
        assert client.get(url).status_code == expected, url


def test_signed_out_users_are_sent_to_sign_in(client, snapshot):  # noqa: F811
    for url in [_table_url(TABLE_2), _download(TABLE_2, "xlsx")]:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


# --- Downloads of one table -----------------------------------------------------------------


def test_the_csv_of_a_table_has_only_its_lines_and_is_audited(client, make_user, snapshot):  # noqa: F811
    user = make_user(READERS[1])
    client.force_login(user)
    response = client.get(_download(TABLE_2, "csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert (
        'filename="annual-figures-2023-24-v1-table_2_cause_of_death-internal.csv"'
        in response["Content-Disposition"]
    )
    lines = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert lines and {line["table"] for line in lines} == {TABLE_2}
    whole = list(csv.DictReader(io.StringIO(snapshot_csv(snapshot, public=False, threshold=5))))
    assert lines == [line for line in whole if line["table"] == TABLE_2]
    event = AuditEvent.objects.get(action=AuditAction.EXPORT, object_id=str(snapshot.pk))
    assert event.actor == user
    assert event.changes == {"format": "csv", "public": False, "threshold": None, "table": TABLE_2}


def test_the_public_csv_of_a_table_is_suppressed(admin_client, snapshot):  # noqa: F811
    response = admin_client.get(_download(TABLE_2, "csv"), {"public": "1"})
    assert response["Content-Disposition"].endswith('-table_2_cause_of_death-public.csv"')
    lines = list(csv.DictReader(io.StringIO(response.content.decode())))
    suicide = next(x for x in lines if x["row"] == "Suicide" and x["column"] == "Total")
    assert (suicide["n"], suicide["pct"]) == ("c", "c")  # 3 deaths: below 5
    whole = list(csv.DictReader(io.StringIO(snapshot_csv(snapshot, public=True, threshold=5))))
    assert lines == [line for line in whole if line["table"] == TABLE_2]
    event = AuditEvent.objects.get(action=AuditAction.EXPORT, object_id=str(snapshot.pk))
    assert event.changes["public"] is True and event.changes["table"] == TABLE_2


def test_the_xlsx_of_a_table_has_one_sheet_named_by_its_title(admin_client, snapshot):  # noqa: F811
    for public in (False, True):
        response = admin_client.get(_download(TABLE_2, "xlsx"), {"public": "1"} if public else {})
        assert response.status_code == 200
        assert response.content[:2] == b"PK"
        book = load_workbook(io.BytesIO(response.content))
        assert book.sheetnames == ["About", "Table 2. Number and proportion"]
        sheet = book["Table 2. Number and proportion"]
        assert sheet["A1"].value == snapshot.table(TABLE_2)["title"]
        suicide = next(r for r in sheet.iter_rows(values_only=True) if r[0] == "Suicide")
        assert suicide[5] == ("c" if public else 3)  # the Total's N
        about = [r for r in book["About"].iter_rows(values_only=True) if r[0]]
        assert ("Table 2. Number and proportion", sheet["A1"].value, TABLE_2) in about
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT).count() == 2
