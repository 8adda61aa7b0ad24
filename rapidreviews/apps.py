from django.apps import AppConfig


class RapidreviewsConfig(AppConfig):
    name = "rapidreviews"
    verbose_name = "Rapid reviews"

    def ready(self) -> None:
        from . import attention  # noqa: F401  (registers the home page's attention items)
