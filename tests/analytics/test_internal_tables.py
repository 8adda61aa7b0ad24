"""An internal-only table (the data quality by partnership, issue 19) has no public version
anywhere: not as the whole snapshot's public files (test_data_quality.py) and not as the one
table's own download from its page, which offers the internal file only."""

import pytest
from django.urls import reverse

from analytics import exports
from safeguarding.codes import Role

from .test_data_quality import page_snapshot  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

TABLE = "data_quality_partnerships"


def _download(snapshot, fmt: str) -> str:
    return reverse(
        "analytics:snapshot-table-download", args=[snapshot.year, snapshot.version, TABLE, fmt]
    )


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_table_by_partnership_has_no_public_download(client, make_user, page_snapshot, fmt):  # noqa: F811
    client.force_login(make_user(Role.ADMINISTRATOR))
    url = _download(page_snapshot, fmt)
    assert client.get(url, {"public": "1"}).status_code == 404
    internal = client.get(url)
    assert internal.status_code == 200
    if fmt == "csv":
        assert f"{TABLE}," in internal.content.decode()
    with pytest.raises(KeyError):
        exports.table_export(snapshot=page_snapshot, table_id=TABLE, fmt=fmt, public=True, by=None)


def test_its_page_offers_the_internal_files_only(client, make_user, page_snapshot):  # noqa: F811
    client.force_login(make_user(Role.PANEL_MEMBER))
    page = client.get(reverse("analytics:statistics-table", args=[2023, TABLE]))
    assert page.status_code == 200
    html = page.content.decode()
    assert _download(page_snapshot, "csv") in html
    assert f"{_download(page_snapshot, 'csv')}?public=1" not in html
    assert "Internal only: not published" in html
    # Any other table still has both.
    other = client.get(reverse("analytics:statistics-table", args=[2023, "timeliness"]))
    assert "?public=1" in other.content.decode()
