"""Local Child Safeguarding Practice Reviews, tracked to publication."""

from django.apps import AppConfig


class LcsprsConfig(AppConfig):
    name = "lcsprs"
    verbose_name = "LCSPRs"

    def ready(self) -> None:
        from . import attention  # noqa: F401  (registers the home page's attention items)
