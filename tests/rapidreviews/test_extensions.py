"""Extensions to a rapid review's due date: a partnership lead asks with a reason and a proposed
date; the Panel secretariat approves (a new due date, the original kept) or declines with a
reason; everything is in the review's history (DOMAIN.md §1)."""

from datetime import date

import pytest
import time_machine
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse

from rapidreviews import selectors, services
from rapidreviews.models import RapidReview, RapidReviewExtension
from safeguarding.attention import attention_for
from safeguarding.audit import audit_events_for
from safeguarding.codes import Role
from safeguarding.models import InboxMessage, LocalAuthority

from .factories import (
    DeclinedExtensionFactory,
    DraftingReviewFactory,
    PendingExtensionFactory,
    RapidReviewFactory,
    SubmittedReviewFactory,
)

pytestmark = pytest.mark.django_db

DUE = date(2024, 7, 1)  # the factories' due date, a Monday
REASON = "The police chronology arrives on 10 July."
TOO_LATE = (
    "The proposed date must be the same as or before 1 July 2026, 2 years after the current due "
    "date"
)


@pytest.fixture
def leeds():
    return LocalAuthority.objects.get(name="Leeds").partnership


@pytest.fixture
def lead(make_user, leeds):
    return make_user(Role.PARTNERSHIP_LEAD, partnership=leeds)


@pytest.fixture
def secretariat(make_user):
    return make_user(Role.PANEL_SECRETARIAT)


def request_extension(review, by, reason=REASON, proposed_date=date(2024, 7, 15)):
    return services.rapid_review_extension_request(
        review=review, by=by, reason=reason, proposed_date=proposed_date
    )


def url(name, *args):
    return reverse(f"rapidreviews:{name}", args=args)


def date_fields(name, day: date | None) -> dict[str, str]:
    parts = (day.day, day.month, day.year) if day else ("", "", "")
    return {f"{name}_{i}": str(part) for i, part in enumerate(parts)}


# Asking for an extension.


def test_a_request_needs_a_reason(lead):
    review = DraftingReviewFactory()
    with pytest.raises(services.RapidReviewInvalid) as raised:
        request_extension(review, lead, reason="  ")
    assert raised.value.errors == {"reason": ["Enter why you need an extension"]}
    assert not review.extensions.exists()


@pytest.mark.parametrize(
    ("proposed", "message"),
    [
        (date(2024, 6, 28), "The proposed date must be after the current due date, 1 July 2024"),
        (DUE, "The proposed date must be after the current due date, 1 July 2024"),
        (date(2024, 7, 6), "The proposed date must be a working day"),  # a Saturday
        (date(2024, 8, 26), "The proposed date must be a working day"),  # summer bank holiday
        (None, "Enter the proposed date"),
        (date(2026, 7, 2), TOO_LATE),  # a Thursday, two years and a day after the due date
        (date(9999, 12, 31), TOO_LATE),
    ],
)
def test_the_proposed_date_is_a_working_day_after_the_due_date(lead, proposed, message):
    review = DraftingReviewFactory()
    with pytest.raises(services.RapidReviewInvalid) as raised:
        request_extension(review, lead, proposed_date=proposed)
    assert raised.value.errors == {"proposed_date": [message]}
    assert not review.extensions.exists()


def test_a_request_is_in_the_history_and_tells_the_secretariat(
    lead, secretariat, make_user, django_capture_on_commit_callbacks
):
    second = make_user(Role.PANEL_SECRETARIAT)
    make_user(Role.PANEL_SECRETARIAT, is_active=False)
    member = make_user(Role.PANEL_MEMBER)
    review = DraftingReviewFactory()
    with django_capture_on_commit_callbacks(execute=True):
        extension = request_extension(review, lead)
    extension.refresh_from_db()
    assert extension.status == RapidReviewExtension.Status.PENDING
    assert (extension.requested_by, extension.proposed_date) == (lead, date(2024, 7, 15))
    review.refresh_from_db()
    assert review.due_date == DUE  # nothing moves until the Panel decides
    event = audit_events_for(review).get()
    assert event.actor == lead
    assert event.message == f"Asked for an extension to 15 July 2024: {REASON}"
    [email] = mail.outbox
    assert email.to == sorted([secretariat.email, second.email])
    assert "from 1 July 2024 to 15 July 2024" in email.body
    assert REASON not in email.body  # case detail stays in the service
    decide = url("extension-decide", review.pk, extension.pk)
    assert decide in email.body
    inbox = InboxMessage.objects.filter(url=decide)
    assert {m.recipient for m in inbox} == {secretariat, second}
    assert not InboxMessage.objects.filter(recipient__in=[member, lead]).exists()


