"""Password rules (settings.AUTH_PASSWORD_VALIDATORS): 12 characters or more, not a common
password, not like the person's own details, not all digits: enforced where a password is
chosen, on the change and the reset forms."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from safeguarding.codes import Role

pytestmark = pytest.mark.django_db

RULES = [
    ("Short-pass1", "This password is too short. It must contain at least 12 characters."),
    ("password1234", "This password is too common."),
    ("testperson-fortytwo", "The password is too similar to the"),
    ("482917364518", "This password is entirely numeric."),
]


@pytest.fixture
def person(make_user):
    return make_user(Role.LA_USER, username="testperson-fortytwo", email="tp42@example.org")


@pytest.mark.parametrize(("new", "message"), RULES)
def test_the_change_form_enforces_each_rule(client, person, password, new, message):
    client.force_login(person)

    response = client.post(
        reverse("password_change"),
        {"old_password": password, "new_password1": new, "new_password2": new},
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    person.refresh_from_db()
    assert person.check_password(password)


@pytest.mark.parametrize(("new", "message"), RULES)
def test_the_reset_form_enforces_each_rule(
    client, person, password, new, message, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": person.email})
    link = re.search(r"https?://[^/]+(/password-reset/\S+/)", mail.outbox[0].body).group(1)
    form_url = client.get(link, follow=True).redirect_chain[-1][0]

    response = client.post(form_url, {"new_password1": new, "new_password2": new})

    assert response.status_code == 200
    assert message in response.content.decode()
    person.refresh_from_db()
    assert person.check_password(password)


def test_a_long_uncommon_password_is_accepted_on_the_change_form(client, person, password):
    client.force_login(person)
    new = "quiet-lantern-orchard-9"

    response = client.post(
        reverse("password_change"),
        {"old_password": password, "new_password1": new, "new_password2": new},
    )

    assert response.status_code == 302
    person.refresh_from_db()
    assert person.check_password(new)
