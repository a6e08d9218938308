"""The API's one NinjaAPI instance, mounted at /api/ by readingroom/urls.py."""

from __future__ import annotations

from ninja import NinjaAPI

from . import reading, writing

api = NinjaAPI(
    title="readingroom API",
    version="1",
    description=("Read the archive's public records, search, authorities, collections and themes; staff with an "
                 "API token (`readingroom api-token create USER`) also create and update records, set access and "
                 "attach page images. Send the token as `Authorization: Bearer <token>`."),
    urls_namespace="api-1",
)
assert writing.router is reading.router  # the write endpoints register on the reading router
api.add_router("", reading.router)
