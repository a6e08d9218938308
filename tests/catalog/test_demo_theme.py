"""The theme `readingroom demo` ships: built from the sample records, loaded once (a second load neither
duplicates it nor undoes a curator's edits), and quoting only what those records say."""

from __future__ import annotations

import json
import re

import pytest
from rich.console import Console

from readingroom.catalog import theme_files
from readingroom.catalog.models import Content, Record
from readingroom.catalog.themes import Theme, ThemeEntry
from readingroom.cli import sample_data_dir
from readingroom.ingest.runner import run_import

pytestmark = pytest.mark.django_db
SLUG = "1944-stalin-harriman-warsaw"


@pytest.fixture
def samples():
    summary = run_import([str(sample_data_dir() / name) for name in ("records", "scans", "udhr")])
    assert not [p for p in summary.problems if p.fatal]


def _quotations() -> list[str]:
    text = " ".join(p.read_text(encoding="utf-8") for p in theme_files.SAMPLE_THEMES.glob("*.json"))
    return re.findall(r"“([^”]+)”", text)


def test_the_demo_loads_the_sample_theme(samples, client):
    # That `readingroom demo` loads it is tested end to end in tests/test_cli.py.
    loaded = theme_files.load_folder()
    assert loaded.created == [SLUG] and loaded.missing_records == []
    theme = Theme.objects.get(slug=SLUG)
    assert theme.published and theme.cover_page.content.record.public_id == "209771-typed-scan"
    assert [e.record.public_id for e in theme.entries.all()] == [
        "209771", "209771-typed-scan", *(f"frus1944Quebec/d{n}" for n in range(116, 122))]
    data = client.get(f"/themes/{SLUG}.json").json()
    assert data["count"] == 8 and [s["title"] for s in data["sections"]] == [
        "Stalin and Harriman, February 1944", "Warsaw, September 1944"]
    assert {p["name"] for p in data["places"]} == {"London", "Washington", "Caserta", "Hyde Park"}
    assert client.get(data["cover"]["image"]).status_code == 200


def test_loading_again_keeps_one_theme_and_the_curators_edits(samples):
    theme_files.load_folder()
    theme = Theme.objects.get(slug=SLUG)
    theme.title, theme.published = "Retitled by a curator", False
    theme.save()
    ThemeEntry.objects.filter(theme=theme, record__public_id="frus1944Quebec/d120").delete()
    again = theme_files.load_folder()
    assert again.created == [] and again.kept == [SLUG]
    assert Theme.objects.count() == 1
    theme.refresh_from_db()
    assert theme.title == "Retitled by a curator" and not theme.published and theme.entries.count() == 7


def test_the_overview_and_notes_quote_only_the_sample_records(samples):
    quotes = _quotations()
    assert len(quotes) >= 3
    texts = " ".join(" ".join(Content.objects.values_list("text", flat=True)).split())
    for quote in quotes:
        assert " ".join(quote.split()) in texts, quote


def test_missing_records_are_reported_and_a_broken_file_is_one_message(tmp_path, db):
    Record.objects.create(public_id="209771", title="The seed only")
    folder = tmp_path / "themes"
    folder.mkdir()
    (folder / "a.json").write_text(json.dumps({"slug": "a", "title": "A", "sections": [
        {"title": "S", "entries": [{"record": "209771"}, {"record": "not-here"}]}]}))
    loaded = theme_files.load_folder(folder)
    assert loaded.missing_records == ["not-here"] and "not-here" in loaded.line()
    assert [e.record.public_id for e in Theme.objects.get(slug="a").entries.all()] == ["209771"]
    (folder / "b.json").write_text("{not json")
    with pytest.raises(theme_files.ThemeFileError, match=r"^b\.json: not a readable theme file"):
        theme_files.load_folder(folder)


def test_the_demo_hook_prints_one_line(samples, capsys):
    console = Console(force_terminal=False, width=200)
    theme_files.load_sample_themes(console)
    theme_files.load_sample_themes(console)
    lines = capsys.readouterr().out.splitlines()
    assert lines == ["Sample themes: 1 created, 0 already there (left as they are)",
                     "Sample themes: 0 created, 1 already there (left as they are)"]
