"""Identifying fields and stored files are encrypted at rest, and the keys can be rotated
(issue 12, item 9)."""

from datetime import date
from io import StringIO
from pathlib import Path
from unittest import mock

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import FieldError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from notifications.models import Notification, NotificationChild
from safeguarding import crypto
from safeguarding.codes import Role
from safeguarding.models import AuditEvent
from tests.notifications.factories import NotificationChildFactory, SubmittedNotificationFactory

KEY_A = Fernet.generate_key().decode()
KEY_B = Fernet.generate_key().decode()
NAME = "Synthetic Childname"
POSTCODE = "LS1 4AP"
PDF = b"%PDF-1.7\nsynthetic letter body\n%%EOF\n"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


def raw_child(child) -> tuple[str, str]:
    table = "notifications_notificationchild"
    return raw(table, "name", child.pk), raw(table, "date_of_birth", child.pk)


def raw_postcode(notification) -> str:
    return raw("notifications_notification", "placement_postcode", notification.pk)


def make_case() -> NotificationChild:
    # Three encrypted values: the postcode, the child's name and date of birth (the notifier's
    # contact details, which the factory fills in, left out to keep the count).
    notification = SubmittedNotificationFactory(
        placement_postcode=POSTCODE, children=[], notifier_name="", notifier_email=""
    )
    return NotificationChildFactory(
        notification=notification,
        is_child_in_focus=True,
        name=NAME,
        date_of_birth=date(2016, 5, 4),
        age_years=8,
    )


def test_the_table_holds_ciphertext_and_the_orm_returns_plaintext():
    child = make_case()
    name, born = raw_child(child)
    postcode = raw_postcode(child.notification)
    for value in (name, born, postcode):
        assert value.startswith("gAAAAA")
    assert "Childname" not in name
    assert "2016" not in born
    assert "LS1" not in postcode

    child = NotificationChild.objects.select_related("notification").get(pk=child.pk)
    assert child.name == NAME
    assert child.date_of_birth == date(2016, 5, 4)
    assert child.notification.placement_postcode == POSTCODE


def test_the_same_name_twice_is_stored_as_different_tokens():
    first, second = make_case(), make_case()
    assert raw_child(first)[0] != raw_child(second)[0]


def test_absent_values_stay_queryable_and_other_lookups_are_refused():
    child = make_case()
    unnamed = NotificationChildFactory(notification=child.notification, name="")
    assert list(NotificationChild.objects.filter(name="")) == [unnamed]
    assert NotificationChild.objects.filter(date_of_birth__isnull=False).get() == child
    # The database holds tokens: comparing with a value would silently match nothing.
    with pytest.raises(FieldError):
        list(NotificationChild.objects.filter(name=NAME))
    with pytest.raises(FieldError):
        list(NotificationChild.objects.filter(date_of_birth__year=2016))
    with pytest.raises(FieldError):
        list(Notification.objects.filter(placement_postcode__startswith="LS"))


def test_rotation_re_encrypts_fields_and_files_under_the_new_key(settings):
    settings.FIELD_ENCRYPTION_KEYS = [KEY_A]
    child = make_case()
    path = default_storage.save("panel-letters/letter.pdf", ContentFile(PDF))
    before = (*raw_child(child), raw_postcode(child.notification))
    file_before = default_storage.read_raw(path)

    settings.FIELD_ENCRYPTION_KEYS = [KEY_B, KEY_A]
    call_command("rotate_encryption_keys", batch_size=1)

    settings.FIELD_ENCRYPTION_KEYS = [KEY_B]  # the old key is gone: everything still opens
    after = (*raw_child(child), raw_postcode(child.notification))
    assert all(old != new for old, new in zip(before, after, strict=True))
    assert default_storage.read_raw(path) != file_before
    child = NotificationChild.objects.select_related("notification").get(pk=child.pk)
    assert (child.name, child.date_of_birth) == (NAME, date(2016, 5, 4))
    assert child.notification.placement_postcode == POSTCODE
    with default_storage.open(path) as handle:
        assert handle.read() == PDF

    event = AuditEvent.objects.get(actor_username="rotate_encryption_keys")
    assert event.changes["rewritten_values"] == 3
    assert event.changes["rewritten_files"] == 1
    assert NAME not in str(event.changes) + event.message
    assert POSTCODE not in event.message


