"""The Django admin, for administrators: user management, reference data and the audit trail.
Access goes by role rather than Django's is_staff flag, and sign-in is the service's own page."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse


class SafeguardingAdminSite(admin.AdminSite):
    site_header = f"{settings.SERVICE_NAME}: administration"
    site_title = settings.SERVICE_NAME
    index_title = "Users, reference data and audit trail"

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return user.is_active and user.is_authenticated and user.is_administrator

    def login(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        if request.user.is_authenticated:
            raise PermissionDenied  # signed in, but not an administrator
        return redirect_to_login(request.GET.get("next") or reverse("admin:index"))
