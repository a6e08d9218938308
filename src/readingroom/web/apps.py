from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "readingroom.web"
    label = "web"
    verbose_name = "Reading room"

    def ready(self) -> None:
        from . import sitemaps  # noqa: F401  (connects the sitemap's cache to catalogue change signals)
