from django.apps import AppConfig


def _seed_demo() -> str:
    from .demo import seed_demo  # demo code is loaded only when the demo is seeded

    return seed_demo()


def _benchmarks_own_area(user) -> bool:
    from safeguarding import policy

    return policy.can_benchmark(user) and not policy.can_read_statistics(user)


class AnalyticsConfig(AppConfig):
    name = "analytics"
    verbose_name = "Annual figures"

    def ready(self) -> None:
        # What this app plugs into the kernel, which never imports it.
        from safeguarding import policy
        from safeguarding.demo import register_demo_loader
        from safeguarding.navigation import NavItem, register

        register(
            NavItem("Statistics", "analytics:statistics-index", policy.can_read_statistics),
            order=50,
        )
        # Partnership leads and local authority users reach benchmarking from the menu; the
        # Panel and administrators from the Statistics pages.
        register(NavItem("Benchmarking", "analytics:benchmarking", _benchmarks_own_area), order=51)
        register_demo_loader(self.label, _seed_demo)
        # The retention rule of imports uploaded on the web.
        from . import import_jobs  # noqa: F401
