from django.apps import AppConfig


def _seed_demo() -> str:
    from .demo import seed_demo  # demo code is loaded only when the demo is seeded

    return seed_demo()


class RapidreviewsConfig(AppConfig):
    name = "rapidreviews"
    verbose_name = "Rapid reviews"

    def ready(self) -> None:
        # What this app plugs into the kernel, which never imports it.
        from safeguarding import policy
        from safeguarding.demo import register_demo_loader
        from safeguarding.navigation import NavItem, register

        # Registered on import: the home page's attention items, the deadline rules and the
        # due dates moved when the calendar changes.
        from . import attention, case_file, case_links, deadlines, history, moves, retention  # noqa: F401

        register(
            NavItem("Rapid reviews", "rapidreviews:review-queue", policy.is_signed_in), order=20
        )
        register_demo_loader(self.label, _seed_demo)
