from django.urls import path

from . import attachment_views, duplicate_views, link_views, views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_index, name="notification-list"),
    path("duplicates/", duplicate_views.duplicate_list, name="duplicate-list"),
    path("duplicates/<int:pk>/", duplicate_views.duplicate_detail, name="duplicate-detail"),
    path("duplicates/<int:pk>/reopen/", duplicate_views.duplicate_reopen, name="duplicate-reopen"),
    path("start/", views.notification_start, name="notification-start"),
    path("<int:pk>/", views.notification_detail, name="notification-detail"),
    path("<int:pk>/incident/", views.notification_incident, name="notification-incident"),
    path("<int:pk>/children/", views.notification_children, name="notification-children"),
    path("<int:pk>/children/add/", views.child_add, name="child-add"),
    path("<int:pk>/children/focus/", views.child_in_focus, name="child-in-focus"),
    path("<int:pk>/children/<int:child_pk>/", views.child_edit, name="child-edit"),
    path("<int:pk>/children/<int:child_pk>/remove/", views.child_remove, name="child-remove"),
    path(
        "<int:pk>/circumstances/",
        views.notification_circumstances,
        name="notification-circumstances",
    ),
    path("<int:pk>/attachments/", attachment_views.attachment_list, name="attachment-list"),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/remove/",
        attachment_views.attachment_remove,
        name="attachment-remove",
    ),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/download/",
        attachment_views.attachment_download,
        name="attachment-download",
    ),
    path("<int:pk>/other-areas/", views.notification_shares, name="notification-shares"),
    path(
        "<int:pk>/other-areas/<int:share_pk>/remove/",
        views.notification_share_remove,
        name="notification-share-remove",
    ),
    path(
        "<int:pk>/where-and-how/",
        views.notification_incident_place,
        name="notification-incident-place",
    ),
    path("<int:pk>/notifier/", views.notification_notifier, name="notification-notifier"),
    path("<int:pk>/delete/", views.notification_delete, name="notification-delete"),
    path("<int:pk>/check/", views.notification_check, name="notification-check"),
    path(
        "<int:pk>/confirmation/",
        views.notification_confirmation,
        name="notification-confirmation",
    ),
    path("<int:pk>/linked-cases/add/", link_views.linked_case_add, name="linked-case-add"),
    path(
        "<int:pk>/linked-cases/<int:link_pk>/remove/",
        link_views.linked_case_remove,
        name="linked-case-remove",
    ),
    path("<int:pk>/case-file/", link_views.case_file, name="case-file"),
    path("<int:pk>/withdraw/", views.notification_withdraw, name="notification-withdraw"),
    path("<int:pk>/reinstate/", views.notification_reinstate, name="notification-reinstate"),
]
