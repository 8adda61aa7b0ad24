"""The rapid review's statutory timescale, for every template that states it."""

from django.http import HttpRequest

from .timescales import RAPID_REVIEW_DEADLINE_WORKING_DAYS


def timescales(request: HttpRequest) -> dict:
    return {"rapid_review_deadline_working_days": RAPID_REVIEW_DEADLINE_WORKING_DAYS}
