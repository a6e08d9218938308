"""A record id in an API path. Ids may contain slashes (frus1944Quebec/d121), so a plain `path` would also
swallow the `/access` and `/pages` endpoints below a record; this one stops before them."""

from django.urls import register_converter


class RecordId:
    regex = r"[\w.-]+(?:/(?!(?:access|pages)$)[\w.-]+)*"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(RecordId, "record")
