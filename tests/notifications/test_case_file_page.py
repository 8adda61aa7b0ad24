"""The page that asks for the case file says what the PDF holds, every section included."""

import pytest
from django.urls import reverse

from safeguarding.codes import Role

from ..panel.factories import PanelReviewFactory

pytestmark = pytest.mark.django_db


def test_the_case_file_page_names_the_messages_among_what_the_file_holds(client, make_user):
    notification = PanelReviewFactory().notification
    client.force_login(make_user(Role.PANEL_MEMBER))
    response = client.get(reverse("notifications:case-file", args=[notification.pk]))
    assert response.status_code == 200
    page = " ".join(response.content.decode().split())
    assert "linked cases and the messages between the Panel and the partnership" in page
