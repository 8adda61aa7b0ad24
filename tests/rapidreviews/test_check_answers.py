"""Check answers before the irreversible submit: every answer in summary lists, "Change" links
that come back to check answers, the task list's count and the confirmation panel."""

from html import unescape

import pytest
from django.urls import reverse

from rapidreviews.models import RapidReview
from rapidreviews.sections import SECTIONS
from safeguarding.codes import Role
from safeguarding.models import LocalAuthority

from .factories import CompleteReviewFactory, RapidReviewFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead_client(client, make_user, leeds):
    client.force_login(make_user(Role.PARTNERSHIP_LEAD, partnership=leeds.partnership))
    return client


def url(name, *args):
    return reverse(f"rapidreviews:{name}", args=args)


def test_the_check_page_shows_every_sections_answers_as_users_read_them(lead_client):
    review = CompleteReviewFactory(answers={"reflection": "Synthetic reflection, first line."})

    html = unescape(lead_client.get(url("review-submit", review.pk)).text)

    for section in SECTIONS:
        assert section.title in html
        assert f"{url('review-section', review.pk, section.key)}?return=check" in html or (
            section.key == "document"
        )
    assert f"{url('review-document', review.pk)}?return=check" in html
    assert "White British" in html and "Serious harm" in html  # labels of coded answers
    assert "white_british" not in html and "serious_harm" not in html  # never the codes
    assert "Synthetic reflection, first line." in html  # narrative
    assert "Synthetic rationale." in html
    assert "Rapid review.pdf" in html  # the document's name
    assert "Present" in html  # the themes


def test_change_save_returns_to_check_answers(lead_client):
    review = CompleteReviewFactory()
    section = url("review-section", review.pk, "narrative")
    form = lead_client.get(f"{section}?return=check").text
    assert f'href="{url("review-submit", review.pk)}" class="govuk-back-link"' in form

    response = lead_client.post(
        f"{section}?return=check",
        {
            "version": 0,
            "summary_of_facts": "Corrected facts.",
            "relevant_information": "Synthetic information.",
            "reflection": "Synthetic reflection.",
            "immediate_action": "Synthetic action.",
        },
    )

    assert response["Location"] == url("review-submit", review.pk)
    assert "Corrected facts." in lead_client.get(response["Location"]).text


def test_a_conflicting_save_from_check_answers_still_shows_both_versions(lead_client):
    review = CompleteReviewFactory()
    section = f"{url('review-section', review.pk, 'narrative')}?return=check"
    assert lead_client.post(section, {"version": 0, "reflection": "Saved first"}).status_code == 302

    html = lead_client.post(section, {"version": 0, "reflection": "Typed second"}).text

    assert "Someone else saved this section after you opened it" in html
    review.refresh_from_db()
    assert review.reflection == "Saved first"


@pytest.mark.parametrize("unsafe", ["https://evil.example/", "//evil.example", "/admin/", ""])
def test_an_unsafe_return_value_is_ignored(lead_client, unsafe):
    review = CompleteReviewFactory()
    section = url("review-section", review.pk, "narrative")

    response = lead_client.post(
        f"{section}?return={unsafe}", {"version": 0, "reflection": "Changed"}
    )

    assert response["Location"] == url("review-detail", review.pk)


def test_the_task_list_says_how_many_of_the_11_sections_are_complete(lead_client):
    review = CompleteReviewFactory(section_versions={"incident": 1, "child": 1, "cause": 1})

    html = lead_client.get(url("review-detail", review.pk)).text

    assert len(SECTIONS) == 11
    assert "You have completed 3 of 11 sections." in html
    assert "Review incomplete" in html


def test_submitting_ends_on_a_confirmation_panel(lead_client):
    review = CompleteReviewFactory()

    response = lead_client.post(url("review-submit", review.pk), follow=True)

    assert response.redirect_chain[-1][0] == url("review-confirmation", review.pk)
    assert "govuk-panel--confirmation" in response.text
    assert "Rapid review submitted" in response.text
    assert review.notification.reference in response.text
    assert "What happens next" in response.text
    assert url("review-detail", review.pk) in response.text
    review.refresh_from_db()
    assert review.status == RapidReview.Status.SUBMITTED


def test_the_confirmation_page_of_an_unsubmitted_review_goes_to_the_review(lead_client):
    review = CompleteReviewFactory()
    response = lead_client.get(url("review-confirmation", review.pk))
    assert response["Location"] == url("review-detail", review.pk)


def test_another_partnerships_confirmation_page_is_404(lead_client):
    theirs = RapidReviewFactory(
        notification__local_authority=LocalAuthority.objects.get(name="Bristol")
    )
    assert lead_client.get(url("review-confirmation", theirs.pk)).status_code == 404


def test_links_to_unanswered_questions_also_come_back_to_check_answers(lead_client):
    review = RapidReviewFactory()

    html = unescape(lead_client.get(url("review-submit", review.pk)).text)

    assert "Questions still to answer" in html
    gaps = html[html.index("Questions still to answer") : html.index("Your answers")]
    assert "?return=check" in gaps
    assert f'href="{url("review-section", review.pk, "child")}"' not in gaps
