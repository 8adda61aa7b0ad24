from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_index, name="notification-list"),
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
    path("<int:pk>/delete/", views.notification_delete, name="notification-delete"),
    path("<int:pk>/check/", views.notification_check, name="notification-check"),
    path(
        "<int:pk>/confirmation/",
        views.notification_confirmation,
        name="notification-confirmation",
    ),
    path("<int:pk>/withdraw/", views.notification_withdraw, name="notification-withdraw"),
    path("<int:pk>/reinstate/", views.notification_reinstate, name="notification-reinstate"),
]
