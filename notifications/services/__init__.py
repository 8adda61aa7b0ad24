"""Writes for Serious Incident Notifications, one function per action: writing and amending a
SIN (`drafts`) and sending it to the Panel (`submission`)."""

from .drafts import (
    CHILD_FIELDS,
    ChildData,
    NotificationConflict,
    NotificationError,
    NotificationInvalid,
    notification_child_add,
    notification_child_in_focus_set,
    notification_child_remove,
    notification_child_update,
    notification_children_add,
    notification_circumstances_update,
    notification_draft_delete,
    notification_incident_update,
    notification_start,
)
from .submission import (
    notification_create,
    notification_submit,
    reference_block,
    reference_format,
    reference_next,
)
from .withdrawal import notification_reinstate, notification_withdraw

__all__ = [
    "CHILD_FIELDS",
    "ChildData",
    "NotificationConflict",
    "NotificationError",
    "NotificationInvalid",
    "notification_child_add",
    "notification_child_in_focus_set",
    "notification_child_remove",
    "notification_child_update",
    "notification_children_add",
    "notification_circumstances_update",
    "notification_create",
    "notification_reinstate",
    "notification_withdraw",
    "notification_draft_delete",
    "notification_incident_update",
    "notification_start",
    "notification_submit",
    "reference_block",
    "reference_format",
    "reference_next",
]
