"""The service on a phone: at 390 x 844 px, each role's main pages never scroll sideways (the
document is no wider than the viewport) and pass the axe check; the menu opens from its "Menu"
button. The demo dataset gives every page real content: long references, tables, summaries."""

import re
from collections.abc import Callable

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from lcsprs.models import Lcspr
from notifications.models import Notification
from panel.models import PanelDecision
from rapidreviews.models import RapidReview
from safeguarding.demo import DEMO_LOADERS, DEMO_PASSWORD, seed_demo_reminders, seed_demo_users

from .conftest import (
    CODE_PAGE_HEADING,
    DatabaseCopy,
    assert_accessible,
    axe_violations,
    sign_in,
)
from .test_layout import region_findings

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def demo_copy(django_db_blocker, tmp_path_factory):
    """The demo data, built by the first test that needs it and kept aside for the others (they
    only read it; each test's flush empties the tables, and `demo` puts the rows back)."""
    copy = DatabaseCopy("browser_demo_copy")
    copy.media_root = tmp_path_factory.mktemp("demo-media")  # the demo reviews' documents
    yield copy
    with django_db_blocker.unblock():
        copy.drop()


@pytest.fixture
def demo(settings, demo_copy, transactional_db):
    """The demo dataset (`make run`'s): SINs, reviews, a decision and letter, LCSPRs, inbox
    reminders; the year of statistics only for those who read it (it takes longest)."""
    settings.MEDIA_ROOT = demo_copy.media_root
    if demo_copy.saved:
        demo_copy.restore()
        return
    seed_demo_users()
    for app, load in DEMO_LOADERS.items():
        if app != "analytics":
            load()
    seed_demo_reminders()
    demo_copy.save()


@pytest.fixture
def demo_statistics(demo):
    DEMO_LOADERS["analytics"]()


def overflow(page: Page) -> list[str]:
    """Why the page scrolls sideways: the elements that reach past the viewport's right edge
    (empty when the document is no wider than the viewport)."""
    return page.evaluate(
        """() => {
            const width = window.innerWidth;
            if (document.documentElement.scrollWidth <= width) return [];
            // A scrolling container (a statistics table's) clips what is inside it.
            const clipped = el => {
                for (let up = el.parentElement; up; up = up.parentElement) {
                    if (getComputedStyle(up).overflowX !== 'visible') return true;
                }
                return false;
            };
            const culprits = [...document.querySelectorAll('body *')]
                .filter(el => el.getBoundingClientRect().right > width + 1 && !clipped(el))
                .filter(el => ![...el.children].some(
                    child => child.getBoundingClientRect().right > width + 1))
                .slice(0, 8)
                .map(el => `${el.tagName.toLowerCase()}.${el.className} ` +
                           `(${Math.round(el.getBoundingClientRect().right)} px)`);
            return [`the page is ${document.documentElement.scrollWidth} px wide`, ...culprits];
        }"""
    )


def phone_problems(page: Page, path: str) -> list:
    """What is wrong with the page at `path` on a phone: what overflows, what axe finds
    (serious and critical, and content outside landmarks)."""
    response = page.goto(path)
    assert response.ok, f"{path}: {response.status}"
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    # axe_violations injects axe; region_findings asks it what lies outside every landmark.
    return overflow(page) + axe_violations(page) + region_findings(page)


def assert_fits_the_phone(page: Page, path: str) -> None:
    assert phone_problems(page, path) == [], f"{path} at 390 px"


def _submitted_sin() -> int:
    return Notification.objects.filter(status="submitted", local_authority__name="Leeds").first().pk


def _draft_sin() -> int:
    return Notification.objects.filter(status="draft", local_authority__name="Leeds").first().pk


def _review(status: str, partnership: str = "leeds") -> int:
    reviews = RapidReview.objects.filter(status=status, partnership__code=partnership)
    return reviews.order_by("pk").first().pk


def _decided_review() -> int:
    return PanelDecision.objects.filter(is_current=True).first().review_id


def _undecided_review() -> int:
    return RapidReview.objects.filter(status="submitted", panel_decisions__isnull=True).first().pk


def _lcspr() -> int:
    return Lcspr.objects.first().pk


