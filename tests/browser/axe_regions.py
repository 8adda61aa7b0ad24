"""axe-core's `region` rule (best practice, moderate impact, so not among the blocking
impacts `assert_accessible` checks): all of a page's content must be inside a landmark."""

from playwright.sync_api import Page

from .conftest import AXE_SCRIPT, AXE_URL


def assert_no_region_findings(page: Page) -> None:
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        if page.url.startswith("http"):
            page.add_script_tag(url=AXE_URL)
        else:
            page.add_script_tag(path=str(AXE_SCRIPT))
    results = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: 'rule', values: ['region']}, resultTypes: ['violations'],
        })"""
    )
    findings = [node["target"] for v in results["violations"] for node in v["nodes"]]
    assert findings == [], f"axe-core `region` on {page.url}: {findings}"


def assert_accessible_everywhere(page: Page) -> None:
    """No serious or critical violations, and no content outside a landmark."""
    from .conftest import assert_accessible

    assert_accessible(page)
    assert_no_region_findings(page)
