from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class SafeguardingConfig(AppConfig):
    name = "safeguarding"
    verbose_name = "Reference data, people and audit"

    def ready(self) -> None:
        from . import (
            api_tokens,  # noqa: F401  (revokes API tokens when a password changes)
            audit,  # noqa: F401  (connects the sign-in audit receivers)
            documents,  # noqa: F401  (registers the retention rule of prepared documents)
            lapses,  # noqa: F401  (a sign-in clears the warning that an account will lapse)
            lockout,  # noqa: F401  (audits sign-in lockouts)
            people_history,  # noqa: F401  (says what a person's account entries mean)
            sessions,  # noqa: F401  (starts the session clock at sign-in)
        )

        _hide_authenticator_secrets()


def _hide_authenticator_secrets() -> None:
    """django-otp's admin pages show authenticator keys, QR codes and recovery codes. Nobody
    reads them, administrators included: a lost authenticator is reset (the people list's
    action), never looked up. (Runs after the admin's autodiscovery, which registered them.)"""
    from django.contrib import admin
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    for model in (TOTPDevice, StaticDevice):
        if admin.site.is_registered(model):
            admin.site.unregister(model)


class SafeguardingAdminConfig(AdminConfig):
    default_site = "safeguarding.admin_site.SafeguardingAdminSite"
