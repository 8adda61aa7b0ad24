"""The LCSPR list: counted in full, paged with its filters, in urgency order across pages,
and each filter narrowing it within the user's scope."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from safeguarding.codes import Role

from .factories import InProgressLcsprFactory, LcsprFactory, PublishedLcsprFactory

pytestmark = pytest.mark.django_db

TODAY = date(2025, 6, 2)
URL = "/lcsprs/"


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime(2025, 6, 2, 10, tzinfo=ZoneInfo("Europe/London"))):
        yield


@pytest.fixture
def panel(client, make_user):
    client.force_login(make_user(Role.PANEL_MEMBER))
    return client


def shown(response) -> list:
    return [row["lcspr"] for row in response.context["rows"]]


def test_the_list_url_is_the_lcspr_list():
    assert reverse("lcsprs:lcspr-list") == URL


def test_every_lcspr_is_counted_and_overdue_first_published_last_across_pages(panel):
    running = [LcsprFactory(due_date=TODAY + timedelta(days=30 + n)) for n in range(25)]
    overdue = LcsprFactory(due_date=TODAY - timedelta(days=1))
    published = PublishedLcsprFactory(due_date=TODAY - timedelta(days=90))

    first = panel.get(URL)
    assert first.context["listing"].count == 27
    assert "27 LCSPRs" in first.content.decode()
    assert shown(first)[:2] == [overdue, running[0]]
    assert shown(panel.get(URL, {"page": 2})) == [running[-1], published]


def test_page_two_keeps_the_filters(panel):
    for n in range(26):
        LcsprFactory(due_date=TODAY + timedelta(days=60 + n))
    InProgressLcsprFactory(due_date=TODAY + timedelta(days=60))
    first = panel.get(URL, {"status": "commissioned"})
    assert first.context["listing"].count == 26
    assert "status=commissioned&amp;page=2" in first.content.decode()
    second = panel.get(URL, {"status": "commissioned", "page": 2})
    assert len(shown(second)) == 1
    assert second.context["form"]["status"].value() == "commissioned"


@pytest.mark.parametrize(
    ("query", "wanted"),
    [
        ({"overdue": "on"}, "overdue"),
        ({"due_soon": "on"}, "due_soon"),
        ({"publishing_soon": "on"}, "publishing"),
        ({"status": "in_progress"}, "publishing"),
        ({"due_from": "1/8/2025", "due_to": "31/8/2025"}, "later"),
    ],
)
def test_each_filter_narrows_the_list(panel, query, wanted):
    lcsprs = {
        "overdue": LcsprFactory(due_date=TODAY - timedelta(days=3)),
        "due_soon": LcsprFactory(due_date=TODAY + timedelta(days=10)),
        "publishing": InProgressLcsprFactory(
            due_date=TODAY + timedelta(days=200), planned_publication_date=TODAY + timedelta(5)
        ),
        "later": LcsprFactory(due_date=date(2025, 8, 15)),
    }
    assert shown(panel.get(URL, query)) == [lcsprs[wanted]]


def test_partnership_region_and_reference_narrow_the_list(panel, leeds, bristol):
    in_leeds = LcsprFactory(due_date=TODAY + timedelta(days=40))
    in_bristol = LcsprFactory(
        due_date=TODAY + timedelta(days=50), rapid_review__notification__local_authority=bristol
    )
    assert shown(panel.get(URL, {"partnership": bristol.partnership.code})) == [in_bristol]
    assert shown(panel.get(URL, {"region": leeds.region.code})) == [in_leeds]
    reference = in_bristol.rapid_review.notification.reference
    assert shown(panel.get(URL, {"reference": reference})) == [in_bristol]


def test_another_partnerships_lcspr_never_appears(client, make_user, leeds, bristol):
    own = LcsprFactory(due_date=TODAY + timedelta(days=40))
    other = LcsprFactory(due_date=TODAY, rapid_review__notification__local_authority=bristol)
    client.force_login(make_user(Role.PARTNERSHIP_LEAD, partnership=leeds.partnership))
    assert shown(client.get(URL)) == [own]
    assert shown(client.get(URL, {"reference": other.rapid_review.notification.reference})) == []
    # One partnership to choose from: the filter is not offered, and naming another changes nothing.
    ignored = client.get(URL, {"partnership": bristol.partnership.code})
    assert shown(ignored) == [own]
    assert 'name="partnership"' not in ignored.content.decode()


def test_a_wrong_date_is_explained_kept_and_left_out(panel):
    LcsprFactory(due_date=TODAY + timedelta(days=40))
    response = panel.get(URL, {"due_from": "40/2/2025"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html and "Enter a date, like 1/4/2025" in html
    assert 'value="40/2/2025"' in html
    assert len(shown(response)) == 1
