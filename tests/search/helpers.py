from __future__ import annotations

from readingroom.search.engine import search


def ids(q: str, user=None, **kwargs) -> list[str]:
    return [h.public_id for h in search(q, user=user, per_page=100, with_facets=False, **kwargs).hits]
