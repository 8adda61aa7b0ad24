"""Work e-mail domains and requests for an account (issue 15, item 2): an organisation's
domains bind its invitations and requests; anyone may ask for an account (throttled, saying
nothing about who has one); the organisation's approvers, or the administrators when it has
none, are told and approve (an invitation) or reject with a reason (e-mailed); another
organisation's approver gets 404."""

import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safeguarding.account_requests import (
    AccountRequestConflict,
    account_request_approve,
    account_request_reject,
    account_request_submit,
)
from safeguarding.codes import Role
from safeguarding.errors import DomainInvalid
from safeguarding.models import (
    AccountRequest,
    AuditAction,
    AuditEvent,
    EmailDomain,
    InboxMessage,
    LocalAuthority,
    User,
)

LEEDS_DOMAIN = "leeds.example.gov.uk"


@pytest.fixture
def kent(db):
    return LocalAuthority.objects.get(name="Kent")


@pytest.fixture
def leeds_domain(leeds):
    return EmailDomain.objects.create(local_authority=leeds, domain=LEEDS_DOMAIN)


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _ask(client, capture, **overrides):
    data = {
        "first_name": "Sam",
        "last_name": "Socialworker",
        "email": f"sam.socialworker@{LEEDS_DOMAIN}",
        "role": Role.LA_USER,
        "local_authority": LocalAuthority.objects.get(name="Leeds").pk,
        "reason": "I am a social worker in Leeds' children's services",
        **overrides,
    }
    with capture(execute=True):
        return client.post(reverse("account-request"), data)


def _decide(client, capture, account_request, **data):
    data.setdefault("version", account_request.version)
    with capture(execute=True):
        return client.post(reverse("people-request-detail", args=[account_request.pk]), data)


# --- Domains -------------------------------------------------------------------------------------


def test_an_invitation_outside_the_organisations_domains_is_refused_next_to_the_field(
    make_user, leeds, leeds_domain, django_capture_on_commit_callbacks
):
    admin = _signed_in(make_user(Role.ADMINISTRATOR))
    data = {
        "first_name": "Alex",
        "last_name": "Example",
        "role": Role.LA_USER,
        "local_authority": leeds.pk,
        "is_approver": "no",
    }

    page = admin.post(reverse("people-invite"), {**data, "email": "alex@gmail.example.com"})

    assert page.status_code == 200
    content = page.content.decode()
    assert "Enter a Leeds work email address, ending in @leeds.example.gov.uk" in content
    assert 'href="#id_email"' in content  # in the error summary, linking to the field
    assert not User.objects.filter(email="alex@gmail.example.com").exists()
    # A subdomain is the organisation's own.
    with django_capture_on_commit_callbacks(execute=True):
        done = admin.post(
            reverse("people-invite"), {**data, "email": f"alex@childrens.{LEEDS_DOMAIN}"}
        )
    assert done.status_code == 302
    assert User.objects.get(email=f"alex@childrens.{LEEDS_DOMAIN}").is_invited
    # A look-alike is not.
    page = admin.post(reverse("people-invite"), {**data, "email": f"alex@not{LEEDS_DOMAIN}"})
    assert page.status_code == 200 and "ending in @leeds.example.gov.uk" in page.content.decode()


def test_an_approvers_invitation_is_held_to_the_domains_too(make_user, leeds, leeds_domain):
    approver = _signed_in(make_user(Role.LA_USER, local_authority=leeds, is_approver=True))

    page = approver.post(
        reverse("people-invite"),
        {
            "first_name": "Alex",
            "last_name": "Example",
            "email": "alex@elsewhere.example.org",
            "is_approver": "no",
        },
    )

    assert page.status_code == 200
    assert "ending in @leeds.example.gov.uk" in page.content.decode()
    assert not User.objects.filter(email="alex@elsewhere.example.org").exists()


