"""Free text is capped (safeguarding.limits): the web form says so with GOV.UK's character
count and an error, and the API answers 400 on the field."""

import pytest
from django.urls import reverse

from notifications.models import Notification
from safeguarding.limits import NARRATIVE_MAX_CHARS, REASON_MAX_CHARS

from .factories import CompleteDraftFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_10_june_2024")]


def test_the_summary_has_a_character_count_and_a_cap(client, leeds_user):
    notification = CompleteDraftFactory(local_authority=leeds_user.local_authority)
    client.force_login(leeds_user)
    page_url = reverse("notifications:notification-circumstances", args=[notification.pk])
    page = client.get(page_url).content.decode()
    assert 'data-module="govuk-character-count"' in page
    assert f'data-maxlength="{NARRATIVE_MAX_CHARS}"' in page
    assert "maxlength=" not in page.split('name="summary"')[1].split(">")[0]

    response = client.post(
        page_url,
        {
            "version": notification.version,
            "abuse_or_neglect": "suspected",
            "child_looked_after_death": "False",
            "summary": "x" * (NARRATIVE_MAX_CHARS + 1),
            "action": "continue",
        },
    )
    assert response.status_code == 200
    assert "Enter 10,000 characters or fewer" in response.content.decode()
    notification.refresh_from_db()
    assert notification.summary == "Synthetic summary."


@pytest.mark.parametrize(
    ("field", "maximum"), [("summary", NARRATIVE_MAX_CHARS), ("lateness_reason", REASON_MAX_CHARS)]
)
def test_the_api_answers_400_on_a_field_over_its_cap(api_client, leeds_user, field, maximum):
    response = api_client(leeds_user).post(
        "/api/v1/notifications/",
        {"incident_date": "2024-06-03", field: "x" * (maximum + 1)},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {field: [f"Enter {maximum:,} characters or fewer"]}
    assert not Notification.objects.exists()


def test_a_review_narrative_over_its_cap_is_a_field_error():
    from rapidreviews.api import RapidReviewAnswersInputSerializer

    serializer = RapidReviewAnswersInputSerializer(
        data={"summary_of_facts": "x" * (NARRATIVE_MAX_CHARS + 1)}
    )
    assert not serializer.is_valid()
    assert serializer.errors["summary_of_facts"] == [
        "Summary of facts: Enter 10,000 characters or fewer"
    ]
