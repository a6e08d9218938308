"""/oai: the OAI-PMH endpoint. Harvesters send GET or form-encoded POST; the answer is built by
readingroom.standards.oai, which checks every argument."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from readingroom.standards import oai
from readingroom.web.middleware import takes_nul_characters

# The protocol knows seven argument names: past that many, one is unknown (badArgument) whatever follows.
MAX_ARGUMENTS = 8


@takes_nul_characters  # refused as badArgument, in the protocol's words
@csrf_exempt  # POST is the protocol's, for long tokens; it changes nothing
@require_http_methods(["GET", "HEAD", "POST"])
def endpoint(request: HttpRequest) -> HttpResponse:
    data = request.POST if request.method == "POST" else request.GET
    names = list(data.keys())[:MAX_ARGUMENTS + 1]
    arguments = {name: data.getlist(name)[:2] for name in names}  # two values already make badArgument
    return HttpResponse(oai.respond(arguments), content_type="text/xml; charset=utf-8")
