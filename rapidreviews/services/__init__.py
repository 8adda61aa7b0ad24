"""Writes for rapid reviews, one function per action, by what they act on: the review itself
(`reviews`), its sharing with DfE and Ofsted (`sharing`), extensions to its due date
(`extensions`) and its full document (`documents`)."""

from .closure import (
    rapid_review_close_on_withdrawal,
    rapid_review_reopen_on_reinstatement,
)
from .documents import (
    DocumentDownload,
    rapid_review_document_download,
    rapid_review_document_upload,
)
from .extensions import (
    rapid_review_extension_decide,
    rapid_review_extension_refusal,
    rapid_review_extension_request,
)
from .reviews import (
    ANSWER_CONTEXT,
    RapidReviewConflict,
    RapidReviewError,
    RapidReviewInvalid,
    rapid_review_completeness,
    rapid_review_open,
    rapid_review_reopen,
    rapid_review_section_save,
    rapid_review_submit,
    rapid_review_themes_save,
)
from .sharing import rapid_review_sharing_set

__all__ = [
    "ANSWER_CONTEXT",
    "DocumentDownload",
    "RapidReviewConflict",
    "RapidReviewError",
    "RapidReviewInvalid",
    "rapid_review_close_on_withdrawal",
    "rapid_review_completeness",
    "rapid_review_document_download",
    "rapid_review_document_upload",
    "rapid_review_extension_decide",
    "rapid_review_extension_refusal",
    "rapid_review_extension_request",
    "rapid_review_open",
    "rapid_review_reopen",
    "rapid_review_reopen_on_reinstatement",
    "rapid_review_section_save",
    "rapid_review_sharing_set",
    "rapid_review_submit",
    "rapid_review_themes_save",
]
