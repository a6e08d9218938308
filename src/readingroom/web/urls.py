from django.urls import path, re_path

from .views import authorities, browse, collections, documents, home, iiif, sitemap

# Record ids may contain a slash (frus1944Quebec/d121), so document routes use a regex that
# keeps ".json" out of the id. Routes with a suffix after the id (cite, pdf) come first.
ID = r"(?P<public_id>[\w./-]+?)"
urlpatterns = [
    path("", home.home, name="home"),
    path(".json", home.home, {"as_json": True}, name="home-json"),
    re_path(rf"^document/{ID}/cite\.(?P<fmt>txt|bib|ris|csl\.json)$", documents.cite, name="cite"),
    re_path(rf"^document/{ID}/searchable\.pdf$", documents.searchable_pdf, name="searchable-pdf"),
    re_path(rf"^document/{ID}\.json$", documents.document, {"as_json": True}, name="document-json"),
    re_path(rf"^document/{ID}/$", documents.document, name="document"),
    re_path(rf"^document/{ID}$", documents.document_redirect),
    path("scan/<int:page_id>/original", documents.original_scan, name="original-scan"),
    # IIIF Image API 3.0: {id}/{region}/{size}/{rotation}/{quality}.{format}
    path("iiif/image/<int:page_id>", iiif.image_base, name="iiif-image-base"),
    path("iiif/image/<int:page_id>/info.json", iiif.image_info, name="iiif-info"),
    re_path(r"^iiif/image/(?P<page_id>\d+)/(?P<region>[^/]+)/(?P<size>[^/]+)/(?P<rotation>[^/]+)/(?P<quality_format>[^/]+)$",
            iiif.image, name="iiif-image"),
    re_path(rf"^iiif/{ID}/manifest\.json$", iiif.manifest, name="iiif-manifest"),
    path("collection/<str:identifier>/", collections.collection, name="collection"),
    path("collection/<str:identifier>.json", collections.collection, {"as_json": True}, name="collection-json"),
    path("browse/", browse.index, name="browse"),
    path("browse.json", browse.index, {"as_json": True}, name="browse-json"),
    path("browse/collections/", browse.collections_tree, name="browse-collections"),
    path("browse/collections.json", browse.collections_tree, {"as_json": True}, name="browse-collections-json"),
    path("browse/dates/", browse.dates, name="browse-dates"),
    path("browse/dates.json", browse.dates, {"as_json": True}, name="browse-dates-json"),
    re_path(r"^browse/(?P<plural>people|places|organizations|subjects)/$", browse.authorities, name="browse-authorities"),
    re_path(r"^browse/(?P<plural>people|places|organizations|subjects)\.json$", browse.authorities, {"as_json": True},
            name="browse-authorities-json"),
    path("sitemap.xml", sitemap.sitemap, name="sitemap"),
    path("robots.txt", sitemap.robots, name="robots"),
    re_path(r"^(?P<kind>person|place|organization|subject)/(?P<identifier>[\w.-]+)\.json$", authorities.authority,
            {"as_json": True}, name="authority-json"),
    re_path(r"^(?P<kind>person|place|organization|subject)/(?P<identifier>[\w.-]+)/$", authorities.authority,
            name="authority"),
]
