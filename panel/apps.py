from django.apps import AppConfig


class PanelConfig(AppConfig):
    name = "panel"
    verbose_name = "Panel decisions"

    def ready(self) -> None:
        from . import attention  # noqa: F401  (registers the home page's attention items)
