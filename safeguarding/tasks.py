import smtplib

from celery import shared_task

from .email import email_send

TRANSIENT_EMAIL_ERRORS = (smtplib.SMTPException, ConnectionError, TimeoutError, OSError)


@shared_task(
    acks_late=True,
    autoretry_for=TRANSIENT_EMAIL_ERRORS,
    retry_backoff=30,
    retry_backoff_max=3600,
    max_retries=12,
)
def email_send_task(email_id: int) -> bool:
    return email_send(email_id=email_id)
