from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "readingroom.web"
    label = "web"
    verbose_name = _("Reading room")

    def ready(self) -> None:
        from . import document_parts, sitemaps  # noqa: F401  (connect their caches to catalogue change signals)
