"""The page frame every page shares: the account in the header (not in the menu or the phase
banner), the administrator's tools on one Administration page, and the reference pages
reachable without menu entries of their own."""

import re

import pytest
from django.urls import reverse

from safeguarding.codes import Role

from ..second_factor import authenticator_for, force_login_password_only

pytestmark = pytest.mark.django_db


def account_html(html: str) -> str:
    return re.search(r'<nav class="app-account".*?</nav>', html, re.S).group(0)


def test_the_header_names_the_person_and_offers_their_account_and_sign_out(client, make_user):
    user = make_user(Role.PARTNERSHIP_LEAD, first_name="Jordan", last_name="Placeholder")
    client.force_login(user)
    html = client.get(reverse("home")).content.decode()

    account = account_html(html)
    assert "Jordan Placeholder" in account
    assert f"Partnership lead, {user.partnership}" in account
    assert f'href="{reverse("home")}#your-account"' in account
    assert f'action="{reverse("logout")}"' in account
    assert 'id="your-account"' in html
    phase_banner = re.search(r'<div class="govuk-phase-banner">.*?</div>', html, re.S).group(0)
    assert "Placeholder" not in phase_banner


def test_before_the_second_factor_the_header_offers_only_sign_out(client, make_user):
    user = make_user(Role.LA_USER, first_name="Robin", last_name="Example")
    authenticator_for(user)
    force_login_password_only(client, user)
    html = client.get(reverse("second-factor-verify")).content.decode()

    account = account_html(html)
    assert "Sign out" in account
    assert "Robin Example" not in account
    assert "#your-account" not in account
    assert 'aria-label="Menu"' not in html


def test_administration_lists_the_administrators_tools(client, make_user):
    client.force_login(make_user(Role.ADMINISTRATOR))
    response = client.get(reverse("administration"))
    assert response.status_code == 200
    html = response.content.decode()
    for url_name in ["admin:index", "retention", "access-history", "local-authority-list"]:
        assert f'href="{reverse(url_name)}"' in html
    # The menu's Administration entry is the current one there and on its tools' pages.
    current = r'aria-current="page">\s*<strong[^>]*>Administration</strong>'
    assert re.search(current, html)
    assert re.search(current, client.get(reverse("retention")).content.decode())


@pytest.mark.parametrize("role", [Role.LA_USER, Role.PANEL_SECRETARIAT])
def test_only_administrators_see_administration(client, make_user, role):
    client.force_login(make_user(role))
    assert client.get(reverse("administration")).status_code == 403
    assert f'href="{reverse("administration")}"' not in client.get("/").content.decode()


def test_local_authorities_are_in_the_footer_for_everyone_signed_in(client, make_user):
    client.force_login(make_user(Role.LA_USER))
    footer = re.search(r"<footer.*?</footer>", client.get("/").content.decode(), re.S).group(0)
    assert f'href="{reverse("local-authority-list")}"' in footer
