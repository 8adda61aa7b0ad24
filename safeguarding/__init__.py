"""Project package and shared kernel: settings, URLs, the Celery app, reference data,
people and roles, the working-day calendar and the audit trail."""

from .celery import app as celery_app

__all__ = ("celery_app",)
