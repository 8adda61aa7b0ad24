"""LCSPR dates checked when entered (issue 13, item 11): a planned publication date whose
7-day notice to the Panel has passed is warned about and saved only once confirmed; the Panel,
not the partnership, records its receipt of the final report; a date is corrected with a
reason, audited and shown in the history."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from lcsprs import services
from lcsprs.models import Lcspr
from safeguarding.audit import audit_events_for
from safeguarding.codes import Role
from safeguarding.models import LocalAuthority

from .factories import FinalReportSentLcsprFactory, InProgressLcsprFactory, PublishedLcsprFactory

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
SUBMITTED = datetime(2025, 1, 10, 10, tzinfo=LONDON)  # the LCSPR is due on 10 July 2025
TODAY = datetime(2025, 6, 5, 10, tzinfo=LONDON)
WARNING = (
    "The Panel must be told at least 7 days before publication. The notice date for "
    "10 June 2025 was 3 June 2025, which has passed. Check the date or continue."
)


@pytest.fixture
def lead(make_user, leeds):
    return make_user(Role.PARTNERSHIP_LEAD, partnership=leeds.partnership)


@pytest.fixture
def lead_client(client, lead):
    client.force_login(lead)
    return client


@pytest.fixture
def panel(make_user):
    return make_user(Role.PANEL_SECRETARIAT)


@pytest.fixture
def panel_client(panel):
    client = Client()
    client.force_login(panel)
    return client


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


def url(name, *args):
    return reverse(f"lcsprs:{name}", args=args)


def date_fields(prefix: str, day: date) -> dict:
    return {f"{prefix}_0": day.day, f"{prefix}_1": day.month, f"{prefix}_2": day.year}


def in_progress(**kwargs) -> Lcspr:
    with time_machine.travel(SUBMITTED):
        return InProgressLcsprFactory(**kwargs)


def plan(client, lcspr, day, **extra):
    data = {"version": lcspr.version, **date_fields("planned_on", day), **extra}
    return client.post(url("lcspr-planned-publication", lcspr.pk), data)


# A planned publication date whose notice has passed.


def test_a_passed_notice_date_is_warned_about_and_saved_only_once_confirmed(lead_client):
    lcspr = in_progress()

    response = plan(lead_client, lcspr, date(2025, 6, 10))

    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-warning-text" in html and WARNING in html
    assert 'value="10"' in html and 'value="6"' in html  # what they typed is kept
    assert 'name="notice_confirmed_for" value="2025-06-10"' in html
    lcspr.refresh_from_db()
    assert lcspr.planned_publication_date is None

    response = plan(lead_client, lcspr, date(2025, 6, 10), notice_confirmed_for="2025-06-10")

    assert response.status_code == 302
    lcspr.refresh_from_db()
    assert lcspr.planned_publication_date == date(2025, 6, 10)
    event = audit_events_for(lcspr).first()
    assert event.changes["notice_passed"] is True
    assert "the 7-day notice date had passed" in event.message


def test_a_confirmation_is_for_the_date_warned_about_only(lead_client):
    lcspr = in_progress()

    # Changed on the warning page to another date whose notice has passed: warned again.
    response = plan(lead_client, lcspr, date(2025, 6, 11), notice_confirmed_for="2025-06-10")

    assert response.status_code == 200
    assert "The notice date for 11 June 2025 was 4 June 2025" in response.content.decode()
    lcspr.refresh_from_db()
    assert lcspr.planned_publication_date is None


@pytest.mark.parametrize("planned", [date(2025, 6, 12), date(2025, 7, 1)])
def test_a_date_whose_notice_is_still_to_come_saves_without_a_warning(lead_client, planned):
    lcspr = in_progress()

    response = plan(lead_client, lcspr, planned)  # notice on 5 June (today) or later

    assert response.status_code == 302
    lcspr.refresh_from_db()
    assert lcspr.planned_publication_date == planned
    assert WARNING not in lead_client.get(response.url).content.decode()


def test_no_warning_once_the_panel_had_the_report_in_time(lead_client):
    with time_machine.travel(SUBMITTED):
        lcspr = FinalReportSentLcsprFactory(final_report_received_on=date(2025, 6, 1))

    assert plan(lead_client, lcspr, date(2025, 6, 8)).status_code == 302


def test_a_planned_date_in_the_past_is_an_error_next_to_the_field(lead_client):
    lcspr = in_progress()

    response = plan(lead_client, lcspr, date(2025, 6, 4))

    html = response.content.decode()
    assert "govuk-error-summary" in html and 'href="#id_planned_on' in html
    assert "The planned publication date must be today or in the future" in html
    assert 'value="4"' in html
    lcspr.refresh_from_db()
    assert lcspr.planned_publication_date is None


# The Panel's receipt of the final report.


def test_the_partnership_cannot_set_the_receipt_date(lead_client, lead):
    lcspr = in_progress()

    html = lead_client.get(url("lcspr-detail", lcspr.pk)).content.decode()
    assert 'name="received_on_0"' not in html
    assert "the Panel receives it on the day it is uploaded" in html
    data = {"version": lcspr.version, **date_fields("received_on", date(2025, 6, 1))}
    assert lead_client.post(url("lcspr-final-report", lcspr.pk), data).status_code == 403
    with pytest.raises(services.LcsprError, match="Only the Panel"):
        services.lcspr_final_report_record(
            lcspr=lcspr, by=lead, received_on=date(2025, 6, 1), expected_version=None
        )
    lcspr.refresh_from_db()
    assert (lcspr.status, lcspr.final_report_received_on) == (Lcspr.Status.IN_PROGRESS, None)


def test_the_panel_records_receipt_today_by_default(panel_client, panel):
    lcspr = in_progress()
    page = url("lcspr-detail", lcspr.pk)

    html = panel_client.get(page).content.decode()
    assert "Record that the Panel received the final report" in html
    assert 'name="received_on_0" value="5"' in html  # today, 5 June 2025

    data = {"version": lcspr.version, **date_fields("received_on", date(2025, 6, 6))}
    html = panel_client.post(url("lcspr-final-report", lcspr.pk), data).content.decode()
    assert "must be today or in the past" in html and 'href="#id_received_on' in html

    data = {"version": lcspr.version, **date_fields("received_on", date(2025, 6, 5))}
    assert panel_client.post(url("lcspr-final-report", lcspr.pk), data).status_code == 302
    lcspr.refresh_from_db()
    assert lcspr.status == Lcspr.Status.FINAL_REPORT_SENT
    assert (lcspr.final_report_received_on, lcspr.final_report_recorded_by) == (
        date(2025, 6, 5),
        panel,
    )


# Correcting a date.


def correct(client, lcspr, which, day, reason, **extra):
    data = {
        "version": lcspr.version,
        "which": which,
        **date_fields("new_date", day),
        "reason": reason,
        **extra,
    }
    return client.post(url("lcspr-date-correct", lcspr.pk), data)


def test_a_lead_corrects_the_planned_date_with_a_reason(lead_client):
    lcspr = in_progress(planned_publication_date=date(2025, 6, 30))

    response = correct(
        lead_client, lcspr, "planned_publication_date", date(2025, 7, 4), "Typed the wrong day."
    )

    assert response.status_code == 302
    lcspr.refresh_from_db()
    assert (lcspr.planned_publication_date, lcspr.version) == (date(2025, 7, 4), 1)
    event = audit_events_for(lcspr).first()
    assert event.changes["planned_publication_date"] == ["2025-06-30", "2025-07-04"]
    assert event.changes["reason"] == "Typed the wrong day."
    assert event.message == (
        "Planned publication date corrected from 30 June 2025 to 4 July 2025. "
        "Reason: Typed the wrong day."
    )
    assert "Reason: Typed the wrong day." in lead_client.get(response.url).content.decode()


def test_a_correction_needs_a_reason_and_keeps_what_was_typed(lead_client):
    lcspr = in_progress(planned_publication_date=date(2025, 6, 30))

    response = correct(lead_client, lcspr, "planned_publication_date", date(2025, 7, 4), " ")

    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html and 'href="#id_reason"' in html
    assert "Enter why the date is being corrected" in html
    assert 'value="4"' in html and 'value="7"' in html and "checked" in html
    lcspr.refresh_from_db()
    assert lcspr.planned_publication_date == date(2025, 6, 30)


def test_a_correction_to_a_passed_notice_date_is_warned_about(lead_client):
    lcspr = in_progress(planned_publication_date=date(2025, 6, 30))
    args = ("planned_publication_date", date(2025, 6, 10), "Moved forward.")

    html = correct(lead_client, lcspr, *args).content.decode()
    assert WARNING in html and "Moved forward." in html
    lcspr.refresh_from_db()
    assert lcspr.planned_publication_date == date(2025, 6, 30)

    response = correct(lead_client, lcspr, *args, notice_confirmed_for="2025-06-10")
    assert response.status_code == 302
    lcspr.refresh_from_db()
    assert lcspr.planned_publication_date == date(2025, 6, 10)


def test_a_stale_correction_is_refused_not_saved_over(lead_client, lead):
    lcspr = in_progress(planned_publication_date=date(2025, 6, 30))
    services.lcspr_planned_publication_set(
        lcspr=lcspr, by=lead, planned_on=date(2025, 7, 1), expected_version=0
    )

    response = correct(lead_client, lcspr, "planned_publication_date", date(2025, 7, 4), "Why")

    html = response.content.decode()
    assert "Someone else changed this LCSPR after you opened the page" in html
    assert 'name="version" value="1"' in html and 'value="4"' in html
    lcspr.refresh_from_db()
    assert lcspr.planned_publication_date == date(2025, 7, 1)


def test_the_panel_corrects_its_receipt_date_and_the_partnership_cannot(lead_client, panel_client):
    with time_machine.travel(SUBMITTED):
        lcspr = PublishedLcsprFactory(
            final_report_received_on=date(2025, 5, 20), actual_publication_date=date(2025, 6, 1)
        )
    form = lead_client.get(url("lcspr-date-correct", lcspr.pk)).content.decode()
    assert "Publication date: 1 June 2025" in form
    assert "final_report_received_on" not in form
    response = correct(lead_client, lcspr, "final_report_received_on", date(2025, 5, 19), "x")
    assert "Select the date you want to correct" in response.content.decode()

    after_publication = correct(
        panel_client, lcspr, "final_report_received_on", date(2025, 6, 2), "Logged late."
    )
    assert "must be on or before 1 June 2025, when the report was published" in (
        after_publication.content.decode()
    )
    response = correct(
        panel_client, lcspr, "final_report_received_on", date(2025, 5, 19), "Logged late."
    )
    assert response.status_code == 302
    lcspr.refresh_from_db()
    assert lcspr.final_report_received_on == date(2025, 5, 19)


def test_with_no_date_to_correct_the_page_says_so(lead_client):
    lcspr = in_progress()

    response = lead_client.get(url("lcspr-date-correct", lcspr.pk), follow=True)

    assert "There are no dates you can correct on this LCSPR yet" in response.content.decode()
    assert "Correct a date" not in response.content.decode().split("<main")[1].split("History")[0]


@pytest.mark.parametrize("role", [Role.PARTNERSHIP_LEAD, Role.LA_USER])
def test_another_partnerships_lcspr_dates_are_404(client, make_user, role):
    lcspr = in_progress(planned_publication_date=date(2025, 6, 30))
    bristol = LocalAuthority.objects.get(name="Bristol")
    kwargs = {"local_authority": bristol}
    if role == Role.PARTNERSHIP_LEAD:
        kwargs = {"partnership": bristol.partnership}
    client.force_login(make_user(role, **kwargs))

    assert client.get(url("lcspr-date-correct", lcspr.pk)).status_code == 404
    response = correct(client, lcspr, "planned_publication_date", date(2025, 7, 4), "Why")
    assert response.status_code == 404
    assert plan(client, lcspr, date(2025, 7, 4)).status_code == 404
    data = {"version": lcspr.version, **date_fields("received_on", date(2025, 6, 1))}
    assert client.post(url("lcspr-final-report", lcspr.pk), data).status_code == 404
    lcspr.refresh_from_db()
    assert (lcspr.planned_publication_date, lcspr.version) == (date(2025, 6, 30), 0)
