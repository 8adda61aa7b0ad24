"""A national review takes a saved cohort as its cases (issue 18, items 3 and 4): every case
the cohort counts, or only its stored sample; accepted when the secretariat adds them to a
commissioned review (partnerships told), proposed otherwise; cases already in the review left
as they are; errors beside the field with what was chosen kept; outside the Panel, 404 or 403."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from analytics import cohorts
from analytics.models import Cohort
from panel import national_reviews as services
from panel.models import NationalReviewCase
from rapidreviews.models import RapidReview
from safeguarding.codes import Role
from safeguarding.models import InboxMessage

from ..notifications.factories import SubmittedNotificationFactory
from ..rapidreviews.factories import RapidReviewFactory
from .factories import PanelReviewFactory
from .national_review_factories import commissioned, propose

pytestmark = pytest.mark.django_db

NOW = datetime(2027, 3, 1, 10, 0, tzinfo=UTC)
YEAR = 2023
REASON = "Older children whose mental health needs were not met in time."


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def people(make_user, leeds, bristol):
    return {
        "member": make_user(Role.PANEL_MEMBER),
        "secretariat": make_user(Role.PANEL_SECRETARIAT),
        "administrator": make_user(Role.ADMINISTRATOR),
        "lead": make_user(Role.PARTNERSHIP_LEAD, partnership=leeds.partnership),
        "lead_other": make_user(Role.PARTNERSHIP_LEAD, partnership=bristol.partnership),
        "la_user": make_user(Role.LA_USER, local_authority=leeds),
    }


@pytest.fixture
def cohort(people, leeds):
    """Six Leeds reviews of 2023-24 aged 11 to 16, every other one with a diagnosed mental
    health condition (three in the cohort), saved as a cohort with a sample of two."""
    for i in range(6):
        sin = SubmittedNotificationFactory(
            incident_date=date(YEAR, 6, 1 + i), reason="serious_harm", local_authority=leeds
        )
        RapidReviewFactory(
            notification=sin,
            status=RapidReview.Status.SUBMITTED,
            submitted_at=timezone.now(),
            working_days_taken=12,
            incident_type="serious_harm",
            age_years=11 + i,
            mental_health="diagnosed" if i % 2 else "none",
        )
    return Cohort.objects.create(
        name="Older children with a mental health condition",
        definition={
            "year": YEAR,
            "within": [{"field": "age_years", "min": 11, "max": 17}],
            "where": [{"field": "mental_health", "codes": ["diagnosed"]}],
        },
        created_by=people["administrator"],
        sample_seed=20240401,
        sample_size=2,
    )


def _url(review) -> str:
    return reverse("panel:national-review-cohort", args=[review.pk])


def _held(review) -> dict[int, str]:
    return dict(
        NationalReviewCase.objects.filter(review=review).values_list("rapid_review_id", "status")
    )


def test_the_secretariat_adds_every_case_of_a_cohort_accepted_and_partnerships_are_told(
    client, people, cohort, django_capture_on_commit_callbacks
):
    case = commissioned(people["member"], people["secretariat"])
    review = case.review
    mail.outbox.clear()
    client.force_login(people["secretariat"])
    page = client.get(_url(review))
    assert page.status_code == 200
    assert cohort.name in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _url(review), {"cohort": cohort.pk, "which": "all", "reason": REASON}
        )

    assert response.status_code == 302
    expected = cohorts.cohort_review_ids(cohort)
    assert len(expected) == 3
    held = _held(review)
    assert {pk: held[pk] for pk in expected} == dict.fromkeys(expected, "accepted")
    assert NationalReviewCase.objects.get(review=review, rapid_review_id=expected[0]).reason == (
        REASON
    )
    assert InboxMessage.objects.filter(recipient=people["lead"]).exists()
    assert mail.outbox  # and by e-mail
    shown = client.get(response["Location"]).content.decode()
    assert "3 cases from “Older children with a mental health condition” were accepted" in shown


def test_a_panel_member_proposes_only_the_cohorts_sample(client, people, cohort):
    review = propose(PanelReviewFactory(), people["member"]).review
    client.force_login(people["member"])

    response = client.post(_url(review), {"cohort": cohort.pk, "which": "sample", "reason": REASON})

    assert response.status_code == 302
    sample = cohorts.cohort_sample_ids(cohort.definition, seed=20240401, size=2)
    held = _held(review)
    assert {pk: held.get(pk) for pk in sample} == dict.fromkeys(sample, "proposed")
    assert len(held) == 1 + 2  # the first case proposed, and the sample


def test_cases_already_in_the_review_are_left_as_they_are(client, people, cohort):
    first = cohorts.cohort_review_ids(cohort)[0]
    case = commissioned(people["member"], people["secretariat"], RapidReview.objects.get(pk=first))
    client.force_login(people["secretariat"])

    response = client.post(
        _url(case.review), {"cohort": cohort.pk, "which": "all", "reason": REASON}
    )

    assert _held(case.review)[first] == "proposed"  # untouched by the cohort
    shown = client.get(response["Location"]).content.decode()
    assert "2 cases from" in shown and "1 was in it already" in shown


def test_a_sample_that_was_never_drawn_is_an_error_beside_the_field(client, people, cohort):
    Cohort.objects.filter(pk=cohort.pk).update(sample_seed=None, sample_size=None)
    review = propose(PanelReviewFactory(), people["member"]).review
    client.force_login(people["member"])

    response = client.post(_url(review), {"cohort": cohort.pk, "which": "sample", "reason": REASON})

    body = response.content.decode()
    assert response.status_code == 200
    assert 'href="#id_which' in body  # the error summary links to the field
    assert "has no sample" in body
    assert REASON in body  # what was typed is kept
    assert len(_held(review)) == 1


def test_no_reason_is_an_error_and_nothing_is_added(client, people, cohort):
    review = propose(PanelReviewFactory(), people["member"]).review
    client.force_login(people["member"])

    response = client.post(_url(review), {"cohort": cohort.pk, "which": "all", "reason": " "})

    assert response.status_code == 200
    assert "Enter why the Panel adds these cases" in response.content.decode()
    assert len(_held(review)) == 1


def test_a_closed_review_takes_no_cohort(client, people, cohort):
    review = propose(PanelReviewFactory(), people["member"]).review
    services.national_review_decline(
        review=review, by=people["secretariat"], expected_version=review.version, reason="No"
    )
    client.force_login(people["member"])

    response = client.post(_url(review), {"cohort": cohort.pk, "which": "all", "reason": REASON})

    assert response.status_code == 302
    assert len(_held(review)) == 1


@pytest.mark.parametrize(
    ("who", "status"),
    [("lead", 404), ("lead_other", 404), ("la_user", 404), ("administrator", 403)],
)
def test_outside_the_panel_the_page_is_refused(client, people, cohort, who, status):
    # The Leeds lead reads the review (its case is accepted) but may not add cases to it.
    case = commissioned(people["member"], people["secretariat"])
    services.national_review_case_accept(case=case, by=people["secretariat"])
    client.force_login(people[who])
    expected = 403 if who == "lead" else status
    assert client.get(_url(case.review)).status_code == expected
    posted = client.post(_url(case.review), {"cohort": cohort.pk, "which": "all", "reason": "x"})
    assert posted.status_code == expected
    assert len(_held(case.review)) == 1


def test_a_cohort_that_no_longer_fits_the_code_lists_is_an_error_not_a_500(client, people, cohort):
    Cohort.objects.filter(pk=cohort.pk).update(
        definition=cohort.definition
        | {"where": [{"field": "mental_health", "codes": ["withdrawn_code"]}]}
    )
    case = commissioned(people["member"], people["secretariat"])
    client.force_login(people["secretariat"])

    response = client.post(
        _url(case.review), {"cohort": cohort.pk, "which": "all", "reason": REASON}
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert "cannot be used" in body and 'href="#id_cohort' in body
    assert REASON in body
    assert len(_held(case.review)) == 1
