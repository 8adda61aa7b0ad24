from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class SafeguardingConfig(AppConfig):
    name = "safeguarding"
    verbose_name = "Reference data, people and audit"

    def ready(self) -> None:
        from . import (
            audit,  # noqa: F401  (connects the sign-in audit receivers)
            sessions,  # noqa: F401  (starts the session clock at sign-in)
        )


class SafeguardingAdminConfig(AdminConfig):
    default_site = "safeguarding.admin_site.SafeguardingAdminSite"
