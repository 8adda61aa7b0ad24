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

        from . import (  # noqa: F401
            attention,
            case_file,
            case_links,
            deadlines,
            history,
            national_review_attention,
            national_review_case_links,
            national_review_history,
            retention,
        )
        from .agenda_pack import register_agenda_pack

        register(
            NavItem("Panel queue", "panel:queue", policy.can_see_panel_queue),
            order=40,
        )
        # Beside the queue: where the Panel plans the meetings that take its decisions. For
        # the Panel only (administrators, whose menu is full at 1,200 px, follow the queue
        # page's link).
        register(NavItem("Meetings", "panel:meeting-list", policy.is_panel), order=41)
        register_agenda_pack()
        register_demo_loader(self.label, _seed_demo)
