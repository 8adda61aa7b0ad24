"""Case histories in plain English (safeguarding.history): each audit entry, as written by the
services, becomes a sentence with the answers that changed, by their labels and values as the
pages show them."""

from datetime import date

import pytest
import time_machine

from lcsprs import services as lcspr_services
from notifications import services as sin_services
from panel import services as panel_services
from rapidreviews import services as review_services
from safeguarding.audit import audit_log
from safeguarding.codes import Role
from safeguarding.history import case_history, describe, person
from safeguarding.models import AuditAction, AuditEvent

from ..notifications.factories import SubmittedNotificationFactory
from ..panel.factories import PanelDecisionFactory, PanelReviewFactory, answers
from ..rapidreviews.factories import DraftingReviewFactory, SubmittedReviewFactory

MONDAY = "2024-06-10 10:00 +01:00"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _monday():
    with time_machine.travel(MONDAY, tick=False):
        yield


def _circumstances(notification, by, **overrides):
    values = {
        "abuse_or_neglect": notification.abuse_or_neglect,
        "child_looked_after_death": notification.child_looked_after_death,
        "placement_postcode": "",
        "imd_decile": None,
        "summary": notification.summary,
        **overrides,
    }
    return sin_services.notification_circumstances_update(
        notification=notification,
        by=by,
        expected_version=None,
        amendment_reason="The strategy meeting confirmed it",
        **values,
    )


def test_a_changed_choice_shows_its_labels_and_the_reason(make_user, leeds):
    notification = SubmittedNotificationFactory()  # abuse or neglect: suspected
    by = make_user(Role.LA_USER, local_authority=leeds)
    _circumstances(notification, by, abuse_or_neglect="known")

    item = case_history(notification)[0]
    assert item.what == "changed the circumstances"
    assert item.note == "Reason: The strategy meeting confirmed it"
    assert "Abuse or neglect: Known (was Suspected)" in item.lines


def test_a_changed_date_is_written_as_a_date(make_user, leeds):
    notification = SubmittedNotificationFactory()  # incident on 3 June 2024
    by = make_user(Role.LA_USER, local_authority=leeds)
    sin_services.notification_incident_update(
        notification=notification,
        by=by,
        incident_date=date(2024, 5, 24),
        date_aware=notification.date_aware,
        reason=notification.reason,
        expected_version=None,
        amendment_reason="Police records",
    )
    item = case_history(notification)[0]
    assert item.what == "changed the incident details"
    # Only the answer that changed: the date the authority became aware and the reason did not.
    assert item.lines == ("Incident date: 24 May 2024 (was 3 June 2024)",)


def test_an_answer_that_reads_the_same_before_and_after_has_no_line(make_user, leeds):
    notification = SubmittedNotificationFactory()
    event = audit_log(
        actor=make_user(Role.LA_USER, local_authority=leeds),
        action=AuditAction.UPDATE,
        obj=notification,
        changes={
            "imd_decile": [None, ""],
            "child_looked_after_death": [False, False],
            "reason": ["serious_harm", "death"],
        },
        message="Amended incident details: the child died",
    )
    assert describe(event).lines == ("Reason: Death (was Serious harm)",)


def test_a_redacted_answer_shows_as_changed_without_its_values(make_user, leeds):
    notification = SubmittedNotificationFactory()
    by = make_user(Role.LA_USER, local_authority=leeds)
    _circumstances(notification, by, summary="A new synthetic account of what happened.")

    item = case_history(notification)[0]
    assert item.lines == ("Summary: changed",)
    assert "synthetic account" not in " ".join([item.what, item.note, *item.lines])


def test_a_child_is_named_by_their_reference_and_their_name_never_shown(make_user, leeds):
    notification = SubmittedNotificationFactory()
    child = notification.children.get()
    child.name = "Synthetic Name"
    child.save()
    by = make_user(Role.LA_USER, local_authority=leeds)
    sin_services.notification_child_update(
        child=child,
        by=by,
        data=sin_services.ChildData(
            child_reference=child.child_reference,
            sex="male",
            harm=child.harm,
            name="Another Synthetic Name",
            age_years=child.age_years,
        ),
        expected_version=None,
        amendment_reason="Corrected",
    )
    item = case_history(notification)[0]
    assert item.what == f"changed the details of {child.child_reference}"
    assert item.note == "Reason: Corrected"
    assert set(item.lines) == {
        f"Sex of {child.child_reference}: Male (was Female)",
        f"Name of {child.child_reference}: changed",
    }


def test_a_letter_sent_says_sent_the_response_letter(make_user):
    decision = PanelDecisionFactory()
    secretariat = make_user(Role.PANEL_SECRETARIAT)
    letter = panel_services.response_letter_draft(
        review=decision.review, by=secretariat, body="Dear partnership"
    )
    panel_services.response_letter_send(letter=letter, by=secretariat)

    whats = [item.what for item in case_history(decision.review)]
    assert whats[:2] == ["sent the response letter", "drafted the response letter"]