# Each role's main pages and the lists it works, as functions of the demo data: one test per
# role, so the demo data is loaded once for all of that role's pages.
PAGES: dict[str, list[Callable[[], str]]] = {
    "la-user": [
        lambda: reverse("home"),
        lambda: reverse("notifications:notification-detail", args=[_submitted_sin()]),
        lambda: reverse("notifications:notification-detail", args=[_draft_sin()]),
        lambda: reverse("notifications:notification-check", args=[_draft_sin()]),
        lambda: reverse("notifications:notification-incident", args=[_draft_sin()]),
        lambda: reverse("notifications:notification-children", args=[_draft_sin()]),
        lambda: reverse("local-authority-list"),
        lambda: reverse("password_change"),
        lambda: reverse("notifications:notification-list"),
        lambda: reverse("inbox"),
    ],
    "partnership-lead": [
        lambda: reverse("home"),
        lambda: reverse("rapidreviews:review-detail", args=[_review("drafting")]),
        lambda: reverse("rapidreviews:review-section", args=[_review("drafting"), "child"]),
        lambda: reverse("rapidreviews:review-section", args=[_review("drafting"), "decision"]),
        lambda: reverse("rapidreviews:review-submit", args=[_review("drafting")]),
        lambda: reverse("rapidreviews:review-detail", args=[_review("submitted")]),
        lambda: reverse("rapidreviews:review-queue"),
        lambda: reverse("lcsprs:lcspr-list"),
    ],
    "partnership-lead-kent": [
        lambda: reverse("lcsprs:lcspr-detail", args=[_lcspr()]),
        lambda: reverse("rapidreviews:review-detail", args=[_review("submitted", "kent")]),
    ],
    "panel-member": [
        lambda: reverse("home"),
        lambda: reverse("panel:decision", args=[_undecided_review()]),
        lambda: reverse("panel:decision", args=[_decided_review()]),
        lambda: reverse("panel:overview"),
        lambda: reverse("rapidreviews:review-detail", args=[_decided_review()]),
    ],
    "panel-secretariat": [
        lambda: reverse("home"),
        lambda: reverse("panel:letter-draft", args=[_decided_review()]),
        lambda: reverse("lcsprs:lcspr-detail", args=[_lcspr()]),
        lambda: reverse("panel:queue"),
    ],
    "administrator": [
        lambda: reverse("home"),
        lambda: reverse("administration"),
        lambda: reverse("retention"),
        lambda: reverse("access-history"),
        lambda: reverse("analytics:statistics-year", args=[2023]),
        lambda: reverse("analytics:statistics-table", args=[2023, "table_4_csc"]),
        lambda: reverse("analytics:statistics-compare", args=[2023]),
        lambda: reverse("analytics:statistics-index"),
    ],
}


@pytest.mark.parametrize("username", list(PAGES))
def test_main_pages_fit_a_phone(page: Page, demo, request, username):
    if username == "administrator":
        request.getfixturevalue("demo_statistics")
    page.set_viewport_size(PHONE)
    sign_in(page, username, DEMO_PASSWORD)
    problems = {path: phone_problems(page, path) for path in (url() for url in PAGES[username])}
    assert {path: found for path, found in problems.items() if found} == {}


def test_signing_in_fits_a_phone(page: Page, db):
    seed_demo_users()
    page.set_viewport_size(PHONE)
    page.goto("/")
    assert overflow(page) == []
    assert_accessible(page)
    page.get_by_label("Username").fill("partnership-lead")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name=CODE_PAGE_HEADING, level=1)).to_be_visible()
    assert overflow(page) == []
    assert_accessible(page)
    page.goto(reverse("password_reset"))
    assert overflow(page) == []


def test_the_menu_opens_from_its_button_on_a_phone(page: Page, db):
    seed_demo_users()
    page.set_viewport_size(PHONE)
    sign_in(page, "administrator", DEMO_PASSWORD)
    menu = page.get_by_role("navigation", name="Menu")
    toggle = menu.get_by_role("button", name="Menu")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(menu.get_by_role("link", name="Rapid reviews")).to_be_hidden()

    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(menu.get_by_role("link", name="Rapid reviews")).to_be_visible()
    assert overflow(page) == []
    assert_accessible(page)
    menu.get_by_role("link", name="Administration").click()
    expect(page.get_by_role("heading", name="Administration", level=1)).to_be_visible()
    # The account is in reach on a phone too.
    page.get_by_role("navigation", name="Your account").get_by_role(
        "button", name="Sign out"
    ).click()
    expect(page.get_by_role("heading", name="Sign in", level=1)).to_be_visible()
    assert re.search(r"/sign-in/", page.url)