def test_only_one_request_waits_for_a_decision_at_a_time(lead, secretariat):
    review = DraftingReviewFactory()
    first = request_extension(review, lead)
    with pytest.raises(services.RapidReviewError, match="already been requested"):
        request_extension(review, lead, proposed_date=date(2024, 7, 22))
    services.rapid_review_extension_decide(
        extension=first, by=secretariat, approve=False, decision_reason="Not needed"
    )
    request_extension(review, lead, proposed_date=date(2024, 7, 8))
    assert review.extensions.count() == 2


def test_the_database_refuses_a_second_pending_request():
    pending = PendingExtensionFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        PendingExtensionFactory(review=pending.review, requested_by=pending.requested_by)


def test_the_database_refuses_an_approval_without_a_new_due_date():
    with pytest.raises(IntegrityError), transaction.atomic():
        PendingExtensionFactory(status="approved", new_due_date=None)


@pytest.mark.parametrize("role", [Role.PANEL_SECRETARIAT, Role.PANEL_MEMBER, Role.LA_USER])
def test_only_a_lead_of_the_partnership_asks(make_user, role):
    review = DraftingReviewFactory()
    other_lead = make_user(Role.PARTNERSHIP_LEAD)  # another partnership
    for user in (make_user(role), other_lead):
        with pytest.raises(services.RapidReviewError, match="Only a lead"):
            request_extension(review, user)
    assert not review.extensions.exists()


def test_a_submitted_review_cannot_be_extended(lead):
    review = SubmittedReviewFactory()
    with pytest.raises(services.RapidReviewError, match="submitted"):
        request_extension(review, lead)


# Deciding.


def test_approval_moves_the_due_date_keeps_the_original_and_tells_the_leads(
    lead, secretariat, make_user, leeds, django_capture_on_commit_callbacks
):
    second_lead = make_user(Role.PARTNERSHIP_LEAD, partnership=leeds)
    other_lead = make_user(Role.PARTNERSHIP_LEAD)
    extension = PendingExtensionFactory(requested_by=lead)
    review = extension.review
    with django_capture_on_commit_callbacks(execute=True):
        services.rapid_review_extension_decide(extension=extension, by=secretariat, approve=True)
    review.refresh_from_db()
    extension.refresh_from_db()
    assert (review.due_date, review.original_due_date) == (date(2024, 7, 15), DUE)
    assert extension.status == RapidReviewExtension.Status.APPROVED
    assert (extension.new_due_date, extension.decided_by) == (date(2024, 7, 15), secretariat)
    assert extension.decided_at is not None
    event = audit_events_for(review).first()
    assert event.actor == secretariat
    assert event.message == (
        "Extension approved by the Panel secretariat: now due 15 July 2024 (originally 1 July 2024)"
    )
    assert event.changes["due_date"] == ["2024-07-01", "2024-07-15"]
    [email] = mail.outbox
    assert email.to == sorted([lead.email, second_lead.email])
    assert "now due on 15 July 2024 (originally 1 July 2024)" in email.body
    assert {m.recipient for m in InboxMessage.objects.all()} == {lead, second_lead}
    assert not InboxMessage.objects.filter(recipient=other_lead).exists()


def test_the_secretariat_may_approve_a_different_date(secretariat):
    extension = PendingExtensionFactory()
    services.rapid_review_extension_decide(
        extension=extension, by=secretariat, approve=True, new_due_date=date(2024, 7, 10)
    )
    extension.review.refresh_from_db()
    assert extension.review.due_date == date(2024, 7, 10)
    assert extension.review.original_due_date == DUE


