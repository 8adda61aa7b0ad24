"""The Panel's structured feedback on an LCSPR's final report (issue 18, item 1): a GOV.UK form
with the quality scale, SMART recommendations, the child's voice, learning themes and the date
considered; errors next to their fields; corrections kept in the history; the partnership told."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse

from lcsprs import services
from lcsprs.models import Lcspr
from safeguarding.codes import Role
from safeguarding.models import InboxMessage

from .factories import FinalReportSentLcsprFactory, InProgressLcsprFactory, feedback_answers

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
TODAY = datetime(2025, 6, 5, 10, tzinfo=LONDON)
RECEIVED = date(2025, 5, 20)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def member(make_user):
    return make_user(Role.PANEL_MEMBER)


@pytest.fixture
def panel_client(member):
    client = Client()
    client.force_login(member)
    return client


@pytest.fixture
def lcspr():
    return FinalReportSentLcsprFactory(final_report_received_on=RECEIVED)


def url(name, *args):
    return reverse(f"lcsprs:{name}", args=args)


def form_data(lcspr, considered_on=date(2025, 6, 3), **overrides):
    data = {
        "version": lcspr.version,
        "feedback_analysis_quality": "good",
        "feedback_lived_experience": "adequate",
        "feedback_race_ethnicity_culture": "needs_improvement",
        "recommendations_smart": "partly",
        "child_voice_heard": "no",
        "themes": ["curiosity", "early_help"],
        "considered_on_0": considered_on.day,
        "considered_on_1": considered_on.month,
        "considered_on_2": considered_on.year,
        "feedback": "Synthetic feedback on the report.",
    }
    return {**data, **overrides}


def test_the_panel_records_its_feedback_and_the_page_shows_it_by_label(
    panel_client, lcspr, member, make_user, django_capture_on_commit_callbacks
):
    lead = make_user(Role.PARTNERSHIP_LEAD, partnership=lcspr.partnership)
    page = panel_client.get(url("lcspr-feedback", lcspr.pk)).content.decode()
    assert 'name="feedback_analysis_quality"' in page
    assert 'name="themes"' in page and 'name="considered_on_0"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = panel_client.post(url("lcspr-feedback", lcspr.pk), form_data(lcspr))
    assert response.status_code == 302
    lcspr.refresh_from_db()
    assert (
        lcspr.feedback_analysis_quality,
        lcspr.feedback_lived_experience,
        lcspr.feedback_race_ethnicity_culture,
        lcspr.recommendations_smart,
        lcspr.child_voice_heard,
        lcspr.considered_on,
        lcspr.panel_feedback,
        lcspr.panel_feedback_by,
    ) == (
        "good",
        "adequate",
        "needs_improvement",
        "partly",
        "no",
        date(2025, 6, 3),
        "Synthetic feedback on the report.",
        member,
    )
    assert set(lcspr.learning_themes.values_list("theme", flat=True)) == {
        "curiosity",
        "early_help",
    }
    # The partnership is told, in its inbox and by e-mail, with only the reference.
    [email] = mail.outbox
    assert lead.email in email.to
    assert lcspr.rapid_review.notification.reference in email.subject
    assert "Synthetic feedback" not in email.body
    assert InboxMessage.objects.filter(recipient=lead).count() == 1

    lead_client = Client()
    lead_client.force_login(lead)
    html = lead_client.get(url("lcspr-detail", lcspr.pk)).content.decode()
    for text in (
        "Thoroughness of analysis",
        "Needs improvement",
        "Recommendations are SMART",
        "Partly",
        "Lack of professional curiosity or failure to ask the second question",
        "Early help",
        "3 June 2025",
        "Synthetic feedback on the report.",
    ):
        assert text in html, text


def test_every_missing_answer_has_its_own_error_next_to_the_field(panel_client, lcspr):
    data = {"version": lcspr.version}
    response = panel_client.post(url("lcspr-feedback", lcspr.pk), data)
    html = response.content.decode()
    assert response.status_code == 200
    for field, message in (
        ("feedback_analysis_quality", "Select how thorough the analysis was"),
        ("feedback_lived_experience", "Select how well the report considered the child&#x27;s"),
        ("feedback_race_ethnicity_culture", "Select how well the report considered race"),
        ("recommendations_smart", "Select whether the recommendations are SMART"),
        ("child_voice_heard", "Select whether the child&#x27;s voice was heard"),
        ("themes", "Select the learning themes the Panel identified"),
        ("considered_on", "Enter the date the panel considered the lcspr"),
        ("feedback", "Enter the Panel&#x27;s feedback"),
    ):
        assert f'id="id_{field}_1_error"' in html, field  # the message next to the field
        assert message.lower() in html.lower(), message
    lcspr.refresh_from_db()
    assert lcspr.panel_feedback == ""


def test_what_was_typed_is_kept_when_one_answer_is_wrong(panel_client, lcspr):
    data = form_data(lcspr, considered_on=date(2025, 6, 6))  # tomorrow
    html = panel_client.post(url("lcspr-feedback", lcspr.pk), data).content.decode()
    assert "must be today or in the past" in html
    radios = re.findall(r'<input[^>]*name="feedback_analysis_quality"[^>]*>', html)
    assert [radio for radio in radios if 'value="good"' in radio and "checked" in radio]
    assert "Synthetic feedback on the report." in html


@pytest.mark.parametrize(
    ("considered_on", "message"),
    [
        (date(2025, 6, 6), "must be today or in the past"),
        (date(2025, 5, 19), "must be on or after 20 May 2025, when the Panel received the final"),
    ],
)
def test_the_date_considered_is_not_in_the_future_nor_before_the_report(
    member, lcspr, considered_on, message
):
    with pytest.raises(services.LcsprInvalid) as raised:
        services.lcspr_feedback_record(
            lcspr=lcspr,
            by=member,
            answers=feedback_answers(considered_on=considered_on),
            expected_version=None,
        )
    assert message in raised.value.errors["considered_on"][0]
    for day in (date(2025, 5, 20), date(2025, 6, 5)):  # the day received, and today
        lcspr = services.lcspr_feedback_record(
            lcspr=lcspr,
            by=member,
            answers=feedback_answers(considered_on=day, feedback=f"On {day}"),
            expected_version=None,
        )
        assert lcspr.considered_on == day


def test_a_correction_keeps_history_and_tells_the_partnership_again(
    panel_client, lcspr, make_user, django_capture_on_commit_callbacks
):
    lead = make_user(Role.PARTNERSHIP_LEAD, partnership=lcspr.partnership)
    with django_capture_on_commit_callbacks(execute=True):
        panel_client.post(url("lcspr-feedback", lcspr.pk), form_data(lcspr))
    lcspr.refresh_from_db()
    page = panel_client.get(url("lcspr-feedback", lcspr.pk)).content.decode()
    assert "Correct the Panel" in page
    assert "Synthetic feedback on the report." in page  # the form starts from the answers
    same = form_data(lcspr)
    html = panel_client.post(url("lcspr-feedback", lcspr.pk), same).content.decode()
    assert "Change at least one answer" in html
    changed = form_data(
        lcspr, child_voice_heard="yes", themes=["curiosity", "thresholds"], considered_on=RECEIVED
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert panel_client.post(url("lcspr-feedback", lcspr.pk), changed).status_code == 302
    lcspr.refresh_from_db()
    assert lcspr.child_voice_heard == "yes"
    assert set(lcspr.learning_themes.values_list("theme", flat=True)) == {
        "curiosity",
        "thresholds",
    }
    assert len(mail.outbox) == 2
    assert InboxMessage.objects.filter(recipient=lead).count() == 2
    html = panel_client.get(url("lcspr-detail", lcspr.pk)).content.decode()
    assert "corrected the Panel&#x27;s feedback" in html or "corrected the Panel's feedback" in html
    assert "The child&#x27;s voice was heard: Yes (was No)" in html
    assert "Thresholds" in html and "(was Lack of professional curiosity" in html
    assert "20 May 2025 (was 3 June 2025)" in html


def test_a_stale_version_is_refused(panel_client, lcspr):
    data = form_data(lcspr)
    Lcspr.objects.filter(pk=lcspr.pk).update(version=lcspr.version + 1)
    html = panel_client.post(url("lcspr-feedback", lcspr.pk), data).content.decode()
    assert "Someone else changed this LCSPR" in html
    assert f'name="version" value="{lcspr.version + 1}"' in html
    lcspr.refresh_from_db()
    assert lcspr.panel_feedback == ""


def test_feedback_waits_for_the_final_report_and_is_the_panels(panel_client, make_user):
    lcspr = InProgressLcsprFactory()
    response = panel_client.get(url("lcspr-feedback", lcspr.pk))
    assert response.status_code == 302
    sent = FinalReportSentLcsprFactory()
    lead = make_user(Role.PARTNERSHIP_LEAD, partnership=sent.partnership)
    client = Client()
    client.force_login(lead)
    assert client.get(url("lcspr-feedback", sent.pk)).status_code == 403
    assert client.post(url("lcspr-feedback", sent.pk), form_data(sent)).status_code == 403
