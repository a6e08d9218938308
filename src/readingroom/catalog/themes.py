"""Themes: curated collections that staff write (an overview, a cover from a scan, sections of records
with notes). A theme is the curator's text around records; the records keep their own access levels, so
a restricted record in a published theme stays hidden from the public (see web/theme_data.py)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models

from . import addresses
from .models import Page, Record, sees_restricted

# Markdown longer than this is refused in forms (an essay is a few thousand characters); rendering cuts
# anything longer that reached the database another way.
MARKDOWN_LIMIT = 20_000
markdown_help = "Markdown: *italic*, **bold**, [a link](https://…), lists, headings. HTML is shown as text."


class ThemeQuerySet(models.QuerySet):
    def published(self) -> ThemeQuerySet:
        return self.filter(published=True)

    def visible_to(self, user) -> ThemeQuerySet:
        """Staff preview drafts; everyone else sees published themes only."""
        return self if sees_restricted(user) else self.published()


class Theme(models.Model):
    title = models.CharField("title", max_length=300)
    slug = models.SlugField("slug", max_length=100, unique=True, help_text="Its address: /themes/<slug>/")
    overview = models.TextField("overview", blank=True, validators=[MaxLengthValidator(MARKDOWN_LIMIT)],
                                help_text=markdown_help)
    published = models.BooleanField("published", default=False,
                                    help_text="Drafts are seen by staff only (a preview), not listed for readers.")
    cover_page = models.ForeignKey(Page, null=True, blank=True, related_name="+", on_delete=models.SET_NULL,
                                   verbose_name="cover page",
                                   help_text="A scanned page of a record, shown through IIIF; hidden from readers "
                                             "while its record is restricted.")
    cover_alt = models.CharField("cover description", max_length=300, blank=True,
                                 help_text="What the cover shows, for readers who cannot see it")
    position = models.PositiveIntegerField("position", default=0, help_text="Order in the list of themes")
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = ThemeQuerySet.as_manager()

    class Meta:
        ordering = ["position", "title"]
        verbose_name = "theme"
        verbose_name_plural = "themes"

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return addresses.theme(self.slug)


class ThemeSection(models.Model):
    theme = models.ForeignKey(Theme, related_name="sections", on_delete=models.CASCADE)
    position = models.PositiveIntegerField("position", default=0)
    title = models.CharField("title", max_length=300)
    intro = models.TextField("introduction", blank=True, validators=[MaxLengthValidator(MARKDOWN_LIMIT)],
                             help_text=markdown_help)

    class Meta:
        ordering = ["theme", "position", "pk"]
        verbose_name = "section"
        verbose_name_plural = "sections"

    def __str__(self) -> str:
        return self.title


class ThemeEntry(models.Model):
    """One record in a theme, in order, optionally in a section and with the curator's note."""

    theme = models.ForeignKey(Theme, related_name="entries", on_delete=models.CASCADE)
    # A deleted record takes its entry with it: the theme goes on without it.
    record = models.ForeignKey(Record, related_name="theme_entries", on_delete=models.CASCADE,
                               verbose_name="record")
    section = models.ForeignKey(ThemeSection, null=True, blank=True, related_name="entries",
                                on_delete=models.SET_NULL, verbose_name="section",
                                help_text="Sections can be chosen once they are saved")
    position = models.PositiveIntegerField("position", default=0)
    note = models.TextField("note", blank=True, validators=[MaxLengthValidator(MARKDOWN_LIMIT)],
                            help_text=markdown_help)

    class Meta:
        ordering = ["theme", "position", "pk"]
        verbose_name = "record in the theme"
        verbose_name_plural = "records in the theme"
        constraints = [models.UniqueConstraint(fields=["theme", "record"], name="unique_record_per_theme")]

    def __str__(self) -> str:
        return str(self.record)

    def clean(self) -> None:
        if self.section_id is not None and self.section.theme_id != self.theme_id:
            raise ValidationError({"section": "This section belongs to another theme."})
