"""The retention schedule's page in a browser: the demo administrator opens it from the menu,
reads what a run would do, runs it and reads what was done; each page passes the axe check."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from notifications.models import Notification
from safeguarding.demo import DEMO_PASSWORD, seed_demo_users
from safeguarding.models import LocalAuthority

from ..notifications.factories import DraftNotificationFactory
from .conftest import assert_accessible
from .test_sign_in_journeys import sign_in

pytestmark = pytest.mark.browser


def test_administrator_runs_the_retention_schedule_accessibly(page: Page):
    seed_demo_users()
    draft = DraftNotificationFactory(local_authority=LocalAuthority.objects.get(name="Leeds"))
    # Unchanged for 80 days: its authority is due its warning.
    Notification.objects.filter(pk=draft.pk).update(updated_at=timezone.now() - timedelta(days=80))
    sign_in(page, "administrator", DEMO_PASSWORD)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Administration").click()
    page.get_by_role("link", name="Retention schedule").click()

    expect(page.get_by_role("heading", name="Retention schedule", level=1)).to_be_visible()
    expect(page.get_by_role("row", name=f"{draft} Warn")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Run the retention schedule now").click()
    expect(page.get_by_text("Retention schedule applied: 1 warned")).to_be_visible()
    expect(page.get_by_text("Nothing is due.")).to_be_visible()
    assert_accessible(page)
    assert Notification.objects.get(pk=draft.pk).retention_warned_at is not None
