from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class SafeguardingConfig(AppConfig):
    name = "safeguarding"
    verbose_name = "Reference data, people and audit"

    def ready(self) -> None:
        from . import (
            api_tokens,  # noqa: F401  (revokes API tokens when a password changes)
            audit,  # noqa: F401  (connects the sign-in audit receivers)
            lockout,  # noqa: F401  (audits sign-in lockouts)
            sessions,  # noqa: F401  (starts the session clock at sign-in)
        )


class SafeguardingAdminConfig(AdminConfig):
    default_site = "safeguarding.admin_site.SafeguardingAdminSite"
