from django.apps import AppConfig


class LcsprsConfig(AppConfig):
    name = "lcsprs"
    verbose_name = "LCSPRs"
