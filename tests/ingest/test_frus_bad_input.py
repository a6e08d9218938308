"""Broken FRUS volumes, written here: each gets a clear problem naming file and line, the valid documents
before and after it still import, nothing stored earlier is lost, and the command never shows a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from readingroom.catalog.models import Record
from readingroom.ingest.runner import run_import

from .frus_fixtures import telegram, volume_xml, write

REPO = Path(__file__).resolve().parents[2]


def five(third: str | None = None, **kwargs) -> str:
    docs = [telegram(n, n) for n in range(1, 6)]
    if third is not None:
        docs[2] = third
    return volume_xml(docs, **kwargs)


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), start=1) if needle in line)


def stored() -> set[str]:
    return {pid.split("/")[1] for pid in Record.objects.values_list("public_id", flat=True)}


def problems(summary, path: Path) -> list:
    assert all(str(p).startswith(str(path)) for p in summary.problems), [str(p) for p in summary.problems]
    return summary.problems


BROKEN_THIRD = {
    # name: (a broken third document, text on the line the error is reported at)
    "unescaped-less-than": (telegram(3, 3).replace("personal &amp; secret", "personal < secret"), "personal < secret"),
    "unescaped-ampersand": (telegram(3, 3).replace("personal &amp; secret", "personal & secret"), "personal & secret"),
    "mismatched-tag": (telegram(3, 3).replace("<hi rend=\"italic\">Mr. Hull</hi>", "<hi rend=\"italic\">Mr. Hull</b>"),
                       "Mr. Hull</b>"),
    "undefined-entity": (telegram(3, 3).replace("personal &amp; secret", "personal &nbsp; secret"), "&nbsp;"),
    "unclosed-paragraph": (telegram(3, 3).replace("<p>Compare", "<p>Unclosed <p>Compare").replace(
        "vol. iii, p. 1315</ref>.</p>", "vol. iii, p. 1315</ref>."), "<p>Unclosed"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(BROKEN_THIRD))
def test_malformed_document_is_skipped_and_the_rest_imports(tmp_path, name):
    third, needle = BROKEN_THIRD[name]
    text = five(third)
    path = write(tmp_path / f"{name}.xml", text)
    summary = run_import([str(path)])
    assert stored() == {"d1", "d2", "d4", "d5"}, [str(p) for p in summary.problems]
    fatal = [p for p in problems(summary, path) if p.fatal]
    about_d3 = [p for p in fatal if "document d3 is not well-formed XML" in p.message]
    assert about_d3, [str(p) for p in summary.problems]
    # The error is placed within the broken document, and names the broken line.
    assert line_of(text, 'xml:id="d3"') <= about_d3[0].line < line_of(text, 'xml:id="d4"'), str(about_d3[0])
    broken_line = line_of(text, needle)
    assert about_d3[0].line in (broken_line, broken_line + 1) or f"line {broken_line}" in about_d3[0].message
    assert not summary.ok


@pytest.mark.django_db
def test_truncated_volume_keeps_the_documents_before(tmp_path):
    text = five()
    cut = text.index("Second point", text.index('xml:id="d4"'))
    path = write(tmp_path / "truncated.xml", text[:cut])
    summary = run_import([str(path)])
    assert stored() == {"d1", "d2", "d3"}
    messages = [str(p) for p in problems(summary, path) if p.fatal]
    assert any("document d4" in m and f"{path}:" in m for m in messages), messages
    assert not summary.ok


@pytest.mark.django_db
def test_reading_resumes_inside_the_right_chapter(tmp_path):
    # libxml2 gives up at an unescaped "<": the documents after it are read from the next <div>, in their chapters.
    docs = [telegram(n, n) for n in range(1, 7)]
    docs[1] = docs[1].replace("personal &amp; secret", "personal < secret")
    docs[4] = docs[4].replace('corresp="#p_HC1"', 'corresp="#p_NOBODY1"')
    text = volume_xml(docs, chapters=3)
    path = write(tmp_path / "stops.xml", text)
    summary = run_import([str(path)])
    assert stored() == {"d1", "d3", "d4", "d5", "d6"}, [str(p) for p in summary.problems]
    chapters = dict(Record.objects.values_list("public_id", "collection__identifier"))
    assert chapters == {"frus1944Test/d1": "frus1944Test-ch1", "frus1944Test/d3": "frus1944Test-ch2",
                        "frus1944Test/d4": "frus1944Test-ch2", "frus1944Test/d5": "frus1944Test-ch3",
                        "frus1944Test/d6": "frus1944Test-ch3"}
    assert [p.message for p in summary.problems if "not well-formed" in p.message and p.fatal]
    # Lines after the resume point are the file's own.
    [dangling] = [p for p in summary.problems if "#p_NOBODY1" in p.message]
    assert dangling.line == line_of(text, "#p_NOBODY1")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("wrong-namespace.xml", five(namespace="http://example.org/not-tei"),
         "root element is <TEI> in http://example.org/not-tei"),
        ("wrong-root.xml", five(root="teiCorpus"), "root element is <teiCorpus>"),
    ],
)
def test_wrong_root_or_namespace(tmp_path, name, text, expected):
    path = write(tmp_path / name, text)
    summary = run_import([str(path)])
    [problem] = summary.problems
    assert expected in problem.message and problem.line == 2 and problem.fatal
    assert stored() == set()


@pytest.mark.django_db
def test_document_without_a_date_is_reported_and_kept_undated(tmp_path):
    undated = telegram(3, 3).replace('when="1944-09-03"', "").replace(
        'frus:doc-dateTime-min="1944-09-03T00:00:00-05:00" frus:doc-dateTime-max="1944-09-03T23:59:59-05:00"', "")
    text = five(undated)
    path = write(tmp_path / "undated.xml", text)
    summary = run_import([str(path)])
    assert stored() == {"d1", "d2", "d3", "d4", "d5"}
    [problem] = [p for p in summary.problems if "no date" in p.message]
    # lxml numbers an element by the line its start tag ends on; FRUS start tags often span lines.
    assert problem.line in (line_of(text, 'xml:id="d3"'), line_of(text, 'xml:id="d3"') + 1)
    assert "document d3" in problem.message
    assert Record.objects.get(public_id="frus1944Test/d3").date_edtf == ""


@pytest.mark.django_db
def test_duplicate_ids_keep_the_first(tmp_path):
    text = five(telegram(3, 3, doc_id="d2"))
    path = write(tmp_path / "duplicate.xml", text)
    summary = run_import([str(path)])
    assert stored() == {"d1", "d2", "d4", "d5"}
    [problem] = [p for p in summary.problems if "duplicate" in p.message]
    first = line_of(text, 'xml:id="d2"')
    first_reported = int(problem.message.split("first at line ")[1].split(")")[0])
    assert problem.fatal and first_reported in (first, first + 1) and problem.line > first_reported
    assert Record.objects.get(public_id="frus1944Test/d2").date_edtf == "1944-09-02"  # the first one


@pytest.mark.django_db
def test_unknown_element_is_reported_and_its_text_kept(tmp_path):
    text = five(telegram(3, 3, extra="<p>Before <frobnicate>the odd part</frobnicate> after.</p>"))
    path = write(tmp_path / "unknown.xml", text)
    summary = run_import([str(path)])
    assert stored() == {"d1", "d2", "d3", "d4", "d5"}
    [problem] = [p for p in summary.problems if "unknown element" in p.message]
    assert "<frobnicate>" in problem.message and problem.line == line_of(text, "<frobnicate>") and not problem.fatal
    assert "Before the odd part after." in Record.objects.get(public_id="frus1944Test/d3").contents.get().text


@pytest.mark.django_db
def test_nothing_stored_earlier_is_lost(tmp_path):
    good = five()
    path = write(tmp_path / "frus1944Test.xml", good)
    run_import([str(path)])
    before = {r.public_id: r.import_checksum for r in Record.objects.all()}
    # The same volume comes back broken: the truncated and the malformed documents keep their stored versions.
    broken = good.replace("personal &amp; secret", "personal < secret", 2)
    write(path, broken[: broken.index('xml:id="d5"')])
    summary = run_import([str(path)])
    assert not summary.ok
    assert {r.public_id: r.import_checksum for r in Record.objects.all()} == before


def test_command_reports_without_a_traceback(tmp_path, process_database):
    folder = tmp_path / "shelf"
    write(folder / "a-good.xml", five())
    write(folder / "b-truncated.xml", five(volume="frus1944Cut")[:-400])
    write(folder / "c-wrong-ns.xml", five(volume="frus1944Ns", namespace="urn:nope"))
    write(folder / "d-ampersand.xml", five(telegram(3, 3).replace("&amp;", "&"), volume="frus1944Amp"))
    write(folder / "e-empty.xml", "")
    env = {**os.environ, "READINGROOM_DATA_DIR": str(tmp_path / "data"), "PYTHONPATH": str(REPO / "src")}
    result = subprocess.run([sys.executable, "-m", "readingroom.cli", "import", str(folder)], env=env,
                            capture_output=True, text=True, timeout=300)
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    assert result.returncode == 1
    for name in ("b-truncated.xml:", "c-wrong-ns.xml:2", "d-ampersand.xml:"):
        assert f"{folder / name}" in output, output
    assert f"{folder / 'e-empty.xml'}" in output
    assert "5 files: 13 imported" in output, output  # 5 + 4 before the cut + 0 + 4 around the broken one


@pytest.mark.django_db
def test_volume_without_a_header_is_refused(tmp_path):
    text = five()
    headless = text[: text.index("<teiHeader>")] + text[text.index("</teiHeader>") + len("</teiHeader>"):]
    path = write(tmp_path / "headless.xml", headless)
    summary = run_import([str(path)])
    assert stored() == set()
    messages = [p.message for p in summary.problems if p.fatal]
    assert any("no teiHeader" in m for m in messages), messages


@pytest.mark.django_db
def test_the_same_document_in_two_files_is_imported_once(tmp_path):
    first = write(tmp_path / "a.xml", five())
    second = write(tmp_path / "b.xml", five().replace("Sent via Navy channels.", "Another text."))
    summary = run_import([str(first), str(second)])
    assert summary.counts["imported"] == 5 and summary.counts["failed"] == 5
    assert all(f"is also in {first}" in p.message and p.source == str(second) for p in summary.problems)
    again = run_import([str(first), str(second)])
    assert again.counts["unchanged"] == 5 and again.counts["updated"] == 0
