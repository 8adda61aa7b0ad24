"""Local Child Safeguarding Practice Reviews, tracked to publication."""

from django.apps import AppConfig


def _seed_demo() -> str:
    from .demo import seed_demo  # demo code is loaded only when the demo is seeded

    return seed_demo()


class LcsprsConfig(AppConfig):
    name = "lcsprs"
    verbose_name = "LCSPRs"

    def ready(self) -> None:
        # What this app plugs into the kernel, which never imports it.
        from safeguarding import policy
        from safeguarding.demo import register_demo_loader
        from safeguarding.navigation import NavItem, register

        # Registered on import: the home page's attention items and the LCSPR's deadline rules.
        from . import attention, case_file, case_links, deadlines, history, moves  # noqa: F401

        register(NavItem("LCSPRs", "lcsprs:lcspr-list", policy.follows_lcsprs), order=30)
        register_demo_loader(self.label, _seed_demo)
