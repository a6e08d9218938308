"""The catalogue: records, their contents, provenance and authority records.

Names follow archival practice (Record, Collection, Content, Authority). A record's citation is
never stored: it is built from these fields (see standards/citations.py).
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from . import addresses
from .dates import DateError, display_date, parse_edtf


class Repository(models.Model):
    """The institution (and division) that holds the originals, e.g. the Library of Congress."""

    name = models.CharField(max_length=300, unique=True, help_text="e.g. Manuscript Division, Library of Congress")
    place = models.CharField(max_length=200, blank=True, help_text="e.g. Washington, DC")
    url = models.URLField(blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "repositories"

    def __str__(self) -> str:
        return self.name


class Collection(models.Model):
    """A node of the arrangement tree: collection, series, sub-series. Records hang off any node."""

    class Level(models.TextChoices):
        COLLECTION = "collection", _("Collection")
        SERIES = "series", _("Series")
        SUBSERIES = "subseries", _("Sub-series")

    identifier = models.CharField(max_length=200, unique=True, help_text="Stable id, e.g. frus1944Quebec or a slug")
    title = models.CharField(max_length=500)
    level = models.CharField(max_length=20, choices=Level.choices, default=Level.COLLECTION)
    parent = models.ForeignKey("self", null=True, blank=True, related_name="children", on_delete=models.CASCADE)
    repository = models.ForeignKey(Repository, null=True, blank=True, related_name="collections", on_delete=models.SET_NULL)
    position = models.PositiveIntegerField(default=0, help_text="Order among siblings")
    description = models.TextField(blank=True)
    editors = models.CharField(max_length=500, blank=True)
    publication_year = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["position", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return addresses.collection(self.identifier)

    def ancestors(self) -> list[Collection]:
        """From the root down to (and including) this node."""
        chain: list[Collection] = []
        node: Collection | None = self
        seen: set[int] = set()
        while node is not None and node.pk not in seen:
            seen.add(node.pk)
            chain.append(node)
            node = node.parent
        return list(reversed(chain))

    def root(self) -> Collection:
        return self.ancestors()[0]

    @staticmethod
    def subtree_pks(root_pk: int) -> list[int]:
        """A collection's pk and all its descendants' (series, files...): a query per level; a loop in
        the tree cannot make it run forever."""
        tree, frontier = [root_pk], [root_pk]
        while frontier:
            frontier = list(Collection.objects.filter(parent_id__in=frontier).exclude(pk__in=tree)
                            .values_list("pk", flat=True))
            tree.extend(frontier)
        return tree

    def path_titles(self) -> list[str]:
        return [c.title for c in self.ancestors()]


def new_public_id() -> str:
    """Ids for records created here: short, unguessable-ish, and never reused."""
    return "rr-" + secrets.token_hex(5)


class AccessLevel(models.TextChoices):
    PUBLIC = "public", _("Public")
    STAFF = "staff", _("Staff only")
    EMBARGOED = "embargoed", _("Embargoed until a date")


def sees_restricted(user) -> bool:
    """Staff see every record, restricted and embargoed ones too; everyone else only public ones."""
    return bool(user is not None and getattr(user, "is_staff", False))


def visible_q(user, prefix: str = "", today: dt.date | None = None) -> models.Q:
    """The condition "this reader may see the record", on a relation's path to it (`prefix`, e.g. "record__").

    Filtering a related table through this join, rather than `record__in=Record.objects.public()`, keeps a
    page's cost to its own rows: SQLite lists the whole subquery (every public record) for each `IN`."""
    if sees_restricted(user):
        return models.Q()
    today = today or timezone.localdate()
    return (models.Q(**{f"{prefix}access_level": AccessLevel.PUBLIC})
            | models.Q(**{f"{prefix}access_level": AccessLevel.EMBARGOED, f"{prefix}embargo_until__isnull": False,
                          f"{prefix}embargo_until__lte": today}))


