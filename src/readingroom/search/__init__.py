"""Search: the one module callers outside this package import.

Reading: `search`, `attach_records`, `more_like_this` and the result types; `commit_stamp` changes with
what the index holds (for cache keys); `compile_fields` turns the
advanced form's fields into a query. Writing (never inside a
request): `drain`, `rebuild`, `check`, `needs_rebuild`, under the one writer lock. For highlighting:
`words_to_mark` (a query's words and their names' variants, as search parsed it), `fold_han` (Traditional
as Simplified) and `StemMatcher`. Field names,
the schema and Tantivy itself stay private to the package. Loaded lazily: this package is also a Django app, imported before models are ready."""

from __future__ import annotations

from importlib import import_module

_EXPORTS = {
    "search": "engine", "attach_records": "engine", "more_like_this": "engine", "SearchResults": "engine",
    "Hit": "engine", "WIDEN_BELOW": "engine", "MAX_QUERY_CHARS": "query_syntax",
    "compile_fields": "advanced", "Compiled": "advanced", "ADVANCED_FIELDS": "advanced.FIELDS", "MAX_FIELD_CHARS": "advanced",
    "Facet": "facets", "FacetValue": "facets", "DIMENSIONS": "facets",
    "drain": "writer", "rebuild": "writer", "check": "writer", "needs_rebuild": "writer",
    "record_count": "writer", "WriteReport": "writer",
    "commit_stamp": "index_dir", "IndexUnavailable": "index_dir", "IndexMissing": "index_dir", "IndexDamaged": "index_dir", "WriterBusy": "index_dir",
    "words_to_mark": "marked_words", "fold_han": "scripts", "StemMatcher": "snippets",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module, _, attribute = _EXPORTS[name].partition(".")
    value = getattr(import_module(f".{module}", __name__), attribute or name)
    globals()[name] = value
    return value