def test_organisations_without_domains_and_national_roles_accept_any_address(
    make_user, kent, leeds_domain, django_capture_on_commit_callbacks
):
    admin = _signed_in(make_user(Role.ADMINISTRATOR))
    with django_capture_on_commit_callbacks(execute=True):
        kent_invite = admin.post(
            reverse("people-invite"),
            {
                "first_name": "Kim",
                "last_name": "Kentish",
                "email": "kim@anywhere.example.org",
                "role": Role.LA_USER,
                "local_authority": kent.pk,
                "is_approver": "no",
            },
        )
        panel_invite = admin.post(
            reverse("people-invite"),
            {
                "first_name": "Pat",
                "last_name": "Panel",
                "email": "pat@anywhere.example.org",
                "role": Role.PANEL_MEMBER,
                "is_approver": "no",
            },
        )
    assert kent_invite.status_code == 302 and panel_invite.status_code == 302


def test_an_administrator_adds_and_removes_a_domain_on_the_organisations_page(make_user, leeds):
    admin = _signed_in(make_user(Role.ADMINISTRATOR))
    url = reverse("local-authority-email-domains", args=[leeds.ons_code])

    detail = admin.get(reverse("local-authority-detail", args=[leeds.ons_code]))
    assert url in detail.content.decode()
    bad = admin.post(url, {"domain": "not a domain"})
    assert bad.status_code == 200
    assert "Enter a domain in the correct format" in bad.content.decode()
    added = admin.post(url, {"domain": " @Leeds.Example.GOV.uk "})
    assert added.status_code == 302
    domain = EmailDomain.objects.get(local_authority=leeds)
    assert domain.domain == LEEDS_DOMAIN
    again = admin.post(url, {"domain": LEEDS_DOMAIN})
    assert "Leeds already has leeds.example.gov.uk" in again.content.decode()
    assert (
        LEEDS_DOMAIN
        in admin.get(reverse("local-authority-detail", args=[leeds.ons_code])).content.decode()
    )

    removed = admin.post(
        reverse("local-authority-email-domain-remove", args=[leeds.ons_code]),
        {"domain": domain.pk},
    )
    assert removed.status_code == 302
    assert not EmailDomain.objects.exists()
    actions = set(
        AuditEvent.objects.filter(
            content_type=ContentType.objects.get_for_model(EmailDomain), object_id=str(domain.pk)
        ).values_list("action", flat=True)
    )
    assert actions == {AuditAction.CREATE, AuditAction.DELETE}


def test_a_partnerships_domains_bind_its_leads(make_user, leeds):
    admin = _signed_in(make_user(Role.ADMINISTRATOR))
    partnership = leeds.partnership
    admin.post(
        reverse("partnership-email-domains", args=[partnership.code]),
        {"domain": "leedsscp.example.org"},
    )

    page = admin.post(
        reverse("people-invite"),
        {
            "first_name": "Lee",
            "last_name": "Lead",
            "email": "lee@elsewhere.example.org",
            "role": Role.PARTNERSHIP_LEAD,
            "partnership": partnership.pk,
            "is_approver": "no",
        },
    )
    assert "ending in @leedsscp.example.org" in page.content.decode()


def test_only_administrators_edit_domains(make_user, leeds):
    approver = _signed_in(make_user(Role.LA_USER, local_authority=leeds, is_approver=True))
    url = reverse("local-authority-email-domains", args=[leeds.ons_code])

    assert approver.get(url).status_code == 403
    assert approver.post(url, {"domain": "evil.example.org"}).status_code == 403
    assert not EmailDomain.objects.exists()


# --- Asking --------------------------------------------------------------------------------------


def test_the_sign_in_page_links_to_asking_for_an_account(client, db):
    page = client.get(reverse("login"))
    assert reverse("account-request") in page.content.decode()
    assert client.get(reverse("account-request")).status_code == 200