class RecordQuerySet(models.QuerySet):
    def public(self, today: dt.date | None = None) -> RecordQuerySet:
        """Records any reader may see: public ones, and embargoed ones whose embargo has ended."""
        return self.filter(visible_q(None, today=today))

    def visible_to(self, user) -> RecordQuerySet:
        if sees_restricted(user):
            return self
        return self.public()


class Record(models.Model):
    """One archival document: a telegram, a memorandum, minutes of a meeting."""

    public_id = models.CharField(
        max_length=200, unique=True, default=new_public_id,
        help_text="Stable public id used in URLs and citations (e.g. 209771, frus1944Quebec/d121)",
    )
    title = models.CharField(max_length=1000)
    date_edtf = models.CharField("date (EDTF)", max_length=100, blank=True,
                                 help_text="e.g. 1944-02-02, 1944-02, 1944~, 1944-03/1944-09; empty if undated")
    date_start = models.DateField(null=True, blank=True, db_index=True, editable=False)
    date_end = models.DateField(null=True, blank=True, db_index=True, editable=False)
    summary = models.TextField(blank=True)
    document_type = models.CharField(max_length=100, blank=True, db_index=True,
                                     help_text="telegram, memorandum, letter, minutes, report...")
    classification = models.CharField("original classification", max_length=100, blank=True,
                                      help_text="The marking on the original: SECRET, TOP SECRET...")
    languages = models.JSONField(default=list, blank=True, help_text="Original language(s), BCP 47 tags (en, ru, zh-Hans)")
    rights = models.TextField(blank=True)
    access_level = models.CharField(max_length=20, choices=AccessLevel.choices, default=AccessLevel.PUBLIC, db_index=True)
    embargo_until = models.DateField(null=True, blank=True)

    repository = models.ForeignKey(Repository, null=True, blank=True, related_name="records", on_delete=models.SET_NULL)
    collection = models.ForeignKey(Collection, null=True, blank=True, related_name="records", on_delete=models.SET_NULL)
    container = models.CharField(max_length=200, blank=True, help_text="Box or container number, e.g. 171")
    folder = models.CharField(max_length=200, blank=True)
    source_reference = models.CharField(max_length=1000, blank=True,
                                        help_text="The archival reference or source note of the original")
    source_url = models.URLField(max_length=1000, blank=True, help_text="Where this record was published before")
    place_of_writing = models.CharField(max_length=300, blank=True)
    signed_by = models.CharField(max_length=300, blank=True)
    position = models.PositiveIntegerField(default=0, help_text="Order within its collection")

    # Where the record was imported from, so re-imports update instead of duplicating.
    import_source = models.CharField(max_length=1000, blank=True, editable=False)
    import_checksum = models.CharField(max_length=64, blank=True, editable=False)

    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = RecordQuerySet.as_manager()
    # Every save through the ORM (the admin, the careful import path, shell edits) leaves a version with its
    # author; the bulk insert path makes no saves, so new records imported in bulk cost no history rows.
    history = HistoricalRecords(excluded_fields=["date_start", "date_end", "import_checksum", "updated"])

    class Meta:
        ordering = ["date_start", "position", "public_id"]
        indexes = [models.Index(fields=["collection", "position"])]

    def __str__(self) -> str:
        return f"{self.public_id}: {self.title}"

    def get_absolute_url(self) -> str:
        return addresses.record(self.public_id)

    @property
    def date_display(self) -> str:
        return display_date(self.date_edtf)

    def clean(self) -> None:
        try:
            parse_edtf(self.date_edtf)
        except DateError as exc:
            raise ValidationError({"date_edtf": str(exc)}) from exc

    def save(self, *args, **kwargs) -> None:
        span = parse_edtf(self.date_edtf)
        self.date_edtf, self.date_start, self.date_end = span.edtf, span.start, span.end
        super().save(*args, **kwargs)

    def is_public(self, today: dt.date | None = None) -> bool:
        today = today or timezone.localdate()
        if self.access_level == AccessLevel.PUBLIC:
            return True
        return self.access_level == AccessLevel.EMBARGOED and self.embargo_until is not None and self.embargo_until <= today

    def visible_to(self, user) -> bool:
        return self.is_public() or sees_restricted(user)


