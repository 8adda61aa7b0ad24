"""Conversations on a case (issue 17, item 3): messages between the Panel and the partnership
on a rapid review or an LCSPR.

Who sees what is said once, here: `case_message_list` (and the getters built on it). Panel
members and the secretariat see every message on any case; the leads of the partnership that
covers the case now see every kind but internal notes; anyone else gets a 404 for the whole
conversation. Sending is `case_message_send`, for the web page and the API alike; a message is
never changed or removed afterwards (a correction is a new message): the one later change is
the end of a question's pause on the decision target (`case_message_pause_end`)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import IO
from uuid import uuid4

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from lcsprs.models import Lcspr
from lcsprs.selectors import lcspr_get_for_user, lcspr_list
from rapidreviews.models import RapidReview
from rapidreviews.selectors import rapid_review_get_for_user, rapid_review_list
from safeguarding import audiences, files, policy
from safeguarding.audit import REDACTED, audit_log
from safeguarding.errors import DomainError, DomainInvalid, DomainNotFound
from safeguarding.history import PANEL_ONLY
from safeguarding.models import AuditAction, Partnership, User

from .models import CaseMessage, CaseMessageAttachment, MessageKind

Case = RapidReview | Lcspr

PANEL_KINDS = (MessageKind.QUESTION, MessageKind.MESSAGE, MessageKind.INTERNAL_NOTE)
PARTNERSHIP_KINDS = (MessageKind.REPLY, MessageKind.MESSAGE)

# --- Attachments: what a message may carry (the SIN attachments' kinds and checks) ------------

KINDS = {
    "pdf": "PDF",
    "docx": "Word (DOCX)",
    "xlsx": "Excel (XLSX)",
    "png": "PNG",
    "jpeg": "JPEG",
}
ACCEPT = ".pdf,.docx,.xlsx,.png,.jpg,.jpeg," + ",".join(files.CONTENT_TYPES[k] for k in KINDS)
ACCEPTED_LIST = "a PDF, Word (DOCX), Excel (XLSX), PNG or JPEG file"
MESSAGES = files.Messages(
    not_accepted=f"The selected file must be {ACCEPTED_LIST}",
    unreadable=f"The selected file could not be read. Upload an unprotected {ACCEPTED_LIST[2:]}",
)
EMPTY = "The selected file is empty"

BODY_REQUIRED = "Enter your message"
KIND_REQUIRED = "Select what kind of message this is"
KIND_NOT_YOURS = "You cannot send this kind of message"
NO_OPEN_QUESTION = "There is no question from the Panel waiting for a reply: send a message instead"
REPLY_TO_INVALID = "Select a question from the Panel that is waiting for a reply"
PAUSE_ONLY_QUESTION = "Only a question on a rapid review can pause the decision target"


def attachment_max_bytes() -> int:
    return settings.CASE_MESSAGE_ATTACHMENT_MAX_BYTES


def attachment_max_count() -> int:
    return settings.CASE_MESSAGE_ATTACHMENT_MAX_COUNT


def attachments_max_total_bytes() -> int:
    # Never more than a request may carry (safeguarding.limits), leaving room for the form.
    return min(
        settings.CASE_MESSAGE_ATTACHMENTS_MAX_TOTAL_BYTES,
        settings.REQUEST_MAX_BODY_BYTES - 1024 * 1024,
    )


def body_max_chars() -> int:
    return settings.CASE_MESSAGE_MAX_CHARS


def attachment_hint() -> str:
    return (
        f"PDF, Word (DOCX), Excel (XLSX), PNG or JPEG, up to "
        f"{files.size_label(attachment_max_bytes())} each, at most {attachment_max_count()} files "
        f"and {files.size_label(attachments_max_total_bytes())} in total"
    )


class CaseMessageError(DomainError):
    """A message that cannot be sent (or a pause that cannot be ended) as asked."""


class CaseMessageInvalid(DomainInvalid):
    """The message breaks a rule: messages by field (kind, body, files, in_reply_to, pause)."""


# --- Reads -----------------------------------------------------------------------------------


def _case_filter(review: RapidReview | None, lcspr: Lcspr | None) -> dict:
    if (review is None) == (lcspr is None):
        raise ValueError("Give exactly one of review and lcspr")
    return {"review": review} if review is not None else {"lcspr": lcspr}


def case_message_list(
    *, user: User, review: RapidReview | None = None, lcspr: Lcspr | None = None
) -> QuerySet[CaseMessage]:
    """The messages on the case that `user` may read, oldest first: all of them for the Panel,
    all but internal notes for the leads of the case's partnership, none for anyone else. The
    one place that decides who sees a message: the pages, the API, the history, the e-mails and
    the case file all read through it. (The caller has the case through its own selector, so
    the case itself is in the user's scope.)"""
    case = review if review is not None else lcspr
    messages = CaseMessage.objects.filter(**_case_filter(review, lcspr))
    if not policy.can_see_conversation(user, case):
        return messages.none()
    if not policy.sees_internal_notes(user, case):
        messages = messages.exclude(kind=MessageKind.INTERNAL_NOTE)
    return (
        messages.select_related(
            "sender__local_authority", "sender__partnership", "in_reply_to", "pause_ended_by"
        )
        .prefetch_related("attachments")
        .order_by("sent_at", "id")
    )


def _require_conversation(user: User, case: Case) -> Case:
    # Out of the conversation is a 404, the same as a case out of scope.
    if not policy.can_see_conversation(user, case):
        raise Http404
    return case


def conversation_review_get_for_user(*, user: User, pk: int) -> RapidReview:
    """A rapid review whose messages `user` may read, or 404; the read is audited."""
    review = rapid_review_get_for_user(user=user, pk=pk, with_shared=False)
    return _require_conversation(user, review)


def conversation_lcspr_get_for_user(*, user: User, pk: int) -> Lcspr:
    """An LCSPR whose messages `user` may read, or 404; the read is audited."""
    return _require_conversation(user, lcspr_get_for_user(user=user, pk=pk))


def case_message_attachment_get_for_user(
    *, user: User, pk: int, review: RapidReview | None = None, lcspr: Lcspr | None = None
) -> CaseMessageAttachment:
    """An attachment of a message on the case that `user` may read (never one of an internal
    note, for the partnership), or 404."""
    messages = case_message_list(user=user, review=review, lcspr=lcspr)
    return get_object_or_404(
        CaseMessageAttachment.objects.select_related("message").filter(message__in=messages),
        pk=pk,
    )


def _unanswered(messages: QuerySet[CaseMessage]) -> QuerySet[CaseMessage]:
    replies = CaseMessage.objects.filter(in_reply_to=OuterRef("pk"), kind=MessageKind.REPLY)
    return messages.filter(kind=MessageKind.QUESTION).exclude(Exists(replies))


def case_message_unanswered(
    *, user: User, review: RapidReview | None = None, lcspr: Lcspr | None = None
) -> QuerySet[CaseMessage]:
    """The Panel's questions on the case still waiting for the partnership's reply."""
    return _unanswered(case_message_list(user=user, review=review, lcspr=lcspr))


def questions_awaiting_reply_count(*, user: User) -> int:
    """For a partnership lead: the Panel's questions on their partnership's cases waiting for a
    reply (the home page's attention item)."""
    if not policy.is_partnership_lead(user):
        return 0
    reviews = rapid_review_list(user=user, with_shared=False).filter(
        notification__local_authority__partnership_id=user.partnership_id
    )
    lcsprs = lcspr_list(user=user).filter(
        rapid_review__notification__local_authority__partnership_id=user.partnership_id
    )
    questions = CaseMessage.objects.filter(
        models.Q(review__in=reviews) | models.Q(lcspr__in=lcsprs)
    )
    return _unanswered(questions).count()


def replies_to_me_count(*, user: User, since_days: int = 14) -> int:
    """For a Panel user: partnership replies to their questions in the last `since_days`."""
    if not policy.is_panel(user):
        return 0
    since = timezone.now() - timedelta(days=since_days)
    return CaseMessage.objects.filter(
        kind=MessageKind.REPLY, in_reply_to__sender=user, sent_at__gte=since
    ).count()


def open_pause(*, review: RapidReview) -> CaseMessage | None:
    """The earliest question whose pause on the decision target is still open, if any."""
    return (
        CaseMessage.objects.filter(review=review, pauses_target=True, pause_ended_at__isnull=True)
        .order_by("sent_at", "id")
        .first()
    )


def case_messages_url(case: Case) -> str:
    if isinstance(case, RapidReview):
        return reverse("panel:review-messages", args=[case.pk])
    return reverse("panel:lcspr-messages", args=[case.pk])


# --- Writes ----------------------------------------------------------------------------------


def kinds_for(user: User) -> tuple[str, ...]:
    """The kinds of message `user` may send on a case they may see."""
    if policy.is_panel(user):
        return PANEL_KINDS
    return PARTNERSHIP_KINDS


@dataclass(frozen=True)
class _Checked:
    name: str
    data: bytes
    info: files.FileInfo


def _check_files(uploads: Sequence[File]) -> tuple[list[_Checked], list[str]]:
    checked, errors = [], []
    maximum = attachment_max_count()
    if len(uploads) > maximum:
        return [], [f"A message can have at most {maximum} attached files"]
    total = sum(upload.size or 0 for upload in uploads)
    if total > attachments_max_total_bytes():
        return [], [
            f"The selected files are {files.size_label(total)} together: the files on one "
            f"message must be {files.size_label(attachments_max_total_bytes())} or smaller in "
            "total"
        ]
    limit = attachment_max_bytes()
    for upload in uploads:
        name = upload.name or "file"
        # Refuse an oversized file before reading it; the read is capped too, should the size lie.
        if upload.size is not None and upload.size > limit:
            errors.append(f"{_short(name)}: {files.too_large_message(limit)}")
            continue
        upload.seek(0)
        data = upload.read(limit + 1)
        try:
            if not data:
                raise files.FileRejected(EMPTY)
            info = files.inspect_file(data, kinds=KINDS.keys(), max_bytes=limit, messages=MESSAGES)
        except files.FileRejected as exc:
            errors.append(f"{_short(name)}: {exc.message}")
            continue
        checked.append(_Checked(name, data, info))
    return checked, errors


def _short(name: str) -> str:
    return files.display_name(name, "", fallback="file").removesuffix(".")


def _lock(review: RapidReview | None, lcspr: Lcspr | None) -> Case:
    if review is not None:
        return RapidReview.objects.select_for_update().get(pk=review.pk)
    return Lcspr.objects.select_for_update().get(pk=lcspr.pk)


def _reference(case: Case) -> str:
    review = case if isinstance(case, RapidReview) else case.rapid_review
    return review.notification.reference


def _case_name(case: Case) -> str:
    return "rapid review" if isinstance(case, RapidReview) else "LCSPR"


@transaction.atomic
def case_message_send(
    *,
    user: User,
    review: RapidReview | None = None,
    lcspr: Lcspr | None = None,
    kind: str,
    body: str,
    uploads: Sequence[File] = (),
    in_reply_to: int | None = None,
    pause_target: bool = False,
) -> CaseMessage:
    """Send a message on the case. The Panel sends questions, messages and internal notes; the
    case's partnership leads send replies (each answering an open question: `in_reply_to`, or
    the oldest one) and messages. A question on a rapid review may pause its decision target
    until the partnership replies; any reply or message from the partnership ends the open
    pauses. Attached files are judged by their content. The leads are told of a question or a
    Panel message, the asker of a reply and the secretariat of a partnership message; an
    internal note tells nobody. Raises CaseMessageInvalid (by field) or PermissionDenied."""
    case = review if review is not None else lcspr
    _case_filter(review, lcspr)
    policy.require(policy.can_see_conversation(user, case))
    errors: dict[str, list[str]] = {}
    body = (body or "").strip()
    if kind not in MessageKind.values:
        errors["kind"] = [KIND_REQUIRED]
    elif kind not in kinds_for(user):
        errors["kind"] = [KIND_NOT_YOURS]
    if not body:
        errors["body"] = [BODY_REQUIRED]
    elif len(body) > body_max_chars():
        errors["body"] = [f"Your message must be {body_max_chars():,} characters or fewer"]
    if pause_target and not (kind == MessageKind.QUESTION and review is not None):
        errors["pause_target"] = [PAUSE_ONLY_QUESTION]
    checked, file_errors = _check_files(uploads)
    if file_errors:
        errors["files"] = file_errors

    locked = _lock(review, lcspr)
    question = None
    if kind == MessageKind.REPLY and "kind" not in errors:
        open_questions = _unanswered(
            CaseMessage.objects.filter(**_case_filter(review, lcspr))
        ).order_by("sent_at", "id")
        if in_reply_to is not None:
            question = open_questions.filter(pk=in_reply_to).first()
            if question is None:
                errors["in_reply_to"] = [REPLY_TO_INVALID]
        else:
            question = open_questions.first()
            if question is None:
                errors["kind"] = [NO_OPEN_QUESTION]
    if errors:
        raise CaseMessageInvalid(errors)

    from_panel = policy.is_panel(user)
    now = timezone.now()
    message = CaseMessage.objects.create(
        review=review,
        lcspr=lcspr,
        kind=kind,
        body=body,
        from_panel=from_panel,
        sender=user,
        sent_at=now,
        in_reply_to=question,
        pauses_target=pause_target,
    )
    stored: list[str] = []
    try:
        for upload in checked:
            extension = files.EXTENSIONS[upload.info.kind]
            key = default_storage.save(
                f"case-message-attachments/{uuid4().hex}.{extension}", ContentFile(upload.data)
            )
            stored.append(key)
            CaseMessageAttachment.objects.create(
                message=message,
                file=key,
                original_name=files.display_name(upload.name, upload.info.kind, fallback="file"),
                kind=upload.info.kind,
                content_type=upload.info.content_type,
                size=len(upload.data),
                sha256=hashlib.sha256(upload.data).hexdigest(),
                added_at=now,
            )
        if not from_panel:
            # The partnership has answered: the decision target's clock runs again.
            CaseMessage.objects.filter(
                **_case_filter(review, lcspr),
                pauses_target=True,
                pause_ended_at__isnull=True,
                sent_at__lte=now,
            ).update(pause_ended_at=now, pause_ended_by=user)
        changes = {
            "message": message.pk,
            "kind": kind,
            # What a message says may name a child: that there is one, never what it says.
            "body": REDACTED,
            "attachments": len(checked),
        }
        if kind == MessageKind.INTERNAL_NOTE:
            # safeguarding.history shows this entry to the Panel only.
            changes[PANEL_ONLY] = True
        if pause_target:
            changes["pauses_target"] = True
        audit_log(
            actor=user,
            action=AuditAction.CREATE,
            obj=locked,
            changes=changes,
            message=f"Case message sent: {kind}",
        )
        _tell(message, case)
    except Exception:
        for key in stored:
            default_storage.delete(key)
        raise
    return message


def _tell(message: CaseMessage, case: Case) -> None:
    """Tell the other side there is a message (never what it says, nor a child's name)."""
    if message.kind == MessageKind.INTERNAL_NOTE:
        return
    url = case_messages_url(case)
    reference = _reference(case)
    if message.from_panel:
        partnership = Partnership.objects.get(pk=case.authority_partnership_id)
        audience = audiences.partnership_leads(partnership)
        what = "a question" if message.kind == MessageKind.QUESTION else "a message"
        subject = f"The Panel has sent {what} about {reference}"
    else:
        if message.kind == MessageKind.REPLY and message.in_reply_to.sender.is_active:
            asker = message.in_reply_to.sender
            audience = audiences.Audience((asker,), (asker.email,) if asker.email else ())
        else:
            audience = audiences.panel_secretariat()
        what = "replied to the Panel" if message.kind == MessageKind.REPLY else "sent a message"
        subject = f"The partnership has {what} about {reference}"
    audiences.notify(
        audience,
        subject=subject,
        body=f"There is a new message on the {_case_name(case)} {reference}. Sign in to read it.",
        url=url,
        related=message,
        dedupe_key=f"case-message:{message.pk}",
    )


@transaction.atomic
def case_message_pause_end(*, user: User, review: RapidReview) -> int:
    """End the open pauses of the review's decision target before the partnership replies (the
    Panel); returns how many questions' pauses ended. Raises CaseMessageError when there is
    none open."""
    policy.require(policy.can_end_message_pause(user, review))
    locked = _lock(review, None)
    now = timezone.now()
    ended = CaseMessage.objects.filter(
        review=locked, pauses_target=True, pause_ended_at__isnull=True
    ).update(pause_ended_at=now, pause_ended_by=user)
    if not ended:
        raise CaseMessageError("The decision target is not paused")
    audit_log(
        actor=user,
        action=AuditAction.UPDATE,
        obj=locked,
        changes={"questions": ended},
        message="Case message pause ended",
    )
    return ended


@dataclass(frozen=True)
class AttachmentDownload:
    file: IO[bytes]
    filename: str
    content_type: str


@transaction.atomic
def case_message_attachment_download(
    *, attachment: CaseMessageAttachment, by: User
) -> AttachmentDownload:
    """Open the file for `by` (who read it through `case_message_attachment_get_for_user`) and
    record the download in the audit trail."""
    if not attachment.file:
        raise DomainNotFound("This attachment's file has been deleted")
    opened = attachment.file.storage.open(attachment.file.name, "rb")
    message = attachment.message
    changes = {"message": message.pk, "attachment": attachment.pk, "type": attachment.kind}
    if message.kind == MessageKind.INTERNAL_NOTE:
        changes[PANEL_ONLY] = True
    audit_log(
        actor=by,
        action=AuditAction.EXPORT,
        obj=message.case,
        changes=changes,
        message="Case message attachment downloaded",
    )
    return AttachmentDownload(
        file=opened, filename=attachment.original_name, content_type=attachment.content_type
    )