def test_a_request_tells_the_organisations_approvers_by_email_and_inbox(
    client, make_user, leeds, kent, leeds_domain, django_capture_on_commit_callbacks
):
    approver = make_user(Role.LA_USER, local_authority=leeds, is_approver=True)
    colleague = make_user(Role.LA_USER, local_authority=leeds)
    kent_approver = make_user(Role.LA_USER, local_authority=kent, is_approver=True)
    admin = make_user(Role.ADMINISTRATOR)

    response = _ask(client, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert response["Location"] == reverse("account-request-sent")
    made = AccountRequest.objects.get()
    assert (made.status, made.role, made.local_authority) == ("pending", Role.LA_USER, leeds)
    assert [message.to for message in mail.outbox] == [[approver.email]]
    assert "Sam Socialworker" in mail.outbox[0].body
    assert reverse("people-request-detail", args=[made.pk]) in mail.outbox[0].body
    told = set(InboxMessage.objects.values_list("recipient", flat=True))
    assert told == {approver.pk}
    assert colleague.pk not in told and kent_approver.pk not in told and admin.pk not in told
    assert AuditEvent.objects.filter(
        action=AuditAction.SUBMIT, object_id=str(made.pk), message="Account requested"
    ).exists()
    # The approver sees it on their people page; Kent's approver does not.
    assert "Sam Socialworker" in _signed_in(approver).get(reverse("people-list")).content.decode()
    kent_page = _signed_in(kent_approver).get(reverse("people-list")).content.decode()
    assert "Sam Socialworker" not in kent_page


def test_without_an_approver_the_administrators_are_told(
    client, make_user, django_capture_on_commit_callbacks, leeds_domain
):
    admin = make_user(Role.ADMINISTRATOR)
    make_user(Role.LA_USER, local_authority=leeds_domain.local_authority)  # not an approver

    _ask(client, django_capture_on_commit_callbacks)

    assert [message.to for message in mail.outbox] == [[admin.email]]
    assert InboxMessage.objects.get().recipient == admin


def test_a_request_from_outside_the_domains_is_refused_with_the_domains_named(
    client, leeds_domain, django_capture_on_commit_callbacks
):
    response = _ask(client, django_capture_on_commit_callbacks, email="sam@gmail.example.com")

    assert response.status_code == 200
    content = response.content.decode()
    assert "Enter a Leeds work email address, ending in @leeds.example.gov.uk" in content
    assert 'href="#id_email"' in content
    assert 'value="sam@gmail.example.com"' in content  # what was typed is kept
    assert not AccountRequest.objects.exists()
    assert mail.outbox == []


def test_a_request_needs_its_organisation(client, db, django_capture_on_commit_callbacks):
    response = _ask(client, django_capture_on_commit_callbacks, local_authority="")
    assert response.status_code == 200
    assert "Choose your local authority" in response.content.decode()
    assert not AccountRequest.objects.exists()


def test_an_address_with_an_account_gets_the_same_answer_and_its_owner_an_email(
    client, make_user, leeds, leeds_domain, django_capture_on_commit_callbacks
):
    approver = make_user(Role.LA_USER, local_authority=leeds, is_approver=True)
    holder = make_user(Role.LA_USER, local_authority=leeds, email=f"holder@{LEEDS_DOMAIN}")

    known = _ask(client, django_capture_on_commit_callbacks, email=holder.email.upper())
    unknown = _ask(client, django_capture_on_commit_callbacks)

    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("account-request-sent")
    assert AccountRequest.objects.get().email == f"sam.socialworker@{LEEDS_DOMAIN}"
    # The holder is told (nobody else learns anything); the approver hears of one request.
    assert mail.outbox[0].to == [holder.email]
    assert "You already have an account" in mail.outbox[0].body
    assert [m.to for m in mail.outbox[1:]] == [[approver.email]]


def test_asking_again_while_a_request_waits_changes_nothing(
    client, make_user, leeds, leeds_domain, django_capture_on_commit_callbacks
):
    make_user(Role.LA_USER, local_authority=leeds, is_approver=True)
    _ask(client, django_capture_on_commit_callbacks)
    again = _ask(
        client, django_capture_on_commit_callbacks, email=f"Sam.Socialworker@{LEEDS_DOMAIN}"
    )

    assert again.status_code == 302 and again["Location"] == reverse("account-request-sent")
    assert AccountRequest.objects.count() == 1
    assert len(mail.outbox) == 1


def test_requests_are_throttled_per_client_address(
    client, settings, leeds_domain, django_capture_on_commit_callbacks
):
    settings.ACCOUNT_REQUEST_RATE = "2/hour"
    for n in range(2):
        response = _ask(
            client, django_capture_on_commit_callbacks, email=f"person{n}@{LEEDS_DOMAIN}"
        )
        assert response.status_code == 302

    refused = _ask(client, django_capture_on_commit_callbacks, email=f"person9@{LEEDS_DOMAIN}")

    assert refused.status_code == 429
    assert "You have sent too many requests for an account" in refused.content.decode()
    assert AccountRequest.objects.count() == 2


# --- Deciding ------------------------------------------------------------------------------------


@pytest.fixture
def waiting(client, leeds_domain, django_capture_on_commit_callbacks):
    _ask(client, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    return AccountRequest.objects.get()


def test_approving_invites_the_person_and_emails_their_link(
    make_user, leeds, waiting, django_capture_on_commit_callbacks
):
    approver = make_user(Role.LA_USER, local_authority=leeds, is_approver=True)

    response = _decide(
        _signed_in(approver), django_capture_on_commit_callbacks, waiting, decision="approve"
    )

    person = User.objects.get(email=waiting.email)
    assert response.status_code == 302
    assert response["Location"] == reverse("people-detail", args=[person.pk])
    assert person.is_invited and not person.is_active
    assert (person.role, person.local_authority) == (Role.LA_USER, leeds)
    waiting.refresh_from_db()
    assert (waiting.status, waiting.person, waiting.decided_by) == ("approved", person, approver)
    assert [m.to for m in mail.outbox] == [[waiting.email]]
    assert re.search(r"/invitation/[^/\s]+/", mail.outbox[0].body)
    assert AuditEvent.objects.filter(
        object_id=str(waiting.pk), message="Account request approved"
    ).exists()
    assert AuditEvent.objects.filter(
        action=AuditAction.INVITE,
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(person.pk),
    ).exists()


def test_rejecting_emails_the_reason(make_user, leeds, waiting, django_capture_on_commit_callbacks):
    approver = _signed_in(make_user(Role.LA_USER, local_authority=leeds, is_approver=True))

    no_reason = _decide(approver, django_capture_on_commit_callbacks, waiting, decision="reject")
    assert no_reason.status_code == 200
    assert "Enter the reason for rejecting" in no_reason.content.decode()
    response = _decide(
        approver,
        django_capture_on_commit_callbacks,
        waiting,
        decision="reject",
        decision_reason="Please ask your team manager to request this for you.",
    )

    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == "rejected"
    assert not User.objects.filter(email=waiting.email).exists()
    assert [m.to for m in mail.outbox] == [[waiting.email]]
    assert "Please ask your team manager to request this for you." in mail.outbox[0].body
    assert AuditEvent.objects.filter(
        object_id=str(waiting.pk), message="Account request rejected"
    ).exists()


def test_a_request_is_decided_once(make_user, leeds, waiting, django_capture_on_commit_callbacks):
    first = _signed_in(make_user(Role.LA_USER, local_authority=leeds, is_approver=True))
    second = _signed_in(make_user(Role.ADMINISTRATOR))
    seen = waiting.version  # both opened the page before either decided

    _decide(first, django_capture_on_commit_callbacks, waiting, decision="approve", version=seen)
    late = _decide(
        second,
        django_capture_on_commit_callbacks,
        waiting,
        decision="reject",
        decision_reason="No",
        version=seen,
    )

    assert late.status_code == 302
    page = second.get(late["Location"]).content.decode()
    assert "This request has already been approved" in page
    assert "Save decision" not in page
    waiting.refresh_from_db()
    assert waiting.status == "approved"
    assert len(mail.outbox) == 1  # the invitation only: no rejection e-mailed


def test_a_decision_on_the_version_seen_is_refused_once_the_request_is_decided(
    make_user, leeds, waiting, django_capture_on_commit_callbacks
):
    approver = make_user(Role.LA_USER, local_authority=leeds, is_approver=True)
    admin = make_user(Role.ADMINISTRATOR)
    seen = waiting.version
    with django_capture_on_commit_callbacks(execute=True):
        account_request_approve(account_request=waiting, by=approver, expected_version=seen)

    with pytest.raises(AccountRequestConflict):
        account_request_reject(
            account_request=waiting, by=admin, expected_version=seen, reason="No"
        )
    with pytest.raises(AccountRequestConflict):
        account_request_approve(account_request=waiting, by=admin, expected_version=None)

    waiting.refresh_from_db()
    assert waiting.status == "approved" and waiting.decided_by == approver


@pytest.mark.parametrize("method", ["get", "post"])
def test_another_organisations_approver_gets_404(make_user, kent, leeds, waiting, method):
    kent_approver = _signed_in(make_user(Role.LA_USER, local_authority=kent, is_approver=True))
    kent_lead = _signed_in(
        make_user(Role.PARTNERSHIP_LEAD, partnership=kent.partnership, is_approver=True)
    )
    leeds_colleague = _signed_in(make_user(Role.LA_USER, local_authority=leeds))
    url = reverse("people-request-detail", args=[waiting.pk])
    data = {"decision": "approve", "version": waiting.version} if method == "post" else None

    for client in (kent_approver, kent_lead, leeds_colleague):
        assert getattr(client, method)(url, data).status_code == 404
    waiting.refresh_from_db()
    assert waiting.status == "pending"
    assert not User.objects.filter(email=waiting.email).exists()


def test_a_partnership_approver_decides_their_partnerships_requests(
    client, make_user, leeds, django_capture_on_commit_callbacks
):
    lead_approver = make_user(
        Role.PARTNERSHIP_LEAD, partnership=leeds.partnership, is_approver=True
    )
    _ask(
        client,
        django_capture_on_commit_callbacks,
        email="lee.lead@example.org",
        role=Role.PARTNERSHIP_LEAD,
        local_authority="",
        partnership=leeds.partnership.pk,
    )
    made = AccountRequest.objects.get()
    assert made.partnership == leeds.partnership and made.local_authority is None
    assert mail.outbox[0].to == [lead_approver.email]

    _decide(_signed_in(lead_approver), django_capture_on_commit_callbacks, made, decision="approve")

    person = User.objects.get(email="lee.lead@example.org")
    assert (person.role, person.partnership) == (Role.PARTNERSHIP_LEAD, leeds.partnership)


def test_requests_are_throttled_per_address_typed(
    settings, leeds_domain, django_capture_on_commit_callbacks
):
    settings.ACCOUNT_REQUEST_RATE = "2/hour"
    for n in range(2):
        # Each from another client address: only the address typed is counted against it.
        client = Client(REMOTE_ADDR=f"192.0.2.{n + 1}")
        assert _ask(client, django_capture_on_commit_callbacks).status_code == 302
        # Each decided before the next, so that only the throttle can stop a new one.
        AccountRequest.objects.filter(status="pending").update(
            status="rejected", decided_at=timezone.now()
        )

    refused = _ask(Client(REMOTE_ADDR="192.0.2.9"), django_capture_on_commit_callbacks)

    assert refused.status_code == 429
    assert AccountRequest.objects.count() == 2
    assert not AccountRequest.objects.filter(status="pending").exists()


def test_approving_an_address_that_got_an_account_meanwhile_is_refused_and_stays_pending(
    make_user, leeds, waiting, django_capture_on_commit_callbacks
):
    approver = _signed_in(make_user(Role.LA_USER, local_authority=leeds, is_approver=True))
    make_user(Role.LA_USER, local_authority=leeds, email=waiting.email)

    response = _decide(approver, django_capture_on_commit_callbacks, waiting, decision="approve")

    assert response.status_code == 200
    assert "Someone already has an account with this email address" in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.status == "pending" and waiting.person is None
    assert mail.outbox == []


# --- Names, addresses, existing accounts (review) -------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["Sam\r\nBcc: someone@example.org", "Visit https://example.org now", "www.example.org"],
)
def test_a_name_with_a_line_break_or_a_web_address_is_refused_next_to_the_field(
    client, make_user, leeds, leeds_domain, django_capture_on_commit_callbacks, name
):
    make_user(Role.LA_USER, local_authority=leeds, is_approver=True)

    page = _ask(client, django_capture_on_commit_callbacks, last_name=name)

    assert page.status_code == 200
    content = page.content.decode()
    assert "Enter your last name without line breaks, web addresses or special characters" in (
        content
    )
    assert 'href="#id_last_name"' in content
    assert not AccountRequest.objects.exists()
    assert mail.outbox == []


def test_the_service_refuses_a_name_with_a_line_break_too(leeds, leeds_domain):
    with pytest.raises(DomainInvalid) as refused:
        account_request_submit(
            first_name="Sam\nBcc: x",
            last_name="Socialworker",
            email=f"sam@{LEEDS_DOMAIN}",
            role=Role.LA_USER,
            local_authority=leeds,
            partnership=None,
            reason="Work",
        )
    assert "first_name" in refused.value.errors
    assert not AccountRequest.objects.exists()


KELVIN_SIGN = "\u212a"


def test_an_address_with_a_look_alike_letter_is_refused_on_requests_and_invitations(
    client, make_user, leeds, leeds_domain, django_capture_on_commit_callbacks
):
    make_user(Role.LA_USER, local_authority=leeds, email=f"kim@{LEEDS_DOMAIN}")
    look_alike = f"{KELVIN_SIGN}im@{LEEDS_DOMAIN}"
    message = "Enter an email address using only letters a to z, numbers and . - _ + @"

    page = _ask(client, django_capture_on_commit_callbacks, email=look_alike)
    assert page.status_code == 200 and message in page.content.decode()
    assert not AccountRequest.objects.exists()

    admin = _signed_in(make_user(Role.ADMINISTRATOR))
    page = admin.post(
        reverse("people-invite"),
        {
            "first_name": "Kim",
            "last_name": "Example",
            "email": look_alike,
            "role": Role.LA_USER,
            "local_authority": leeds.pk,
            "is_approver": "no",
        },
    )
    assert page.status_code == 200 and message in page.content.decode()
    assert 'href="#id_email"' in page.content.decode()
    assert User.objects.filter(email__icontains="im@").count() == 1


@pytest.mark.parametrize(
    ("state", "asks"),
    [
        ({"is_active": False}, "account to be reactivated"),
        ({"is_invited": True}, "invitation to be sent again"),
    ],
)
def test_a_deactivated_or_invited_holder_gets_the_same_answer_and_their_approvers_are_asked(
    client, make_user, leeds, leeds_domain, django_capture_on_commit_callbacks, state, asks
):
    approver = make_user(Role.LA_USER, local_authority=leeds, is_approver=True)
    holder = make_user(Role.LA_USER, local_authority=leeds, email=f"holder@{LEEDS_DOMAIN}")
    User.objects.filter(pk=holder.pk).update(**state)

    response = _ask(client, django_capture_on_commit_callbacks, email=holder.email)

    assert response.status_code == 302
    assert response["Location"] == reverse("account-request-sent")
    to_approver = next(m for m in mail.outbox if m.to == [approver.email])
    assert asks in to_approver.subject and holder.email in to_approver.body
    assert InboxMessage.objects.filter(recipient=approver, subject__contains=asks).exists()
    to_holder = next(m for m in mail.outbox if m.to == [holder.email])
    assert "asked your organisation's approvers" in to_holder.body
    assert "ask for a new one here" not in to_holder.body  # no password reset advice
    assert AuditEvent.objects.filter(
        action=AuditAction.SUBMIT,
        actor=None,
        object_id=str(holder.pk),
        message="Account requested for an existing account",
    ).exists()


def test_a_request_for_an_existing_account_or_repeating_a_waiting_one_is_audited(
    make_user, leeds, leeds_domain, django_capture_on_commit_callbacks
):
    holder = make_user(Role.LA_USER, local_authority=leeds, email=f"holder@{LEEDS_DOMAIN}")
    client = Client(REMOTE_ADDR="192.0.2.7")

    _ask(client, django_capture_on_commit_callbacks, email=holder.email)
    _ask(client, django_capture_on_commit_callbacks)
    _ask(client, django_capture_on_commit_callbacks)

    existing = AuditEvent.objects.get(message="Account requested for an existing account")
    assert (existing.actor, existing.action, existing.object_id) == (
        None,
        AuditAction.SUBMIT,
        str(holder.pk),
    )
    assert existing.ip_address == "192.0.2.7"
    again = AuditEvent.objects.get(message="Account requested again while a request waits")
    assert again.actor is None and again.action == AuditAction.SUBMIT
    assert again.object_id == str(AccountRequest.objects.get().pk)
    assert again.ip_address == "192.0.2.7"
