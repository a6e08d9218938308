"""Synthetic FRUS volumes in the real files' layout (teiHeader, front matter lists of persons and terms,
chapters, documents), so the importer's behaviour is tested without ../shared too."""

from __future__ import annotations

from pathlib import Path

TEI = "http://www.tei-c.org/ns/1.0"
FRUS = "http://history.state.gov/frus/ns/1.0"

HEADER = """<teiHeader>
  <fileDesc>
    <titleStmt>
      <title type="complete">Foreign Relations of the United States, {title}</title>
      <title type="volume">{title}</title>
      <editor role="primary">Ada Editor</editor>
      <editor role="primary">Ben Compiler</editor>
    </titleStmt>
    <publicationStmt>
      <publisher>United States Government Printing Office</publisher>
      <pubPlace>Washington</pubPlace>
      <date type="publication-date">1970</date>
      <idno type="frus">{volume}</idno>
    </publicationStmt>
    <sourceDesc><p>Synthetic test volume</p></sourceDesc>
  </fileDesc>
</teiHeader>"""

FRONT = """<front>
  <div type="section" xml:id="persons">
    <head>List of Persons</head>
    <list type="participants">
      <item><hi rend="strong"><persName xml:id="p_RFD1">Roosevelt, Franklin D.</persName>,</hi> President of the United States</item>
      <item><hi rend="strong"><persName xml:id="p_CWS1">Churchill, Winston S.</persName>,</hi> British Prime Minister</item>
      <item><hi rend="strong"><persName xml:id="p_HC1">Hull, Cordell</persName>,</hi> Secretary of State</item>
    </list>
  </div>
  <div type="section" xml:id="terms">
    <head>Abbreviations and Terms</head>
    <list type="terms">
      <item><hi rend="strong"><term xml:id="t_RAF1">R.A.F.</term>,</hi> Royal Air Force</item>
      <item><hi rend="strong"><term xml:id="t_SAC1">SAC</term>,</hi> Supreme Allied Commander</item>
    </list>
  </div>
</front>"""


def telegram(n: int, day: int = 5, *, doc_id: str | None = None, extra: str = "") -> str:
    """A telegram like FRUS 1944 Quebec d121, with footnotes, a page break, a list and a term."""
    doc_id = doc_id or f"d{n}"
    return f"""<div type="document" subtype="historical-document" n="{n}" xml:id="{doc_id}"
     frus:doc-dateTime-min="1944-09-{day:02d}T00:00:00-05:00" frus:doc-dateTime-max="1944-09-{day:02d}T23:59:59-05:00">
  <note rend="inline" type="source">Roosevelt Papers: Telegram</note>
  <head><hi rend="italic">President <persName type="from" corresp="#p_RFD1">Roosevelt</persName> to Prime Minister
    <persName type="to" corresp="#p_CWS1">Churchill</persName></hi><note n="1" xml:id="{doc_id}fn1">Sent via Navy channels.</note></head>
  <opener>
    <seg rendition="#left"><hi rend="smallcaps">top secret</hi><lb/><hi rend="smallcaps">priority</hi></seg>
    <dateline rendition="#right">[<placeName><hi rend="smallcaps">Hyde Park</hi></placeName>,] <date calendar="gregorian"
      when="1944-09-{day:02d}">{day} September 1944</date>.</dateline>
  </opener>
  <p>Number {n}, personal &amp; secret, for the <gloss target="#t_RAF1">R.A.F.</gloss> and the
    <gloss target="#t_SAC1">SAC</gloss>.<note n="2" xml:id="{doc_id}fn2">See <ref target="#pg_189">p. 189</ref>.</note></p>
  <p>The first page ends <pb facs="0246" n="{100 + n}" xml:id="pg_{100 + n}"/> here, and <hi rend="italic">Mr. Hull</hi>
    (<persName corresp="#p_HC1">Hull</persName>) agreed: <quote rend="blockquote"><p>“A quoted paragraph.”</p></quote></p>
  <p>Compare <ref target="#d2">document 2</ref> and <ref target="frus1944v03#pg_1315">vol. iii, p. 1315</ref>.</p>
  <list>
    <label>1.</label><item>First point.</item>
    <label>2.</label><item>Second point &lt;with brackets&gt;.</item>
  </list>
  {extra}
  <closer><signed><hi rend="smallcaps">Roosevelt</hi></signed></closer>
</div>
"""