@pytest.mark.parametrize(
    ("new_due_date", "message"),
    [
        (DUE, "The new due date must be after the current due date, 1 July 2024"),
        (date(2024, 8, 26), "The new due date must be a working day"),
        (
            date(2026, 7, 2),
            "The new due date must be the same as or before 1 July 2026, 2 years after the "
            "current due date",
        ),
    ],
)
def test_an_approved_date_is_a_working_day_after_the_due_date(secretariat, new_due_date, message):
    extension = PendingExtensionFactory()
    with pytest.raises(services.RapidReviewInvalid) as raised:
        services.rapid_review_extension_decide(
            extension=extension, by=secretariat, approve=True, new_due_date=new_due_date
        )
    assert raised.value.errors == {"new_due_date": [message]}
    extension.refresh_from_db()
    assert extension.status == RapidReviewExtension.Status.PENDING


def test_a_second_extension_must_go_beyond_the_first(lead, secretariat):
    review = DraftingReviewFactory()
    services.rapid_review_extension_decide(
        extension=request_extension(review, lead), by=secretariat, approve=True
    )
    with pytest.raises(services.RapidReviewInvalid) as raised:
        request_extension(review, lead, proposed_date=date(2024, 7, 10))
    assert raised.value.errors["proposed_date"] == [
        "The proposed date must be after the current due date, 15 July 2024"
    ]
    request_extension(review, lead, proposed_date=date(2024, 7, 22))


def test_declining_needs_a_reason_and_leaves_the_due_date(
    lead, secretariat, django_capture_on_commit_callbacks
):
    extension = PendingExtensionFactory(requested_by=lead)
    with pytest.raises(services.RapidReviewInvalid) as raised:
        services.rapid_review_extension_decide(extension=extension, by=secretariat, approve=False)
    assert raised.value.errors == {"decision_reason": ["Enter why the extension is declined"]}
    with django_capture_on_commit_callbacks(execute=True):
        services.rapid_review_extension_decide(
            extension=extension, by=secretariat, approve=False, decision_reason="Not needed"
        )
    extension.refresh_from_db()
    extension.review.refresh_from_db()
    assert extension.status == RapidReviewExtension.Status.DECLINED
    assert (extension.decision_reason, extension.new_due_date) == ("Not needed", None)
    assert extension.review.due_date == DUE
    assert audit_events_for(extension.review).first().message == (
        "Extension to 15 July 2024 declined by the Panel secretariat: Not needed"
    )
    [email] = mail.outbox
    assert email.to == [lead.email]
    assert email.subject.endswith("extension declined")
    assert "still due on 1 July 2024" in email.body


@pytest.mark.parametrize("role", [Role.PARTNERSHIP_LEAD, Role.PANEL_MEMBER, Role.ADMINISTRATOR])
def test_only_the_secretariat_decides(make_user, leeds, role):
    extension = PendingExtensionFactory()
    user = make_user(role, **({"partnership": leeds} if role == Role.PARTNERSHIP_LEAD else {}))
    with pytest.raises(services.RapidReviewError, match="Only the Panel secretariat"):
        services.rapid_review_extension_decide(extension=extension, by=user, approve=True)
    extension.refresh_from_db()
    extension.review.refresh_from_db()
    assert extension.status == RapidReviewExtension.Status.PENDING
    assert extension.review.due_date == DUE


def test_a_decided_request_is_not_decided_again(secretariat):
    extension = DeclinedExtensionFactory()
    with pytest.raises(services.RapidReviewError, match="already been decided"):
        services.rapid_review_extension_decide(extension=extension, by=secretariat, approve=True)
    extension.review.refresh_from_db()
    assert extension.review.due_date == DUE


@time_machine.travel("2024-07-05 12:00 +01:00", tick=False)
def test_approving_after_a_late_submission_makes_it_on_time(secretariat):
    review = SubmittedReviewFactory(submitted_on_time=False, working_days_taken=19)
    extension = PendingExtensionFactory(review=review)
    services.rapid_review_extension_decide(extension=extension, by=secretariat, approve=True)
    review.refresh_from_db()
    assert review.submitted_on_time is True
    assert review.original_due_date == DUE  # reports can still count it late against this


