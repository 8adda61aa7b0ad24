"""Browser tests: Playwright drives Debian's Chromium (no browser download) against the live
test server, and axe-core (from npm) checks every page visited for accessibility."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright

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


def axe_violations(page: Page) -> list[dict]:
    """Serious and critical axe-core violations on the page as it is now."""
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
        if violation["impact"] in BLOCKING_IMPACTS
    ]


def csp_violations(page: Page) -> list[str]:
    """The browser's console messages about content the Content-Security-Policy refused."""
    return list(page.csp_violations)


def assert_accessible(page: Page) -> None:
    violations = axe_violations(page)
    assert violations == [], f"axe-core on {page.url}: {violations}"
