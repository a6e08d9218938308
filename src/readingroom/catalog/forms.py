"""Admin form fields for languages: staff type tags or English names, the database keeps BCP 47 tags."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from .languages import language_code

HOW_TO_WRITE = "Use BCP 47 tags (en, ru, zh-Hans) or English names (English, Russian)."


def _unknown(bad: list[str]) -> ValidationError:
    # Values go in as params, never into the message itself: Django %-formats messages, so a typed "%" would break it.
    return ValidationError(
        "Unknown %(noun)s: %(values)s. " + HOW_TO_WRITE, code="unknown_language",
        params={"noun": "language" if len(bad) == 1 else "languages", "values": ", ".join(f'"{v}"' for v in bad)},
    )


class LanguageListField(forms.Field):
    """A comma-separated text input for a list of languages, cleaned to a list of codes.

    "English, russian, en" cleans to ["en", "ru"]: names and codes both accepted (case-insensitive),
    order kept, duplicates dropped; an empty input is no languages. Every unknown value is named in
    one error, so staff fix them all at once instead of one per save.
    """

    widget = forms.TextInput(attrs={"class": "vTextField", "placeholder": "e.g. en, ru or English, Russian"})

    def to_python(self, value: Any) -> list[str]:
        if value in self.empty_values:
            return []
        # The stored list arrives here too, not only typed text: a disabled field cleans its initial value.
        parts = value if isinstance(value, list | tuple) else str(value).split(",")
        codes: list[str] = []
        bad: list[str] = []
        for part in (str(p).strip() for p in parts):
            if not part:
                continue  # "en, , ru" or a trailing comma: a slip, not a language
            code = language_code(part)
            if code is None:
                bad.append(part)
            elif code not in codes:
                codes.append(code)
        if bad:
            raise _unknown(bad)
        return codes

    def prepare_value(self, value: Any) -> Any:
        # The stored list is shown as "en, ru"; typed text re-shown after an error stays as typed.
        if isinstance(value, list | tuple):
            return ", ".join(str(v) for v in value)
        return value


class LanguageField(forms.CharField):
    """One language, typed as a code or an English name, cleaned to its code ("" when left empty)."""

    widget = forms.TextInput(attrs={"class": "vTextField", "placeholder": "e.g. en or English"})

    def to_python(self, value: Any) -> str:
        text = super().to_python(value)
        if text in self.empty_values:
            return ""
        code = language_code(text)
        if code is None:
            raise _unknown([text])
        return code


# No Meta on these two: the admin supplies the model and its fields (building every model field here,
# at import time, would only be thrown away by the admin's own form factory).
class RecordAdminForm(forms.ModelForm):
    # Declared, not derived from the JSONField, so staff never type JSON.
    languages = LanguageListField(
        required=False, help_text="Original language(s), separated by commas: codes or English names. Stored as codes.",
    )


class ContentAdminForm(forms.ModelForm):
    # No max_length here: a name ("Chinese (Traditional)") may be longer than the stored code's 20 characters.
    language = LanguageField(required=False, help_text="A BCP 47 tag or English name, e.g. en, zh-Hant or English. Stored as the tag.")

    def save(self, commit: bool = True):
        # The importer's HTML shows the imported text: once staff change the text, the page shows theirs.
        if "text" in self.changed_data:
            self.instance.markup = ""
        return super().save(commit)


class FootnoteAdminForm(forms.ModelForm):
    def save(self, commit: bool = True):
        # The importer's HTML of a note repeats its old text: once staff correct the text, show theirs.
        if "text" in self.changed_data:
            self.instance.markup = ""
        return super().save(commit)
