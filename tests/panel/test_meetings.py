"""Panel meetings and their agendas (issue 17, item 2): the secretariat schedules a meeting,
changes it (a stale change refused), cancels it, puts submitted reviews on its agenda and
orders them; members record decisions from the meeting page, each recorded against the
meeting; attendees are told; only the Panel (and administrators) see meetings."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
import time_machine
from django.urls import reverse

from panel import meeting_services
from panel.models import AgendaItem, PanelDecision, PanelMeeting
from safeguarding.codes import Role
from safeguarding.models import AuditEvent, InboxMessage, OutboundEmail

from ..rapidreviews.factories import CompleteReviewFactory
from .factories import CHILD_NAME, PanelDecisionFactory, PanelReviewFactory, form_data

pytestmark = pytest.mark.django_db

NOW = datetime(2027, 1, 5, 10, 0, tzinfo=UTC)
MEETING_DAY = date(2027, 1, 12)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def secretariat(make_user):
    return make_user(Role.PANEL_SECRETARIAT)


@pytest.fixture
def member(make_user):
    return make_user(Role.PANEL_MEMBER, first_name="Ada", last_name="Member")


@pytest.fixture
def meeting(secretariat, member, django_capture_on_commit_callbacks) -> PanelMeeting:
    with django_capture_on_commit_callbacks(execute=True):
        return meeting_services.panel_meeting_create(
            by=secretariat,
            details=meeting_services.MeetingDetails(
                date=MEETING_DAY, start_time=time(10, 30), location="Room 4", attendees=[member]
            ),
        )


def _form(**overrides) -> dict:
    values = {
        "title": "Panel meeting",
        "date_0": "12",
        "date_1": "1",
        "date_2": "2027",
        "start_time": "10:30",
        "location": "Online",
    }
    return {**values, **overrides}


def test_the_secretariat_schedules_a_meeting_and_its_attendees_are_told(
    client, secretariat, member, django_capture_on_commit_callbacks
):
    client.force_login(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("panel:meeting-add"), _form(attendees=[str(member.pk)]), follow=True
        )
    assert response.status_code == 200
    meeting = PanelMeeting.objects.get()
    assert (meeting.date, meeting.start_time, meeting.location) == (
        MEETING_DAY,
        time(10, 30),
        "Online",
    )
    assert list(meeting.attendees.all()) == [member]
    assert meeting.created_by == secretariat
    page = response.content.decode()
    assert "Tuesday 12 January 2027" in page and "Ada Member" in page
    message = InboxMessage.objects.get(recipient=member)
    assert "Panel meeting on 12 January 2027" in message.subject
    email = OutboundEmail.objects.get(dedupe_key__startswith=f"panel-meeting-{meeting.pk}-")
    assert email.to == [member.email]


def test_a_meeting_in_the_past_is_refused_next_to_the_date_and_nothing_typed_is_lost(
    client, secretariat, member
):
    client.force_login(secretariat)
    response = client.post(
        reverse("panel:meeting-add"),
        _form(date_0="4", location="Room 101, Glass House", attendees=[str(member.pk)]),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "The date of the meeting must be today or in the future" in page
    assert 'value="Room 101, Glass House"' in page
    assert "govuk-error-summary" in page
    assert not PanelMeeting.objects.exists()


def test_only_active_panel_members_can_attend(client, secretariat, make_user):
    lead = make_user(Role.PARTNERSHIP_LEAD)
    gone = make_user(Role.PANEL_MEMBER, is_active=False)
    client.force_login(secretariat)
    for person in (lead, gone):
        response = client.post(reverse("panel:meeting-add"), _form(attendees=[str(person.pk)]))
        assert response.status_code == 200
        assert "Attendees must be active Panel members" in response.content.decode()
    assert not PanelMeeting.objects.exists()
    with pytest.raises(meeting_services.MeetingInvalid):
        meeting_services.panel_meeting_create(
            by=secretariat,
            details=meeting_services.MeetingDetails(
                date=MEETING_DAY, start_time=time(9), location="Online", attendees=[lead]
            ),
        )


def test_a_stale_edit_is_refused_with_a_message_and_the_meeting_keeps_the_newer_change(
    client, secretariat, meeting, member
):
    client.force_login(secretariat)
    seen = meeting.version
    meeting_services.panel_meeting_update(
        meeting=meeting,
        by=secretariat,
        details=meeting_services.MeetingDetails(
            date=MEETING_DAY, start_time=time(11), location="Room 5", attendees=[member]
        ),
        expected_version=seen,
    )
    response = client.post(
        reverse("panel:meeting-edit", args=[meeting.pk]),
        _form(version=str(seen), location="Room 9", attendees=[str(member.pk)]),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Someone else changed this meeting after you opened it" in page
    assert 'value="Room 9"' in page
    meeting.refresh_from_db()
    assert meeting.location == "Room 5"


def test_moving_or_cancelling_a_meeting_tells_its_attendees(
    client, secretariat, meeting, member, make_user, django_capture_on_commit_callbacks
):
    newcomer = make_user(Role.PANEL_MEMBER)
    client.force_login(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("panel:meeting-edit", args=[meeting.pk]),
            _form(
                version=str(meeting.version),
                date_0="19",
                attendees=[str(member.pk), str(newcomer.pk)],
            ),
        )
    assert response.status_code == 302
    moved = InboxMessage.objects.get(recipient=member, subject__contains="has moved")
    assert "19 January 2027" in moved.subject
    assert InboxMessage.objects.filter(recipient=newcomer, subject__contains="attending").exists()
    assert not InboxMessage.objects.filter(recipient=newcomer, subject__contains="moved").exists()

    meeting.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("panel:meeting-cancel", args=[meeting.pk]),
            {"version": str(meeting.version), "reason": "Not quorate"},
        )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == PanelMeeting.Status.CANCELLED
    assert meeting.cancellation_reason == "Not quorate"
    for person in (member, newcomer):
        told = InboxMessage.objects.get(recipient=person, subject__startswith="Cancelled")
        assert "Not quorate" in told.body
    assert OutboundEmail.objects.filter(dedupe_key=f"panel-meeting-{meeting.pk}-cancelled").exists()


def test_cancelling_needs_a_reason(client, secretariat, meeting):
    client.force_login(secretariat)
    response = client.post(
        reverse("panel:meeting-cancel", args=[meeting.pk]), {"version": str(meeting.version)}
    )
    assert response.status_code == 200
    assert "Enter why the meeting is cancelled" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == PanelMeeting.Status.SCHEDULED


def test_the_agenda_offers_submitted_reviews_without_a_decision_and_adds_the_ones_chosen(
    client, secretariat, meeting
):
    waiting = PanelReviewFactory()
    other = PanelReviewFactory()
    decided = PanelDecisionFactory().review
    drafting = CompleteReviewFactory()
    client.force_login(secretariat)
    page = client.get(reverse("panel:meeting-agenda-add", args=[meeting.pk])).content.decode()
    assert waiting.notification.reference in page and other.notification.reference in page
    assert decided.notification.reference not in page
    assert drafting.notification.reference not in page

    response = client.post(
        reverse("panel:meeting-agenda-add", args=[meeting.pk]),
        {"reviews": [str(other.pk), str(waiting.pk)]},
    )
    assert response.status_code == 302
    # In the order they were submitted (the longest waiting first).
    assert [item.review for item in meeting.agenda.order_by("position")] == [waiting, other]
    # A drafting review cannot be slipped in.
    response = client.post(
        reverse("panel:meeting-agenda-add", args=[meeting.pk]), {"reviews": [str(drafting.pk)]}
    )
    assert response.status_code == 200
    assert "Select rapid reviews from the list" in response.content.decode()
    with pytest.raises(meeting_services.MeetingInvalid):
        meeting_services.agenda_items_add(meeting=meeting, reviews=[drafting], by=secretariat)
    with pytest.raises(meeting_services.MeetingInvalid):
        meeting_services.agenda_items_add(meeting=meeting, reviews=[waiting], by=secretariat)
    assert meeting.agenda.count() == 2


def test_agenda_items_move_up_and_down_and_are_removed(client, secretariat, meeting):
    first, second, third = (PanelReviewFactory() for _ in range(3))
    meeting_services.agenda_items_add(
        meeting=meeting, reviews=[first, second, third], by=secretariat
    )
    client.force_login(secretariat)
    item = meeting.agenda.get(review=third)
    client.post(reverse("panel:agenda-item-move", args=[item.pk]), {"direction": "up"})
    assert [i.review for i in meeting.agenda.order_by("position")] == [first, third, second]
    item = meeting.agenda.get(review=first)
    client.post(reverse("panel:agenda-item-move", args=[item.pk]), {"direction": "down"})
    assert [i.review for i in meeting.agenda.order_by("position")] == [third, first, second]
    # A move past the end, or a direction that means nothing, changes nothing (no error page).
    response = client.post(reverse("panel:agenda-item-move", args=[item.pk]), {"direction": "x"})
    assert response.status_code == 302
    client.post(reverse("panel:agenda-item-remove", args=[item.pk]))
    assert [(i.review, i.position) for i in meeting.agenda.order_by("position")] == [
        (third, 1),
        (second, 2),
    ]


def test_the_meeting_page_shows_each_review_with_its_summary_never_the_child_s_name(
    client, member, meeting, secretariat
):
    review = PanelReviewFactory(
        answers={"summary_of_facts": "Synthetic summary: the baby was seen by four agencies."}
    )
    decided = PanelDecisionFactory().review
    meeting_services.agenda_items_add(meeting=meeting, reviews=[review, decided], by=secretariat)
    client.force_login(member)
    response = client.get(reverse("panel:meeting-detail", args=[meeting.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert review.notification.reference in page
    assert str(review.partnership) in page
    assert "Synthetic summary: the baby was seen by four agencies." in page
    assert review.notification.child_in_focus.child_reference in page
    assert CHILD_NAME not in page
    assert "Did not agree" in page  # the decided review's current decision
    record = reverse("panel:decision", args=[review.pk]) + f"?meeting={meeting.pk}"
    assert f'href="{record}"' in page
    assert "Download agenda pack (PDF)" in page
    # The read is in the audit trail: the meeting and the reviews shown.
    assert AuditEvent.objects.filter(
        actor=member, action="view", object_id=str(meeting.pk)
    ).exists()


def test_a_decision_recorded_from_the_meeting_page_is_taken_at_the_meeting(
    client, member, meeting, secretariat
):
    review = PanelReviewFactory()
    meeting_services.agenda_items_add(meeting=meeting, reviews=[review], by=secretariat)
    client.force_login(member)
    url = reverse("panel:decision", args=[review.pk]) + f"?meeting={meeting.pk}"
    page = client.get(url).content.decode()
    assert "recorded as taken at the" in page
    response = client.post(url, form_data())
    assert response.status_code == 302
    assert response["Location"] == reverse("panel:meeting-detail", args=[meeting.pk])
    decision = PanelDecision.objects.get(review=review)
    assert decision.meeting == meeting and decision.decided_by == member
    assert decision.version == 1
    page = client.get(reverse("panel:meeting-detail", args=[meeting.pk])).content.decode()
    assert "Agreed" in page
    # Decided at this meeting: it stays on the agenda.
    with pytest.raises(meeting_services.MeetingError):
        meeting_services.agenda_item_remove(item=meeting.agenda.get(), by=secretariat)


@pytest.mark.parametrize("meeting_param", ["abc", "0", "-1", "99999999999999999999", "other"])
def test_a_meeting_param_that_does_not_hold_the_review_is_ignored(
    client, member, meeting, secretariat, meeting_param
):
    review = PanelReviewFactory()
    other = meeting_services.panel_meeting_create(
        by=secretariat,
        details=meeting_services.MeetingDetails(
            date=MEETING_DAY, start_time=time(14), location="Online"
        ),
    )
    meeting_services.agenda_items_add(meeting=meeting, reviews=[review], by=secretariat)
    param = str(other.pk) if meeting_param == "other" else meeting_param
    client.force_login(member)
    url = reverse("panel:decision", args=[review.pk]) + f"?meeting={param}"
    assert client.get(url).status_code == 200
    response = client.post(url, form_data())
    assert response.status_code == 302
    assert response["Location"] == reverse("panel:decision", args=[review.pk])
    assert PanelDecision.objects.get(review=review).meeting is None


def test_meetings_list_upcoming_first_then_past(client, member, secretariat, meeting):
    past = PanelMeeting.objects.create(
        date=date(2026, 12, 1), start_time=time(10), location="Room 1", created_by=secretariat
    )
    later = PanelMeeting.objects.create(
        date=date(2027, 2, 1), start_time=time(10), location="Room 2", created_by=secretariat
    )
    client.force_login(member)
    page = client.get(reverse("panel:meeting-list")).content.decode()
    assert (
        page.index("12 January 2027")
        < page.index("1 February 2027")
        < page.index("1 December 2026")
    )
    assert "Upcoming meetings" in page and "Past meetings" in page
    assert reverse("panel:meeting-detail", args=[past.pk]) in page
    assert reverse("panel:meeting-detail", args=[later.pk]) in page
    assert "Schedule a meeting" not in page  # members read; the secretariat schedules


@pytest.mark.parametrize("role", [Role.PARTNERSHIP_LEAD, Role.LA_USER, Role.DFE_VIEWER])
def test_outside_the_panel_the_list_is_refused_and_every_meeting_page_is_not_found(
    client, make_user, meeting, secretariat, role, leeds
):
    review = PanelReviewFactory()
    meeting_services.agenda_items_add(meeting=meeting, reviews=[review], by=secretariat)
    item = meeting.agenda.get()
    kwargs = {Role.PARTNERSHIP_LEAD: {"partnership": leeds.partnership}}.get(role, {})
    if role == Role.LA_USER:
        kwargs = {"local_authority": leeds}
    client.force_login(make_user(role, **kwargs))
    assert client.get(reverse("panel:meeting-list")).status_code == 403
    for name in ("meeting-detail", "meeting-edit", "meeting-cancel", "meeting-agenda-add"):
        assert client.get(reverse(f"panel:{name}", args=[meeting.pk])).status_code == 404
    assert client.post(reverse("panel:meeting-agenda-pack", args=[meeting.pk])).status_code == 404
    for name in ("agenda-item-remove", "agenda-item-move"):
        assert client.post(reverse(f"panel:{name}", args=[item.pk])).status_code == 404
    assert AgendaItem.objects.filter(pk=item.pk).exists()


def test_the_case_panel_shows_the_meeting_to_the_panel_only(
    client, member, meeting, secretariat, make_user
):
    review = PanelReviewFactory()
    meeting_services.agenda_items_add(meeting=meeting, reviews=[review], by=secretariat)
    label = "On the agenda of the Panel meeting on 12 January 2027"
    client.force_login(member)
    page = client.get(reverse("rapidreviews:review-detail", args=[review.pk])).content.decode()
    assert label in page
    lead = make_user(Role.PARTNERSHIP_LEAD, partnership=review.partnership)
    client.force_login(lead)
    page = client.get(reverse("rapidreviews:review-detail", args=[review.pk])).content.decode()
    assert label not in page


def test_a_member_cannot_manage_meetings(client, member, meeting):
    client.force_login(member)
    assert client.get(reverse("panel:meeting-add")).status_code == 403
    assert client.get(reverse("panel:meeting-edit", args=[meeting.pk])).status_code == 403
    with pytest.raises(meeting_services.MeetingError):
        meeting_services.panel_meeting_cancel(
            meeting=meeting, by=member, reason="No", expected_version=meeting.version
        )


def test_meetings_are_in_the_navigation_beside_the_queue_and_the_only_current_entry(
    client, member, make_user
):
    client.force_login(member)
    page = client.get(reverse("panel:meeting-list")).content.decode()
    meetings = reverse("panel:meeting-list")
    assert f'href="{meetings}" aria-current="page"' in page
    assert page.count('aria-current="page"') == 1
    queue = client.get(reverse("panel:queue")).content.decode()
    assert f'href="{reverse("panel:queue")}" aria-current="page"' in queue
    assert queue.count('aria-current="page"') == 1
    client.force_login(make_user(Role.PARTNERSHIP_LEAD))
    assert f'href="{meetings}"' not in client.get("/").content.decode()


@pytest.mark.parametrize("role", [Role.PARTNERSHIP_LEAD, Role.LA_USER])
def test_allocations_and_agendas_stay_out_of_the_history_others_read(
    client, member, meeting, secretariat, make_user, role
):
    from panel import allocations, selectors

    review = PanelReviewFactory()
    allocations.allocation_set(
        review=review,
        by=secretariat,
        lead=member,
        others=(),
        reason="",
        expected_version=selectors.allocation_version(review=review),
    )
    meeting_services.agenda_items_add(meeting=meeting, reviews=[review], by=secretariat)
    url = reverse("rapidreviews:review-detail", args=[review.pk])
    client.force_login(member)
    page = client.get(url).content.decode()
    assert "allocated the review to Ada Member (lead)" in page
    assert "Added to the agenda of the" in page or "agenda" in page.split("History")[-1]
    kwargs = (
        {"partnership": review.partnership}
        if role == Role.PARTNERSHIP_LEAD
        else {"local_authority": review.notification.local_authority}
    )
    client.force_login(make_user(role, **kwargs))
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "allocated the review" not in page
    assert "Ada Member" not in page
    assert "agenda" not in page.lower()


def test_an_item_taken_off_by_someone_else_meanwhile_is_a_message_not_an_error(
    client, secretariat, meeting
):
    first, second = PanelReviewFactory(), PanelReviewFactory()
    meeting_services.agenda_items_add(meeting=meeting, reviews=[first, second], by=secretariat)
    # Both secretariat users loaded the item; one removes it before the other acts.
    stale = meeting.agenda.get(review=first)
    meeting_services.agenda_item_remove(item=stale, by=secretariat)
    with pytest.raises(meeting_services.MeetingError, match="already been taken off"):
        meeting_services.agenda_item_remove(item=stale, by=secretariat)
    with pytest.raises(meeting_services.MeetingError, match="taken off the agenda"):
        meeting_services.agenda_item_move(item=stale, by=secretariat, direction="down")
    assert [i.review for i in meeting.agenda.order_by("position")] == [second]
    # The page's own second click finds nothing to act on.
    client.force_login(secretariat)
    assert client.post(reverse("panel:agenda-item-remove", args=[stale.pk])).status_code == 404
