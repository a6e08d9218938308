"""Documents a corrected FRUS volume no longer has: reported by `readingroom import`, kept public unless
`--withdraw-missing` makes them staff-only; never judged from a truncated or malformed file, and never
applied to records that came from elsewhere. Real database, real files, the real command."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from lxml import etree
from typer.testing import CliRunner

from readingroom.catalog.models import Collection, Record
from readingroom.ingest.runner import run_import
from readingroom.search.engine import search
from readingroom.search.models import IndexTask
from tests.builders import write_export

from ..conftest import shared_path
from .frus_fixtures import TEI, telegram, volume_xml, write

pytestmark = pytest.mark.django_db

REAL_VOLUME = "frus1944Quebec-excerpt-d116-d121.xml"
STAFF = SimpleNamespace(is_staff=True)


def five(*, without: tuple[int, ...] = (), volume: str = "frus1944Test") -> str:
    return volume_xml([telegram(n, n) for n in range(1, 6) if n not in without], volume=volume, chapters=2)


def import_(*args: str):
    from readingroom.cli import app

    return CliRunner().invoke(app, ["import", *args])


def access() -> dict[str, str]:
    return dict(Record.objects.values_list("public_id", "access_level"))


def state(public_ids) -> dict[str, tuple]:
    """Everything stored of these records, including when they were last saved."""
    return {r.public_id: (r.access_level, r.import_checksum, r.import_source, r.updated, r.title,
                          [(c.text, [f.text for f in c.footnotes.all()]) for c in r.contents.all()],
                          sorted(r.authority_links.values_list("authority__identifier", "role")))
            for r in Record.objects.filter(public_id__in=list(public_ids))}


def public_ids() -> set[str]:
    return set(Record.objects.public().values_list("public_id", flat=True))


def without_documents(source: Path, target: Path, doc_ids: set[str]) -> Path:
    """A copy of a real volume with some `<div type="document">` taken out, the rest byte for byte as lxml
    writes it back."""
    tree = etree.parse(str(source))
    for div in list(tree.iter(f"{{{TEI}}}div")):
        if div.get("type") == "document" and div.get("{http://www.w3.org/XML/1998/namespace}id") in doc_ids:
            div.getparent().remove(div)
    target.parent.mkdir(parents=True, exist_ok=True)
    tree.write(str(target), xml_declaration=True, encoding="UTF-8")
    return target


# -- a volume written here


def test_removed_documents_are_reported_and_stay_public(tmp_path):
    first = import_(str(write(tmp_path / "frus1944Test.xml", five())))
    assert first.exit_code == 0, first.output
    gone = {"frus1944Test/d2", "frus1944Test/d4"}
    before = state(gone)
    # The corrected volume, downloaded again to another folder under its own name.
    corrected = write(tmp_path / "corrected" / "frus1944Test.xml", five(without=(2, 4)))
    result = import_(str(corrected))
    assert result.exit_code == 0, result.output  # a warning, not a failure
    assert (f"{corrected}: 2 documents stored earlier are no longer in this volume: frus1944Test/d2, "
            "frus1944Test/d4 (kept; --withdraw-missing makes them staff-only)") in result.output, result.output
    # d3 and d5 moved up in the volume (their positions are stored): updated, as any change is.
    assert "1 file: 0 imported, 2 updated, 1 unchanged, 0 failed, 1 warnings\n" in result.output, result.output
    assert state(gone) == before  # nothing changed, not even a save
    assert len(public_ids()) == 5


def test_withdraw_missing_makes_them_staff_only_and_nothing_else(tmp_path):
    import_(str(write(tmp_path / "frus1944Test.xml", five())))
    corrected = write(tmp_path / "frus1944Test.xml", five(without=(2, 4)))
    import_(str(corrected))  # reported only, as above
    kept = {f"frus1944Test/d{n}" for n in (1, 3, 5)}
    before_kept, before_gone = state(kept), state({"frus1944Test/d2", "frus1944Test/d4"})
    assert search("").total == 5

    result = import_("--withdraw-missing", str(corrected))
    assert result.exit_code == 0, result.output
    assert (f"{corrected}: 2 documents stored earlier are no longer in this volume: frus1944Test/d2, "
            "frus1944Test/d4 (withdrawn: now staff-only") in result.output, result.output
    assert "0 updated, 3 unchanged, 0 failed, 1 warnings, 2 withdrawn (now staff-only)" in result.output

    assert access() == {"frus1944Test/d1": "public", "frus1944Test/d2": "staff", "frus1944Test/d3": "public",
                        "frus1944Test/d4": "staff", "frus1944Test/d5": "public"}
    assert public_ids() == kept
    assert state(kept) == before_kept  # the other records: not even saved again
    # The withdrawn ones keep everything but their access level: contents, footnotes, links, provenance.
    after_gone = state({"frus1944Test/d2", "frus1944Test/d4"})
    for public_id, (level, *rest) in after_gone.items():
        old_level, old_checksum, old_source, old_updated, *old_rest = before_gone[public_id]
        assert (level, old_level) == ("staff", "public")
        assert rest[:2] == [old_checksum, old_source] and rest[3:] == old_rest and rest[2] >= old_updated
    # The index heard of it through the queue, which the command applied: the public no longer finds them.
    assert IndexTask.objects.count() == 0
    assert search("").total == 3 and search("", user=STAFF).total == 5

    # Reported once: a second run finds nothing new to say, and withdraws nothing more.
    again = import_("--withdraw-missing", str(corrected))
    assert "no longer in this volume" not in again.output and "withdrawn" not in again.output, again.output

    # Reversible: staff make one public again in the admin, and it is all there.
    record = Record.objects.get(public_id="frus1944Test/d2")
    record.access_level = "public"
    record.save()
    assert "frus1944Test/d2" in public_ids() and record.contents.get().footnotes.count() == 2


@pytest.mark.parametrize("damage", ["truncated", "malformed"])
def test_a_damaged_copy_reports_and_withdraws_nothing(tmp_path, damage):
    path = write(tmp_path / "frus1944Test.xml", five())
    import_(str(path))
    text = five()
    if damage == "truncated":
        # Cut right after a whole document: every document before it is fine, the rest is simply absent.
        end = text.index("</div>", text.index('xml:id="d3"')) + len("</div>\n")
        damaged = text[:end]
    else:
        damaged = five(without=(5,)).replace("personal &amp; secret", "personal & secret", 1)
    write(path, damaged)
    result = import_("--withdraw-missing", str(path))
    assert result.exit_code == 1, result.output  # the damage is an error
    assert "no longer in this volume" not in result.output and "withdrawn" not in result.output, result.output
    assert public_ids() == {f"frus1944Test/d{n}" for n in range(1, 6)}


def test_records_from_elsewhere_are_left_alone(tmp_path):
    import_(str(write(tmp_path / "frus1944Test.xml", five())))
    # A sixth document came from another file of the same volume (an excerpt, say).
    import_(str(write(tmp_path / "frus1944Test-extra.xml", volume_xml([telegram(6, 6)], chapters=1))))
    # Staff made a record by hand in one of the volume's chapters, with an id of the same form.
    chapter = Collection.objects.get(identifier="frus1944Test-ch1")
    Record.objects.create(public_id="frus1944Test/d99", title="Added by hand", collection=chapter)
    # An archive-page record filed in the volume by staff; and another volume, not read now.
    import_(str(write_export(tmp_path, "seed.txt")))
    Record.objects.filter(public_id="209771").update(collection=chapter)
    import_(str(write(tmp_path / "other" / "frus1944Other.xml", five(volume="frus1944Other"))))

    corrected = write(tmp_path / "frus1944Test.xml", five(without=(2,)))
    result = import_("--withdraw-missing", str(corrected))
    assert result.exit_code == 0, result.output
    assert (f"{corrected}: 1 document stored earlier is no longer in this volume: frus1944Test/d2 (withdrawn"
            in result.output), result.output
    assert (f"{corrected}: 1 document of this volume last stored from another file (frus1944Test-extra.xml) "
            "is not in this one: frus1944Test/d6 (left as they are)") in result.output, result.output
    assert "d99" not in result.output and "209771" not in result.output and "frus1944Other" not in result.output
    assert {pid for pid, level in access().items() if level != "public"} == {"frus1944Test/d2"}


def test_a_volume_read_from_two_files_is_compared_with_both(tmp_path):
    # Two files of one volume in one run: neither alone holds every document, together they do.
    first = write(tmp_path / "a" / "frus1944Test.xml", volume_xml([telegram(n, n) for n in (1, 2, 3)]))
    second = write(tmp_path / "b" / "frus1944Test.xml", volume_xml([telegram(n, n) for n in (4, 5)]))
    summary = run_import([str(first), str(second)])
    assert summary.counts["imported"] == 5 and summary.ok
    again = run_import([str(first), str(second)], withdraw_missing=True)
    assert not [str(p) for p in again.problems] and again.counts["withdrawn"] == 0
    # One of them broken: the volume is not judged at all, though the other file is whole.
    write(second, volume_xml([telegram(n, n) for n in (4, 5)])[:-200])
    broken = run_import([str(first), str(second)], withdraw_missing=True)
    assert not any("no longer" in p.message for p in broken.problems) and broken.counts["withdrawn"] == 0
    assert len(public_ids()) == 5


def test_many_missing_documents_are_counted_after_the_first_fifty(tmp_path):
    path = write(tmp_path / "frus1944Test.xml", volume_xml([telegram(n, 1 + n % 28) for n in range(1, 81)]))
    run_import([str(path)])
    write(path, volume_xml([telegram(1, 2)]))
    [problem] = run_import([str(path)]).problems
    assert problem.message.startswith("79 documents stored earlier are no longer in this volume: frus1944Test/d2, "
                                      "frus1944Test/d3, ")
    assert ", frus1944Test/d51 and 29 more (kept;" in problem.message and not problem.fatal


# -- the real volume excerpt in ../shared


@pytest.fixture
def real_volume() -> Path:
    return shared_path("frus", REAL_VOLUME)


def test_real_volume_without_two_documents(tmp_path, real_volume):
    stored = tmp_path / "first" / REAL_VOLUME
    stored.parent.mkdir()
    stored.write_bytes(real_volume.read_bytes())
    assert import_(str(stored)).exit_code == 0
    everything = set(access())
    assert everything == {f"frus1944Quebec/d{n}" for n in range(116, 122)}
    kept = everything - {"frus1944Quebec/d120", "frus1944Quebec/d121"}
    before = state(kept)

    corrected = without_documents(real_volume, tmp_path / "corrected" / REAL_VOLUME, {"d120", "d121"})
    result = import_(str(corrected))
    assert (f"{corrected}: 2 documents stored earlier are no longer in this volume: frus1944Quebec/d120, "
            "frus1944Quebec/d121 (kept; --withdraw-missing makes them staff-only)") in result.output, result.output
    assert public_ids() == everything

    result = import_("--withdraw-missing", str(corrected))
    assert "2 withdrawn (now staff-only)" in result.output, result.output
    assert public_ids() == kept
    assert access()["frus1944Quebec/d120"] == access()["frus1944Quebec/d121"] == "staff"
    assert state(kept) == before
    assert Record.objects.get(public_id="frus1944Quebec/d121").contents.get().text  # nothing deleted


def test_real_volume_truncated_withdraws_nothing(tmp_path, real_volume):
    path = tmp_path / REAL_VOLUME
    path.write_bytes(real_volume.read_bytes())
    import_(str(path))
    data = real_volume.read_bytes()
    # Cut just after d119 ends, before d120 begins: what comes after is simply not there.
    end = data.index(b"</div>", data.index(b'xml:id="d119"')) + len(b"</div>")
    path.write_bytes(data[:end])
    result = import_("--withdraw-missing", str(path))
    assert result.exit_code == 1
    assert "no longer in this volume" not in result.output and "withdrawn" not in result.output, result.output
    assert public_ids() == {f"frus1944Quebec/d{n}" for n in range(116, 122)}
