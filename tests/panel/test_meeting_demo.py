"""The demo has an upcoming Panel meeting with two demo reviews on its agenda (issue 17)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from panel.models import PanelMeeting

pytestmark = pytest.mark.django_db


def test_the_demo_has_an_upcoming_meeting_with_two_reviews_on_its_agenda():
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())  # again: still one
    meeting = PanelMeeting.objects.get()
    assert meeting.date > timezone.localdate()
    assert meeting.agenda.count() == 2
    assert [p.username for p in meeting.attendees.all()] == ["panel-member"]
