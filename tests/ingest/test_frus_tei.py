"""FRUS TEI volumes: the mapping of documents, people, terms, footnotes and page breaks; the document page;
idempotence; and real files (../shared/frus) when they are there."""

from __future__ import annotations

from pathlib import Path

import pytest

from readingroom.catalog.models import Authority, Collection, Record
from readingroom.ingest.formats import format_for
from readingroom.ingest.frus_tei import FORMAT
from readingroom.ingest.records import ParsedRecord, Problem
from readingroom.ingest.runner import run_import
from readingroom.standards.citations import chicago

from ..conftest import shared_path
from .frus_fixtures import standard_volume, telegram, undated_memo, volume_xml, write
from .frus_snapshot import snapshot

REAL_VOLUME = "frus1944Quebec-excerpt-d116-d121.xml"


def parse(path: Path) -> tuple[dict[str, ParsedRecord], list[Problem]]:
    records: dict[str, ParsedRecord] = {}
    problems: list[Problem] = []
    for item in FORMAT.parse(path):
        if isinstance(item, Problem):
            problems.append(item)
        else:
            records[item.public_id] = item
    return records, problems


def line_of(path: Path, text: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if text in line:
            return number
    raise AssertionError(f"{text!r} is not in {path}")


@pytest.fixture
def volume(tmp_path: Path) -> Path:
    return write(tmp_path / "frus1944Test.xml", standard_volume())


def test_format_is_chosen_by_the_root_element(tmp_path, volume):
    assert format_for(volume) is FORMAT
    assert format_for(write(tmp_path / "other.xml", "<?xml version='1.0'?><html><body/></html>")) is None
    wrong_namespace = write(tmp_path / "wrong-ns.xml", volume_xml([telegram(1)], namespace="http://example.org/tei"))
    assert format_for(wrong_namespace) is FORMAT  # claimed, so the reader can say what is wrong with it


def test_documents_map_to_records(volume):
    records, problems = parse(volume)
    assert list(records) == [f"frus1944Test/d{n}" for n in (1, 2, 3, 4, 5)]
    d1 = records["frus1944Test/d1"]
    assert d1.title == "President Roosevelt to Prime Minister Churchill"  # the head without its footnote
    assert d1.date_edtf == "1944-09-05"
    assert d1.place_of_writing == "Hyde Park"
    assert d1.classification == "TOP SECRET"  # "priority" on the next line is not a classification
    assert d1.document_type == "telegram"
    assert d1.source_reference == "Roosevelt Papers: Telegram"
    assert d1.source_url == "https://history.state.gov/historicaldocuments/frus1944Test/d1"
    assert d1.signed_by == "Roosevelt"
    assert d1.languages == ["en"]
    assert [(a.kind, a.name, a.role, a.identifier) for a in d1.authorities] == [
        ("person", "Roosevelt, Franklin D.", "author", "frus1944Test-p_RFD1"),
        ("person", "Churchill, Winston S.", "recipient", "frus1944Test-p_CWS1"),
        ("subject", "R.A.F.", "mentioned", "frus1944Test-t_RAF1"),
        ("subject", "SAC", "mentioned", "frus1944Test-t_SAC1"),
        ("person", "Hull, Cordell", "mentioned", "frus1944Test-p_HC1"),
        ("place", "Hyde Park", "written_at", ""),
    ]
    assert d1.authorities[0].description == "President of the United States"

    d3 = records["frus1944Test/d3"]
    assert d3.date_edtf == "1944-09-06?/1944-09-08?"  # undated, inferred by the editors: uncertain interval
    assert d3.document_type == "memorandum"
    assert ("person", "the President", "recipient") in [(a.kind, a.name, a.role) for a in d3.authorities]
    assert d3.signed_by == ""  # only the attachment is signed
    dangling = [p for p in problems if "#t_XYZ1" in p.message]
    assert len(dangling) == 1 and not dangling[0].fatal
    assert dangling[0].line == line_of(volume, 'target="#t_XYZ1"')
    assert "XYZ" in d3.contents[0].text  # kept as plain text
    assert not [p for p in problems if p.fatal]


def test_transcript_text_markup_footnotes_and_pages(volume):
    records, _ = parse(volume)
    transcript = records["frus1944Test/d1"].contents[0]
    assert (transcript.kind, transcript.language) == ("transcript", "en")
    paragraphs = transcript.text.split("\n\n")
    assert paragraphs[:3] == ["President Roosevelt to Prime Minister Churchill", "top secret\npriority",
                              "[Hyde Park,] 5 September 1944."]
    assert "Number 1, personal & secret, for the R.A.F. and the SAC." in paragraphs
    assert "“A quoted paragraph.”" in paragraphs and "2. Second point <with brackets>." in paragraphs
    assert "Sent via Navy channels" not in transcript.text  # notes are kept apart
    [page] = transcript.page_breaks
    assert page["n"] == "101" and transcript.text[page["offset"]:].startswith("here, and Mr. Hull")

    markup = transcript.markup
    assert "personal &amp; secret" in markup and "Second point &lt;with brackets&gt;." in markup
    assert "<blockquote><p>“A quoted paragraph.”</p></blockquote>" in markup
    assert '<li class="labelled"><span class="label">1.</span> First point.</li>' in markup
    assert '<a href="#d1fn1" id="d1fn1-ref">1</a>' in markup and '<a href="#d1fn2" id="d1fn2-ref">2</a>' in markup
    assert '<span class="pb" data-page="101" id="page-101">[Page 101]</span>' in markup
    assert 'title="R.A.F.: Royal Air Force"' in markup
    # Links stay in FRUS: another document of the volume is a page here, other volumes are history.state.gov's.
    assert '<a href="../d2/">document 2</a>' in markup
    assert '<a href="https://history.state.gov/historicaldocuments/frus1944v03/pg_1315">vol. iii, p. 1315</a>' in markup
    assert [(f.number, f.anchor_id, f.text) for f in transcript.footnotes] == [
        ("1", "d1fn1", "Sent via Navy channels."), ("2", "d1fn2", "See p. 189.")]

    # The next document opens on the page the previous one turned to.
    second = records["frus1944Test/d2"].contents[0]
    assert second.page_breaks[0] == {"n": "101", "offset": 0}

    memo = records["frus1944Test/d3"].contents[0]
    assert '<div class="attachment"><p class="head">Draft Plan</p>' in memo.markup
    assert [(f.number, f.text) for f in memo.footnotes] == [("1", "Not printed.")]


def test_volume_and_chapters_become_collections(volume):
    records, _ = parse(volume)
    first, last = records["frus1944Test/d1"].collection, records["frus1944Test/d5"].collection
    assert (first.identifier, first.title, first.level, first.position) == (
        "frus1944Test-ch1", "Chapter 1: Testing", "series", 1)
    assert (last.identifier, last.position) == ("frus1944Test-ch2", 2)
    book = first.parent
    assert book is last.parent
    assert book.identifier == "frus1944Test"
    assert book.title == "Foreign Relations of the United States, Conference at Testville, 1944"
    assert (book.editors, book.publication_year) == ("Ada Editor, Ben Compiler", 1970)
    assert book.repository.name == "Office of the Historian, U.S. Department of State"
    assert [records[f"frus1944Test/d{n}"].position for n in (1, 2, 3, 4, 5)] == [1, 2, 3, 4, 5]


@pytest.mark.django_db
def test_import_and_document_page(client, volume):
    summary = run_import([str(volume)])
    assert summary.counts["imported"] == 5 and summary.ok
    record = Record.objects.get(public_id="frus1944Test/d1")
    assert chicago(record) == ("Foreign Relations of the United States, 1944, Conference at Testville, 1944, document 1, "
                               "https://history.state.gov/historicaldocuments/frus1944Test/d1")
    assert str(record.date_start) == "1944-09-05"
    memo = Record.objects.get(public_id="frus1944Test/d3")
    assert (str(memo.date_start), str(memo.date_end)) == ("1944-09-06", "1944-09-08")
    book = Collection.objects.get(identifier="frus1944Test")
    assert [c.identifier for c in book.children.order_by("position")] == ["frus1944Test-ch1", "frus1944Test-ch2"]
    roosevelt = Authority.objects.get(identifier="frus1944Test-p_RFD1")
    assert (roosevelt.kind, roosevelt.preferred_name) == ("person", "Roosevelt, Franklin D.")
    assert roosevelt.record_links.filter(role="author").count() == 4

    page = client.get(record.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    for expected in (
        "President Roosevelt to Prime Minister Churchill", "TOP SECRET", "Hyde Park", "Roosevelt Papers: Telegram",
        "Foreign Relations of the United States, 1944, Conference at Testville, 1944, document 1",
        '<span class="pb" data-page="101" id="page-101">[Page 101]</span>',
        '<li id="d1fn1" value="1">Sent via Navy channels.</li>', 'href="#d1fn1"',
        f'href="{roosevelt.get_absolute_url()}"', "Roosevelt, Franklin D.", "R.A.F.",
        "personal &amp; secret",
    ):
        assert expected in html, expected
    data = client.get(f"/document/{record.public_id}.json").json()
    assert data["contents"][0]["page_breaks"] == [{"n": "101", "offset": 180}]
    assert {a["id"] for a in data["authorities"]} >= {"frus1944Test-p_RFD1", "frus1944Test-t_SAC1"}
    assert client.get(roosevelt.get_absolute_url()).status_code == 200


@pytest.mark.django_db
def test_second_run_reports_everything_unchanged(volume):
    run_import([str(volume)])
    before = snapshot()
    summary = run_import([str(volume)])
    assert (summary.counts["unchanged"], summary.counts["imported"], summary.counts["updated"]) == (5, 0, 0)
    assert snapshot() == before


@pytest.mark.django_db
def test_reading_ahead_in_another_process_changes_nothing(tmp_path, settings):
    path = write(tmp_path / "frus1944Test.xml", volume_xml([telegram(n, 1 + n % 28) for n in range(1, 301)], chapters=3))
    settings.READINGROOM_READ_AHEAD = False
    alone = run_import([str(path)])
    in_process = snapshot()
    Record.objects.all().delete()
    Collection.objects.all().delete()
    Authority.objects.all().delete()
    settings.READINGROOM_READ_AHEAD = True
    ahead = run_import([str(path)])
    assert alone.counts == ahead.counts and [str(p) for p in alone.problems] == [str(p) for p in ahead.problems]
    assert snapshot() == in_process


@pytest.mark.django_db
def test_changed_document_is_updated_in_place(tmp_path, volume):
    run_import([str(volume)])
    changed = write(volume, standard_volume().replace("Sent via Navy channels.", "Sent via Army channels.", 1))
    summary = run_import([str(changed)])
    assert (summary.counts["updated"], summary.counts["unchanged"]) == (1, 4)
    content = Record.objects.get(public_id="frus1944Test/d1").contents.get()
    assert [f.text for f in content.footnotes.all()] == ["Sent via Army channels.", "See p. 189."]
    assert Record.objects.count() == 5


def test_citation_of_other_records_keeps_the_seed_form(db, tmp_path):
    plain = Collection.objects.create(identifier="harriman", title="W. Averell Harriman Papers")
    record = Record.objects.create(public_id="209771", title="Telegram", date_edtf="1944-02-02", collection=plain)
    assert chicago(record).startswith('"Telegram", February 2, 1944, ')
    # A collection that merely starts with "frus" but whose records are not volume/document ids: seed form.
    other = Collection.objects.create(identifier="frus1944Notes", title="Notes")
    note = Record.objects.create(public_id="n1", title="Note", collection=other)
    assert chicago(note).startswith('"Note", ')


def test_modern_volume_title_keeps_its_own_years(db):
    book = Collection.objects.create(
        identifier="frus1969-76v17", title="Foreign Relations of the United States, 1969–1976, Volume XVII, China, 1969–1972")
    record = Record.objects.create(public_id="frus1969-76v17/d12", title="Memorandum", collection=book)
    assert chicago(record) == ("Foreign Relations of the United States, 1969–1976, Volume XVII, China, 1969–1972, "
                               "document 12, https://history.state.gov/historicaldocuments/frus1969-76v17/d12")
    book.title = "Foreign Relations of the United States, Cuba"
    book.save()
    assert chicago(Record.objects.get(pk=record.pk)).startswith(
        "Foreign Relations of the United States, 1969–1976, Cuba, document 12")  # years as hsg writes them


# -- the real excerpt in ../shared/frus


@pytest.fixture
def real_volume() -> Path:
    return shared_path("frus", REAL_VOLUME)


def test_every_real_document_has_its_fields(real_volume):
    records, problems = parse(real_volume)
    assert sorted(records) == [f"frus1944Quebec/d{n}" for n in range(116, 122)]
    for record in records.values():
        transcript = record.contents[0]
        assert record.title and record.date_edtf.startswith("1944-09-0"), record.public_id
        assert record.source_reference and record.place_of_writing, record.public_id
        assert [a for a in record.authorities if a.role == "author"], record.public_id
        assert [a for a in record.authorities if a.role == "recipient"], record.public_id
        assert transcript.footnotes and transcript.text and transcript.markup, record.public_id
        assert record.collection.parent.identifier == "frus1944Quebec"
    # "plain" (d116) is a transmission mode, not a classification.
    assert {k: r.classification for k, r in records.items()} == {
        "frus1944Quebec/d116": "", "frus1944Quebec/d117": "SECRET", "frus1944Quebec/d118": "SECRET",
        "frus1944Quebec/d119": "TOP SECRET", "frus1944Quebec/d120": "TOP SECRET", "frus1944Quebec/d121": "SECRET"}
    # The excerpt has no front matter: every term reference dangles, is reported once, and is not fatal.
    assert not [p for p in problems if p.fatal]
    dangling = {p.message.split()[1]: p for p in problems if p.message.startswith("reference")}
    assert set(dangling) == {"#t_Poles1", "#t_EW1", "#t_S1", "#t_RAF1", "#t_SAC1", "#t_Red1", "#t_Blue1", "#t_Prime1"}
    assert "(9 times)" in dangling["#t_Poles1"].message and dangling["#t_Poles1"].line == 102


def test_roosevelt_to_churchill_5_september_1944(real_volume):
    records, _ = parse(real_volume)
    d121 = records["frus1944Quebec/d121"]
    assert d121.title == "President Roosevelt to Prime Minister Churchill"
    assert (d121.date_edtf, d121.place_of_writing, d121.classification) == ("1944-09-05", "Hyde Park", "SECRET")
    assert (d121.source_reference, d121.document_type, d121.signed_by) == ("Roosevelt Papers: Telegram", "telegram",
                                                                           "Roosevelt")
    assert [(a.name, a.role) for a in d121.authorities if a.kind == "person"] == [
        ("Roosevelt", "author"), ("Churchill", "recipient")]
    transcript = d121.contents[0]
    assert [f.number for f in transcript.footnotes] == ["1", "2", "3", "4"]
    assert transcript.footnotes[1].text == "Ante, p. 188." and transcript.footnotes[1].anchor_id == "d121fn2"
    assert transcript.text.split("\n\n")[1:3] == ["secret\npriority", "[Hyde Park,] 5 September 1944."]
    assert "the fighting Poles have departed from War saw" in transcript.text
    assert transcript.page_breaks == [{"n": "190", "offset": 0}]  # it opens on printed page 190

    d120 = records["frus1944Quebec/d120"].contents[0]
    [start, turn] = d120.page_breaks
    assert start == {"n": "189", "offset": 0}
    assert turn["n"] == "190" and d120.text[turn["offset"]:].startswith("to us at variance with the spirit")
    assert "<blockquote><ul" in d120.markup  # the War Cabinet's telegram, quoted as a list

    d117 = records["frus1944Quebec/d117"]
    assert d117.signed_by == "C[harles] E. B[ohlen]"  # the attachment's own closer is not the signature
    assert '<div class="attachment">' in d117.contents[0].markup
    assert "Minister Romer stresses the need for utmost urgency." in d117.contents[0].text

    d119 = records["frus1944Quebec/d119"].contents[0]
    assert '<span class="label">4.</span> The only way' in d119.markup
    assert "Foreign Relations, 1944, vol. iii, pp. 1315–1317." in d119.footnotes[1].text
    assert d119.footnotes[4].text.endswith("For the text of the reply, see post, p. 190.")


@pytest.mark.django_db
def test_real_documents_pages(client, real_volume):
    summary = run_import([str(real_volume)])
    assert summary.counts["imported"] == 6
    for record in Record.objects.all():
        html = client.get(record.get_absolute_url()).content.decode()
        assert record.title in html and record.source_reference in html, record.public_id
        assert record.date_display in html
        for note in record.contents.get().footnotes.all():
            assert f'<li id="{note.anchor_id}"' in html and f'href="#{note.anchor_id}"' in html
        for link in record.authority_links.all():
            assert link.authority.get_absolute_url() in html
    d121 = client.get("/document/frus1944Quebec/d121/").content.decode()
    for expected in ("Foreign Relations of the United States, 1944, Conference at Quebec, 1944, document 121",
                     "https://history.state.gov/historicaldocuments/frus1944Quebec/d121", "SECRET", "Hyde Park",
                     "Roosevelt Papers: Telegram", '<span class="smallcaps">priority</span>',
                     "Sent by the White House Map Room"):
        assert expected in d121, expected
    d120 = client.get("/document/frus1944Quebec/d120/").content.decode()
    assert '<span class="pb" data-page="190" id="page-190">[Page 190]</span>' in d120


def test_undated_memo_fixture_is_valid_alone(tmp_path):
    # The fixture pieces stand alone too: one undated document in a volume without front matter.
    path = write(tmp_path / "v.xml", volume_xml([undated_memo(7)], front=False))
    records, problems = parse(path)
    assert records["frus1944Test/d7"].authorities[0].name == "Hull"  # the name as printed
    assert {p.message.split()[1] for p in problems if p.message.startswith("reference")} == {"#p_HC1", "#t_XYZ1"}


def test_markup_never_carries_markup_from_the_source(tmp_path):
    hostile = telegram(1, 5, extra=(
        '<p>&lt;script&gt;alert(1)&lt;/script&gt; <ref target="javascript:alert(2)">click</ref> '
        '<ref target="#d2&quot; onmouseover=&quot;alert(3)">x</ref> <hi rend="italic&quot;&gt;">y</hi></p>'))
    text = volume_xml([hostile]).replace(
        "President of the United States", 'President "&gt;&lt;script&gt;alert(4)&lt;/script&gt;')
    records, _ = parse(write(tmp_path / "v.xml", text))
    markup = records["frus1944Test/d1"].contents[0].markup
    assert "<script" not in markup and "javascript:" not in markup and "onmouseover=" not in markup.replace(
        "onmouseover=&quot;", "")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in markup
    assert 'title="Roosevelt, Franklin D.: President &quot;&gt;&lt;script&gt;alert(4)&lt;/script&gt;"' in markup


def test_newer_layout_source_note_in_the_heading(tmp_path):
    from .frus_fixtures import modern_memo

    records, problems = parse(write(tmp_path / "v.xml", volume_xml([modern_memo(22)])))
    memo = records["frus1944Test/d22"]
    assert memo.title == "Memorandum of a Conversation, Department of State, Washington, January 20, 1955, 9 a.m."
    assert memo.source_reference == ("Eisenhower Library, Dulles Papers, White House Memoranda. Secret; Personal "
                                     "and Private. Prepared in the Department of State.")
    assert (memo.classification, memo.document_type, memo.date_edtf) == ("SECRET", "memorandum", "1955-01-20")
    transcript = memo.contents[0]
    # The source note is printed as footnote 1 of the heading, so it stays one, linked from the heading.
    assert [f.number for f in transcript.footnotes] == ["1", "2"]
    assert transcript.footnotes[0].text.startswith("Source: Eisenhower Library")
    assert '9 a.m.<sup class="fn"><a href="#d22fn1" id="d22fn1-ref">1</a></sup></p>' in transcript.markup
    assert '<li class="list-head">ATTENDING</li>' in transcript.markup
    assert "Source:" not in transcript.text
    assert not [p for p in problems if p.fatal]


@pytest.mark.django_db
def test_footnotes_keep_their_links_as_safe_html(tmp_path, client):
    extra = ('<p>More.<note n="3" xml:id="d7fn3">See <ref target="#d2">Document 2</ref> and '
             '<hi rend="italic">&lt;script&gt;alert(1)&lt;/script&gt;</hi>.</note></p>')
    path = write(tmp_path / "frus1944Test.xml", volume_xml([telegram(2, 6), telegram(7, 9, extra=extra)]))
    records, _ = parse(path)
    notes = records["frus1944Test/d7"].contents[0].footnotes
    assert notes[0].markup == ""  # plain text: nothing more to keep
    assert '<a href="https://history.state.gov/historicaldocuments/frus1944Test/pg_189">p. 189</a>' in notes[1].markup
    assert '<a href="../d2/">Document 2</a>' in notes[2].markup and "<script" not in notes[2].markup
    assert "&lt;script&gt;" in notes[2].markup and notes[2].text.startswith("See Document 2 and <script>")

    assert run_import([str(path)]).ok
    record = Record.objects.get(public_id="frus1944Test/d7")
    html = client.get(record.get_absolute_url()).content.decode()
    assert '<a href="../d2/">Document 2</a>' in html and "<script>alert(1)" not in html
    assert client.get(f"/document/{record.public_id}.json").json()["contents"][0]["footnotes"][2]["html"] == notes[2].markup
    # Staff correcting a note's text in the admin see their text, not the importer's old HTML.
    from django.forms import modelform_factory

    from readingroom.catalog.forms import FootnoteAdminForm
    from readingroom.catalog.models import Footnote

    note = Footnote.objects.get(anchor_id="d7fn3")
    form_class = modelform_factory(Footnote, form=FootnoteAdminForm, fields=["number", "anchor_id", "text", "position"])
    form = form_class({"number": "3", "anchor_id": "d7fn3", "text": "Corrected note.", "position": note.position},
                      instance=note)
    assert form.is_valid(), form.errors
    form.save()
    note.refresh_from_db()
    assert (note.text, note.markup) == ("Corrected note.", "")
