"""The admin for themes: a theme with its sections and records inline, in editable order, and a link to
its public page (which staff can open while it is still a draft: their preview)."""

from __future__ import annotations

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy

from .themes import Theme, ThemeEntry, ThemeSection


class ThemeSectionInline(admin.StackedInline):
    model = ThemeSection
    extra = 0
    fields = ["position", "title", "intro"]


class ThemeEntryInline(admin.TabularInline):
    model = ThemeEntry
    extra = 1
    fields = ["position", "record", "section", "note"]
    autocomplete_fields = ["record"]  # records are many: searched by id or title, never one long list

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "section":
            # Only this theme's sections (none yet while the theme is being created).
            theme_id = request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
            kwargs["queryset"] = ThemeSection.objects.filter(theme_id=theme_id if theme_id else None)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "published", "position", "updated", "public_page"]
    list_editable = ["published", "position"]
    list_filter = ["published"]
    search_fields = ["title", "slug", "overview"]
    prepopulated_fields = {"slug": ["title"]}
    raw_id_fields = ["cover_page"]
    readonly_fields = ["created", "updated", "public_page"]
    fields = ["title", "slug", "published", "position", "overview", "cover_page", "cover_alt", "public_page",
              "created", "updated"]
    inlines = [ThemeSectionInline, ThemeEntryInline]

    @admin.display(description=gettext_lazy("Public page"))
    def public_page(self, obj: Theme) -> str:
        if obj.pk is None:
            return "-"
        label = gettext_lazy("Open") if obj.published else gettext_lazy("Preview (a draft: only staff see it)")
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), label)
