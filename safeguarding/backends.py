"""Permissions by role. Administrators manage users and reference data and read the audit
trail in the admin (`policy.can_administer`); every other permission in the service is a
predicate of `safeguarding.policy`, not a Django model permission."""

from django.contrib.auth.backends import ModelBackend

from . import policy

# App labels whose models administrators may manage in the admin.
# (axes: its access attempts and logs, where a locked-out address is lifted.)
ADMINISTERED_APPS = frozenset({"safeguarding", "axes", "django_celery_beat"})


class RoleBackend(ModelBackend):
    def has_perm(self, user_obj, perm: str, obj=None) -> bool:
        if policy.can_administer(user_obj):
            app_label = perm.split(".", 1)[0]
            if app_label in ADMINISTERED_APPS:
                return True
        return super().has_perm(user_obj, perm, obj)

    def has_module_perms(self, user_obj, app_label: str) -> bool:
        if policy.can_administer(user_obj):
            return app_label in ADMINISTERED_APPS
        return super().has_module_perms(user_obj, app_label)
