from django.apps import AppConfig


class OcrConfig(AppConfig):
    name = "readingroom.ocr"
    label = "ocr"
    verbose_name = "OCR"
    default_auto_field = "django.db.models.BigAutoField"