def undated_memo(n: int) -> str:
    """An undated document whose date the editors inferred: notBefore/notAfter, and an attachment."""
    return f"""<div type="document" n="{n}" xml:id="d{n}">
  <head>Memorandum by the Secretary of State (<persName type="from" corresp="#p_HC1">Hull</persName>)
    to <gloss type="to">the President</gloss></head>
  <opener><dateline>[<placeName>Washington</placeName>, <date ana="#date_undated-inferred-from-document-content"
    notBefore="1944-09-06T00:00:00-05:00" notAfter="1944-09-08T23:59:59-05:00">undated</date>.]</dateline></opener>
  <p>The <gloss target="#t_XYZ1">XYZ</gloss> plan is attached.</p>
  <frus:attachment>
    <head>Draft Plan</head>
    <p>Attached text with a note.<note n="1" xml:id="d{n}fn1">Not printed.</note></p>
    <closer><signed>C. H.</signed></closer>
  </frus:attachment>
</div>
"""


def volume_xml(documents: list[str], *, volume: str = "frus1944Test", title: str = "Conference at Testville, 1944",
               chapters: int = 1, front: bool = True, root: str = "TEI", namespace: str = TEI) -> str:
    """Documents are spread over `chapters` chapters in order (each a series)."""
    per = max(1, -(-len(documents) // chapters))
    body = []
    for c in range(chapters):
        part = documents[c * per:(c + 1) * per]
        body.append(f'<div type="chapter" xml:id="ch{c + 1}"><head>Chapter {c + 1}: Testing</head>\n' + "".join(part)
                    + "</div>\n")
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<{root} xml:id="{volume}" xmlns="{namespace}" xmlns:frus="{FRUS}">\n'
            + HEADER.format(title=title, volume=volume) + "\n<text>\n" + (FRONT if front else "") + "\n<body>\n"
            + "".join(body) + "</body>\n</text>\n</" + root + ">\n")


def standard_volume() -> str:
    """Five documents in two chapters: three telegrams, an undated memorandum, one more telegram."""
    return volume_xml([telegram(1, 5), telegram(2, 6), undated_memo(3), telegram(4, 7), telegram(5, 8)], chapters=2)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def big_volume(documents: int, volume: str = "frus1944Big") -> str:
    docs = [telegram(i, 1 + i % 28) if i % 7 else undated_memo(i) for i in range(1, documents + 1)]
    return volume_xml(docs, volume=volume, chapters=max(1, documents // 500))


def modern_memo(n: int) -> str:
    """The layout of newer volumes: the source note is footnote 1 of the heading, which starts with the
    document's number; the classification is in the source note; a participants list with a head."""
    return f"""<div type="document" xml:id="d{n}" n="{n}" subtype="historical-document"
    frus:doc-dateTime-min="1955-01-20T09:00:00-05:00" frus:doc-dateTime-max="1955-01-20T09:00:00-05:00">
  <head>{n}. Memorandum of a Conversation, Department of State, Washington, January 20, 1955, 9 a.m.<note n="1"
      xml:id="d{n}fn1" type="source"><p>Source: Eisenhower Library, Dulles Papers, White House Memoranda. Secret;
      Personal and Private. Prepared in the Department of State.</p>
      <p>The members of Congress present are identified in the list below.</p></note></head>
  <opener><dateline rendition="#right"><placeName>Washington</placeName>, <date when="1955-01-20T09:00:00-05:00"
      ana="#date_undated-inferred-from-document-head">January 20, 1955, 9 a.m.</date></dateline></opener>
  <list type="participants">
    <head>ATTENDING</head>
    <item>Secretary <persName corresp="#p_HC1">Hull</persName></item>
    <item>Senator George</item>
  </list>
  <p>The Secretary reported on the talks.<note n="2" xml:id="d{n}fn2">Not found.</note></p>
</div>
"""