# The queue and the home page.


def test_the_queue_marks_reviews_with_a_request_waiting(client, lead):
    waiting = PendingExtensionFactory().review
    DeclinedExtensionFactory()
    plain = RapidReviewFactory()
    rows = {r.pk: r.extension_pending for r in selectors.rapid_review_queue(user=lead)}
    assert rows[waiting.pk] is True
    assert rows[plain.pk] is False
    assert sum(rows.values()) == 1
    client.force_login(lead)
    html = client.get(url("review-queue")).content.decode()
    assert html.count("Extension requested") == 1
    row = html[html.index(waiting.notification.reference) :]
    assert row.index("Extension requested") < row.index("</tr>")


def test_the_queue_reads_requests_in_the_same_query(lead, django_assert_num_queries):
    for _ in range(3):
        PendingExtensionFactory()
    # One query for the reviews still to submit, one for the submitted: each reads its
    # reviews' requests in the same query.
    with django_assert_num_queries(2):
        assert all(r.extension_pending for r in selectors.rapid_review_queue(user=lead))


def test_the_secretariat_sees_requests_waiting_for_a_decision(secretariat, lead):
    PendingExtensionFactory()
    PendingExtensionFactory()
    DeclinedExtensionFactory()
    items = {item.title: item for item in attention_for(secretariat)}
    item = items["Extension requests waiting for a decision"]
    assert (item.count, item.url) == (2, url("review-queue") + "?extension_pending=on")
    assert "Extension requests waiting for a decision" not in {i.title for i in attention_for(lead)}


@time_machine.travel("2024-06-24 09:00 +01:00", tick=False)
def test_leads_see_reviews_due_within_five_working_days_or_overdue(lead, make_user):
    RapidReviewFactory(due_date=date(2024, 6, 20))  # overdue
    RapidReviewFactory(due_date=date(2024, 7, 1))  # the 5th working day
    RapidReviewFactory(due_date=date(2024, 7, 2))  # the 6th: not yet
    SubmittedReviewFactory(due_date=date(2024, 6, 20))  # done
    RapidReviewFactory(notification__local_authority=LocalAuthority.objects.get(name="Bristol"))
    title = "Rapid reviews due within 5 working days or overdue"
    item = {i.title: i for i in attention_for(lead)}[title]
    assert (item.count, item.url) == (2, url("review-queue"))
    other = make_user(Role.PARTNERSHIP_LEAD)
    assert title not in {i.title for i in attention_for(other)}


# The pages.


def test_the_request_page_shows_every_problem_and_keeps_what_was_typed(client, lead):
    review = DraftingReviewFactory()
    client.force_login(lead)
    page = url("extension-request", review.pk)
    assert client.get(page).status_code == 200
    response = client.post(page, {"reason": "", **date_fields("proposed_date", None)})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter why you need an extension" in html
    assert "Enter the proposed date" in html
    response = client.post(
        page, {"reason": "Typed reason", **date_fields("proposed_date", date(2024, 8, 26))}
    )
    html = response.content.decode()
    assert "The proposed date must be a working day" in html
    assert "Typed reason" in html
    assert 'value="26"' in html
    html = client.post(
        page, {"reason": "Typed reason", **date_fields("proposed_date", DUE)}
    ).content.decode()
    assert "The proposed date must be after the current due date, 1 July 2024" in html
    html = client.post(
        page, {"reason": "Why", "proposed_date_0": "31", "proposed_date_1": "2"}
    ).content.decode()
    assert "The proposed date must include a year" in html
    assert not review.extensions.exists()


