from celery import shared_task

from .services import LetterUndeliverable, response_letter_render_and_send


@shared_task(
    acks_late=True,
    autoretry_for=(Exception,),
    dont_autoretry_for=(LetterUndeliverable,),
    retry_backoff=30,
    retry_backoff_max=3600,
    max_retries=10,
)
def letter_render_and_send_task(letter_id: int) -> bool:
    # Any failure to render, store or queue the e-mail is retried: the letter is marked failed
    # with its error meanwhile, and the claim in the service makes a repeated run harmless. A
    # letter with nobody to send to waits for someone to fix the addresses and try again.
    return response_letter_render_and_send(letter_id=letter_id)
