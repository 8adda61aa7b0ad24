"""Every link of every error summary moves focus to an input of its field (issue 13, item 1):
the first radio of a radio group, the day box (or first empty box) of a date, the input
otherwise; an error of the whole form goes to its first field. Each form is sent empty or with
bad values by the person who uses it, and each page with errors is checked with axe."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from rapidreviews.models import RapidReview
from safeguarding.demo import seed_demo_users
from safeguarding.models import User
from safeguarding.workingdays import add_working_days

from ..lcsprs.factories import InProgressLcsprFactory
from ..notifications.factories import DraftNotificationFactory
from ..panel.factories import PanelReviewFactory
from ..rapidreviews.factories import DraftingReviewFactory, PendingExtensionFactory
from .conftest import CODE_PAGE_HEADING, assert_accessible, enter_code, sign_in

pytestmark = pytest.mark.browser

# Where focus is after a link was followed: "" when it is on an input of the field whose error
# the link repeats (the field's group shows the same message), or, for an error shown only in
# the summary (the whole form's), on the form's first input; else what is wrong.
FOCUS_PROBLEM = """(text) => {
  const el = document.activeElement;
  const isInput = (e) => ['INPUT', 'SELECT', 'TEXTAREA'].includes(e.tagName) && e.type !== 'hidden';
  if (!el || !isInput(el)) return `focus is on <${el ? el.tagName.toLowerCase() : 'nothing'}>`;
  const says = (scope) => [...scope.querySelectorAll('.govuk-error-message')]
    .some((message) => message.textContent.includes(text));
  const group = el.closest('.govuk-form-group--error');
  if (group && says(group)) return '';
  if (!says(document) && el.form && [...el.form.elements].find(isInput) === el) return '';
  return `focus is on the input named "${el.name}", not on the field whose error is "${text}"`;
}"""


def assert_every_error_link_focuses_its_field(page: Page, expected: int | None = None) -> int:
    """Follow each link of the page's error summary (the first with Enter, the rest by clicking)
    and check where focus lands; check the page with axe. Returns how many links there were."""
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    assert_accessible(page)
    links = summary.get_by_role("link")
    count = links.count()
    assert count >= (expected or 1), f"{page.url}: {count} error links"
    for index in range(count):
        link = links.nth(index)
        text = link.inner_text().strip()
        page.evaluate("() => document.activeElement && document.activeElement.blur()")
        if index == 0:
            link.focus()
            page.keyboard.press("Enter")
        else:
            link.click()
        problem = page.evaluate(FOCUS_PROBLEM, text)
        assert problem == "", f"{page.url}, link {text!r}: {problem}"
    return count


def fill_date(page: Page, legend: str, day: str = "", month: str = "", year: str = "") -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(day)
    group.get_by_label("Month").fill(month)
    group.get_by_label("Year").fill(year)


def test_sign_in_code_and_password_change_errors_focus_their_fields(page: Page):
    seed_demo_users()
    page.goto("/sign-in/")
    page.get_by_role("button", name="Sign in").click()
    assert_every_error_link_focuses_its_field(page, expected=2)

    # A wrong password is the whole form's error: it goes to the first field, the username.
    page.get_by_label("Username").fill("la-user")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    assert_every_error_link_focuses_its_field(page, expected=1)

    sign_in(page, "la-user")
    page.goto("/account/password/")
    page.get_by_role("button", name="Change password").click()
    assert_every_error_link_focuses_its_field(page, expected=3)


def test_second_factor_code_error_focuses_the_code(page: Page):
    seed_demo_users()
    page.goto("/sign-in/")
    page.get_by_label("Username").fill("panel-member")
    page.get_by_label("Password").fill("demo-safeguarding-2026")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name=CODE_PAGE_HEADING, level=1)).to_be_visible()
    page.get_by_label("Code from your authenticator app").fill("12")
    page.get_by_role("button", name="Continue").click()
    assert_every_error_link_focuses_its_field(page, expected=1)
    enter_code(page, "panel-member")
    expect(page.get_by_role("heading", name=CODE_PAGE_HEADING, level=1)).to_have_count(0)


def test_notification_forms_errors_focus_their_fields(page: Page):
    seed_demo_users()
    draft = DraftNotificationFactory(created_by=User.objects.get(username="la-user"))
    sign_in(page, "la-user")

    # Incident details: two dates (one part-filled) and the reason's radios.
    page.goto(f"/notifications/{draft.pk}/incident/")
    fill_date(page, "When did the incident happen?", day="3")
    page.get_by_role("button", name="Save and continue").click()
    assert_every_error_link_focuses_its_field(page, expected=3)

    # A child: text, number and two radio groups.
    page.goto(f"/notifications/{draft.pk}/children/add/")
    page.get_by_label("Age on the date of the incident").fill("two")
    page.get_by_role("button", name="Save child").click()
    assert_every_error_link_focuses_its_field(page, expected=3)

    # Circumstances: radios and the summary.
    page.goto(f"/notifications/{draft.pk}/circumstances/")
    page.get_by_role("button", name="Save and continue").click()
    assert_every_error_link_focuses_its_field(page, expected=2)

    # Where and how it happened (issue 16): a time, a select and a follow-on text.
    page.goto(f"/notifications/{draft.pk}/where-and-how/")
    page.get_by_label("What time did the incident happen? (if known)").fill("25:99")
    page.get_by_role("radio", name="Elsewhere in England").check()
    page.get_by_role("group", name="In what setting did it happen?").get_by_label(
        "Other", exact=True
    ).check()
    page.get_by_role("button", name="Save and continue").click()
    assert_every_error_link_focuses_its_field(page, expected=3)

    # Notifier and sign-off: a telephone number and an e-mail address.
    page.goto(f"/notifications/{draft.pk}/notifier/")
    page.get_by_label("Your telephone number (optional)").fill("12345")
    page.get_by_label("Your email address").fill("not an address")
    page.get_by_role("button", name="Save and continue").click()
    assert_every_error_link_focuses_its_field(page, expected=2)


def test_rapid_review_and_lcspr_forms_errors_focus_their_fields(page: Page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    seed_demo_users()
    today = timezone.localdate()
    review = DraftingReviewFactory(
        due_date=add_working_days(today, 5), original_due_date=add_working_days(today, 5)
    )
    lcspr = InProgressLcsprFactory()
    sign_in(page, "partnership-lead")

    # A section with radios and a number: a bad age.
    page.goto(f"/rapid-reviews/{review.pk}/child/")
    page.get_by_label("Age at the incident").fill("nine")
    page.get_by_role("button", name="Save section").click()
    assert_every_error_link_focuses_its_field(page, expected=1)

    # The extension request: no reason, a date with only its day.
    page.goto(f"/rapid-reviews/{review.pk}/extension/")
    fill_date(page, "When will you send the rapid review to the Panel?", day="12")
    page.get_by_role("button", name="Send request").click()
    assert_every_error_link_focuses_its_field(page, expected=2)

    # The LCSPR's planned publication date, on its page among the other steps' forms.
    page.goto(f"/lcsprs/{lcspr.pk}/")
    planned = page.locator("form", has=page.get_by_role("button", name="Save the planned date"))
    planned.get_by_label("Year").fill(str(today.year))
    planned.get_by_role("button", name="Save the planned date").click()
    assert_every_error_link_focuses_its_field(page, expected=1)


def test_extension_decision_errors_focus_their_fields(page: Page):
    seed_demo_users()
    extension = PendingExtensionFactory(
        review__due_date=timezone.localdate() + timedelta(days=7),
        proposed_date=timezone.localdate() + timedelta(days=21),
    )
    sign_in(page, "panel-secretariat")
    page.goto(f"/rapid-reviews/{extension.review.pk}/extension/{extension.pk}/decide/")
    fill_date(page, "New due date (if you approve)", day="x", month="1", year="2030")
    page.get_by_role("button", name="Save decision").click()
    assert_every_error_link_focuses_its_field(page, expected=2)


def test_panel_decision_errors_focus_their_fields(page: Page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    seed_demo_users()
    review = PanelReviewFactory()
    assert review.status == RapidReview.Status.SUBMITTED
    sign_in(page, "panel-member")
    page.goto(f"/panel/reviews/{review.pk}/decision/")
    page.get_by_role("button", name=re.compile("Record the decision")).click()
    assert_every_error_link_focuses_its_field(page, expected=7)


def test_statistics_import_error_focuses_the_file_input(page: Page):
    seed_demo_users()
    sign_in(page, "administrator")
    page.goto("/statistics/import/")
    page.get_by_role("button", name="Upload file").click()
    assert_every_error_link_focuses_its_field(page, expected=1)
