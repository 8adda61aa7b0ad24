from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from lcsprs.models import Lcspr
from rapidreviews.models import RapidReview
from safeguarding.attention import attention_for
from safeguarding.codes import Role
from safeguarding.models import LocalAuthority

from ..rapidreviews.factories import RapidReviewFactory, SubmittedReviewFactory
from .factories import (
    FinalReportSentLcsprFactory,
    InProgressLcsprFactory,
    LcsprFactory,
    PublishedLcsprFactory,
)

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def lead(make_user, leeds):
    return make_user(Role.PARTNERSHIP_LEAD, partnership=leeds.partnership)


@pytest.fixture
def lead_client(client, lead):
    client.force_login(lead)
    return client


def url(name, *args):
    return reverse(f"lcsprs:{name}", args=args)


def date_fields(prefix: str, day: date | None) -> dict:
    if day is None:
        return {f"{prefix}_0": "", f"{prefix}_1": "", f"{prefix}_2": ""}
    return {f"{prefix}_0": day.day, f"{prefix}_1": day.month, f"{prefix}_2": day.year}


def test_list_puts_overdue_first_then_by_due_date_and_published_last(lead_client):
    with time_machine.travel(datetime(2025, 6, 1, 10, tzinfo=LONDON)):
        later = LcsprFactory(due_date=date(2025, 9, 1))
        overdue = LcsprFactory(due_date=date(2025, 5, 1))
        sooner = InProgressLcsprFactory(due_date=date(2025, 7, 1))
        published = PublishedLcsprFactory(due_date=date(2025, 4, 1))
        elsewhere = LcsprFactory(
            rapid_review__notification__local_authority=LocalAuthority.objects.get(name="Bristol")
        )
        html = lead_client.get(url("lcspr-list")).content.decode()
    references = [x.rapid_review.notification.reference for x in (overdue, sooner, later)]
    positions = [
        html.index(ref) for ref in [*references, published.rapid_review.notification.reference]
    ]
    assert positions == sorted(positions)
    assert elsewhere.rapid_review.notification.reference not in html
    assert html.count("govuk-tag--red") == 1  # only the unpublished one past its due date


@pytest.mark.parametrize("role", [Role.PARTNERSHIP_LEAD, Role.LA_USER])
def test_another_partnerships_lcspr_is_404(client, make_user, role):
    lcspr = LcsprFactory()
    kwargs = {"local_authority": LocalAuthority.objects.get(name="Bristol")}
    if role == Role.PARTNERSHIP_LEAD:
        kwargs = {"partnership": kwargs["local_authority"].partnership}
    client.force_login(make_user(role, **kwargs))
    assert client.get(url("lcspr-detail", lcspr.pk)).status_code == 404
    assert client.post(url("lcspr-start", lcspr.pk), {"version": 0}).status_code == 404
    assert client.post(url("lcspr-feedback", lcspr.pk), {"version": 0}).status_code == 404
    lcspr.refresh_from_db()
    assert lcspr.status == Lcspr.Status.COMMISSIONED


def test_a_lead_moves_the_lcspr_to_publication(lead_client, make_user):
    panel_client = Client()
    with time_machine.travel(datetime(2025, 1, 10, 10, tzinfo=LONDON)):
        lcspr = LcsprFactory()
    with time_machine.travel(datetime(2025, 5, 1, 10, tzinfo=LONDON)):
        assert (
            "Mark as in progress" in lead_client.get(url("lcspr-detail", lcspr.pk)).content.decode()
        )
        assert lead_client.post(url("lcspr-start", lcspr.pk), {"version": 0}).status_code == 302
        response = lead_client.post(
            url("lcspr-planned-publication", lcspr.pk),
            {"version": 1, **date_fields("planned_on", date(2025, 6, 1))},
        )
        assert response.status_code == 302
        # The Panel records its receipt of the final report; the partnership cannot.
        receipt = {"version": 2, **date_fields("received_on", date(2025, 4, 20))}
        assert lead_client.post(url("lcspr-final-report", lcspr.pk), receipt).status_code == 403
        panel_client.force_login(make_user(Role.PANEL_SECRETARIAT))
        response = panel_client.post(url("lcspr-final-report", lcspr.pk), receipt)
        assert response.status_code == 302
        response = lead_client.post(
            url("lcspr-publish", lcspr.pk),
            {
                "version": 3,
                **date_fields("published_on", date(2025, 5, 1)),
                "url": "https://www.example.gov.uk/lcspr",
            },
        )
        assert response.status_code == 302
    lcspr.refresh_from_db()
    assert lcspr.status == Lcspr.Status.PUBLISHED
    assert (lcspr.final_report_received_on, lcspr.actual_publication_date) == (
        date(2025, 4, 20),
        date(2025, 5, 1),
    )
    assert lcspr.published_url == "https://www.example.gov.uk/lcspr"
    assert lcspr.version == 4


