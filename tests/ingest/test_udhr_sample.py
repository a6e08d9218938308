"""The shipped UDHR sample collection (what `readingroom demo` loads beside the others): imported through
the real pipeline, its texts checked against the source XML, and read back on its pages."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from readingroom.catalog.models import Content, Record
from readingroom.cli import sample_data_dir
from readingroom.ingest.runner import run_import
from tests.conftest import shared_path

pytestmark = pytest.mark.django_db

# record -> (original, translations), as udhr/README.md lists them.
PLAN = {
    "udhr-article-1": ("zh-Hans", ["en", "ru", "fr"]),
    "udhr-article-3": ("ru", ["en", "zh-Hans", "de"]),
    "udhr-article-18": ("fr", ["en", "ru", "de"]),
    "udhr-article-19": ("ja", ["en", "zh-Hans", "fr"]),
    "udhr-article-26": ("en", ["zh-Hans", "ru", "fr", "de", "ja"]),
}
SOURCE_FILES = {"en": "udhr_eng.xml", "fr": "udhr_fra.xml", "de": "udhr_deu_1996.xml", "ru": "udhr_rus.xml",
                "zh-Hans": "udhr_cmn_hans.xml", "ja": "udhr_jpn.xml"}


def _import() -> None:
    summary = run_import([str(sample_data_dir() / "udhr")])
    assert summary.ok and not summary.problems and summary.counts["imported"] == len(PLAN), summary.problems


def test_the_udhr_sample_imports_with_its_originals_and_translations() -> None:
    _import()
    for public_id, (original, translations) in PLAN.items():
        record = Record.objects.get(public_id=public_id)
        number = public_id.rsplit("-", 1)[1]
        assert record.title == f"Universal Declaration of Human Rights, Article {number}"
        assert (record.date_edtf, record.languages, record.access_level) == ("1948-12-10", [original], "public")
        assert record.collection.title == "Universal Declaration of Human Rights (sample)"
        assert "part of our commons" in record.rights and "74e4d52143ad" in record.source_reference
        contents = list(record.contents.order_by("position"))
        assert [(c.kind, c.language) for c in contents] == [
            ("transcript", original), *(("translation", tag) for tag in translations)]
        assert all(c.text.strip() and c.label for c in contents)
    assert Content.objects.get(record__public_id="udhr-article-26", language="ru").text.startswith(
        "Каждый человек имеет право на образование.")
    # Unchanged on a second run: the demo can be loaded again.
    assert run_import([str(sample_data_dir() / "udhr")]).counts["unchanged"] == len(PLAN)


def test_the_shipped_texts_are_the_source_articles_paragraph_by_paragraph() -> None:
    folder = shared_path("multilingual", "udhr")
    _import()
    namespace = "{http://efele.net/udhr}"
    for public_id, (original, translations) in PLAN.items():
        number = public_id.rsplit("-", 1)[1]
        for tag in [original, *translations]:
            root = ET.parse(folder / SOURCE_FILES[tag]).getroot()
            article = next(a for a in root.iter(f"{namespace}article") if a.get("number") == number)
            paragraphs = [" ".join("".join(p.itertext()).split()) for p in article.iter(f"{namespace}para")]
            stored = Content.objects.get(record__public_id=public_id, language=tag).text
            assert stored.split("\n\n") == paragraphs, (public_id, tag)


def test_the_udhr_records_are_read_by_the_public(client) -> None:
    _import()
    page = client.get("/document/udhr-article-1/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "人人生而自由" in html and "All human beings are born free" in html
    twin = client.get("/document/udhr-article-1.json")
    assert twin.status_code == 200 and "人人生而自由" in twin.content.decode()
