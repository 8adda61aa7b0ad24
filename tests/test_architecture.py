"""The import graph (issue 11, item 3): the shared kernel `safeguarding/` imports no app, so an
app can be understood, changed or removed without the kernel knowing. Apps plug into the
kernel through its registries instead (deadline rules, navigation, home page attention, due
dates moved by the calendar, demo data), each filled from the app's `AppConfig.ready()`.

grimp reads the source without running it, so an import inside a function, a management
command or a `TYPE_CHECKING` block counts as much as one at the top of a module. Strings that
Django resolves at run time (INSTALLED_APPS, URL includes, Celery beat task names) are not
imports and stay allowed."""

import grimp
import pytest

KERNEL = "safeguarding"
APPS = ("notifications", "rapidreviews", "lcsprs", "panel", "analytics")


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    # No cache: the graph is small, and a cache directory would appear in the work tree.
    return grimp.build_graph(KERNEL, *APPS, cache_dir=None)


def _imports_of_apps(graph: grimp.ImportGraph) -> list[str]:
    """Every import of an app module by a kernel module, as "importer:line -> imported"."""
    found = []
    for importer in sorted(graph.find_descendants(KERNEL) | {KERNEL}):
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            if imported.split(".")[0] in APPS:
                for detail in graph.get_import_details(importer=importer, imported=imported):
                    found.append(f"{importer}:{detail['line_number']} -> {imported}")
    return found


def test_the_kernel_imports_no_app(graph):
    assert _imports_of_apps(graph) == [], (
        "The kernel (safeguarding/) must not import the apps built on it; register what the "
        "app adds through a kernel registry from its AppConfig.ready() instead."
    )


@pytest.mark.parametrize("app", APPS)
def test_every_app_is_in_the_graph(graph, app):
    # Guards the test above against a renamed or missing package, which would make it pass
    # vacuously.
    assert graph.find_descendants(app), f"{app} was not found by grimp"


def test_each_app_builds_on_the_kernel(graph):
    # The direction that is allowed; checked so that the graph is known to see imports at all.
    for app in APPS:
        assert graph.chain_exists(importer=app, imported=KERNEL, as_packages=True), app
