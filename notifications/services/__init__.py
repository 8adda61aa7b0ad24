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
from .shares import (
    ShareTarget,
    notification_share_add,
    notification_share_remove,
    notification_shares_add,
    notification_shares_tell,
    share_errors,
)
from .submission import (
    notification_create,
    notification_submit,
    reference_block,
    reference_format,
    reference_next,
)

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
    "notification_draft_delete",
    "notification_incident_update",
    "notification_start",
    "notification_submit",
    "reference_block",
    "reference_format",
    "reference_next",
    "ShareTarget",
    "notification_share_add",
    "notification_share_remove",
    "notification_shares_add",
    "notification_shares_tell",
    "share_errors",
]
