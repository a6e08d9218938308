"""The sitemap is built once and kept, yet a change shows at once: a record restricted, deleted or added,
an authority link removed, through a model save or a bulk update, with no cache-clearing call."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

from readingroom.catalog import counts
from readingroom.catalog.models import AccessLevel, Record, RecordAuthority
from readingroom.catalog.signals import announce

from .test_document_reading import sitemap_urls

SEED = "http://testserver/document/209771/"


def _built_parts() -> list[Path]:
    return sorted((Path(settings.DATA_DIR) / "cache" / "sitemap").glob("*/*.xml"))


def test_parts_are_kept_and_served_again_unchanged(client, archive):
    first = sitemap_urls(client)
    built = _built_parts()
    assert built and len({p.parent for p in built}) == 1  # one stamp's folder
    mtimes = [p.stat().st_mtime_ns for p in built]
    assert sitemap_urls(client) == first
    assert [p.stat().st_mtime_ns for p in _built_parts()] == mtimes  # served from the files, not rebuilt


def test_a_record_restricted_leaves_the_sitemap_at_once(client, archive):
    assert SEED in sitemap_urls(client)
    archive.seed.access_level = AccessLevel.STAFF
    archive.seed.save()
    locs = sitemap_urls(client)
    assert SEED not in locs
    # it was the only public record of Shandong and of the Harriman papers: their pages leave too
    assert "http://testserver/place/place-shandong/" not in locs
    assert "http://testserver/collection/harriman-papers/" not in locs
    assert len({p.parent for p in _built_parts()}) == 1  # the old stamp's files are gone
    # published again
    archive.seed.access_level = AccessLevel.PUBLIC
    archive.seed.save()
    assert SEED in sitemap_urls(client)


def test_bulk_updates_deletes_and_new_records(client, archive):
    frus = [f"http://testserver/document/{r.public_id}/" for r in archive.frus]
    assert set(frus) <= set(sitemap_urls(client))
    # a bulk update that announces itself, as the project's rule asks
    Record.objects.filter(pk=archive.frus[0].pk).update(access_level=AccessLevel.EMBARGOED)
    announce([archive.frus[0].pk])
    assert frus[0] not in sitemap_urls(client)
    # one that does not is drift in the kept counts: `counts --check` names it, `--rebuild` repairs it,
    # and the sitemap follows
    Record.objects.filter(pk=archive.frus[1].pk).update(access_level=AccessLevel.STAFF)
    assert counts.drift()
    counts.rebuild()
    assert counts.drift() == []
    assert frus[1] not in sitemap_urls(client)
    archive.frus[2].delete()
    added = Record.objects.create(public_id="new-telegram", title="A new telegram", date_edtf="1944-05-01")
    locs = sitemap_urls(client)
    assert frus[2] not in locs and "http://testserver/document/new-telegram/" in locs
    assert added.pk is not None


def test_an_authority_link_removed_takes_its_page_out(client, archive):
    assert "http://testserver/place/place-shandong/" in sitemap_urls(client)
    RecordAuthority.objects.filter(authority=archive.shantung).delete()
    assert "http://testserver/place/place-shandong/" not in sitemap_urls(client)


def test_lastmod_follows_the_records(client, archive):
    index = b"".join(client.get("/sitemap.xml").streaming_content).decode()
    part = re.search(r"<loc>http://testserver(/sitemap-records-\d+\.xml)</loc>", index).group(1)
    text = b"".join(client.get(part).streaming_content).decode()
    assert f"<loc>{SEED}</loc><lastmod>{archive.seed.updated.date().isoformat()}</lastmod>" in text