class Content(models.Model):
    """One content item of a record: the original scan (with its OCR text), a transcript, a translation."""

    class Kind(models.TextChoices):
        SCAN = "scan", _("Original Scan")
        TRANSCRIPT = "transcript", _("Transcript")
        TRANSLATION = "translation", _("Translation")

    record = models.ForeignKey(Record, related_name="contents", on_delete=models.CASCADE)
    position = models.PositiveIntegerField(default=0)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    language = models.CharField(max_length=20, blank=True, help_text="BCP 47 tag, e.g. en, ru, zh-Hans")
    label = models.CharField(max_length=200, blank=True, help_text="As shown on the tab, e.g. 'Transcript - English'")
    text = models.TextField(blank=True, help_text="For a scan: the machine-read (OCR) text")
    # Structure kept by importers (paragraphs, block quotes, lists), as HTML that the importer built
    # from escaped text; the page shows it instead of `text` when present. Never taken from users.
    markup = models.TextField(blank=True, editable=False)
    # Printed page breaks: [{"n": "190", "offset": 1234}] with offsets into `text`, so readers can cite pages.
    page_breaks = models.JSONField(default=list, blank=True)
    # When staff last published a correction of this text (or of one of its scan pages): "Corrected DATE".
    corrected = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        # By the column, not the record: "record" means the record's own ordering, a join in every query
        # of contents, even the one deleting a record's contents (PostgreSQL without statistics planned
        # that join over a bulk import's 1,200 records for over 20 minutes).
        ordering = ["record_id", "position"]

    def __str__(self) -> str:
        return self.display_label

    @property
    def display_label(self) -> str:
        if self.label:
            return self.label
        from .languages import language_name

        if self.kind == self.Kind.SCAN:
            return str(_("Original Scan"))
        if not self.language:
            return str(self.get_kind_display())
        return f"{self.get_kind_display()} - {language_name(self.language, get_language())}"

    @property
    def machine_read(self) -> bool:
        return self.kind == self.Kind.SCAN


class Footnote(models.Model):
    """An editor's or author's note attached to a point in a content's text (FRUS footnotes)."""

    content = models.ForeignKey(Content, related_name="footnotes", on_delete=models.CASCADE)
    number = models.CharField(max_length=20)
    anchor_id = models.CharField(max_length=100, blank=True)
    text = models.TextField()
    # Safe HTML made by the importer (escaped text, links it resolved), for notes with inline markup.
    markup = models.TextField(blank=True, editable=False)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["content_id", "position"]  # the column: see Content

    def __str__(self) -> str:
        return f"note {self.number}"


