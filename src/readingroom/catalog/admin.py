"""Django admin set up for real cataloguing: search, filters, and inlines for contents and links."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from . import corrections
from .forms import ContentAdminForm, FootnoteAdminForm, RecordAdminForm
from .models import (
    Authority,
    Collection,
    Content,
    Footnote,
    NameVariant,
    Page,
    Record,
    RecordAuthority,
    Repository,
)


class ContentInline(admin.StackedInline):
    model = Content
    form = ContentAdminForm
    extra = 0
    fields = ["position", "kind", "language", "label", "text"]
    show_change_link = True


class RecordAuthorityInline(admin.TabularInline):
    model = RecordAuthority
    extra = 1
    autocomplete_fields = ["authority"]


@admin.register(Record)
class RecordAdmin(SimpleHistoryAdmin):  # "History" lists every version with its author (see also /document/<id>/history/)
    form = RecordAdminForm
    list_display = ["public_id", "title", "date_edtf", "document_type", "classification", "access_level", "collection"]
    list_filter = ["access_level", "document_type", "classification", "collection"]
    search_fields = ["public_id", "title", "summary", "source_reference"]
    readonly_fields = ["date_start", "date_end", "created", "updated", "import_source"]
    autocomplete_fields = ["collection", "repository"]
    date_hierarchy = "date_start"
    inlines = [ContentInline, RecordAuthorityInline]
    fieldsets = [
        (None, {"fields": ["public_id", "title", "date_edtf", ("date_start", "date_end"), "summary"]}),
        ("Description", {"fields": ["document_type", "classification", "languages", "place_of_writing", "signed_by"]}),
        ("Provenance", {"fields": ["repository", "collection", "container", "folder", "source_reference", "source_url", "position"]}),
        ("Rights and access", {"fields": ["rights", "access_level", "embargo_until"]}),
        ("History", {"fields": ["created", "updated", "import_source"], "classes": ["collapse"]}),
    ]

    def save_formset(self, request, form, formset, change) -> None:
        super().save_formset(request, form, formset, change)
        if formset.model is Content:
            _note_text_edits(formset.forms, request.user)


def _note_text_edits(forms, user) -> None:
    """Texts changed in the admin become versions of their corrections (catalog/corrections.py)."""
    for form in forms:
        if "text" in form.initial and "text" in form.changed_data:  # an existing text, changed
            corrections.note_direct_edit(form.instance, form.initial.get("text") or "", user)


class FootnoteInline(admin.TabularInline):
    model = Footnote
    form = FootnoteAdminForm
    extra = 0


class PageInline(admin.TabularInline):
    model = Page
    extra = 0
    fields = ["position", "image", "width", "height", "confidence", "ocr_status"]
    readonly_fields = ["width", "height", "confidence", "ocr_status"]


@admin.register(Content)
class ContentAdmin(admin.ModelAdmin):
    form = ContentAdminForm
    list_display = ["record", "position", "kind", "language"]
    list_filter = ["kind", "language"]
    search_fields = ["record__public_id", "record__title", "text"]
    raw_id_fields = ["record"]
    inlines = [FootnoteInline, PageInline]

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        if change:
            _note_text_edits([form], request.user)


@admin.register(Collection)
class CollectionAdmin(admin.ModelAdmin):
    list_display = ["title", "identifier", "level", "parent", "repository"]
    list_filter = ["level"]
    search_fields = ["title", "identifier"]
    autocomplete_fields = ["parent", "repository"]


@admin.register(Repository)
class RepositoryAdmin(admin.ModelAdmin):
    list_display = ["name", "place"]
    search_fields = ["name"]


class NameVariantInline(admin.TabularInline):
    model = NameVariant
    extra = 1


@admin.register(Authority)
class AuthorityAdmin(admin.ModelAdmin):
    list_display = ["preferred_name", "kind", "identifier", "dates"]
    list_filter = ["kind"]
    search_fields = ["preferred_name", "identifier", "variants__name"]
    inlines = [NameVariantInline]


@admin.register(Page)
class PageAdmin(admin.ModelAdmin):
    list_display = ["content", "position", "ocr_status", "confidence"]
    list_filter = ["ocr_status"]
    raw_id_fields = ["content"]
