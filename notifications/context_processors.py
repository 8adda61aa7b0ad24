"""The SIN's statutory timescale, for every template that states it."""

from django.http import HttpRequest

from .timescales import SIN_DEADLINE_WORKING_DAYS


def timescales(request: HttpRequest) -> dict:
    return {"sin_deadline_working_days": SIN_DEADLINE_WORKING_DAYS}