class Authority(models.Model):
    """A person, place, organization or subject, with its name variants (Shantung/Shandong)."""

    class Kind(models.TextChoices):
        PERSON = "person", _("Person")
        PLACE = "place", _("Place")
        ORGANIZATION = "organization", _("Organization")
        SUBJECT = "subject", _("Subject")

    kind = models.CharField(max_length=20, choices=Kind.choices, db_index=True)
    identifier = models.CharField(max_length=200, unique=True, help_text="Stable id, e.g. person-stalin-joseph")
    preferred_name = models.CharField(max_length=500, db_index=True)
    dates = models.CharField(max_length=100, blank=True, help_text="e.g. 1878-1953")
    description = models.TextField(blank=True)
    wikidata = models.CharField("Wikidata id", max_length=50, blank=True)
    viaf = models.CharField("VIAF id", max_length=50, blank=True)
    geonames = models.CharField("GeoNames id", max_length=50, blank=True)
    source = models.CharField(max_length=500, blank=True, help_text="Where the name and variants were verified")
    # A place's position (WGS 84), never guessed: from the gazetteer, GeoNames (catalog/coordinates.py) or staff.
    latitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True,
                                   validators=[MinValueValidator(-90), MaxValueValidator(90)],
                                   help_text="Decimal degrees, -90 (south) to 90 (north), e.g. 52.22977")
    longitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True,
                                    validators=[MinValueValidator(-180), MaxValueValidator(180)],
                                    help_text="Decimal degrees, -180 (west) to 180 (east), e.g. 21.01178")
    coordinates_source = models.CharField(max_length=500, blank=True,
                                          help_text="Where the coordinates came from (staff edits say so by themselves)")
    country_code = models.CharField(max_length=2, blank=True,
                                    help_text="ISO 3166 country code (e.g. PL), for the map's list of places by region")
    # Set when staff merged this duplicate into another authority (catalog/merging.py): the row stays, so
    # its old URL redirects, a re-import of its source links to the kept one, and the merge can be undone.
    merged_into = models.ForeignKey("self", null=True, blank=True, related_name="merged_from", editable=False,
                                    on_delete=models.SET_NULL)

    class Meta:
        ordering = ["preferred_name"]
        verbose_name_plural = "authorities"

    def __str__(self) -> str:
        return self.preferred_name

    def get_absolute_url(self) -> str:
        return addresses.authority(self.kind, self.identifier)

    def all_names(self) -> list[str]:
        return [self.preferred_name, *(v.name for v in self.variants.all())]

    @property
    def has_coordinates(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    def clean(self) -> None:
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError(_("Give both latitude and longitude, or neither."))
        self.country_code = self.country_code.strip().upper()

    def current(self) -> Authority:
        """The authority this one now stands for: itself, or the one it was merged into (merges can chain)."""
        node, seen = self, {self.pk}
        while node.merged_into_id is not None and node.merged_into_id not in seen:
            seen.add(node.merged_into_id)
            node = node.merged_into
        return node


class NameVariant(models.Model):
    authority = models.ForeignKey(Authority, related_name="variants", on_delete=models.CASCADE)
    name = models.CharField(max_length=500, db_index=True)
    language = models.CharField(max_length=20, blank=True)
    note = models.CharField(max_length=300, blank=True, help_text="e.g. Wade-Giles, postal romanization, German")

    class Meta:
        ordering = ["authority", "name"]
        constraints = [models.UniqueConstraint(fields=["authority", "name"], name="unique_variant_per_authority")]

    def __str__(self) -> str:
        return self.name


class RecordAuthority(models.Model):
    """Links a record to an authority with a role (author, recipient, mentioned...)."""

    class Role(models.TextChoices):
        AUTHOR = "author", _("Author")
        RECIPIENT = "recipient", _("Recipient")
        MENTIONED = "mentioned", _("Mentioned")
        SUBJECT = "subject", _("Subject")
        PLACE_OF_WRITING = "written_at", _("Place of writing")

    record = models.ForeignKey(Record, related_name="authority_links", on_delete=models.CASCADE)
    authority = models.ForeignKey(Authority, related_name="record_links", on_delete=models.CASCADE)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MENTIONED)

    class Meta:
        ordering = ["record_id", "role", "authority__preferred_name"]  # the column: see Content
        constraints = [models.UniqueConstraint(fields=["record", "authority", "role"], name="unique_record_authority_role")]

    def __str__(self) -> str:
        return f"{self.authority} ({self.get_role_display()})"


