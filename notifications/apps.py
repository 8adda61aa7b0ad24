from django.apps import AppConfig


def _seed_demo() -> str:
    from .demo import seed_demo  # demo code is loaded only when the demo is seeded

    return seed_demo()


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Serious Incident Notifications"

    def ready(self) -> None:
        # What this app plugs into the kernel, which never imports it.
        from safeguarding import policy
        from safeguarding.demo import register_demo_loader
        from safeguarding.navigation import NavItem, register

        # Registered on import: the home page's attention items and the SIN's deadline rules.
        from . import attention, case_file, case_links, deadlines, history, retention  # noqa: F401

        register(
            NavItem(
                "Incident notifications", "notifications:notification-list", policy.is_signed_in
            ),
            order=10,
        )
        register_demo_loader(self.label, _seed_demo)
