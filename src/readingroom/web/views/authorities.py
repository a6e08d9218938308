from __future__ import annotations

from django.db.models import Value
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from readingroom.catalog import counts as kept
from readingroom.catalog.models import Authority, AuthorityCount, RecordAuthority, visible_q
from readingroom.standards.catalogue_json import authority_detail, record_summary
from readingroom.web import keyset
from readingroom.web.access import sees_restricted
from readingroom.web.views.documents import UNDATED

LINK_ORDER = keyset.Order(("sort_date", "record__public_id", "role"), (keyset.DATE, keyset.TEXT, keyset.TEXT),
                          lambda link: (link.sort_date, link.record.public_id, link.role))
PER_PAGE = 50


def authority(request: HttpRequest, kind: str, identifier: str, as_json: bool = False) -> HttpResponse:
    """A person, place, organization or subject: names, dates, links out, and its visible records by date."""
    item = get_object_or_404(Authority.objects.prefetch_related("variants"), kind=kind, identifier=identifier)
    staff = sees_restricted(request.user)
    if item.merged_into_id is not None:  # merged by staff into another authority: its address moved there
        moved_to = item.current()
        if not staff and not _has_records(moved_to, request.user):
            raise Http404("No such authority")  # nor is the kept one's address revealed
        return HttpResponsePermanentRedirect(
            reverse("authority-json", args=[moved_to.kind, moved_to.identifier]) if as_json else moved_to.get_absolute_url())
    if not staff and not _has_records(item, request.user):
        raise Http404("No such authority")
    links = (
        RecordAuthority.objects.filter(visible_q(request.user, "record__"), authority=item)
        .select_related("record")
        .only("role", "record__public_id", "record__title", "record__date_edtf", "record__date_start")
        .annotate(sort_date=Coalesce("record__date_start", Value(UNDATED)))
        .order_by("sort_date", "record__public_id", "role")
    )
    moved = keyset.old_page_redirect(request, links, LINK_ORDER, PER_PAGE)
    if moved:
        return moved
    page = keyset.paginate(request, links, LINK_ORDER, PER_PAGE)
    if staff:
        count = links.values("record_id").distinct().count()
    else:
        kept.ensure_current()
        count = AuthorityCount.objects.filter(authority=item).values_list("records", flat=True).first() or 0
    if as_json:
        data = authority_detail(item)
        data["url"] = item.get_absolute_url()
        if item.kind == Authority.Kind.PLACE:
            data["coordinates"] = ({"latitude": float(item.latitude), "longitude": float(item.longitude),
                                    "source": item.coordinates_source} if item.has_coordinates else None)
        data["records"] = [{**record_summary(link.record), "role": link.role} for link in page.object_list]
        data["count"], data["next"], data["previous"] = count, page.link_next, page.link_previous
        return JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    return render(request, "readingroom/authority.html", {"authority": item, "page": page, "count": count})


def _has_records(item: Authority, user) -> bool:
    return RecordAuthority.objects.filter(visible_q(user, "record__"), authority=item).exists()