def test_errors_are_next_to_the_field_and_nothing_typed_is_lost(lead_client):
    lcspr = FinalReportSentLcsprFactory()
    response = lead_client.post(
        url("lcspr-publish", lcspr.pk),
        {
            "version": lcspr.version,
            "published_on_0": "31",
            "published_on_1": "2",
            "published_on_2": "2025",
            "url": "not a link at all",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html
    assert "The publication date must be a real date" in html
    assert "Enter a link in the correct format" in html
    assert 'value="not a link at all"' in html
    assert 'value="31"' in html
    lcspr.refresh_from_db()
    assert lcspr.status == Lcspr.Status.FINAL_REPORT_SENT


def test_a_stale_page_gets_a_conflict_message(lead_client, lead):
    lcspr = LcsprFactory(rapid_review__submitted_at=datetime(2029, 11, 1, 10, tzinfo=LONDON))
    lead_client.post(
        url("lcspr-planned-publication", lcspr.pk),
        {"version": 0, **date_fields("planned_on", date(2030, 5, 1))},
    )
    response = lead_client.post(
        url("lcspr-planned-publication", lcspr.pk),
        {"version": 0, **date_fields("planned_on", date(2030, 6, 9))},
    )
    html = response.content.decode()
    assert "Someone else changed this LCSPR after you opened the page" in html
    assert 'value="9"' in html  # what they typed is still in the form
    assert 'name="version" value="1"' in html  # and saving again is from the current version
    lcspr.refresh_from_db()
    assert lcspr.planned_publication_date == date(2030, 5, 1)


def test_the_seven_day_warning_is_on_the_page(lead_client):
    lcspr = FinalReportSentLcsprFactory(final_report_received_on=date(2025, 3, 1))
    page = url("lcspr-detail", lcspr.pk)
    Lcspr.objects.filter(pk=lcspr.pk).update(planned_publication_date=date(2025, 3, 7))
    html = lead_client.get(page).content.decode()
    assert "govuk-warning-text" in html
    assert "received the final report 6 days before the planned publication date" in html
    Lcspr.objects.filter(pk=lcspr.pk).update(planned_publication_date=date(2025, 3, 8))
    assert "govuk-warning-text" not in lead_client.get(page).content.decode()


def test_the_panel_gives_feedback_and_leads_cannot(client, lead_client, make_user):
    lcspr = FinalReportSentLcsprFactory()
    data = {"version": lcspr.version, "feedback": "Strong analysis."}
    assert lead_client.post(url("lcspr-feedback", lcspr.pk), data).status_code == 403
    assert lead_client.get(url("lcspr-feedback", lcspr.pk)).status_code == 403
    assert "Record the Panel" not in lead_client.get(url("lcspr-detail", lcspr.pk)).content.decode()
    client.force_login(make_user(Role.PANEL_MEMBER))
    assert "Record the Panel" in client.get(url("lcspr-detail", lcspr.pk)).content.decode()
    assert client.post(url("lcspr-start", lcspr.pk), {"version": 0}).status_code == 403
    data |= {
        "feedback_analysis_quality": "good",
        "feedback_lived_experience": "good",
        "feedback_race_ethnicity_culture": "adequate",
        "recommendations_smart": "yes",
        "child_voice_heard": "partly",
        "themes": ["curiosity"],
        **date_fields("considered_on", lcspr.final_report_received_on),
    }
    assert client.post(url("lcspr-feedback", lcspr.pk), data).status_code == 302
    lcspr.refresh_from_db()
    assert lcspr.panel_feedback == "Strong analysis."


def test_a_lead_commissions_an_lcspr_from_a_review_that_decided_against_one(lead_client):
    review = SubmittedReviewFactory()  # decided no LCSPR
    review_page = reverse("rapidreviews:review-detail", args=[review.pk])
    assert "Commission an LCSPR" in lead_client.get(review_page).content.decode()
    commission = url("lcspr-commission", review.pk)
    response = lead_client.post(commission, {"reason": ""})
    assert "Enter why the partnership is commissioning an LCSPR" in response.content.decode()
    response = lead_client.post(commission, {"reason": "The Panel's letter disagreed."})
    lcspr = Lcspr.objects.get(rapid_review=review)
    assert response.url == url("lcspr-detail", lcspr.pk)
    html = lead_client.get(review_page).content.decode()
    assert "View the LCSPR" in html
    assert "Commission an LCSPR" not in html


def test_only_leads_of_a_submitted_review_commission(client, make_user, lead_client):
    drafting = RapidReviewFactory(status=RapidReview.Status.DRAFTING)
    assert lead_client.get(url("lcspr-commission", drafting.pk)).status_code == 302
    submitted = SubmittedReviewFactory()
    client.force_login(make_user(Role.PANEL_SECRETARIAT))
    assert client.post(url("lcspr-commission", submitted.pk), {"reason": "x"}).status_code == 403
    assert not Lcspr.objects.exists()


def _attention(user) -> dict[str, int]:
    return {item.title: item.count for item in attention_for(user)}


def test_leads_see_lcsprs_due_within_a_month_or_overdue(lead):
    with time_machine.travel(datetime(2025, 6, 1, 10, tzinfo=LONDON)):
        LcsprFactory(due_date=date(2025, 5, 1))  # overdue
        LcsprFactory(due_date=date(2025, 7, 1))  # within a month
        LcsprFactory(due_date=date(2025, 7, 2))  # later
        PublishedLcsprFactory(due_date=date(2025, 5, 1))  # done
        assert _attention(lead)["LCSPRs due within 1 month or overdue"] == 2


def test_the_panel_sees_final_reports_due_to_publish_within_seven_days(make_user):
    with time_machine.travel(datetime(2025, 6, 1, 10, tzinfo=LONDON)):
        today = date(2025, 6, 1)
        FinalReportSentLcsprFactory(planned_publication_date=today + timedelta(days=7))
        InProgressLcsprFactory(planned_publication_date=today + timedelta(days=3))
        FinalReportSentLcsprFactory(planned_publication_date=today + timedelta(days=8))
        PublishedLcsprFactory(planned_publication_date=today + timedelta(days=2))
        panel = make_user(Role.PANEL_MEMBER)
        assert _attention(panel)["Final reports due to publish within 7 days"] == 2
        assert "LCSPRs due within 1 month or overdue" not in _attention(panel)


def test_navigation_shows_lcsprs_to_leads_and_the_panel_not_la_users(client, make_user, leeds):
    client.force_login(make_user(Role.PANEL_SECRETARIAT))
    assert url("lcspr-list") in client.get(reverse("home")).content.decode()
    client.force_login(make_user(Role.LA_USER, local_authority=leeds))
    assert url("lcspr-list") not in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize(
    ("planned_on", "message"),
    [
        (
            date(2027, 1, 11),
            "The planned publication date must be the same as or before 10 January 2027, "
            "2 years after the due date",
        ),
        (
            date(9999, 12, 31),
            "The planned publication date must be the same as or before 31 December 2100",
        ),
        (
            date(2024, 7, 9),
            "The planned publication date must be the same as or after 10 July 2024, when the "
            "rapid review was submitted",
        ),
    ],
)
def test_a_planned_publication_date_is_within_two_years_of_the_due_date(
    lead_client, planned_on, message
):
    with time_machine.travel(datetime(2024, 7, 10, 10, tzinfo=LONDON)):
        lcspr = LcsprFactory()  # due 10 January 2025
        response = lead_client.post(
            url("lcspr-planned-publication", lcspr.pk),
            {"version": 0, **date_fields("planned_on", planned_on)},
        )

    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="#id_planned_on' in html and message in html
    lcspr.refresh_from_db()
    assert lcspr.planned_publication_date is None
