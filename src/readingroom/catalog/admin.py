"""Django admin set up for real cataloguing: search, filters, and inlines for contents and links; merging
duplicate authorities (an action, a page of likely duplicates, and an undo on each merge record)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from . import corrections
from .duplicates import likely_duplicates
from .forms import ContentAdminForm, FootnoteAdminForm, RecordAdminForm
from .merging import MergeError, merge, undo
from .models import (
    Authority,
    AuthorityMerge,
    Collection,
    Content,
    Footnote,
    NameVariant,
    Page,
    Record,
    RecordAuthority,
    Repository,
)
from .relations import Relation


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


class RelationOutInline(admin.TabularInline):
    """Relations this record states: "this record replies to ..."."""

    model = Relation
    fk_name = "source"
    extra = 1
    fields = ["kind", "target", "note", "origin"]
    autocomplete_fields = ["target"]
    verbose_name = "relation to another record"
    verbose_name_plural = "Relations to other records"


class RelationInInline(admin.TabularInline):
    """Relations other records state about this one, shown so both directions are visible here."""

    model = Relation
    fk_name = "target"
    extra = 0
    fields = ["source", "kind", "note", "origin"]
    autocomplete_fields = ["source"]
    verbose_name = "relation from another record"
    verbose_name_plural = "Relations from other records (read backwards: that record replies to this one...)"


@admin.register(Record)
class RecordAdmin(SimpleHistoryAdmin):  # "History" lists every version with its author (see also /document/<id>/history/)
    form = RecordAdminForm
    list_display = ["public_id", "title", "date_edtf", "document_type", "classification", "access_level", "collection"]
    list_filter = ["access_level", "document_type", "classification", "collection"]
    search_fields = ["public_id", "title", "summary", "source_reference"]
    readonly_fields = ["date_start", "date_end", "created", "updated", "import_source"]
    autocomplete_fields = ["collection", "repository"]
    date_hierarchy = "date_start"
    inlines = [ContentInline, RecordAuthorityInline, RelationOutInline, RelationInInline]
    fieldsets = [
        (None, {"fields": ["public_id", "title", "date_edtf", ("date_start", "date_end"), "summary"]}),
        (gettext_lazy("Description"), {"fields": ["document_type", "classification", "languages", "place_of_writing", "signed_by"]}),
        (gettext_lazy("Provenance"), {"fields": ["repository", "collection", "container", "folder", "source_reference", "source_url", "position"]}),
        (gettext_lazy("Rights and access"), {"fields": ["rights", "access_level", "embargo_until"]}),
        (gettext_lazy("History"), {"fields": ["created", "updated", "import_source"], "classes": ["collapse"]}),
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


class MergedFromInline(admin.TabularInline):
    """The duplicates merged into this authority, with their own ids (a conflicting one stays visible here)."""

    model = Authority
    fk_name = "merged_into"
    verbose_name, verbose_name_plural = gettext_lazy("merged duplicate"), gettext_lazy("merged duplicates")
    fields = readonly_fields = ["identifier", "preferred_name", "dates", "wikidata", "viaf", "geonames"]
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class MergedFilter(admin.SimpleListFilter):
    title = gettext_lazy("merged")
    parameter_name = "merged"

    def lookups(self, request, model_admin):
        return [("no", _("In use")), ("yes", _("Merged into another"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(merged_into__isnull=self.value() == "no")
        return queryset


def _who(request: HttpRequest) -> str:
    return request.user.get_username()


def _merge_all(request: HttpRequest, keep_pk: int, other_pks: list[int]) -> list[AuthorityMerge]:
    """All of them or none: a refused merge (kinds differ, already merged) rolls the others back."""
    try:
        with transaction.atomic():
            done = [merge(keep_pk, pk, by=_who(request)) for pk in other_pks]
    except MergeError as exc:
        messages.error(request, _("Nothing was merged: %(reason)s.") % {"reason": exc})
        return []
    for record in done:
        url = reverse("admin:catalog_authoritymerge_change", args=[record.pk])
        # The translated sentence is trusted markup; every value put into it is escaped.
        done = _('Merged %(merged)s into %(kept)s (<a href="%(url)s">merge #%(number)s</a>, which can be undone).') % {
            "merged": escape(record.merged_identifier), "kept": escape(record.kept_identifier), "url": escape(url),
            "number": record.pk}
        messages.success(request, mark_safe(done + (f" {escape(record.note)}" if record.note else "")))  # noqa: S308
    return done


def _pks(values: list[str]) -> list[int]:
    return [int(v) for v in values if v.isdigit()]


@admin.register(Authority)
class AuthorityAdmin(admin.ModelAdmin):
    list_display = ["preferred_name", "kind", "identifier", "dates", "merged_into"]
    list_filter = ["kind", MergedFilter]
    search_fields = ["preferred_name", "identifier", "variants__name"]
    readonly_fields = ["merged_into"]
    inlines = [NameVariantInline, MergedFromInline]
    actions = ["merge_selected"]

    def save_model(self, request, obj, form, change) -> None:
        # Coordinates typed in without a word on their source are the editor's: say so, and who.
        typed = {"latitude", "longitude"} & set(form.changed_data)
        if typed and "coordinates_source" not in form.changed_data and obj.has_coordinates:
            obj.coordinates_source = f"entered by staff ({_who(request)}, {timezone.localdate():%Y-%m-%d})"
        super().save_model(request, obj, form, change)

    def get_search_results(self, request, queryset, search_term):
        queryset, duplicates = super().get_search_results(request, queryset, search_term)
        if request.resolver_match and request.resolver_match.url_name == "autocomplete":
            queryset = queryset.filter(merged_into__isnull=True)  # never link a record to a merged-away one
        return queryset, duplicates

    def get_urls(self):
        return [path("duplicates/", self.admin_site.admin_view(self.duplicates_view), name="catalog_authority_duplicates"),
                *super().get_urls()]

    @admin.action(description=gettext_lazy("Merge selected authorities"), permissions=["change"])
    def merge_selected(self, request: HttpRequest, queryset) -> HttpResponse | None:
        authorities = list(queryset.order_by("preferred_name", "pk"))
        if len(authorities) < 2:
            self.message_user(request, _("Select two or more authorities to merge."), messages.WARNING)
            return None
        if request.POST.get("post") == "yes":
            keep = request.POST.get("keep", "")
            chosen = [a for a in authorities if str(a.pk) == keep]
            if chosen:
                _merge_all(request, chosen[0].pk, [a.pk for a in authorities if a.pk != chosen[0].pk])
                return None
            self.message_user(request, _("Choose the authority to keep."), messages.ERROR)
        counts = dict(RecordAuthority.objects.filter(authority__in=authorities).order_by().values("authority")
                      .annotate(n=Count("id")).values_list("authority", "n"))
        for authority in authorities:
            authority.record_count = counts.get(authority.pk, 0)
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "authorities": authorities,
                   "title": _("Merge authorities"), "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME}
        return TemplateResponse(request, "admin/catalog/authority/merge_confirmation.html", context)

    def duplicates_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_change_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            keep = request.POST.get("keep", "")
            others = [pk for pk in _pks(request.POST.getlist("others")) if str(pk) != keep]
            if keep.isdigit() and others:
                _merge_all(request, int(keep), others)
            else:
                messages.error(request, _("Nothing was merged: choose one authority to keep and at least one other."))
            return HttpResponseRedirect(request.get_full_path())
        kind = request.GET.get("kind") or None
        if kind not in Authority.Kind.values:
            kind = None
        page = Paginator(likely_duplicates(kind), 50).get_page(request.GET.get("page"))
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "page": page,
                   "kind": kind, "kinds": Authority.Kind.choices, "title": _("Likely duplicate authorities")}
        return TemplateResponse(request, "admin/catalog/authority/duplicates.html", context)


@admin.register(AuthorityMerge)
class AuthorityMergeAdmin(admin.ModelAdmin):
    list_display = ["__str__", "created", "merged_by", "undone"]
    list_filter = ["undone"]
    search_fields = ["kept_identifier", "merged_identifier"]
    readonly_fields = ["kept", "merged", "kept_identifier", "merged_identifier", "created", "merged_by", "undone",
                       "undone_by", "note", "conflicts", "filled", "added_names", "variants", "links"]
    fields = readonly_fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # a record of what happened: read, or undone, never edited

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # without it, the merge could not be undone

    def get_urls(self):
        return [path("<int:pk>/undo/", self.admin_site.admin_view(self.undo_view), name="catalog_authoritymerge_undo"),
                *super().get_urls()]

    def undo_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not request.user.has_perm("catalog.change_authority"):
            raise PermissionDenied
        record = get_object_or_404(AuthorityMerge, pk=pk)
        change_url = reverse("admin:catalog_authoritymerge_change", args=[pk])
        if request.method == "POST":
            try:
                undo(pk, by=_who(request))
            except MergeError as exc:
                messages.error(request, _("Nothing was changed: %(reason)s.") % {"reason": exc})
            else:
                messages.success(request, _("Merge #%(number)s undone: %(merged)s and %(kept)s are separate again.")
                                 % {"number": pk, "merged": record.merged_identifier, "kept": record.kept_identifier})
            return HttpResponseRedirect(change_url)
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "merge": record,
                   "title": _("Undo merge #%(number)s") % {"number": pk}, "change_url": change_url}
        return TemplateResponse(request, "admin/catalog/authoritymerge/undo_confirmation.html", context)


@admin.register(Page)
class PageAdmin(admin.ModelAdmin):
    list_display = ["content", "position", "ocr_status", "confidence"]
    list_filter = ["ocr_status"]
    raw_id_fields = ["content"]


from . import themes_admin  # noqa: E402,F401  (registers the theme admin)
