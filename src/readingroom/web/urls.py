"""The reading room's routes, in one list whose order matters in one place only: a record's id may contain
slashes and dots (frus1944Quebec/d121), so the routes below a record (/document/<id>/cite.csl.json, /edit/...)
come before the record's own, whose id pattern would otherwise take "<id>/cite.csl" as an id."""

from django.urls import path, re_path

from .views import (
    advanced_search,
    authorities,
    browse,
    collections,
    corrections,
    documents,
    export,
    home,
    iiif,
    language,
    map,
    oai,
    related,
    search,
    sitemap,
    themes,
)

ID = r"(?P<public_id>[\w./-]+?)"  # non-greedy, so ".json" and the suffixes below stay out of the id
RELATION = r"(?P<key>[a-z_]+)"  # a group of related records (catalog.relations.GROUP_KEYS; others are 404)
AUTHORITY = r"(?P<kind>person|place|organization|subject)/(?P<identifier>[\w.-]+)"

# Under a record: first, so the record's routes below never take their suffix for part of its id.
below_record = [
    re_path(rf"^document/{ID}/cite\.(?P<fmt>txt|bib|ris|csl\.json)$", documents.cite, name="cite"),
    re_path(rf"^document/{ID}/searchable\.pdf$", documents.searchable_pdf, name="searchable-pdf"),
    re_path(rf"^document/{ID}/edit/$", corrections.edit, name="correct"),  # staff
    re_path(rf"^document/{ID}/history/$", corrections.record_history, name="record-history"),  # staff
    re_path(rf"^document/{ID}/related/{RELATION}\.json$", related.related, {"as_json": True},
            name="document-related-json"),
    re_path(rf"^document/{ID}/related/{RELATION}/$", related.related, name="document-related"),
]

record = [
    re_path(rf"^document/{ID}\.json$", documents.document, {"as_json": True}, name="document-json"),
    re_path(rf"^document/{ID}/$", documents.document, name="document"),
    re_path(rf"^document/{ID}$", documents.document_redirect),
]

pages = [
    path("", home.home, name="home"),
    path(".json", home.home, {"as_json": True}, name="home-json"),
    path("language/<str:code>/", language.choose, name="choose-language"),
    path("search/", search.search, name="search"),
    path("search.json", search.search, {"as_json": True}, name="search-json"),
    path("search/advanced/", advanced_search.advanced_search, name="advanced-search"),
    path("search/advanced.json", advanced_search.advanced_search, {"as_json": True}, name="advanced-search-json"),
    re_path(r"^search/export\.(?P<fmt>csv|ris|bib|csl\.json)$", export.export, name="search-export"),
    path("collection/<str:identifier>/", collections.collection, name="collection"),
    path("collection/<str:identifier>.json", collections.collection, {"as_json": True}, name="collection-json"),
    re_path(rf"^{AUTHORITY}\.json$", authorities.authority, {"as_json": True}, name="authority-json"),
    re_path(rf"^{AUTHORITY}/$", authorities.authority, name="authority"),
    path("browse/", browse.index, name="browse"),
    path("browse.json", browse.index, {"as_json": True}, name="browse-json"),
    path("browse/collections/", browse.collections_tree, name="browse-collections"),
    path("browse/collections.json", browse.collections_tree, {"as_json": True}, name="browse-collections-json"),
    path("browse/dates/", browse.dates, name="browse-dates"),
    path("browse/dates.json", browse.dates, {"as_json": True}, name="browse-dates-json"),
    re_path(r"^browse/(?P<plural>people|places|organizations|subjects)/$", browse.authorities, name="browse-authorities"),
    re_path(r"^browse/(?P<plural>people|places|organizations|subjects)\.json$", browse.authorities, {"as_json": True},
            name="browse-authorities-json"),
    path("themes/", themes.index, name="themes"),
    path("themes.json", themes.index, {"as_json": True}, name="themes-json"),
    path("themes/<slug:slug>/", themes.theme, name="theme"),
    path("themes/<slug:slug>.json", themes.theme, {"as_json": True}, name="theme-json"),
    path("map/", map.place_map, name="map"),
    path("map.json", map.place_map, {"as_json": True}, name="map-json"),
]

staff = [
    path("corrections/diff/", corrections.diff, name="correction-diff"),
    path("corrections/revert/<int:history_id>/", corrections.revert, name="correction-revert"),
]

files = [
    path("scan/<int:page_id>/original", documents.original_scan, name="original-scan"),
    # IIIF Image API 3.0: {id}/{region}/{size}/{rotation}/{quality}.{format}
    path("iiif/image/<int:page_id>", iiif.image_base, name="iiif-image-base"),
    path("iiif/image/<int:page_id>/info.json", iiif.image_info, name="iiif-info"),
    re_path(r"^iiif/image/(?P<page_id>\d+)/(?P<region>[^/]+)/(?P<size>[^/]+)/(?P<rotation>[^/]+)/(?P<quality_format>[^/]+)$",
            iiif.image, name="iiif-image"),
    # After the image routes, so an image request ending in "/manifest.json" stays an image request.
    re_path(rf"^iiif/{ID}/manifest\.json$", iiif.manifest, name="iiif-manifest"),
]

harvesting = [
    path("oai", oai.endpoint, name="oai"),
    path("sitemap.xml", sitemap.sitemap, name="sitemap"),
    re_path(r"^sitemap-(?P<section>[a-z]+)-(?P<number>\d{1,9})\.xml$", sitemap.sitemap_part, name="sitemap-part"),
    path("robots.txt", sitemap.robots, name="robots"),
]

urlpatterns = below_record + record + pages + staff + files + harvesting
