from django.apps import AppConfig


def _seed_demo() -> str:
    from .demo import seed_demo  # demo code is loaded only when the demo is seeded

    return seed_demo()


class PanelConfig(AppConfig):
    name = "panel"
    verbose_name = "Panel decisions"

    def ready(self) -> None:
        # What this app plugs into the kernel, which never imports it.
        from safeguarding import policy
        from safeguarding.demo import register_demo_loader
        from safeguarding.navigation import NavItem, register

        from . import attention, case_links, history  # noqa: F401
        from .agenda_pack import register_agenda_pack

        # Panel meetings (panel/meetings/...) are under the queue's entry: its URL prefix.
        register(
            NavItem("Panel queue", "panel:queue", policy.can_see_panel_queue),
            order=40,
        )
        register_agenda_pack()
        register_demo_loader(self.label, _seed_demo)
