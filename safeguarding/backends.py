"""Permissions by role. Administrators manage users and reference data and read the audit
trail in the admin; every other permission in the service is a role check in a selector or
service, not a Django model permission."""

from django.contrib.auth.backends import ModelBackend

from .codes import Role

# App labels whose models administrators may manage in the admin.
ADMINISTERED_APPS = frozenset({"safeguarding", "authtoken", "django_celery_beat"})


class RoleBackend(ModelBackend):
    def has_perm(self, user_obj, perm: str, obj=None) -> bool:
        if user_obj.is_active and getattr(user_obj, "role", None) == Role.ADMINISTRATOR:
            app_label = perm.split(".", 1)[0]
            if app_label in ADMINISTERED_APPS:
                return True
        return super().has_perm(user_obj, perm, obj)

    def has_module_perms(self, user_obj, app_label: str) -> bool:
        if user_obj.is_active and getattr(user_obj, "role", None) == Role.ADMINISTRATOR:
            return app_label in ADMINISTERED_APPS
        return super().has_module_perms(user_obj, app_label)
