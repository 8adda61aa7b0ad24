from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from analytics.importer import SYSTEM_USERNAME
from safeguarding.codes import Role
from safeguarding.demo import DEMO_AUTHENTICATOR_SECRET, DEMO_PASSWORD
from safeguarding.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # the demo reviews' documents


def run_seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_seed_demo_creates_one_account_per_role_and_prints_the_logins():
    output = run_seed()
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    # The demo's historic records are imported by the system account, which cannot sign in.
    system = User.objects.get(username=SYSTEM_USERNAME)
    assert not system.is_active and not system.has_usable_password()
    for user in User.objects.exclude(pk=system.pk):
        assert user.username in output
        assert user.check_password(DEMO_PASSWORD)
    assert f"Demo password: {DEMO_PASSWORD}" in output


def test_seed_demo_prints_the_authenticator_secret_and_its_codes_sign_in(client):
    from base64 import b32decode

    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    output = run_seed()

    assert f"Demo authenticator secret: {DEMO_AUTHENTICATOR_SECRET}" in output.splitlines()
    demo_users = User.objects.filter(is_active=True)
    key = b32decode(DEMO_AUTHENTICATOR_SECRET).hex()
    assert TOTPDevice.objects.filter(user__in=demo_users, confirmed=True, key=key).count() == (
        demo_users.count()
    )
    # What `oathtool --totp -b <secret>` or an authenticator app shows.
    code = f"{TOTP(b32decode(DEMO_AUTHENTICATOR_SECRET)).token():06d}"
    response = client.post("/sign-in/", {"username": "panel-member", "password": DEMO_PASSWORD})
    assert response["Location"] == "/"
    response = client.post("/second-factor/", {"code": code}, follow=True)
    assert response.redirect_chain == [("/", 302)]
    assert "What needs your attention" in response.content.decode()
    run_seed()  # again: the same secret, one device each
    assert TOTPDevice.objects.filter(user__in=demo_users).count() == demo_users.count()


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
    # Every SIN that needs a rapid review has one; the demo's looked-after death where abuse
    # or neglect is not suspected has none (issue 16).
    assert all(n.rapid_review.due_date for n in submitted if n.needs_rapid_review)
    looked_after = submitted.filter(abuse_or_neglect="not_suspected")
    assert looked_after.exists()
    assert not looked_after.filter(rapid_review__isnull=False).exists()
    count = Notification.objects.count()
    run_seed()
    assert Notification.objects.count() == count


def test_seed_demo_puts_rapid_reviews_in_every_state():
    from rapidreviews.models import RapidReview, RapidReviewExtension

    run_seed()
    statuses = set(RapidReview.objects.values_list("status", flat=True))
    assert statuses == {"not_started", "drafting", "submitted"}
    submitted = RapidReview.objects.filter(status="submitted")
    assert {True, False} <= set(submitted.values_list("submitted_on_time", flat=True))
    assert set(RapidReviewExtension.objects.values_list("status", flat=True)) == {
        "pending",
        "approved",
        "declined",
    }
    extended = RapidReview.objects.get(extensions__status="approved")
    assert extended.due_date > extended.original_due_date
    live = RapidReview.objects.exclude(notification__source="import")
    assert run_seed() and live.filter(status="submitted").count() == 2


def test_seed_demo_adds_a_panel_letter_and_an_lcspr(django_capture_on_commit_callbacks):
    from lcsprs.models import Lcspr
    from panel.models import PanelDecision, ResponseLetter

    with django_capture_on_commit_callbacks(execute=True):
        run_seed()  # the letter is rendered and sent after the seed commits
    live = PanelDecision.objects.exclude(review__notification__source="import")
    assert live.filter(outcome="disagree", is_current=True).count() == 1
    letter = ResponseLetter.objects.get()
    assert letter.status == ResponseLetter.Status.SENT
    assert letter.pdf.read(5) == b"%PDF-"
    lcspr = Lcspr.objects.get()
    assert lcspr.rapid_review.lcspr_decision == "lcspr"
    run_seed()
    assert (ResponseLetter.objects.count(), Lcspr.objects.count()) == (1, 1)


def test_seed_demo_proposes_a_national_review_once():
    from panel.models import NationalReview

    run_seed()
    run_seed()
    review = NationalReview.objects.get()
    assert review.status == NationalReview.Status.PROPOSED
    assert review.cases.get().rapid_review.notification.summary.startswith("Demo")


def test_seed_demo_loads_a_year_of_synthetic_figures_once():
    from analytics.models import StatisticsSnapshot
    from notifications.models import Notification

    output = run_seed()
    assert "330 synthetic 2023-24 record(s) imported" in output
    snapshot = StatisticsSnapshot.objects.get(year=2023)
    assert snapshot.status == StatisticsSnapshot.Status.SUCCEEDED
    assert snapshot.input_counts["sins"] == snapshot.input_counts["reviews"] == 330
    imported = Notification.objects.filter(source="import").count()
    output = run_seed()
    assert "0 synthetic 2023-24 record(s) imported" in output
    assert Notification.objects.filter(source="import").count() == imported == 330
    assert StatisticsSnapshot.objects.filter(year=2023).count() == 1