def test_a_lead_requests_from_the_page_then_cannot_ask_again(client, lead):
    review = DraftingReviewFactory()
    client.force_login(lead)
    detail = client.get(url("review-detail", review.pk)).content.decode()
    assert f'href="{url("extension-request", review.pk)}"' in detail
    response = client.post(
        url("extension-request", review.pk),
        {"reason": REASON, **date_fields("proposed_date", date(2024, 7, 15))},
    )
    assert response.status_code == 302
    extension = review.extensions.get()
    assert (extension.reason, extension.proposed_date) == (REASON, date(2024, 7, 15))
    detail = client.get(url("review-detail", review.pk)).content.decode()
    assert "Waiting for a decision" in detail
    assert REASON in detail
    assert f'href="{url("extension-request", review.pk)}"' not in detail
    assert url("extension-decide", review.pk, extension.pk) not in detail
    assert "requested an extension to 15 July 2024" in detail  # the history
    response = client.get(url("extension-request", review.pk), follow=True)
    assert "already been requested" in response.content.decode()


def test_the_secretariat_declines_then_approves_from_the_page(client, secretariat, lead):
    extension = PendingExtensionFactory(requested_by=lead)
    review = extension.review
    client.force_login(secretariat)
    detail = client.get(url("review-detail", review.pk)).content.decode()
    page = url("extension-decide", review.pk, extension.pk)
    assert page in detail
    assert f'href="{url("extension-request", review.pk)}"' not in detail
    html = client.get(page).content.decode()
    assert 'value="15"' in html  # the proposed date, ready to approve
    html = client.post(page, {"decision": "decline", "decision_reason": ""}).content.decode()
    assert "Enter why the extension is declined" in html
    html = client.post(page, {}).content.decode()
    assert "Select whether you approve or decline the extension" in html
    html = client.post(
        page, {"decision": "approve", **date_fields("new_due_date", date(2024, 8, 26))}
    ).content.decode()
    assert "The new due date must be a working day" in html
    response = client.post(
        page, {"decision": "approve", **date_fields("new_due_date", date(2024, 7, 22))}
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert (review.due_date, review.original_due_date) == (date(2024, 7, 22), DUE)
    detail = client.get(url("review-detail", review.pk)).content.decode()
    assert "Approved" in detail
    assert "extended from the original due date of 1 July 2024" in detail
    assert client.get(page).status_code == 302  # already decided


def test_approving_with_the_date_left_blank_uses_the_proposed_date(client, secretariat):
    extension = PendingExtensionFactory()
    client.force_login(secretariat)
    response = client.post(
        url("extension-decide", extension.review.pk, extension.pk),
        {"decision": "approve", **date_fields("new_due_date", None)},
    )
    assert response.status_code == 302
    extension.review.refresh_from_db()
    assert extension.review.due_date == date(2024, 7, 15)


def test_another_partnerships_review_or_request_is_404(client, make_user):
    extension = PendingExtensionFactory()
    review = extension.review
    client.force_login(make_user(Role.PARTNERSHIP_LEAD))
    assert client.get(url("extension-request", review.pk)).status_code == 404
    assert client.post(url("extension-request", review.pk), {"reason": "x"}).status_code == 404
    assert client.get(url("extension-decide", review.pk, extension.pk)).status_code == 404
    assert not review.extensions.exclude(pk=extension.pk).exists()


def test_a_request_of_another_review_is_404(client, secretariat):
    extension = PendingExtensionFactory()
    other_review = DraftingReviewFactory()
    client.force_login(secretariat)
    assert client.get(url("extension-decide", other_review.pk, extension.pk)).status_code == 404
    response = client.post(url("extension-decide", other_review.pk, extension.pk))
    assert response.status_code == 404
    assert client.get(url("extension-decide", extension.review.pk, 999999)).status_code == 404


def test_only_the_right_roles_reach_the_pages(client, make_user, leeds):
    extension = PendingExtensionFactory()
    review = extension.review
    client.force_login(make_user(Role.PARTNERSHIP_LEAD, partnership=leeds))
    response = client.post(
        url("extension-decide", review.pk, extension.pk), {"decision": "approve"}
    )
    assert response.status_code == 403
    client.force_login(make_user(Role.PANEL_MEMBER))
    assert client.get(url("extension-request", review.pk)).status_code == 403
    assert client.get(url("extension-decide", review.pk, extension.pk)).status_code == 403
    extension.refresh_from_db()
    assert extension.status == RapidReviewExtension.Status.PENDING
    review.refresh_from_db()
    assert review.status == RapidReview.Status.DRAFTING
