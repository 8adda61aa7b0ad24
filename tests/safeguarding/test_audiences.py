"""Who is told (issue 11, item 2): every event tells exactly its named audience
(safeguarding/audiences.py), the same people in the inbox and the same addresses by e-mail
whatever the event. The expected audiences are written out here, person by person, rather than
computed by the functions under test, so that dropping anyone from an audience fails a test.

The people: Leeds Safeguarding Children Partnership has two active leads (one without an
e-mail address), an inactive lead and a shared address; the Panel has two active secretariat
users, an inactive one and a member, and a shared address; Leeds has two active users.
Everyone else (another partnership's lead, a Bristol user, an administrator) is never told."""

from datetime import date
from types import SimpleNamespace

import pytest
import time_machine

from notifications import services as notification_services
from panel import allocations
from panel import services as panel_services
from rapidreviews import services as review_services
from rapidreviews.deadlines import rapid_review_due_dates_recompute
from safeguarding import audiences
from safeguarding.codes import Role
from safeguarding.deadlines.engine import reminder_send
from safeguarding.deadlines.rules import RULE_BY_NAME, RULES, Occurrence
from safeguarding.models import InboxMessage, OutboundEmail, Reminder
from safeguarding.workingdays import WorkingDayCalendar

from ..lcsprs.factories import LcsprFactory
from ..notifications.factories import (
    CompleteDraftFactory,
    DraftNotificationFactory,
    SubmittedNotificationFactory,
)
from ..panel.factories import PanelDecisionFactory
from ..rapidreviews.factories import (
    CompleteReviewFactory,
    RapidReviewFactory,
    SubmittedReviewFactory,
)

pytestmark = pytest.mark.django_db

PANEL_INBOX = "panel.inbox@example.gov.uk"
PARTNERSHIP_INBOX = "leeds.partnership@example.org"


@pytest.fixture
def people(make_user, leeds, bristol, settings):
    settings.PANEL_INBOX_EMAIL = PANEL_INBOX
    partnership = leeds.partnership
    partnership.email = PARTNERSHIP_INBOX
    partnership.save()
    lead = Role.PARTNERSHIP_LEAD
    return SimpleNamespace(
        lead=make_user(lead, partnership=partnership),
        lead_without_email=make_user(lead, partnership=partnership, email=""),
        inactive_lead=make_user(lead, partnership=partnership, is_active=False),
        other_lead=make_user(lead, partnership=bristol.partnership),
        secretariat=make_user(Role.PANEL_SECRETARIAT),
        second_secretariat=make_user(Role.PANEL_SECRETARIAT),
        inactive_secretariat=make_user(Role.PANEL_SECRETARIAT, is_active=False),
        member=make_user(Role.PANEL_MEMBER),
        la_user=make_user(Role.LA_USER, local_authority=leeds),
        second_la_user=make_user(Role.LA_USER, local_authority=leeds),
        bristol_user=make_user(Role.LA_USER, local_authority=bristol),
        administrator=make_user(Role.ADMINISTRATOR),
    )


@pytest.fixture
def expected(people):
    """Each named audience, spelled out: (people in the inbox, addresses e-mailed)."""
    leads = ({people.lead, people.lead_without_email}, {people.lead.email, PARTNERSHIP_INBOX})
    secretariat = (
        {people.secretariat, people.second_secretariat},
        {people.secretariat.email, people.second_secretariat.email, PANEL_INBOX},
    )
    members = ({people.member}, set())
    authority = (
        {people.la_user, people.second_la_user},
        {people.la_user.email, people.second_la_user.email},
    )

    def both(*parts):
        return (set().union(*(p[0] for p in parts)), set().union(*(p[1] for p in parts)))

    # A review's lead Panel member, told personally (inbox and e-mail).
    lead_member = ({people.member}, {people.member.email})
    return SimpleNamespace(
        lead_member=lead_member,
        secretariat_and_lead_member=both(secretariat, lead_member),
        leads=leads,
        secretariat=secretariat,
        members=members,
        panel=both(secretariat, members),
        leads_and_secretariat=both(leads, secretariat),
        authority=authority,
    )


