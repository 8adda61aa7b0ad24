"""The inbox's filters: unread only, received between dates, words in the subject; each
keeps the true count and the other filters across pages."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from safeguarding.codes import Role
from safeguarding.models import InboxMessage
from safeguarding.services import inbox_notify

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(client, make_user):
    user = make_user(Role.LA_USER)
    client.force_login(user)
    return user


def message(user, subject: str, *, received: datetime, read: bool = False) -> InboxMessage:
    inbox_notify(recipients=[user], subject=subject)
    sent = InboxMessage.objects.filter(recipient=user).latest("id")
    InboxMessage.objects.filter(pk=sent.pk).update(
        created_at=received, read_at=received if read else None
    )
    return sent


def subjects(response) -> list[str]:
    return [m.subject for m in response.context["listing"].page]


def test_unread_only_counts_all_unread_and_page_two_keeps_the_filter(client, reader):
    for n in range(27):
        message(reader, f"Unread {n:02d}", received=datetime(2025, 1, 1 + n, tzinfo=UTC))
    message(reader, "Already read", received=datetime(2025, 3, 1, tzinfo=UTC), read=True)

    first = client.get(reverse("inbox"), {"unread": "on"})
    html = first.content.decode()
    assert "27 messages" in html
    assert "Already read" not in html
    assert "unread=on&amp;page=2" in html
    second = client.get(reverse("inbox"), {"unread": "on", "page": 2})
    assert subjects(second) == ["Unread 01", "Unread 00"]


def test_received_between_dates_and_subject_search_narrow_the_inbox(client, reader):
    message(reader, "SIN-2024-000001 submitted", received=datetime(2025, 1, 10, tzinfo=UTC))
    message(reader, "Rapid review due soon", received=datetime(2025, 2, 10, tzinfo=UTC))
    message(reader, "SIN-2024-000002 submitted", received=datetime(2025, 3, 10, tzinfo=UTC))
    url = reverse("inbox")
    dates = {"received_from": "1/2/2025", "received_to": "28/2/2025"}
    assert subjects(client.get(url, dates)) == ["Rapid review due soon"]
    assert subjects(client.get(url, {"subject": "submitted"})) == [
        "SIN-2024-000002 submitted",
        "SIN-2024-000001 submitted",
    ]
    none = client.get(url, {"subject": "nothing like this"}).content.decode()
    assert "0 messages" in none and "No messages match." in none


def test_another_persons_messages_never_match(client, reader, make_user):
    message(make_user(Role.LA_USER), "Someone else's", received=datetime(2025, 1, 1, tzinfo=UTC))
    assert subjects(client.get(reverse("inbox"), {"subject": "else"})) == []


def test_a_wrong_date_is_explained_and_kept(client, reader):
    message(reader, "Hello", received=datetime(2025, 1, 1, tzinfo=UTC))
    response = client.get(reverse("inbox"), {"received_from": "yesterday"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html and "Enter a date, like 1/4/2025" in html
    assert 'value="yesterday"' in html
    assert subjects(response) == ["Hello"]
