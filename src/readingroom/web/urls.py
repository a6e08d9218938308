from django.urls import path, re_path

from .views import advanced_search, authorities, collections, documents, home, language, oai, search

# Record ids may contain a slash (frus1944Quebec/d121), so document routes use a regex that
# keeps ".json" out of the id.
urlpatterns = [
    path("", home.home, name="home"),
    path(".json", home.home, {"as_json": True}, name="home-json"),
    path("language/<str:code>/", language.choose, name="choose-language"),
    path("oai", oai.endpoint, name="oai"),
    path("search/", search.search, name="search"),
    path("search.json", search.search, {"as_json": True}, name="search-json"),
    path("search/advanced/", advanced_search.advanced_search, name="advanced-search"),
    path("search/advanced.json", advanced_search.advanced_search, {"as_json": True}, name="advanced-search-json"),
    re_path(r"^document/(?P<public_id>[\w./-]+?)\.json$", documents.document, {"as_json": True}, name="document-json"),
    re_path(r"^document/(?P<public_id>[\w./-]+?)/$", documents.document, name="document"),
    re_path(r"^document/(?P<public_id>[\w./-]+?)$", documents.document_redirect),
    path("collection/<str:identifier>/", collections.collection, name="collection"),
    path("collection/<str:identifier>.json", collections.collection, {"as_json": True}, name="collection-json"),
    re_path(r"^(?P<kind>person|place|organization|subject)/(?P<identifier>[\w.-]+)\.json$", authorities.authority,
            {"as_json": True}, name="authority-json"),
    re_path(r"^(?P<kind>person|place|organization|subject)/(?P<identifier>[\w.-]+)/$", authorities.authority,
            name="authority"),
]
