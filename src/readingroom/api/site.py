"""The API's one NinjaAPI instance, mounted at /api/ by readingroom/urls.py."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Swagger
from ninja.errors import ValidationError

from . import reading, writing

api = NinjaAPI(
    title="readingroom API",
    version="1",
    description=("Read the archive's public records, search, authorities, collections and themes; staff with an "
                 "API token (`readingroom api-token create USER`) also create and update records, set access and "
                 "attach page images. Send the token as `Authorization: Bearer <token>`."),
    urls_namespace="api-1",
    # deepLinking off: its links sit inside the operations' buttons (nested controls, an axe finding).
    docs=Swagger(settings={"defaultModelsExpandDepth": 0, "deepLinking": False}),
)
# Our page around Swagger UI: a language, a main landmark (see the template).
api.docs.template = "api/docs.html"
assert writing.router is reading.router  # the write endpoints register on the reading router
api.add_router("", reading.router)


@api.exception_handler(ValidationError)
def one_message(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """Input that does not fit the description: one message naming each field and what is wrong, in the
    same `{"detail": "..."}` shape as every other refusal."""
    problems = []
    for error in exc.errors:
        where = ".".join(str(part) for part in error.get("loc", ()) if part not in ("body", "payload", "query"))
        problems.append(f"{where or 'request'}: {error.get('msg', 'invalid')}")
    return api.create_response(request, {"detail": "; ".join(problems)[:2000]}, status=422)