class AuthorityMerge(models.Model):
    """One authority merged into another, with what moved, so that it can be undone exactly.

    `links` holds [record pk, role, how]: "moved" (the link now points to the kept authority) or "dropped"
    (the kept one already had that link). `variants` is the merged authority's variants before the merge,
    `added_names` the names the kept one gained, `filled` the kept one's blank fields filled in, and
    `conflicts` the external ids on which the two disagreed (the merged row keeps its own)."""

    kept = models.ForeignKey(Authority, null=True, related_name="merges_in", on_delete=models.SET_NULL)
    merged = models.ForeignKey(Authority, null=True, related_name="merges_out", on_delete=models.SET_NULL)
    # Kept as text too: a merge stays readable after either authority is deleted.
    kept_identifier = models.CharField(max_length=200)
    merged_identifier = models.CharField(max_length=200)
    created = models.DateTimeField(auto_now_add=True)
    merged_by = models.CharField(max_length=200, blank=True)
    undone = models.DateTimeField(null=True, blank=True)
    undone_by = models.CharField(max_length=200, blank=True)
    links = models.JSONField(default=list, blank=True)
    variants = models.JSONField(default=list, blank=True)
    added_names = models.JSONField(default=list, blank=True)
    filled = models.JSONField(default=dict, blank=True)
    conflicts = models.JSONField(default=dict, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = "authority merge"

    def __str__(self) -> str:
        return f"#{self.pk}: {self.merged_identifier} into {self.kept_identifier}"


def page_upload_path(page: Page, filename: str) -> str:
    return f"scans/{page.content.record_id}/{page.content_id}/{page.position:04d}-{filename}"


class Page(models.Model):
    """One page of a scan: the stored original image (never modified) and what OCR read from it."""

    class OcrStatus(models.TextChoices):
        PENDING = "pending", _("Waiting for OCR")
        DONE = "done", _("Read")
        FAILED = "failed", _("Failed")
        NO_TEXT = "no_text", _("No text found")  # ink but no text: a photograph, a map, a drawing
        TEXT_LAYER = "text_layer", _("Text from the PDF's own text layer")

    content = models.ForeignKey(Content, related_name="pages", on_delete=models.CASCADE)
    position = models.PositiveIntegerField(default=0)
    image = models.FileField(upload_to=page_upload_path, max_length=500, blank=True)
    original_name = models.CharField(max_length=500, blank=True)
    checksum = models.CharField(max_length=64, blank=True, help_text="SHA-256 of the original file")
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    dpi = models.PositiveIntegerField(null=True, blank=True)
    text = models.TextField(blank=True)
    words = models.JSONField(default=list, blank=True, help_text="[[x, y, w, h, confidence, word], ...]")
    confidence = models.FloatField(null=True, blank=True, help_text="Mean word confidence, 0-100")
    ocr_status = models.CharField(max_length=20, choices=OcrStatus.choices, default=OcrStatus.PENDING)
    ocr_engine = models.CharField(max_length=100, blank=True)
    ocr_settings = models.JSONField(default=dict, blank=True)
    ocr_error = models.TextField(blank=True)

    class Meta:
        ordering = ["content_id", "position"]  # the column: see Content
        constraints = [models.UniqueConstraint(fields=["content", "position"], name="unique_page_position")]

    def __str__(self) -> str:
        return f"page {self.position + 1} of {self.content}"


class Correction(models.Model):
    """Staff's working copy of one text: a transcript or translation, or the OCR text of one scan page.

    The public text stays in Content.text / Page.text and changes only when a correction is published, so
    a draft never reaches pages, twins, citations or the index. Every save is a version (the history rows
    carry author, time and comment); `revision` counts saves, and an editor posts back the one they started
    from so that a concurrent save is caught instead of overwritten. Logic: catalog/corrections.py."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        REVIEWED = "reviewed", _("Reviewed")
        PUBLISHED = "published", _("Published")

    record = models.ForeignKey(Record, related_name="corrections", on_delete=models.CASCADE)
    content = models.ForeignKey(Content, related_name="corrections", on_delete=models.CASCADE)
    page = models.ForeignKey(Page, null=True, blank=True, related_name="corrections", on_delete=models.CASCADE)
    text = models.TextField(blank=True)
    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT)
    revision = models.PositiveIntegerField(default=0)
    # What the import last delivered for this text, to tell a re-import that changed the source from one
    # that did not.
    source_text = models.TextField(blank=True)
    published = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["content_id", "page"]  # the column: see Content
        constraints = [
            models.UniqueConstraint(fields=["content"], condition=models.Q(page__isnull=True),
                                    name="one_correction_per_text"),
            models.UniqueConstraint(fields=["page"], condition=models.Q(page__isnull=False),
                                    name="one_correction_per_page"),
        ]

    def __str__(self) -> str:
        where = f"page {self.page.position + 1} of " if self.page_id else ""
        return f"{where}{self.content} ({self.get_state_display()})"


from .count_tables import AuthorityCount, CountedRecord, CountsState, PublicCount  # noqa: E402,F401  (catalog/counts.py)
