import re

import pytest
from django.test import Client
from django.urls import reverse

from safeguarding.codes import Role
from safeguarding.models import InboxMessage
from safeguarding.selectors import inbox_messages, inbox_unread_count
from safeguarding.services import inbox_mark_read, inbox_notify

pytestmark = pytest.mark.django_db


@pytest.fixture
def leeds_user(make_user):
    return make_user(Role.LA_USER)


def nav_html(client: Client) -> str:
    page = client.get("/").content.decode()
    return re.search(r'<ul class="govuk-service-navigation__list".*?</ul>', page, re.S).group(0)


def notify(user, subject="SIN-2024-000123 submitted by Leeds", **kwargs) -> None:
    inbox_notify(recipients=[user], subject=subject, **kwargs)


def test_notify_reaches_each_active_recipient_once(make_user):
    active = [make_user(Role.PANEL_MEMBER), make_user(Role.PANEL_SECRETARIAT)]
    inactive = make_user(Role.PANEL_MEMBER, is_active=False)

    created = inbox_notify(
        recipients=[*active, inactive, active[0]],
        subject="SIN-2024-000123 submitted by Leeds",
        body="Leeds submitted a notification about a serious incident.",
        url="/notifications/123/",
    )

    assert created == 2
    assert set(InboxMessage.objects.values_list("recipient", flat=True)) == {u.pk for u in active}
    message = InboxMessage.objects.get(recipient=active[0])
    assert message.subject == "SIN-2024-000123 submitted by Leeds"
    assert message.body == "Leeds submitted a notification about a serious incident."
    assert message.url == "/notifications/123/"
    assert message.read_at is None
    assert not InboxMessage.objects.filter(recipient=inactive).exists()


def test_a_dedupe_key_delivers_once_per_person(make_user):
    first, second = make_user(Role.PANEL_MEMBER), make_user(Role.PANEL_MEMBER)
    key = "sin-123-submitted"

    assert inbox_notify(recipients=[first], subject="Submitted", dedupe_key=key) == 1
    assert inbox_notify(recipients=[first, second], subject="Submitted", dedupe_key=key) == 1
    assert inbox_notify(recipients=[first, second], subject="Submitted", dedupe_key=key) == 0

    assert InboxMessage.objects.filter(recipient=first).count() == 1
    assert InboxMessage.objects.filter(recipient=second).count() == 1


def test_without_a_dedupe_key_each_call_delivers(leeds_user):
    notify(leeds_user)
    notify(leeds_user, dedupe_key="")
    assert InboxMessage.objects.filter(recipient=leeds_user).count() == 2


def test_a_long_subject_is_shortened_rather_than_failing(leeds_user):
    notify(leeds_user, subject="x" * 250)
    subject = InboxMessage.objects.get().subject
    assert len(subject) == 200
    assert subject.endswith("…")


def test_unread_count_shows_in_the_navigation(client, leeds_user):
    client.force_login(leeds_user)
    assert re.search(r">\s*Inbox\s*<", nav_html(client))

    for n in range(3):
        notify(leeds_user, subject=f"Message {n}")
    notify(leeds_user, subject="Already read")
    InboxMessage.objects.filter(subject="Already read").update(read_at="2024-05-24T10:00Z")

    nav = nav_html(client)
    assert "Inbox (3)" in nav
    assert nav.index("Incident notifications") < nav.index("Inbox (3)")
    assert f'href="{reverse("inbox")}"' in nav


def test_unread_notifications_need_attention_on_the_home_page(client, leeds_user):
    notify(leeds_user)
    notify(leeds_user)
    client.force_login(leeds_user)
    response = client.get("/")
    assert [(item.title, item.count, item.url) for item in response.context["attention"]] == [
        ("Unread messages in your inbox", 2, reverse("inbox"))
    ]


def test_inbox_lists_only_the_users_own_messages(client, leeds_user, make_user):
    other = make_user(Role.LA_USER)
    notify(leeds_user, subject="Mine, unread")
    notify(leeds_user, subject="Mine, read")
    InboxMessage.objects.filter(subject="Mine, read").update(read_at="2024-05-24T10:00Z")
    notify(other, subject="Someone else's")
    client.force_login(leeds_user)

    response = client.get(reverse("inbox"))

    html = response.content.decode()
    assert response.status_code == 200
    assert '<h1 class="govuk-heading-l">Inbox</h1>' in html
    assert "Mine, unread" in html
    assert "Mine, read" in html
    assert "Someone else&#x27;s" not in html
    assert html.count('<strong class="govuk-tag govuk-tag--blue">New</strong>') == 1
    assert html.index("Mine, read") < html.index("Mine, unread")  # newest first
    assert "csrfmiddlewaretoken" in html
    assert 'style="' not in html


