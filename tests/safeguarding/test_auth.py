import re

import pytest
from django.core import mail
from django.urls import reverse

from safeguarding.codes import Role
from safeguarding.models import AuditAction, AuditEvent, OutboundEmail

from ..second_factor import authenticator_for, current_code

pytestmark = pytest.mark.django_db


def test_home_requires_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/sign-in/?next=/"


def test_sign_in_page_uses_the_govuk_layout(client):
    response = client.get(reverse("login"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="govuk-template govuk-template--rebranded"' in html
    assert "Child Safeguarding Incident Review" in html
    assert 'class="govuk-skip-link"' in html
    assert "govuk-phase-banner" in html


@pytest.mark.parametrize("role", list(Role))
def test_each_role_signs_in_to_its_home_page(client, make_user, password, role):
    user = make_user(role)
    device = authenticator_for(user)
    response = client.post(
        reverse("login"), {"username": user.username, "password": password}, follow=True
    )
    assert response.redirect_chain == [("/", 302), ("/second-factor/?next=%2F", 302)]
    response = client.post(
        response.request["PATH_INFO"] + "?next=/", {"code": current_code(device)}, follow=True
    )
    assert response.redirect_chain == [("/", 302)]
    html = response.content.decode()
    assert "What needs your attention" in html
    assert user.get_role_display() in html
    assert str(user.organisation) in html


def test_wrong_password_shows_an_error_summary_and_keeps_the_username(client, make_user):
    user = make_user(Role.LA_USER)
    response = client.post(reverse("login"), {"username": user.username, "password": "wrong"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html
    assert "There is a problem" in html
    assert "Enter a correct username and password" in html
    assert f'value="{user.username}"' in html
    assert "<title>Error: Sign in" in html
    failure = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED)
    assert failure.actor_username == user.username


def test_empty_sign_in_names_each_missing_field(client, db):
    html = client.post(reverse("login"), {"username": "", "password": ""}).content.decode()
    assert 'href="#id_username">Enter your username' in html
    assert 'href="#id_password">Enter your password' in html


@pytest.mark.parametrize(
    ("role", "visible", "hidden"),
    [
        (Role.LA_USER, ["Incident notifications", "Inbox"], ["Administration", "LCSPRs"]),
        (Role.PARTNERSHIP_LEAD, ["Rapid reviews", "LCSPRs"], ["Administration", "Panel queue"]),
        (Role.PANEL_MEMBER, ["Panel queue", "Statistics"], ["Administration"]),
        (Role.ADMINISTRATOR, ["Statistics", "Administration"], []),
    ],
)
def test_navigation_depends_on_the_role(client, make_user, role, visible, hidden):
    client.force_login(make_user(role))
    nav = re.search(
        r'<ul class="govuk-service-navigation__list".*?</ul>',
        client.get("/").content.decode(),
        re.S,
    ).group(0)
    for label in visible:
        assert label in nav
    for label in hidden:
        assert label not in nav
    # Reference pages and signing out are not menu entries: the menu fits one line.
    for label in ["Home", "Local authorities", "Retention", "Sign out"]:
        assert label not in nav


def test_sign_out_is_a_post_and_is_audited(client, make_user):
    user = make_user(Role.PANEL_MEMBER)
    client.force_login(user)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get("/").status_code == 302
    assert AuditEvent.objects.filter(actor=user, action=AuditAction.LOGOUT).exists()


def test_password_reset_sends_a_working_link(client, make_user, django_capture_on_commit_callbacks):
    user = make_user(Role.LA_USER, email="reset.me@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": "reset.me@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["reset.me@example.org"]
    assert user.username in message.body
    assert OutboundEmail.objects.get().status == OutboundEmail.Status.SENT

    link = re.search(r"https?://[^/]+(/password-reset/\S+/)", message.body).group(1)
    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    new_password = "a-much-longer-new-passphrase"
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new_password)
    assert AuditEvent.objects.filter(actor=user, action=AuditAction.PASSWORD_RESET).exists()


def test_password_reset_for_an_unknown_address_reveals_nothing(client, db):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_password_reset_rejects_a_malformed_address(client, db):
    html = client.post(reverse("password_reset"), {"email": "not-an-address"}).content.decode()
    assert "Enter an email address in the correct format" in html
    assert 'value="not-an-address"' in html