def test_the_panels_decision_and_its_correction_show_the_outcome(make_user):
    review = PanelReviewFactory()
    member = make_user(Role.PANEL_MEMBER)
    decision = panel_services.panel_decision_record(review=review, by=member, answers=answers())
    panel_services.panel_decision_correct(
        decision=decision,
        by=member,
        answers=answers(outcome="disagree", feedback="Changed feedback."),
        correction_reason="Recorded against the wrong review",
    )
    corrected, recorded = case_history(review)[:2]
    assert (recorded.what, recorded.lines) == (
        "recorded the Panel's decision",
        ("The Panel's view of the partnership's LCSPR decision: Agreed",),
    )
    assert corrected.what == "corrected the Panel's decision"
    assert corrected.note == "Reason: Recorded against the wrong review"
    assert "Feedback on the review's quality: changed" in corrected.lines
    assert any(line.endswith("(was Agreed)") for line in corrected.lines)


def test_review_sections_and_themes_in_words(make_user):
    review = DraftingReviewFactory()
    lead = make_user(Role.PARTNERSHIP_LEAD, partnership=review.partnership)
    review_services.rapid_review_section_save(
        review=review,
        by=lead,
        section_key="incident",
        values={"incident_type": "death"},
        expected_version=None,
    )
    review_services.rapid_review_section_save(
        review=review,
        by=lead,
        section_key="decision",
        values={"lcspr_decision": "lcspr", "lcspr_rationale": "A synthetic rationale."},
        expected_version=None,
    )
    review_services.rapid_review_themes_save(
        review=review,
        by=lead,
        themes={"curiosity": (True, True)},
        expected_version=None,
    )
    themes, decision, incident = case_history(review)[:3]
    assert decision.what == "saved the decision on an LCSPR"
    assert decision.lines == (
        "Decision on an LCSPR: LCSPR needed",
        "Rationale for the decision: changed",
    )
    assert incident.what == "saved the incident type as reviewed"
    assert incident.lines == ("Incident type as reviewed: Death",)
    assert themes.what == "saved the learning and practice themes"
    assert themes.lines == (
        "Lack of professional curiosity or failure to ask the second question: "
        "Present, good practice identified",
    )


def test_a_person_is_shown_by_name_and_role_and_keeps_it_after_leaving(make_user):
    review = DraftingReviewFactory()
    lead = make_user(
        Role.PARTNERSHIP_LEAD, partnership=review.partnership, first_name="Sam", last_name="Example"
    )
    audit_log(actor=lead, action=AuditAction.UPDATE, obj=review, message="Saved likely cause")
    lead.is_active = False
    lead.save()

    item = case_history(review)[0]
    assert item.who == f"Sam Example (Partnership lead, {review.partnership.name})"
    assert person(None, "system") == "The service"


def test_an_entry_no_app_describes_shows_no_code_names(make_user):
    review = DraftingReviewFactory()
    event = audit_log(
        actor=None,
        action=AuditAction.REMINDER,
        obj=review,
        changes={"rule": "rapid_review_due_soon", "recipients": ["a@example.org"]},
        message="SIN-2024-000001: rapid review due in 2 working days",
        actor_username="system",
    )
    item = describe(AuditEvent.objects.get(pk=event.pk))
    assert (item.who, item.what, item.lines) == ("The service", "sent a reminder", ())
    assert item.note == "SIN-2024-000001: rapid review due in 2 working days"


def test_an_lcspr_history_from_commissioning_to_its_planned_date(make_user):
    review = SubmittedReviewFactory(lcspr_decision="lcspr")
    lead = make_user(Role.PARTNERSHIP_LEAD, partnership=review.partnership)
    lcspr = lcspr_services.lcspr_open(review=review, by=lead, reason="Learning for the region")
    lcspr = lcspr_services.lcspr_start(lcspr=lcspr, by=lead, expected_version=None)
    lcspr_services.lcspr_planned_publication_set(
        lcspr=lcspr, by=lead, planned_on=date(2024, 11, 20), expected_version=None
    )
    planned, started, commissioned = case_history(lcspr)
    assert commissioned.what == "commissioned the LCSPR"
    assert commissioned.note == "Reason: Learning for the region"
    assert commissioned.lines == (f"Due date: {lcspr.due_date:%-d %B %Y}",)
    assert (started.what, started.lines) == (
        "started the LCSPR",
        ("Status: In progress (was Commissioned)",),
    )
    assert (planned.what, planned.lines) == (
        "set the planned publication date",
        ("Planned publication date: 20 November 2024",),
    )


def test_a_change_no_app_names_keeps_its_message_and_named_answers_only(make_user, leeds):
    notification = SubmittedNotificationFactory()
    event = audit_log(
        actor=make_user(Role.LA_USER, local_authority=leeds),
        action=AuditAction.UPDATE,
        obj=notification,
        changes={
            "incident_date": ["2024-06-03", "2024-05-24"],
            "version": [3, 4],
            "import_key": "ab" * 32,
            "rule_code": "x_y",
        },
        message="Incident date corrected: the police record",
    )
    item = describe(event)
    assert (item.what, item.note) == (
        "changed the record",
        "Incident date corrected: the police record",
    )
    assert item.lines == ("Incident date: 24 May 2024 (was 3 June 2024)",)
