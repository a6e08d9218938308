"""Two small FRUS volumes that share their persons (Roosevelt, Churchill, Hull), imported for real: each
person becomes two authorities, one per volume, as the importer makes them."""

from __future__ import annotations

from pathlib import Path

from readingroom.catalog.models import Authority
from readingroom.ingest.runner import run_import

from ..ingest.frus_fixtures import telegram, volume_xml, write

VOLUMES = ("frus1944A", "frus1944B")


def volume(name: str, documents: int = 3, changed: int | None = None, extra_docs: int = 0) -> str:
    docs = [telegram(n, n, extra="<p>Changed on a second reading.</p>" if n == changed else "")
            for n in range(1, documents + 1 + extra_docs)]
    return volume_xml(docs, volume=name, title=f"Volume {name}")


def import_volumes(tmp_path: Path, **kwargs) -> list[Path]:
    paths = [write(tmp_path / "volumes" / f"{name}.xml", volume(name, **kwargs)) for name in VOLUMES]
    summary = run_import([str(p) for p in paths])
    assert summary.ok, summary.problems
    return paths


def roosevelt(volume_name: str) -> Authority:
    return Authority.objects.get(identifier=f"{volume_name}-p_RFD1")


def snapshot(authority: Authority) -> dict:
    """Everything a merge touches of one authority."""
    authority.refresh_from_db()
    return {
        "fields": {f: getattr(authority, f) for f in ("kind", "identifier", "preferred_name", "dates", "description",
                                                      "wikidata", "viaf", "geonames", "source", "merged_into_id")},
        "variants": sorted(authority.variants.values_list("name", "language", "note")),
        "links": sorted(authority.record_links.values_list("record__public_id", "role")),
    }
