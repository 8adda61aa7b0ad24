"""Browser tests: Playwright drives Debian's Chromium (no browser download) against the live
test server, and axe-core (from npm) checks every page visited for accessibility."""

import copy
import hashlib
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import connection, transaction
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect, sync_playwright

from safeguarding.demo import DEMO_PASSWORD

from ..second_factor import current_code

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# axe-core is served to the page from this same-origin address (answered by Playwright, never
# by the server), so injecting it obeys the Content-Security-Policy: no bypass is needed.
AXE_URL = "/__browser-tests__/axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"
BLOCKING_IMPACTS = {"serious", "critical"}
# Findings that block whatever their impact: content outside the page's landmarks (`region`)
# is lost to someone moving by landmarks with a screen reader.
BLOCKING_RULES = {"region"}


@pytest.fixture(scope="session")
def browser():
    assert Path(CHROMIUM).exists(), "Chromium is missing: `make test` installs Debian's chromium"
    assert AXE_SCRIPT.exists(), "axe-core is missing: `make test` runs npm ci"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, reference_data, request):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    context.route(
        f"**{AXE_URL}",
        lambda route: route.fulfill(path=str(AXE_SCRIPT), content_type="text/javascript"),
    )
    page = context.new_page()
    # What the browser refused under the Content-Security-Policy (see csp_violations).
    page.csp_violations = []
    page.on(
        "console",
        lambda message: (
            page.csp_violations.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    yield page
    if getattr(request.node, "rep_call", None) and request.node.rep_call.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / f"{request.node.name}.png", full_page=True)
    context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


# What the page looks like to axe: the markup (the CSRF token's random value left out), the form
# fields' values, the focused and hovered elements, the scroll position and the viewport. The
# styles and scripts are the same files throughout a run, so the same state gives the same
# findings.
PAGE_STATE = """() => {
    const path = el => {
        const steps = [];
        for (; el && el.parentElement; el = el.parentElement) {
            steps.push([...el.parentElement.children].indexOf(el));
        }
        return steps.join('.');
    };
    const html = document.documentElement.outerHTML
        .replace(/(name="csrfmiddlewaretoken" value=")[^"]*"/g, '$1"')
        .replace('<script src="AXE_URL"></script>', '');
    const fields = [...document.querySelectorAll('input, select, textarea')].map(
        field => [field.value, field.checked]);
    return JSON.stringify([
        location.href, html, fields, path(document.activeElement),
        [...document.querySelectorAll(':hover')].map(path), window.scrollX, window.scrollY,
        window.innerWidth, window.innerHeight, window.devicePixelRatio,
    ]);
}""".replace("AXE_URL", AXE_URL)
# Findings already worked out in this process for a page state: signing in checks the same
# sign-in page in every journey, and a journey often comes back to a page unchanged. A page
# whose state differs in anything above is checked again.
_checked: dict[str, list[dict]] = {}


def axe_violations(page: Page) -> list[dict]:
    """Serious and critical axe-core violations on the page as it is now, and any content
    outside a landmark."""
    state = hashlib.sha256(page.evaluate(PAGE_STATE).encode()).hexdigest()
    if state not in _checked:
        _checked[state] = _axe_run(page)
    return copy.deepcopy(_checked[state])


def _axe_run(page: Page) -> list[dict]:
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        if page.url.startswith("http"):
            page.add_script_tag(url=AXE_URL)
        else:  # content set by the test itself (about:blank): no policy, no origin to serve from
            page.add_script_tag(path=str(AXE_SCRIPT))
    results = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',
                                            'wcag22aa', 'best-practice']},
            resultTypes: ['violations'],
        })"""
    )
    return [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "nodes": [node["target"] for node in violation["nodes"]],
        }
        for violation in results["violations"]
        if violation["impact"] in BLOCKING_IMPACTS or violation["id"] in BLOCKING_RULES
    ]


def csp_violations(page: Page) -> list[str]:
    """The browser's console messages about content the Content-Security-Policy refused."""
    return list(page.csp_violations)


def assert_accessible(page: Page) -> None:
    violations = axe_violations(page)
    assert violations == [], f"axe-core on {page.url}: {violations}"


CODE_PAGE_HEADING = "Enter the code from your authenticator app"


def sign_in(page: Page, username: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the form from the home page, checking the sign-in page with axe, then
    enter the code from the person's authenticator app when the code page appears (not after
    a wrong password)."""
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/sign-in/\?next=/$"))
    expect(page.get_by_role("heading", name="Sign in", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    if page.get_by_role("heading", name=CODE_PAGE_HEADING, level=1).count():
        enter_code(page, username)


def enter_code(page: Page, username: str) -> None:
    """What the person types from their authenticator app. A code is accepted once, so a test
    that signs the same person in twice within 30 seconds would be refused: the test forgets
    the last code used (the app itself would show the next one)."""
    device = TOTPDevice.objects.get(user__username=username, confirmed=True)
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1, throttling_failure_count=0)
    page.get_by_label("Code from your authenticator app").fill(current_code(device))
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()


class DatabaseCopy:
    """Every table's rows kept aside (in a schema of their own in the test database), to put
    back after the flush that ends each live-server test: data a module's tests only read is
    built once and restored in milliseconds, not rebuilt through the services for each test."""

    def __init__(self, schema: str) -> None:
        self.schema = schema
        self.tables: list[str] = []

    @property
    def saved(self) -> bool:
        return bool(self.tables)

    def save(self) -> None:
        self.tables = sorted(connection.introspection.django_table_names(only_existing=True))
        schema = connection.ops.quote_name(self.schema)
        with connection.cursor() as cursor:
            cursor.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
            cursor.execute(f"CREATE SCHEMA {schema}")
            for table in map(connection.ops.quote_name, self.tables):
                cursor.execute(f"CREATE TABLE {schema}.{table} AS SELECT * FROM {table}")  # noqa: S608 (names from introspection)

    def restore(self) -> None:
        """Empty every table and put the saved rows back, ids and all (foreign keys are checked
        at commit), then move the id sequences past them."""
        quote = connection.ops.quote_name
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {', '.join(map(quote, self.tables))}")
            cursor.execute(
                "SELECT table_name, string_agg(quote_ident(column_name), ', ') "
                "FROM information_schema.columns WHERE table_schema = current_schema() "
                "AND is_generated = 'NEVER' GROUP BY table_name"
            )
            columns = dict(cursor.fetchall())
            for table in self.tables:
                cursor.execute(
                    f"INSERT INTO {quote(table)} ({columns[table]}) "  # noqa: S608 (introspected)
                    f"SELECT {columns[table]} FROM {quote(self.schema)}.{quote(table)}"
                )
            for sql in connection.ops.sequence_reset_sql(no_style(), apps.get_models()):
                cursor.execute(sql)
        # The flush made the content types again under new ids; the saved ones are back.
        ContentType.objects.clear_cache()

    def drop(self) -> None:
        schema = connection.ops.quote_name(self.schema)
        with connection.cursor() as cursor:
            cursor.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
