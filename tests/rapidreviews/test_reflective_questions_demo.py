"""`make run`'s demo data has a case that shows the reflective questions (issue 18, item 5)."""

from io import StringIO

import pytest
from django.core.management import call_command

from rapidreviews.codes import SpotlightTheme
from rapidreviews.models import RapidReview
from rapidreviews.reflection import reflective_questions_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # the demo reviews' documents


def test_the_demo_kent_review_and_its_lcspr_show_the_child_mental_health_questions():
    call_command("seed_demo", stdout=StringIO())
    review = RapidReview.objects.get(notification__summary__startswith="Demo record kent-1:")
    groups = reflective_questions_for(review)
    assert [group.theme for group in groups] == [SpotlightTheme.CHILD_MENTAL_HEALTH]
    assert review.lcspr.pk  # the LCSPR page shows them too (the same review)
