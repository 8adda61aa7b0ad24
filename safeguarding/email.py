"""Outbound e-mail: recorded in the database, sent by a Celery worker after the transaction
that asked for it commits, claimed by a conditional update so that a retried or duplicated
task never sends twice."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.mail import EmailMessage
from django.db import IntegrityError, models, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from .models import OutboundEmail, SecretLink, User

# What the e-mail log holds in place of a link that would open an account.
SECRET_LINK_PLACEHOLDER = "[password reset link removed]"  # noqa: S105
INVITATION_LINK_PLACEHOLDER = "[invitation link removed]"
# In place of the link when the invitation was withdrawn or expired before the e-mail went.
INVITATION_WITHDRAWN = "[this invitation has been withdrawn: ask for a new one]"

# A claim older than this is taken to belong to a worker that died mid-send.
STALE_CLAIM = timedelta(minutes=10)

_ONE_LINE = re.compile(r"\s*[\r\n]+\s*")


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    content_type: str


def email_queue(
    *,
    to: Iterable[str],
    subject: str,
    body: str,
    related: models.Model | None = None,
    dedupe_key: str | None = None,
    attachments: Iterable[Attachment] = (),
    secret_link: SecretLink | str = "",
) -> OutboundEmail:
    """Record an e-mail and send it once the current transaction commits.

    With a `dedupe_key` already used, nothing new is recorded or sent and the earlier e-mail
    is returned. With a `secret_link`, `body` holds SECRET_LINK_PLACEHOLDER where the link goes
    and `related` is the user it is for: the link is made when the e-mail is sent, so the log
    never holds it."""
    # A line break in a subject (a typed name, say) would make sending fail for ever.
    subject = _ONE_LINE.sub(" ", subject).strip()
    if dedupe_key:
        existing = OutboundEmail.objects.filter(dedupe_key=dedupe_key).first()
        if existing:
            return existing
    stored = [
        {
            "filename": item.filename,
            "content_type": item.content_type,
            "path": default_storage.save(
                f"outbound-email/{timezone.now():%Y/%m}/{item.filename}", ContentFile(item.content)
            ),
        }
        for item in attachments
    ]
    try:
        with transaction.atomic():
            email = OutboundEmail.objects.create(
                to=sorted(set(to)),
                subject=subject,
                body=body,
                attachments=stored,
                dedupe_key=dedupe_key,
                content_type=ContentType.objects.get_for_model(related) if related else None,
                object_id=str(related.pk) if related else "",
                secret_link=secret_link,
            )
    except IntegrityError:
        # Another process recorded the same dedupe_key between our check and our insert.
        return OutboundEmail.objects.get(dedupe_key=dedupe_key)

    from .tasks import email_send_task

    transaction.on_commit(lambda: email_send_task.delay(email.pk))
    return email


def email_send(*, email_id: int) -> bool:
    """Send a recorded e-mail unless it has been sent or another worker is sending it.
    Returns whether this call sent it. Raises on a delivery failure (the task retries)."""
    now = timezone.now()
    claimed = (
        OutboundEmail.objects.filter(pk=email_id)
        .filter(
            Q(status__in=[OutboundEmail.Status.QUEUED, OutboundEmail.Status.FAILED])
            | Q(status=OutboundEmail.Status.SENDING, claimed_at__lt=now - STALE_CLAIM)
        )
        .update(status=OutboundEmail.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    )
    if not claimed:
        return False
    email = OutboundEmail.objects.get(pk=email_id)
    message = EmailMessage(subject=email.subject, body=_body_to_send(email), to=email.to)
    for item in email.attachments:
        with default_storage.open(item["path"], "rb") as handle:
            message.attach(item["filename"], handle.read(), item["content_type"])
    try:
        message.send()
    except Exception as exc:
        OutboundEmail.objects.filter(pk=email_id).update(
            status=OutboundEmail.Status.FAILED, last_error=f"{exc.__class__.__name__}: {exc}"[:2000]
        )
        raise
    OutboundEmail.objects.filter(pk=email_id).update(
        status=OutboundEmail.Status.SENT, sent_at=timezone.now(), last_error=""
    )
    return True


def password_reset_link(user: User) -> str:
    """A fresh link to choose a new password, valid for settings.PASSWORD_RESET_TIMEOUT. On
    the service's own address (settings.SITE_URL), never the request's Host header."""
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return f"{settings.SITE_URL}{path}"


def _body_to_send(email: OutboundEmail) -> str:
    if email.secret_link == SecretLink.INVITATION:
        from .invitations import invitation_link, invitation_token_issue
        from .models import Invitation

        invitation = Invitation.objects.filter(pk=email.object_id).first()
        token = invitation_token_issue(invitation=invitation) if invitation else None
        link = invitation_link(token) if token else INVITATION_WITHDRAWN
        return email.body.replace(INVITATION_LINK_PLACEHOLDER, link)
    if email.secret_link != SecretLink.PASSWORD_RESET:
        return email.body
    user = User.objects.get(pk=email.object_id)
    return email.body.replace(SECRET_LINK_PLACEHOLDER, password_reset_link(user))