def test_inbox_is_paginated_25_to_a_page(client, leeds_user):
    for n in range(30):
        notify(leeds_user, subject=f"Message number {n}")
    client.force_login(leeds_user)

    first = client.get(reverse("inbox")).content.decode()
    second = client.get(reverse("inbox"), {"page": 2}).content.decode()

    assert first.count("Message number") == 25
    assert second.count("Message number") == 5
    assert 'class="govuk-pagination"' in first
    assert "Message number 29" in first
    assert "Message number 0<" in second


def test_empty_inbox(client, leeds_user):
    client.force_login(leeds_user)
    html = client.get(reverse("inbox")).content.decode()
    assert "You have no messages." in html
    assert "Mark all as read" not in html


def test_inbox_needs_sign_in(client, leeds_user):
    notify(leeds_user)
    message = InboxMessage.objects.get()
    response = client.get(reverse("inbox"))
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")
    assert client.post(reverse("inbox-open", args=[message.pk])).status_code == 302
    message.refresh_from_db()
    assert message.read_at is None


def test_opening_a_message_marks_it_read_and_follows_its_link(client, leeds_user):
    notify(leeds_user, url="/local-authorities/E08000035/")
    message = InboxMessage.objects.get()
    client.force_login(leeds_user)

    response = client.post(reverse("inbox-open", args=[message.pk]))

    assert response.status_code == 302
    assert response["Location"] == "/local-authorities/E08000035/"
    message.refresh_from_db()
    assert message.read_at is not None
    assert inbox_unread_count(user=leeds_user) == 0


@pytest.mark.parametrize("url", ["", "https://elsewhere.example/phish", "//elsewhere.example/"])
def test_a_message_without_a_safe_link_opens_back_to_the_inbox(client, leeds_user, url):
    notify(leeds_user, url=url)
    message = InboxMessage.objects.get()
    client.force_login(leeds_user)
    response = client.post(reverse("inbox-open", args=[message.pk]))
    assert response["Location"] == reverse("inbox")
    message.refresh_from_db()
    assert message.read_at is not None


def test_opening_is_a_post(client, leeds_user):
    notify(leeds_user)
    message = InboxMessage.objects.get()
    client.force_login(leeds_user)
    assert client.get(reverse("inbox-open", args=[message.pk])).status_code == 405
    message.refresh_from_db()
    assert message.read_at is None


def test_opening_needs_the_csrf_token(leeds_user):
    notify(leeds_user)
    message = InboxMessage.objects.get()
    client = Client(enforce_csrf_checks=True)
    client.force_login(leeds_user)
    assert client.post(reverse("inbox-open", args=[message.pk])).status_code == 403
    message.refresh_from_db()
    assert message.read_at is None


def test_another_users_message_is_not_found(client, leeds_user, make_user):
    other = make_user(Role.PANEL_MEMBER)
    notify(other, url="/local-authorities/E08000035/")
    message = InboxMessage.objects.get()
    client.force_login(leeds_user)

    assert client.post(reverse("inbox-open", args=[message.pk])).status_code == 404
    assert client.post(reverse("inbox-open", args=[message.pk + 1000])).status_code == 404
    message.refresh_from_db()
    assert message.read_at is None


def test_reading_again_keeps_the_first_read_time(leeds_user):
    notify(leeds_user)
    message = InboxMessage.objects.get()
    first = inbox_mark_read(user=leeds_user, message_id=message.pk).read_at
    assert inbox_mark_read(user=leeds_user, message_id=message.pk).read_at == first
    message.refresh_from_db()
    assert message.read_at == first


def test_mark_all_as_read(client, leeds_user, make_user):
    other = make_user(Role.LA_USER)
    for n in range(3):
        notify(leeds_user, subject=f"Message {n}")
    notify(other)
    client.force_login(leeds_user)
    assert "Mark all as read" in client.get(reverse("inbox")).content.decode()

    response = client.post(reverse("inbox-read-all"), follow=True)

    assert response.redirect_chain == [(reverse("inbox"), 302)]
    html = response.content.decode()
    assert "All your messages are marked as read." in html
    assert "New</strong>" not in html
    assert "Mark all as read" not in html
    assert not inbox_messages(user=leeds_user).filter(read_at__isnull=True).exists()
    assert inbox_unread_count(user=other) == 1
    assert client.get(reverse("inbox-read-all")).status_code == 405
