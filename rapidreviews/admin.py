from django.contrib import admin
from django.http import HttpRequest

from safeguarding import policy
from safeguarding.admin import AuditedAdmin

from .models import ReflectiveQuestion


@admin.register(ReflectiveQuestion)
class ReflectiveQuestionAdmin(AuditedAdmin):
    """Reference data: the reflective questions shown beside cases within a spotlight theme
    (rapidreviews.reflection). Untick "active" to stop showing one without losing it.

    Administrators manage them, as the kernel's reference data (safeguarding.backends grants
    its apps by label; this app's other models stay out of the admin)."""

    list_display = ["text", "theme", "audience", "source_paragraph", "order", "active"]
    list_filter = ["theme", "audience", "active"]
    list_editable = ["order", "active"]
    search_fields = ["text", "source_paragraph"]
    fields = ["theme", "audience", "text", "source_paragraph", "order", "active"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return policy.can_administer(request.user)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return policy.can_administer(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return policy.can_administer(request.user)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return policy.can_administer(request.user)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return policy.can_administer(request.user)
