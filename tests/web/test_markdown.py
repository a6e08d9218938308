"""Staff-written Markdown rendered for the public: formatting kept, anything that could run script or
reach another site comes out inert (escaped text or plain words), and huge input is cut, not rendered."""

from __future__ import annotations

import re

import pytest

from readingroom.catalog.themes import MARKDOWN_LIMIT
from readingroom.web.markdown import first_words, render

HOSTILE = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](javascript&#58;alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](vbscript:msgbox(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](file:///etc/passwd)",
    '[x](https://ok.example/ "title\\" onmouseover=\\"alert(1))',
    "![x](javascript:alert(1))",
    "![x](https://evil.example/pixel.png)",
    "![x](//evil.example/pixel.png)",
    "[ref]\n\n[ref]: javascript:alert(1)",
    "<div onmouseover=alert(1)>hover</div>",
    "<iframe src=https://evil.example/></iframe>",
    "`<script>` and ```\n<script>alert(1)</script>\n```",
]


def _tags(html: str) -> list[tuple[str, str]]:
    return re.findall(r"<([a-zA-Z0-9]+)([^>]*)>", html)


@pytest.mark.parametrize("source", HOSTILE)
def test_hostile_input_comes_out_inert(source):
    html = str(render(source))
    for tag, attributes in _tags(html):
        assert tag.lower() in {"p", "a", "em", "strong", "code", "pre", "img"}, html
        assert not re.search(r"\son\w+\s*=", attributes), html
        for url in re.findall(r'(?:href|src)="([^"]*)"', attributes):
            assert re.match(r"(https?:|mailto:|/(?!/))", url), html
        if tag == "img":
            assert 'src="/' in attributes, html
    assert "evil.example/pixel" not in html


def test_formatting_links_and_site_images_are_kept():
    html = str(render("# Heading\n\n*it* **bold** [a](https://example.org/) [m](mailto:a@example.org) "
                      "[doc](/document/209771/)\n\n- one\n- two\n\n![scan](/iiif/image/1/full/!400,400/0/default.jpg)"))
    assert "<h3>Heading</h3>" in html  # below the page's own h1 and the sections' h2
    assert "<em>it</em> <strong>bold</strong>" in html
    assert '<a href="https://example.org/">a</a>' in html and '<a href="mailto:a@example.org">m</a>' in html
    assert '<a href="/document/209771/">doc</a>' in html and "<li>one</li>" in html
    assert '<img src="/iiif/image/1/full/!400,400/0/default.jpg" alt="scan" loading="lazy"' in html
    assert str(render("![a photo](https://evil.example/p.png)")) == "<p>a photo</p>\n"  # its description only


def test_huge_input_is_cut_at_the_limit():
    for source in ("word " * 100_000, "[" * 300_000, "*a" * 200_000, "> " * 100_000 + "deep", "<" * 300_000):
        html = str(render(source))
        assert "<script" not in html
        assert len(html) < 12 * MARKDOWN_LIMIT  # escaping and markup grow it, the cut keeps it bounded
    assert str(render("x" * (MARKDOWN_LIMIT + 50))).count("x") == MARKDOWN_LIMIT


def test_first_words_are_plain_text():
    assert first_words("# Title\n\nSome **bold** & <b>raw</b> text", 5) == "Title Some bold & <b>raw</b>…"
    assert first_words("") == ""
