from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "readingroom.web"
    label = "web"
    verbose_name = _("Reading room")

    def ready(self) -> None:
        from . import sitemaps  # noqa: F401  (connects the sitemap's cache to catalogue change signals)
