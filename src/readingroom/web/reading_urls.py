"""The reading room's routes beyond the foundation's (web/urls.py): browsing, IIIF, citations, downloads,
the sitemap. Included before web/urls.py, so the suffixed document routes (/document/<id>/cite.csl.json)
are matched before the foundation's `/document/<id>.json`, which would otherwise swallow them."""

from django.urls import path, re_path

from .views import browse, corrections, documents, export, iiif, map, sitemap, themes

ID = r"(?P<public_id>[\w./-]+?)"
urlpatterns = [
    re_path(rf"^document/{ID}/cite\.(?P<fmt>txt|bib|ris|csl\.json)$", documents.cite, name="cite"),
    re_path(rf"^document/{ID}/searchable\.pdf$", documents.searchable_pdf, name="searchable-pdf"),
    # Staff pages (corrections.py): before the foundation's document route, which takes ids with slashes.
    re_path(rf"^document/{ID}/edit/$", corrections.edit, name="correct"),
    re_path(rf"^document/{ID}/history/$", corrections.record_history, name="record-history"),
    path("corrections/diff/", corrections.diff, name="correction-diff"),
    path("corrections/revert/<int:history_id>/", corrections.revert, name="correction-revert"),
    path("scan/<int:page_id>/original", documents.original_scan, name="original-scan"),
    # IIIF Image API 3.0: {id}/{region}/{size}/{rotation}/{quality}.{format}
    path("iiif/image/<int:page_id>", iiif.image_base, name="iiif-image-base"),
    path("iiif/image/<int:page_id>/info.json", iiif.image_info, name="iiif-info"),
    re_path(r"^iiif/image/(?P<page_id>\d+)/(?P<region>[^/]+)/(?P<size>[^/]+)/(?P<rotation>[^/]+)/(?P<quality_format>[^/]+)$",
            iiif.image, name="iiif-image"),
    re_path(rf"^iiif/{ID}/manifest\.json$", iiif.manifest, name="iiif-manifest"),
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
    re_path(r"^search/export\.(?P<fmt>csv|ris|bib|csl\.json)$", export.export, name="search-export"),
    path("map/", map.place_map, name="map"),
    path("map.json", map.place_map, {"as_json": True}, name="map-json"),
    path("sitemap.xml", sitemap.sitemap, name="sitemap"),
    re_path(r"^sitemap-(?P<section>[a-z]+)-(?P<number>\d{1,9})\.xml$", sitemap.sitemap_part, name="sitemap-part"),
    path("robots.txt", sitemap.robots, name="robots"),
]
