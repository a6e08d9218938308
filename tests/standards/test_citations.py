"""Citations: the archive's Chicago form, BibTeX, RIS, CSL-JSON and citeproc-py styles agree on the record."""

from __future__ import annotations

import json
import re

from readingroom.standards import citations

SEED_CHICAGO = ('"Telegram re Stalin Harriman Conversation on Japanese Troops", February 2, 1944, '
                'readingroom Digital Archive, Container # 171, W. Averell Harriman Papers, '
                'Manuscript Division, Library of Congress, Washington, DC http://testserver/document/209771/')


def test_chicago_is_the_archive_form(archive, settings):
    settings.READINGROOM_ARCHIVE_NAME = "readingroom Digital Archive"
    assert citations.chicago(archive.seed) == SEED_CHICAGO


def test_csl_item(archive):
    item = citations.csl_item(archive.seed)
    assert item["type"] == "manuscript" and item["id"] == "209771"
    assert item["issued"] == {"date-parts": [[1944, 2, 2]]}
    assert item["author"] == [{"literal": "Harriman, W. Averell"}]
    assert item["archive_location"].startswith("Container # 171, W. Averell Harriman Papers")
    assert item["URL"] == "http://testserver/document/209771/"
    assert item["language"] == "en" and item["genre"] == "telegram"


def test_bibtex_is_well_formed(archive):
    text = citations.bibtex(archive.seed)
    assert text.startswith("@misc{rr_209771_1944,\n")
    assert text.count("{") == text.count("}")
    fields = dict(re.findall(r"^  (\w+) = \{(.*)\},?$", text, re.M))
    assert fields["title"] == "{Telegram re Stalin Harriman Conversation on Japanese Troops}"
    assert fields["date"] == "1944-02-02" and fields["year"] == "1944"
    assert fields["url"] == "http://testserver/document/209771/"
    archive.seed.title = "Costs 100% & 5$ for #1_{x}"
    escaped = citations.bibtex(archive.seed)
    assert r"100\% \& 5\$ for \#1\_\{x\}" in escaped


def test_ris_is_well_formed(archive):
    text = citations.ris(archive.seed)
    lines = text.split("\r\n")
    assert lines[0] == "TY  - MANSCPT" and lines[-2] == "ER  - " and lines[-1] == ""
    assert all(re.match(r"^[A-Z][A-Z0-9]  - ", line) for line in lines[:-1])
    assert "DA  - 1944/02/02/" in lines and "PY  - 1944" in lines and "AU  - Harriman, W. Averell" in lines
    assert "UR  - http://testserver/document/209771/" in lines


def test_csl_styles_rendered_by_citeproc(archive):
    chicago = citations.render_style(archive.seed, "chicago")
    apa = citations.render_style(archive.seed, "apa")
    mla = citations.render_style(archive.seed, "mla")
    for text in (chicago, apa, mla):
        assert "Stalin Harriman Conversation on Japanese Troops" in text
        assert "http://testserver/document/209771/" in text
    assert "February 2, 1944" in chicago
    assert "(1944)" in apa
    assert "2 Feb. 1944" in mla
    assert chicago != apa != mla


def test_a_record_without_author_names_its_title_once(archive):
    from readingroom.catalog.models import RecordAuthority

    RecordAuthority.objects.filter(record=archive.seed, role="author").delete()
    chicago = citations.render_style(archive.seed, "chicago")
    mla = citations.render_style(archive.seed, "mla")
    apa = citations.render_style(archive.seed, "apa")
    apa_html = citations.render_style(archive.seed, "apa", html=True)
    for text in (chicago, mla, apa, apa_html):
        assert text.lower().count("stalin harriman conversation on japanese troops") == 1, text
    assert apa.startswith("Telegram re Stalin Harriman Conversation on Japanese Troops. (1944). "), apa
    assert ".." not in apa and ".." not in apa_html
    assert chicago.startswith("“Telegram Re Stalin Harriman Conversation on Japanese Troops”. Telegram. February 2, 1944.")


def test_cite_downloads(client, archive):
    bib = client.get("/document/209771/cite.bib")
    assert bib.status_code == 200 and bib["Content-Type"].startswith("application/x-bibtex")
    assert bib["Content-Disposition"] == 'attachment; filename="209771.bib"'
    assert bib.content.decode() == citations.bibtex(archive.seed)
    ris = client.get("/document/209771/cite.ris")
    assert ris.content.decode().startswith("TY  - MANSCPT")
    csl = client.get("/document/209771/cite.csl.json")
    assert json.loads(csl.content)[0]["title"] == archive.seed.title
    txt = client.get("/document/209771/cite.txt")
    assert txt.content.decode() == citations.chicago(archive.seed)
    apa = client.get("/document/209771/cite.txt?style=apa")
    assert "(1944)" in apa.content.decode()
    assert client.get("/document/209771/cite.txt?style=nonsense").status_code == 404
    # Ids with a slash work too.
    frus = client.get("/document/frus1944v04/d1/cite.ris")
    assert frus.status_code == 200 and frus["Content-Disposition"] == 'attachment; filename="frus1944v04-d1.ris"'


def test_restricted_records_have_no_citations(client, archive):
    for fmt in ("bib", "ris", "csl.json", "txt"):
        assert client.get(f"/document/restricted-1/cite.{fmt}").status_code == 404
        assert client.get(f"/document/embargoed-1/cite.{fmt}").status_code == 404


def test_zotero_metadata_on_the_page(client, archive):
    html = client.get("/document/209771/").content.decode()
    assert f'<meta name="citation_title" content="{archive.seed.title}">' in html
    assert '<meta name="citation_date" content="1944/2/2">' in html
    assert '<meta name="citation_author" content="Harriman, W. Averell">' in html
    assert '<meta name="citation_public_url" content="http://testserver/document/209771/">' in html
    coins = re.search(r'<span class="Z3988" title="([^"]+)"', html)
    assert coins and "ctx_ver=Z39.88-2004" in coins.group(1) and "rft.title=Telegram+re+Stalin" in coins.group(1)
    assert '<meta property="og:title"' in html and '<meta property="og:image"' in html
    assert '<link rel="canonical" href="http://testserver/document/209771/">' in html
