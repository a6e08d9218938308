"""Staff-written Markdown (theme overviews, section introductions, notes) as HTML that cannot run script.

markdown-it-py: a maintained CommonMark parser (the Executable Book Project), already installed with rich.
With raw HTML off, every `<` a writer types comes out escaped, so no HTML reaches the page to be sanitised
afterwards (which Python-Markdown plus nh3 would need: two libraries agreeing on what is safe). Links are
kept only to http(s), mailto and this site; images only from this site (e.g. a scan through IIIF), as the
pages' Content-Security-Policy would block others anyway and readers are not tracked by third parties.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from markdown_it import MarkdownIt
from markdown_it.token import Token

from readingroom.catalog.themes import MARKDOWN_LIMIT

_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):", re.IGNORECASE)
_LINK_SCHEMES = {"http", "https", "mailto"}


def _allowed_link(url: str) -> bool:
    # markdown-it hands over the URL decoded and normalised ("JaVaScRiPt&#58;" is "javascript:" by now).
    match = _SCHEME.match(url.strip())
    return match is None or match.group(1).lower() in _LINK_SCHEMES


def _on_this_site(url: str) -> bool:
    return url.startswith("/") and not url.startswith("//") and "\\" not in url


def _image(self, tokens: Sequence[Token], idx: int, options, env) -> str:
    token = tokens[idx]
    alt = self.renderInlineAsText(token.children or [], options, env)
    if not _on_this_site(token.attrGet("src") or ""):
        return html.escape(alt)  # another site's image: its description, not a request to that site
    token.attrSet("alt", alt)
    token.attrSet("loading", "lazy")
    return self.renderToken(tokens, idx, options, env)


def _heading(self, tokens: Sequence[Token], idx: int, options, env) -> str:
    # The page has its own h1 (the theme) and h2s (sections): a writer's "#" becomes a heading below them.
    token = tokens[idx]
    token.tag = f"h{min(6, int(token.tag[1]) + 2)}"
    return self.renderToken(tokens, idx, options, env)


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.validateLink = _allowed_link  # type: ignore[method-assign]
    md.add_render_rule("image", _image)
    md.add_render_rule("heading_open", _heading)
    md.add_render_rule("heading_close", _heading)
    return md


_md = _parser()


def render(source: str) -> SafeString:
    """HTML for a page; text beyond MARKDOWN_LIMIT (which forms refuse) is cut, not rendered."""
    return mark_safe(_md.render((source or "")[:MARKDOWN_LIMIT]))  # noqa: S308 (raw HTML is off: see above)


def first_words(source: str, words: int = 40) -> str:
    """The opening of a text as plain words, for a list of themes."""
    text = html.unescape(strip_tags(render(source)))
    return Truncator(" ".join(text.split())).words(words, truncate="…")
