"""Cross-references between the documents of a FRUS volume become relations: on the real 1944 Quebec
excerpt (../shared/frus), and on synthetic volumes for what the excerpt lacks (#dNN targets, a target read
later, a target that only a later import brings), with re-imports that replace only what the import made."""

from __future__ import annotations

from pathlib import Path

from readingroom.catalog.models import Record
from readingroom.catalog.relations import Relation
from readingroom.ingest.frus_tei import FORMAT
from readingroom.ingest.runner import run_import

from ..conftest import shared_path
from .frus_fixtures import telegram, volume_xml, write

REAL_VOLUME = "frus1944Quebec-excerpt-d116-d121.xml"


def relations() -> set[tuple[str, str, str, str]]:
    return set(Relation.objects.values_list("source__public_id", "kind", "target__public_id", "origin"))


def test_the_real_volume_states_roosevelts_reply(db):
    path = shared_path("frus", REAL_VOLUME)
    parsed = {r.public_id: r for r in FORMAT.parse(path) if hasattr(r, "public_id")}
    # What the TEI says, before any resolution: d121's notes 2-4 hang on "Replying to your 779, 780 and 781"
    # ("Ante, p. 188", "Supra.", "See ante, p. 188, fn. 3"); d119's note 5 says "For the text of the reply,
    # see post, p. 190".
    d121 = parsed["frus1944Quebec/d121"].references
    assert {(r.kind, tuple(sorted(r.target.items()))) for r in d121} == {
        ("mentions", (("footnote", "5"), ("page", "189"))), ("replies_to", (("page", "188"),)),
        ("replies_to", (("footnote", "3"), ("page", "188"))), ("replies_to", (("step", -1),))}
    [d119] = parsed["frus1944Quebec/d119"].references
    assert (d119.kind, d119.target, d119.inverse) == ("replies_to", {"page": "190"}, True)
    assert "For the text of the reply" in d119.note

    summary = run_import([str(path)])
    assert summary.ok
    # Page 188 is where d119 (Churchill's No. 779) begins; "Supra" is d120 (No. 780); page 189's footnote 5
    # is d119's, already answered, so "mentions" adds nothing.
    assert relations() == {("frus1944Quebec/d121", "replies_to", "frus1944Quebec/d119", "frus"),
                           ("frus1944Quebec/d121", "replies_to", "frus1944Quebec/d120", "frus")}
    assert Relation.objects.get(target__public_id="frus1944Quebec/d119").note == "Note 2: Ante, p. 188."
    assert summary.counts["linked"] == 2 and summary.counts["unresolved"] == 0


def test_reimport_replaces_import_relations_and_keeps_staffs(db):
    path = shared_path("frus", REAL_VOLUME)
    run_import([str(path)])
    d117, d121 = (Record.objects.get(public_id=f"frus1944Quebec/{d}") for d in ("d117", "d121"))
    Relation.objects.create(source=d121, target=d117, kind=Relation.Kind.SAME_CONVERSATION, note="Warsaw airlift")
    # Staff also stated one the import states: it stays theirs.
    Relation.objects.filter(target__public_id="frus1944Quebec/d120").update(origin=Relation.Origin.STAFF)
    again = run_import([str(path)])
    assert again.counts["unchanged"] == 6
    assert relations() == {("frus1944Quebec/d121", "replies_to", "frus1944Quebec/d119", "frus"),
                           ("frus1944Quebec/d121", "replies_to", "frus1944Quebec/d120", "staff"),
                           ("frus1944Quebec/d121", "same_conversation", "frus1944Quebec/d117", "staff")}


def reply(n: int, body: str, day: int = 9) -> str:
    return telegram(n, day, extra=f"<p>{body}</p>")


def test_document_targets_forward_and_across_the_volume_id(db, tmp_path: Path):
    docs = [telegram(1, 5),
            reply(2, 'In reply to your telegram,<note n="3" xml:id="d2fn3">Document <ref target="#d1">1</ref>.</note> '
                     'the President agrees.'),
            reply(3, 'See <ref target="frus1944Test#d4">Document 4</ref>, sent later, and '
                     '<ref target="frus1944Other#d1">another volume</ref>.'),
            telegram(4, 12)]
    volume = write(tmp_path / "v.xml", volume_xml(docs))
    run_import([str(volume)])
    found = relations()
    assert ("frus1944Test/d2", "replies_to", "frus1944Test/d1", "frus") in found
    assert ("frus1944Test/d3", "mentions", "frus1944Test/d4", "frus") in found  # read after d3: linked all the same
    assert not any(t.startswith("frus1944Other") for _, _, t, _ in found)
    assert not any(s == t for s, _, t, _ in found)


def test_a_target_that_a_later_import_brings(db, tmp_path: Path):
    """The first import lacks document 4 (here: a volume file without it); the next one has it, and the
    reference of the unchanged document 3 is linked then."""
    d3 = reply(3, 'See <ref target="#d4">Document 4</ref>.')
    first = write(tmp_path / "v.xml", volume_xml([telegram(1, 5), d3]))
    summary = run_import([str(first)])
    assert not Relation.objects.filter(source__public_id="frus1944Test/d3", target__public_id="frus1944Test/d4").exists()
    assert summary.counts["unresolved"] >= 1
    write(tmp_path / "v.xml", volume_xml([telegram(1, 5), d3, telegram(4, 12)]))
    again = run_import([str(first)])
    assert again.counts["unchanged"] == 2 and again.counts["imported"] == 1
    assert ("frus1944Test/d3", "mentions", "frus1944Test/d4", "frus") in relations()
    # Day two: the editors drop the cross-reference; the relation the import made goes with it.
    write(tmp_path / "v.xml", volume_xml([telegram(1, 5), reply(3, "No reference now."), telegram(4, 12)]))
    run_import([str(first)])
    assert ("frus1944Test/d3", "mentions", "frus1944Test/d4", "frus") not in relations()
