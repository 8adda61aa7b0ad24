"""Writes for Serious Incident Notifications, one function per action: writing and amending a
SIN (`drafts`), sending it to the Panel (`submission`) and its attachments (`attachments`)."""

from .attachments import (
    AttachmentDownload,
    notification_attachment_add,
    notification_attachment_download,
    notification_attachment_files_delete,
    notification_attachment_remove,
)
from .drafts import (
    CHILD_FIELDS,
    CHILD_STATUTORY_FIELDS,
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

__all__ = [
    "AttachmentDownload",
    "notification_attachment_add",
    "notification_attachment_download",
    "notification_attachment_files_delete",
    "notification_attachment_remove",
    "CHILD_FIELDS",
    "CHILD_STATUTORY_FIELDS",
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
]