def told() -> tuple[set, set]:
    """Everyone given an inbox message and every address e-mailed since the last `forget()`."""
    inbox = {message.recipient for message in InboxMessage.objects.select_related("recipient")}
    emails = {address for email in OutboundEmail.objects.all() for address in email.to}
    return inbox, emails


def forget() -> None:
    InboxMessage.objects.all().delete()
    OutboundEmail.objects.all().delete()


# --- The named audiences themselves -------------------------------------------------------------


def _as_sets(audience: audiences.Audience) -> tuple[set, set]:
    assert len(audience.people) == len(set(audience.people)), "someone is in twice"
    return set(audience.people), set(audience.emails)


def test_partnership_leads_are_its_active_leads_and_its_shared_address(people, expected, leeds):
    assert _as_sets(audiences.partnership_leads(leeds.partnership)) == expected.leads


def test_the_secretariat_is_its_active_people_and_the_panels_shared_address(people, expected):
    assert _as_sets(audiences.panel_secretariat()) == expected.secretariat


def test_panel_members_are_told_in_the_service_only(people, expected):
    assert _as_sets(audiences.panel_members()) == expected.members


def test_the_panel_is_the_secretariat_and_the_members(people, expected):
    assert _as_sets(audiences.panel()) == expected.panel


def test_authority_users_are_its_active_users(people, expected, leeds):
    assert _as_sets(audiences.authority_users(leeds)) == expected.authority


def test_adding_audiences_tells_each_person_and_address_once(people, leeds, expected):
    twice = audiences.partnership_leads(leeds.partnership) + audiences.partnership_leads(
        leeds.partnership
    )
    assert _as_sets(twice) == expected.leads


def test_notify_with_a_dedupe_key_tells_each_person_and_address_once(
    people, leeds, expected, settings
):
    settings.SITE_URL = "https://csir.example.gov.uk"
    audience = audiences.partnership_leads(leeds.partnership)
    for _ in range(2):
        audiences.notify(audience, subject="Subject", body="Body", url="/x/", dedupe_key="once")
    assert InboxMessage.objects.count() == len(expected.leads[0])
    assert told() == expected.leads
    [email] = OutboundEmail.objects.all()
    assert email.body == "Body\n\nSign in to see it: https://csir.example.gov.uk/x/\n"


# --- Each event tells its audience --------------------------------------------------------------


@time_machine.travel("2024-06-10 10:00 +01:00", tick=False)
def test_a_submitted_sin_tells_the_partnerships_leads_and_the_panel(
    people, expected, django_capture_on_commit_callbacks
):
    draft = CompleteDraftFactory(created_by=people.la_user, date_aware=date(2024, 6, 5))
    forget()
    with django_capture_on_commit_callbacks(execute=True):
        notification_services.notification_submit(
            notification=draft, by=people.la_user, expected_version=draft.version
        )
    leads, panel = expected.leads, expected.panel
    assert told() == (leads[0] | panel[0], leads[1] | panel[1])


@time_machine.travel("2024-06-28 10:00 +01:00", tick=False)
def test_a_submitted_rapid_review_tells_the_panel(
    people, expected, django_capture_on_commit_callbacks
):
    review = CompleteReviewFactory(notification__created_by=people.la_user)
    forget()
    with django_capture_on_commit_callbacks(execute=True):
        review_services.rapid_review_submit(review=review, by=people.lead)
    assert told() == expected.panel


@time_machine.travel("2024-06-20 10:00 +01:00", tick=False)
def test_an_extension_request_tells_the_secretariat(
    people, expected, django_capture_on_commit_callbacks
):
    review = RapidReviewFactory(notification__created_by=people.la_user)
    forget()
    with django_capture_on_commit_callbacks(execute=True):
        review_services.rapid_review_extension_request(
            review=review, by=people.lead, reason="Chronology", proposed_date=date(2024, 7, 15)
        )
    assert told() == expected.secretariat


@pytest.mark.parametrize("approve", [True, False], ids=["approved", "declined"])
@time_machine.travel("2024-06-20 10:00 +01:00", tick=False)
def test_an_extension_decision_tells_the_partnerships_leads(
    people, expected, approve, django_capture_on_commit_callbacks
):
    review = RapidReviewFactory(notification__created_by=people.la_user)
    extension = review_services.rapid_review_extension_request(
        review=review, by=people.lead, reason="Chronology", proposed_date=date(2024, 7, 15)
    )
    forget()
    with django_capture_on_commit_callbacks(execute=True):
        review_services.rapid_review_extension_decide(
            extension=extension,
            by=people.secretariat,
            approve=approve,
            decision_reason="" if approve else "Not needed",
        )
    assert told() == expected.leads


