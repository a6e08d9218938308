"""The index queue, the one writer, --check and rebuild crash safety, on a real on-disk index."""

from __future__ import annotations

import json

import pytest
import tantivy
from typer.testing import CliRunner

from readingroom.catalog.models import Authority, NameVariant, Record
from readingroom.ingest.pipeline import store_record
from readingroom.ingest.records import ContentItem, ParsedRecord
from readingroom.search import index_dir, queue, writer
from readingroom.search.engine import search
from readingroom.search.models import IndexTask

from .helpers import ids


def new_record(public_id: str = "mu-new", text: str = "A telegram about the Dairen harbour master.") -> Record:
    record, _ = store_record(ParsedRecord(public_id=public_id, title="New arrival", date_edtf="1946-05-01",
                                          document_type="telegram", contents=[ContentItem("transcript", "en", text)]))
    return record


def test_saves_enqueue_and_the_writer_makes_them_searchable(made_up):
    assert IndexTask.objects.count() == 0  # the rebuild consumed the queue
    record = new_record()
    assert IndexTask.objects.filter(record_pk=record.pk).exists()
    assert "mu-new" not in ids("Dairen")  # not yet: views never write the index
    report = writer.drain()
    assert report.indexed == 1 and IndexTask.objects.count() == 0
    assert ids("Dairen") == ["mu-new"]
    assert ids("Dalian") == ["mu-new"]  # and by its Pinyin name

    record.title = "Renamed telegram"
    record.save()
    writer.drain()
    assert ids("title:renamed") == ["mu-new"]

    record.delete()
    writer.drain()
    assert ids("Dairen") == [] and search("").total == Record.objects.public().count()


def test_access_change_reaches_the_index(made_up):
    record = Record.objects.get(public_id="mu-danzig")
    record.access_level = "staff"
    record.save()
    writer.drain()
    assert "mu-danzig" not in ids("Danzig")


def test_renaming_a_collection_reindexes_records_in_all_its_descendants(made_up):
    from readingroom.catalog.models import Collection

    root = Collection.objects.get(identifier="made-up")
    series = Collection.objects.create(identifier="made-up-s1", title="Series one", parent=root)
    folder = Collection.objects.create(identifier="made-up-s1-f1", title="Folder one", parent=series)
    Record.objects.filter(public_id="mu-danzig").update(collection=folder)
    writer.rebuild()
    root.title = "Zanzibar papers"
    root.save()
    writer.drain()
    assert ids("collection:Zanzibar") and "mu-danzig" in ids("collection:Zanzibar")
    assert Collection.subtree_pks(root.pk) == [root.pk, series.pk, folder.pk]


def test_editing_a_name_variant_reindexes_linked_records(made_up):
    authority = Authority.objects.get(identifier="person-molotov-vyacheslav")
    NameVariant.objects.create(authority=authority, name="Skryabin")
    assert queue.pending() >= 1
    writer.drain()
    assert ids("person:Skryabin") == ["mu-danzig"]


def test_check_repairs_missing_stale_and_deleted(made_up):
    # Drift the queue cannot see: changes made behind the signals' back, and a lost document.
    Record.objects.filter(public_id="mu-danzig").update(title="Memorandum on Gdynia")
    gone = new_record("mu-gone", "Orphaned text about Mukden.")
    writer.drain()
    Record.objects.filter(public_id="mu-gone").delete()
    IndexTask.objects.all().delete()
    lost = writer.Writers(index_dir.open_for_writing(), 50_000_000)  # a document lost from both indexes
    lost.replace(Record.objects.get(public_id="mu-ocr-2").pk, None)
    lost.commit()
    lost.finish()
    assert ids("Mukden") == ["mu-gone"] and "mu-ocr-2" not in ids("railway")

    report = writer.check(repair=False)
    assert len(report.missing) == 1 and len(report.stale) == 1 and report.orphans == [gone.pk]
    report = writer.check()
    assert report.indexed == 2 and report.removed == 1
    assert ids("Mukden") == [] and ids("railway") == ["mu-ocr-2"] and ids("title:Gdynia") == ["mu-danzig"]
    clean = writer.check(repair=False)
    assert not (clean.missing or clean.stale or clean.orphans)


def test_a_crash_mid_rebuild_leaves_the_previous_index_live(made_up):
    before = index_dir.current_generation()
    expected = ids("Shandong")
    with pytest.raises(RuntimeError):
        writer.rebuild(fail_after=2, batch_size=2)
    assert index_dir.current_generation() == before
    assert ids("Shandong") == expected
    assert [p.name for p in index_dir.index_root().glob("gen-*")] == [before.name]  # the half-built one is gone
    writer.rebuild()
    assert index_dir.current_generation() != before and ids("Shandong") == expected


def test_schema_version_change_needs_a_rebuild(made_up):
    gen = index_dir.current_generation()
    meta = json.loads((gen / index_dir.META_FILE).read_text())
    (gen / index_dir.META_FILE).write_text(json.dumps({**meta, "schema_version": meta["schema_version"] - 1}))
    assert writer.needs_rebuild()
    stale = search("Danzig")
    assert not stale.available and "being built" in stale.messages[0] and "another version" in stale.failure

    from readingroom.cli import app

    result = CliRunner().invoke(app, ["index", "--if-needed"])
    assert result.exit_code == 0, result.output
    assert "rebuilt" in result.output
    assert not writer.needs_rebuild() and ids("Danzig") == ["mu-danzig"]


def test_searches_do_not_wait_for_the_writer_lock(made_up):
    with index_dir.writer_lock():
        assert ids("Danzig") == ["mu-danzig"]  # the lock is held; reading goes on
        with pytest.raises(index_dir.WriterBusy), index_dir.writer_lock(wait=False):
            pass


def test_index_files_are_a_real_tantivy_index(made_up):
    gen = index_dir.current_generation()
    assert tantivy.Index.exists(str(gen))
    assert gen.parent == index_dir.index_root() and (index_dir.index_root() / "CURRENT").read_text() == gen.name


def test_cli_index_check_and_search(made_up):
    from readingroom.cli import app

    runner = CliRunner()
    new_record()
    result = runner.invoke(app, ["index"])
    assert result.exit_code == 0 and "1 indexed" in result.output, result.output
    result = runner.invoke(app, ["index", "--check"])
    assert result.exit_code == 0 and "0 indexed" in result.output, result.output
    result = runner.invoke(app, ["search", "Dalian"])
    assert result.exit_code == 0 and "mu-new" in result.output and "1 record" in result.output
    result = runner.invoke(app, ["search", "Shantung"])
    assert "machine-read" in result.output
    result = runner.invoke(app, ["index", "--check", "--rebuild"])
    assert result.exit_code != 0


def test_import_makes_records_searchable_at_once(db):
    from readingroom.cli import app, sample_data_dir

    seed = sample_data_dir() / "records" / "wilson-center-209771.txt"
    result = CliRunner().invoke(app, ["import", str(seed)])
    assert "Search index: rebuilt, 1 indexed" in result.output, result.output
    assert ids("Shandong") == ["209771"]
    assert IndexTask.objects.count() == 0
