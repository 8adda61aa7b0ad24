import pytest
from django.db import DatabaseError, transaction
from django.test import Client
from django.urls import reverse

from safeguarding.audit import audit_events_for, audit_log
from safeguarding.codes import Role
from safeguarding.models import AuditAction, AuditEvent, LocalAuthority

pytestmark = pytest.mark.django_db


def test_sign_in_is_recorded_with_who_and_where(client, make_user, password):
    user = make_user(Role.LA_USER)
    client.post(
        reverse("login"),
        {"username": user.username, "password": password},
        REMOTE_ADDR="192.0.2.10",
        HTTP_USER_AGENT="TestBrowser/1.0",
    )
    event = AuditEvent.objects.get(action=AuditAction.LOGIN)
    assert event.actor == user
    assert event.actor_username == user.username
    assert event.ip_address == "192.0.2.10"
    assert event.user_agent == "TestBrowser/1.0"
    assert event.request_path == "/sign-in/"


def test_forwarded_address_is_used_only_when_trusted(client, make_user, password, settings):
    user = make_user(Role.LA_USER)
    credentials = {"username": user.username, "password": password}
    # The proxy (10.0.0.1) appended the address it saw; the first entry is the client's claim.
    headers = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.9, 198.51.100.7"}
    client.post(reverse("login"), credentials, **headers)
    settings.AUDIT_TRUST_X_FORWARDED_FOR = True
    Client().post(reverse("login"), credentials, **headers)
    addresses = list(
        AuditEvent.objects.filter(action=AuditAction.LOGIN)
        .order_by("id")
        .values_list("ip_address", flat=True)
    )
    assert addresses == ["10.0.0.1", "198.51.100.7"]


def test_audit_log_records_the_object_and_its_history(make_user):
    user = make_user(Role.ADMINISTRATOR)
    leeds = LocalAuthority.objects.get(name="Leeds")
    audit_log(actor=user, action=AuditAction.EXPORT, obj=leeds, changes={"format": "csv"})
    audit_log(actor=user, action=AuditAction.UPDATE, obj=leeds)
    audit_log(actor=user, action=AuditAction.VIEW, obj=leeds)  # a read: not its history
    history = list(audit_events_for(leeds))
    assert [event.action for event in history] == [AuditAction.UPDATE, AuditAction.EXPORT]
    assert history[1].changes == {"format": "csv"}
    assert history[1].object_repr == "Leeds"


@pytest.mark.parametrize("operation", ["update", "delete"])
def test_the_database_refuses_to_change_or_delete_audit_events(make_user, operation):
    user = make_user(Role.ADMINISTRATOR)
    event = audit_log(actor=user, action=AuditAction.VIEW, obj=user)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        if operation == "update":
            AuditEvent.objects.filter(pk=event.pk).update(message="rewritten")
        else:
            AuditEvent.objects.filter(pk=event.pk).delete()
    event.refresh_from_db()
    assert event.message == ""


def test_administrators_can_read_but_not_change_the_audit_trail_in_the_admin(client, make_user):
    admin = make_user(Role.ADMINISTRATOR)
    event = audit_log(actor=admin, action=AuditAction.VIEW, obj=admin)
    client.force_login(admin)
    assert client.get(reverse("admin:safeguarding_auditevent_changelist")).status_code == 200
    change_url = reverse("admin:safeguarding_auditevent_change", args=[event.pk])
    page = client.get(change_url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert client.post(change_url, {"message": "rewritten"}).status_code == 403
    delete_url = reverse("admin:safeguarding_auditevent_delete", args=[event.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:safeguarding_auditevent_add")).status_code == 403
    event.refresh_from_db()
    assert event.message == ""
