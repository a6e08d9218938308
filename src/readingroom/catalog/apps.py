from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "readingroom.catalog"
    label = "catalog"
    verbose_name = _("Catalogue")
    default_auto_field = "django.db.models.BigAutoField"

    def import_models(self) -> None:
        """models.py and the modules whose models build on it: all registered before the app is ready."""
        super().import_models()
        from . import relations, text_versions, themes, withdrawn  # noqa: F401

    def ready(self) -> None:
        from . import record_history, signals  # noqa: F401  (model saves become records_changed; first versions)