def test_a_response_letter_tells_the_partnerships_leads(
    people, expected, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    decision = PanelDecisionFactory(
        decided_by=people.member, review__notification__created_by=people.la_user
    )
    letter = panel_services.response_letter_draft(
        review=decision.review, by=people.secretariat, body="Dear partnership,\n\nOur response."
    )
    forget()
    with django_capture_on_commit_callbacks(execute=True):
        panel_services.response_letter_send(letter=letter, by=people.secretariat)
    assert told() == expected.leads


def test_a_due_date_moved_by_the_calendar_tells_the_partnerships_leads(people, expected):
    review = RapidReviewFactory(notification__created_by=people.la_user)
    # A one-off bank holiday on Wednesday 19 June 2024 moves the 15th working day.
    calendar = WorkingDayCalendar(extra_holidays=frozenset({date(2024, 6, 19)}))
    forget()
    assert rapid_review_due_dates_recompute(calendar=calendar, reason="a test") == [review]
    assert told() == expected.leads


# --- Each reminder tells its rule's audience ----------------------------------------------------

AUDIENCE_OF_RULE = {
    "rapid_review_due_in_5_working_days": "leads",
    "rapid_review_due_in_1_working_day": "leads",
    "rapid_review_due_today": "leads",
    "rapid_review_overdue": "leads_and_secretariat",
    "rapid_review_overdue_weekly": "leads_and_secretariat",
    "extension_pending_over_2_working_days": "secretariat",
    "lcspr_due_within_1_month": "leads",
    "lcspr_overdue": "leads_and_secretariat",
    "lcspr_final_report_not_received": "leads_and_secretariat",
    "sin_draft_due_within_1_working_day": "authority",
    "sin_draft_overdue": "authority",
    "sin_recorded_late": "secretariat",
    "panel_decision_target_soon": "lead_member",
    "panel_decision_target_passed": "secretariat_and_lead_member",
}


def _case_for(name: str, people):
    """A Leeds case of the kind the rule is about; only the audience matters here."""
    if name.startswith("rapid_review_"):
        return RapidReviewFactory(notification__created_by=people.la_user)
    if name.startswith("extension_"):
        review = RapidReviewFactory(notification__created_by=people.la_user)
        return review_services.rapid_review_extension_request(
            review=review, by=people.lead, reason="Chronology", proposed_date=date(2024, 7, 15)
        )
    if name.startswith("lcspr_"):
        return LcsprFactory(
            opened_by=people.lead,
            rapid_review__notification__created_by=people.la_user,
            planned_publication_date=date(2024, 7, 5),
        )
    if name.startswith("panel_decision_"):
        review = SubmittedReviewFactory(notification__created_by=people.la_user)
        allocations.allocation_set(
            review=review, by=people.secretariat, lead=people.member, expected_version=None
        )
        return review
    if name.startswith("sin_draft_"):
        return DraftNotificationFactory(created_by=people.la_user, date_aware=date(2024, 6, 3))
    return SubmittedNotificationFactory(
        created_by=people.la_user, notified_on_time=False, lateness_reason="Late"
    )


def test_every_rule_has_its_audience_written_here():
    assert set(AUDIENCE_OF_RULE) == {rule.name for rule in RULES}


@pytest.mark.parametrize("name", list(AUDIENCE_OF_RULE))
def test_each_reminder_tells_its_rules_audience(people, expected, name):
    case = _case_for(name, people)
    forget()
    reminder = reminder_send(
        rule=RULE_BY_NAME[name],
        obj=case,
        occurrence=Occurrence(date(2024, 7, 1)),
        today=date(2024, 6, 24),
    )
    audience = getattr(expected, AUDIENCE_OF_RULE[name])
    assert told() == audience
    reminder = Reminder.objects.get(pk=reminder.pk)
    assert set(reminder.recipients) == {user.username for user in audience[0]}
    assert set(reminder.emailed_to) == audience[1]
