"""Text-only records in scan-folder sidecars: a transcript and translations without page files, imported
through the real runner, pipeline and database; bad text files; re-imports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from readingroom.catalog.models import Content, Record
from readingroom.ingest.runner import run_import
from tests.scan_fixtures import TELEGRAM, save_page

pytestmark = pytest.mark.django_db

ZH_HANS = "人人有受教育的权利，教育应当免费。"
ZH_HANT = "人人有受教育的權利，教育應當免費。"
RU = "Каждый человек имеет право на образование."
EN = "Everyone has the right to education."
FR = "Toute personne a droit à l’éducation."


def _write(folder: Path, files: dict[str, str | bytes]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        path = folder / name
        path.write_bytes(text) if isinstance(text, bytes) else path.write_text(text, encoding="utf-8")


def _json_folder(tmp_path: Path, records: list[dict], files: dict[str, str | bytes]) -> Path:
    folder = tmp_path / "udhr"
    _write(folder, files)
    (folder / "sidecar.json").write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    return folder


def _contents(public_id: str) -> list[tuple[str, str, str, str]]:
    return [(c.kind, c.language, c.label, c.text)
            for c in Content.objects.filter(record__public_id=public_id).order_by("position")]


def _problems(summary) -> list[str]:
    return [str(p) for p in summary.problems]


ARTICLE_26 = {"id": "art26", "title": "Article 26", "date": "1948-12-10", "transcript_file": "art26.zh-Hans.txt",
              "transcript_language": "zh-Hans", "collection": "udhr",
              "translations": [{"language": "en", "file": "art26.en.txt"}, {"language": "zh-Hant", "file": "art26.zh-Hant.txt"},
                               {"language": "Russian", "file": "art26.ru.txt"}]}
ARTICLE_26_FILES = {"art26.zh-Hans.txt": ZH_HANS, "art26.en.txt": EN, "art26.zh-Hant.txt": ZH_HANT, "art26.ru.txt": RU}


def test_json_text_only_record_keeps_simplified_and_traditional_apart(tmp_path: Path) -> None:
    folder = _json_folder(tmp_path, [ARTICLE_26], ARTICLE_26_FILES)
    summary = run_import([str(folder)])
    assert summary.ok and summary.counts["imported"] == 1 and not summary.problems, _problems(summary)
    record = Record.objects.get(public_id="art26")
    # The original's language is the transcript's when `languages` says nothing.
    assert (record.title, record.date_edtf, record.languages) == ("Article 26", "1948-12-10", ["zh-Hans"])
    assert _contents("art26") == [
        ("transcript", "zh-Hans", "Transcript - Chinese (Simplified)", ZH_HANS),
        ("translation", "en", "Translation - English", EN),
        ("translation", "zh-Hant", "Translation - Chinese (Traditional)", ZH_HANT),
        ("translation", "ru", "Translation - Russian", RU),
    ]
    assert not record.contents.filter(kind="scan").exists()


def test_csv_text_only_records_with_translation_columns(tmp_path: Path) -> None:
    folder = tmp_path / "csv"
    _write(folder, {"a.ru.txt": RU, "a.en.txt": EN, "a.zh-Hant.txt": ZH_HANT, "b.fr.txt": FR, "b.zh.txt": ZH_HANS})
    (folder / "sidecar.csv").write_text(
        "id,title,date,languages,transcript_file,transcript_language,translation_file:en,translation_file:zh-Hant,"
        "translation_file:zh-Hans\n"
        "csv-a,Article 26 (Russian),1948-12-10,ru,a.ru.txt,ru,a.en.txt,a.zh-Hant.txt,\n"
        "csv-b,Article 26 (French),1948-12-10,French,b.fr.txt,,,,b.zh.txt\n", encoding="utf-8")
    summary = run_import([str(folder)])
    assert summary.ok and summary.counts["imported"] == 2 and not summary.problems, _problems(summary)
    assert Record.objects.get(public_id="csv-a").languages == ["ru"]
    assert _contents("csv-a") == [("transcript", "ru", "Transcript - Russian", RU),
                                  ("translation", "en", "Translation - English", EN),
                                  ("translation", "zh-Hant", "Translation - Chinese (Traditional)", ZH_HANT)]
    # The transcript's language defaults to the record's.
    assert _contents("csv-b") == [("transcript", "fr", "Transcript - French", FR),
                                  ("translation", "zh-Hans", "Translation - Chinese (Simplified)", ZH_HANS)]


def test_each_bad_text_is_one_line_naming_sidecar_row_and_file_and_the_rest_imports(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text(EN, encoding="utf-8")
    folder = _json_folder(tmp_path, [
        {"id": "good", "title": "Good", "transcript_file": "zh.txt", "transcript_language": "zh-Hans",
         "translations": [
             {"language": "en", "file": "en.txt"},
             {"language": "xx-Klingon", "file": "en.txt"},
             {"language": "ru", "file": "gone.txt"},
             {"language": "fr", "file": "latin1.txt"},
             {"language": "de", "file": "../outside.txt"},
             {"language": "ja", "file": str(outside)},
             {"language": "ko", "file": "link.txt"},
             {"language": "en-GB", "file": "zh.txt"},
         ]},
        {"id": "nothing", "title": "Only a missing file", "translations": [{"language": "en", "file": "lost.txt"}]},
        {"id": "other", "title": "Other", "languages": ["ru"], "transcript_file": "ru.txt"},
    ], {"zh.txt": ZH_HANS, "en.txt": EN, "ru.txt": RU, "latin1.txt": FR.replace("’", "'").encode("latin-1")})
    (folder / "link.txt").symlink_to(outside)
    summary = run_import([str(folder)])
    sidecar = folder / "sidecar.json"
    skipped = "this translation was skipped, the rest of the record imported"
    assert _problems(summary) == [
        f"{sidecar}: record 1 (good): translations[2] (en.txt): unknown language 'xx-Klingon' (use a BCP 47 tag such "
        f"as en, zh-Hans, zh-Hant); {skipped}",
        f"{sidecar}: record 1 (good): translations[3]: gone.txt: no such file in {folder}; {skipped}",
        f"{sidecar}: record 1 (good): translations[4]: latin1.txt: not UTF-8 text (first bad byte at line 1, "
        f"offset 23); {skipped}",
        f"{sidecar}: record 1 (good): translations[5]: ../outside.txt: the path leaves the scan folder ('..' is not "
        f"allowed); {skipped}",
        f"{sidecar}: record 1 (good): translations[6]: {outside}: absolute paths are not allowed; name files "
        f"relative to the scan folder; {skipped}",
        f"{sidecar}: record 1 (good): translations[7]: link.txt: a link that leads out of the scan folder (to "
        f"{outside}); {skipped}",
        f"{sidecar}: record 1 (good): translations[8] (zh.txt): a second translation in en (the first is en.txt); "
        f"{skipped}",
        f"{sidecar}: record 2 (nothing): nothing to import, the record was not stored: translations[1]: lost.txt: "
        f"no such file in {folder}",
    ]
    # Skipped parts are warnings (the record imported); a record with nothing left is refused.
    assert [p.fatal for p in summary.problems] == [False] * 7 + [True]
    assert (summary.counts["imported"], summary.counts["failed"]) == (2, 1) and not summary.ok
    assert _contents("good") == [("transcript", "zh-Hans", "Transcript - Chinese (Simplified)", ZH_HANS),
                                 ("translation", "en", "Translation - English", EN)]
    assert _contents("other") == [("transcript", "ru", "Transcript - Russian", RU)]
    assert not Record.objects.filter(public_id="nothing").exists()


def test_csv_problems_name_the_line_and_the_column(tmp_path: Path) -> None:
    folder = tmp_path / "csv"
    _write(folder, {"a.txt": RU, "a.en.txt": EN, "bin.txt": b"\x00\x01\x02"})
    (folder / "sidecar.csv").write_text(
        "id,title,transcript_file,transcript_language,translation_file:en,translation_file:qq,translation_file:de\n"
        "c1,One,a.txt,ru,a.en.txt,a.en.txt,bin.txt\n"
        "c2,Two,,,,,\n", encoding="utf-8")
    summary = run_import([str(folder)])
    sidecar = folder / "sidecar.csv"
    assert _problems(summary) == [
        f"{sidecar}:2: record c1: column translation_file:qq (a.en.txt): unknown language 'qq' (use a BCP 47 tag "
        "such as en, zh-Hans, zh-Hant); this translation was skipped, the rest of the record imported",
        f"{sidecar}:2: record c1: column translation_file:de: bin.txt: a binary file, not text (it contains NUL "
        "bytes); this translation was skipped, the rest of the record imported",
        f"{sidecar}:3: record c2: nothing to import, the record was not stored: no page files (column 'files') and "
        "no text (transcript_file, translations)",
    ]
    assert [c[:2] for c in _contents("c1")] == [("transcript", "ru"), ("translation", "en")]


def test_scan_record_with_a_bad_transcript_keeps_its_pages(tmp_path: Path) -> None:
    folder = tmp_path / "scans"
    folder.mkdir()
    save_page(folder / "p1.png", TELEGRAM)
    (folder / "sidecar.json").write_text(json.dumps([
        {"id": "s1", "title": "Scan", "files": ["p1.png"], "languages": "en", "transcript_file": "missing.txt",
         "translations": [{"language": "ru", "file": "ru.txt"}]}]), encoding="utf-8")
    (folder / "ru.txt").write_text(RU, encoding="utf-8")
    summary = run_import([str(folder)])
    assert summary.ok and summary.counts["imported"] == 1
    assert _problems(summary) == [f"{folder / 'sidecar.json'}: record 1 (s1): transcript missing.txt: no such file in "
                                  f"{folder}; this transcript was skipped, the rest of the record imported"]
    assert [c[:2] for c in _contents("s1")] == [("scan", "en"), ("translation", "ru")]
    assert Record.objects.get(public_id="s1").contents.get(kind="scan").pages.count() == 1


def test_reimport_after_edit_add_and_unchanged(tmp_path: Path) -> None:
    folder = _json_folder(tmp_path, [ARTICLE_26], ARTICLE_26_FILES)
    assert run_import([str(folder)]).counts["imported"] == 1
    before = list(Content.objects.filter(record__public_id="art26").order_by("position").values_list("pk", "text"))

    unchanged = run_import([str(folder)])
    assert unchanged.counts["unchanged"] == 1 and not unchanged.problems
    assert list(Content.objects.filter(record__public_id="art26").order_by("position")
                .values_list("pk", "text")) == before

    (folder / "art26.en.txt").write_text("Everyone has the right to schooling.", encoding="utf-8")
    edited = run_import([str(folder)])
    assert edited.counts["updated"] == 1, _problems(edited)
    assert Content.objects.get(record__public_id="art26", language="en").text == "Everyone has the right to schooling."
    assert Content.objects.get(record__public_id="art26", language="zh-Hant").text == ZH_HANT

    record = dict(ARTICLE_26, translations=[*ARTICLE_26["translations"], {"language": "fr", "file": "art26.fr.txt"}])
    _json_folder(tmp_path, [record], {"art26.fr.txt": FR})
    added = run_import([str(folder)])
    assert added.counts["updated"] == 1, _problems(added)
    assert [c[1] for c in _contents("art26")] == ["zh-Hans", "en", "zh-Hant", "ru", "fr"]
    assert Content.objects.get(record__public_id="art26", language="fr").label == "Translation - French"
    assert run_import([str(folder)]).counts["unchanged"] == 1


def test_reimport_with_an_unreadable_translation_keeps_the_stored_one(tmp_path: Path) -> None:
    folder = _json_folder(tmp_path, [ARTICLE_26], ARTICLE_26_FILES)
    assert run_import([str(folder)]).counts["imported"] == 1
    stored = _contents("art26")

    (folder / "art26.zh-Hant.txt").write_bytes(b"\xe4\xba")  # a truncated copy: not UTF-8
    (folder / "art26.ru.txt").write_text("Каждый человек имеет право на учёбу.", encoding="utf-8")
    broken = run_import([str(folder)])
    assert broken.counts["updated"] == 1
    assert ["art26.zh-Hant.txt: not UTF-8" in str(p) and not p.fatal for p in broken.problems] == [True]
    # The other change is taken; the translation that could not be read is kept as stored, in its place.
    assert _contents("art26") == [*stored[:3], ("translation", "ru", "Translation - Russian",
                                                "Каждый человек имеет право на учёбу.")]
    assert run_import([str(folder)]).counts["unchanged"] == 1

    (folder / "art26.zh-Hant.txt").write_text(ZH_HANT + "\n第二段。", encoding="utf-8")
    fixed = run_import([str(folder)])
    assert fixed.counts["updated"] == 1 and not fixed.problems
    assert Content.objects.get(record__public_id="art26", language="zh-Hant").text == ZH_HANT + "\n第二段。"