def test_a_second_rotation_changes_nothing(settings):
    settings.FIELD_ENCRYPTION_KEYS = [KEY_A]
    child = make_case()
    path = default_storage.save("letter.pdf", ContentFile(PDF))
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B, KEY_A]
    call_command("rotate_encryption_keys")
    stored = (raw_child(child), default_storage.read_raw(path))

    call_command("rotate_encryption_keys")

    assert (raw_child(child), default_storage.read_raw(path)) == stored
    second = AuditEvent.objects.filter(actor_username="rotate_encryption_keys").first()
    assert second.changes["rewritten_values"] == 0
    assert second.changes["current_values"] == 3


def test_rotation_encrypts_values_and_files_written_before_encryption():
    child = make_case()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE notifications_notificationchild SET name = %s, date_of_birth = %s "
            "WHERE id = %s",
            [NAME, "2016-05-04", child.pk],
        )
    legacy = Path(default_storage.path("rapid-reviews/old.pdf"))
    legacy.parent.mkdir(parents=True)
    legacy.write_bytes(PDF)  # as stored before encryption was turned on
    with default_storage.open("rapid-reviews/old.pdf") as handle:
        assert handle.read() == PDF  # readable meanwhile

    call_command("rotate_encryption_keys")

    name, born = raw_child(child)
    assert name.startswith("gAAAAA") and born.startswith("gAAAAA")
    child.refresh_from_db()
    assert (child.name, child.date_of_birth) == (NAME, date(2016, 5, 4))
    assert not legacy.read_bytes().startswith(b"%PDF")
    with default_storage.open("rapid-reviews/old.pdf") as handle:
        assert handle.read() == PDF


def test_rotation_refuses_to_pass_over_values_no_key_opens(settings):
    settings.FIELD_ENCRYPTION_KEYS = [KEY_A]
    child = make_case()
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B]  # key A was dropped too early
    with pytest.raises(CommandError, match="could not be decrypted"):
        call_command("rotate_encryption_keys")
    settings.FIELD_ENCRYPTION_KEYS = [KEY_A]
    child.refresh_from_db()
    assert child.name == NAME  # left as it was


def test_stored_files_are_ciphertext_on_disk_and_plaintext_when_opened():
    path = default_storage.save("panel-letters/letter.pdf", ContentFile(PDF))
    with open(default_storage.path(path), "rb") as handle:
        on_disk = handle.read()
    assert b"%PDF" not in on_disk
    assert b"synthetic letter body" not in on_disk
    with default_storage.open(path, "rb") as handle:
        assert handle.read() == PDF
    assert default_storage.size(path) == len(PDF)


def test_the_list_page_decrypts_only_the_page_it_shows(client, make_user):
    notifications = SubmittedNotificationFactory.create_batch(
        60, placement_postcode=POSTCODE, children=[]
    )
    NotificationChild.objects.bulk_create(
        NotificationChild(
            notification=n,
            child_reference="Child A",
            name=NAME,
            date_of_birth=date(2016, 5, 4),
            age_years=8,
            sex="female",
            harm="serious_harm",
            is_child_in_focus=True,
        )
        for n in notifications
    )
    client.force_login(make_user(Role.PANEL_SECRETARIAT))
    with mock.patch.object(crypto, "decrypt_str", wraps=crypto.decrypt_str) as decrypt:
        response = client.get(reverse("notifications:notification-list"))
    assert response.status_code == 200
    # A page of 25 SINs: at most its postcodes and its children's names and dates of birth.
    assert decrypt.call_count <= 25 * 3


def test_a_dry_run_counts_and_changes_nothing(settings):
    settings.FIELD_ENCRYPTION_KEYS = [KEY_A]
    child = make_case()
    stored = raw_child(child)
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B, KEY_A]
    out = StringIO()

    call_command("rotate_encryption_keys", dry_run=True, stdout=out)

    assert "Would rewrite 3 values and 0 files" in out.getvalue()
    assert raw_child(child) == stored
    assert not AuditEvent.objects.filter(actor_username="rotate_encryption_keys").exists()
