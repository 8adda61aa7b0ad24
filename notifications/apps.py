from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Serious Incident Notifications"

    def ready(self) -> None:
        from . import attention  # noqa: F401  (registers the home page's attention items)
