from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "readingroom.catalog"
    label = "catalog"
    verbose_name = "Catalogue"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import record_history, signals  # noqa: F401  (model saves become records_changed; first versions)
