from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "readingroom.catalog"
    label = "catalog"
    verbose_name = "Catalogue"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (model saves become records_changed)
