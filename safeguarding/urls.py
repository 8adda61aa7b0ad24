from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import (
    account_request_views,
    document_views,
    organisation_views,
    people_views,
    second_factor_views,
    views,
)

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("sign-out/", views.SignOutView.as_view(), name="logout"),
    path("session/keep-alive/", views.session_keep_alive, name="session-keep-alive"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("second-factor/", second_factor_views.verify, name="second-factor-verify"),
    path("second-factor/set-up/", second_factor_views.setup, name="second-factor-setup"),
    path(
        "second-factor/recovery-code/",
        second_factor_views.recovery,
        name="second-factor-recovery",
    ),
    path(
        "account/recovery-codes/",
        second_factor_views.recovery_codes,
        name="second-factor-recovery-codes",
    ),
    path(
        "account/recovery-codes/new/",
        second_factor_views.recovery_codes_regenerate,
        name="second-factor-recovery-codes-regenerate",
    ),
    path(
        "people/<int:user_pk>/second-factor/reset/",
        second_factor_views.reset,
        name="second-factor-reset",
    ),
    path("people/", people_views.people, name="people-list"),
    path("people/invite/", people_views.invite, name="people-invite"),
    path("people/<int:user_pk>/", people_views.person_detail, name="people-detail"),
    path("people/<int:user_pk>/change/", people_views.person_change_view, name="people-change"),
    path("people/<int:user_pk>/deactivate/", people_views.deactivate, name="people-deactivate"),
    path("people/<int:user_pk>/reactivate/", people_views.reactivate, name="people-reactivate"),
    path(
        "people/<int:user_pk>/invitation/resend/",
        people_views.invitation_resend_view,
        name="people-invitation-resend",
    ),
    path(
        "people/<int:user_pk>/invitation/cancel/",
        people_views.invitation_cancel_view,
        name="people-invitation-cancel",
    ),
    path(
        "people/<int:user_pk>/api-tokens/new/",
        people_views.api_token_create_view,
        name="people-api-token-create",
    ),
    path(
        "people/<int:user_pk>/api-tokens/revoke/",
        people_views.api_token_revoke_view,
        name="people-api-token-revoke",
    ),
    path("invitation/<str:token>/", people_views.accept, name="invitation-accept"),
    path("ask-for-an-account/", account_request_views.ask, name="account-request"),
    path("ask-for-an-account/sent/", account_request_views.sent, name="account-request-sent"),
    path(
        "people/requests/<int:request_pk>/",
        account_request_views.decide,
        name="people-request-detail",
    ),
    path("account/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("local-authorities/", views.local_authority_index, name="local-authority-list"),
    path(
        "local-authorities/add/", organisation_views.local_authority_add, name="local-authority-add"
    ),
    path(
        "local-authorities/<str:ons_code>/",
        views.local_authority_detail,
        name="local-authority-detail",
    ),
    path(
        "local-authorities/<str:ons_code>/move/",
        organisation_views.local_authority_move,
        name="local-authority-move",
    ),
    path(
        "local-authorities/<str:ons_code>/move/check/",
        organisation_views.local_authority_move_check,
        name="local-authority-move-check",
    ),
    path(
        "local-authorities/<str:ons_code>/email-domains/",
        account_request_views.local_authority_email_domains,
        name="local-authority-email-domains",
    ),
    path(
        "local-authorities/<str:ons_code>/email-domains/remove/",
        account_request_views.local_authority_email_domain_remove,
        name="local-authority-email-domain-remove",
    ),
    path("partnerships/", organisation_views.partnership_index, name="partnership-list"),
    path("partnerships/add/", organisation_views.partnership_add, name="partnership-add"),
    path(
        "partnerships/<slug:code>/",
        organisation_views.partnership_detail,
        name="partnership-detail",
    ),
    path(
        "partnerships/<slug:code>/merge/",
        organisation_views.partnership_merge_start,
        name="partnership-merge",
    ),
    path(
        "partnerships/<slug:code>/merge/check/",
        organisation_views.partnership_merge_check,
        name="partnership-merge-check",
    ),
    path(
        "partnerships/<slug:code>/email-domains/",
        account_request_views.partnership_email_domains,
        name="partnership-email-domains",
    ),
    path(
        "partnerships/<slug:code>/email-domains/remove/",
        account_request_views.partnership_email_domain_remove,
        name="partnership-email-domain-remove",
    ),
    path("notifications/", include("notifications.urls")),
    path("rapid-reviews/", include("rapidreviews.urls")),
    path("lcsprs/", include("lcsprs.urls")),
    path("panel/", include("panel.urls")),
    path("statistics/", include("analytics.urls")),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read-all/", views.inbox_read_all, name="inbox-read-all"),
    path("inbox/<int:message_id>/open/", views.inbox_open, name="inbox-open"),
    path("retention/", views.retention, name="retention"),
    path("documents/<int:pk>/", document_views.document_status_page, name="prepared-document"),
    path(
        "documents/<int:pk>/status/",
        document_views.document_status,
        name="prepared-document-status",
    ),
    path(
        "documents/<int:pk>/retry/", document_views.document_retry, name="prepared-document-retry"
    ),
    path(
        "documents/<int:pk>/download/",
        document_views.document_download,
        name="prepared-document-download",
    ),
    path("admin-tools/", views.administration, name="administration"),
    path("admin-tools/access-history/", views.access_history, name="access-history"),
    path("admin/", admin.site.urls),
    path("api/v1/notifications/", include("notifications.api_urls")),
    path("api/v1/rapid-reviews/", include("rapidreviews.api_urls")),
    path("api/v1/panel/", include("panel.api_urls")),
    path("api/v1/lcsprs/", include("lcsprs.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Swagger UI's set-up script is a separate file (not inline) so the page keeps the strict
    # Content-Security-Policy; the page is for signed-in people (sign-in page otherwise).
    path(
        "api/docs/",
        login_required(SpectacularSwaggerSplitView.as_view(url_name="api-schema")),
        name="api-docs",
    ),
]

if settings.BENCH_VIEWS:
    # `make bench` only: the minimal Django view its pages are measured against.
    from bench.views import minimal

    urlpatterns.append(path("bench/minimal/", minimal, name="bench-minimal"))
