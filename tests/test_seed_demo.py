from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from safeguarding.codes import Role
from safeguarding.demo import DEMO_PASSWORD
from safeguarding.models import User

pytestmark = pytest.mark.django_db


def run_seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_seed_demo_creates_one_account_per_role_and_prints_the_logins():
    output = run_seed()
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    for user in User.objects.all():
        assert user.username in output
        assert user.check_password(DEMO_PASSWORD)
    assert f"Demo password: {DEMO_PASSWORD}" in output


def test_seed_demo_twice_duplicates_nothing():
    run_seed()
    counts = User.objects.count()
    output = run_seed()
    assert User.objects.count() == counts
    assert "already there" in output


def test_seed_demo_refuses_production(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="Refusing"):
        call_command("seed_demo", stdout=StringIO())
    assert not User.objects.exists()


def test_seed_demo_adds_submitted_and_draft_sins_for_several_authorities_once():
    from notifications.models import Notification

    run_seed()
    submitted = Notification.objects.filter(status=Notification.Status.SUBMITTED)
    drafts = Notification.objects.filter(status=Notification.Status.DRAFT)
    assert submitted.values("local_authority").distinct().count() >= 3
    assert drafts.exists()
    assert submitted.filter(notified_on_time=False).exclude(lateness_reason="").exists()
    assert all(n.rapid_review.due_date for n in submitted)
    count = Notification.objects.count()
    run_seed()
    assert Notification.objects.count() == count
