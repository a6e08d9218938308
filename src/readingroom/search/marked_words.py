"""The words a page marks for a search: those of the parsed query (its words, phrases and fielded
values, negated ones left out) and of the names search matched for them (Shandong -> Shantung),
lowercased. The page marks what the parser and the variant expansion made of the query, so a word is
marked exactly when search looked for it."""

from __future__ import annotations

from .query_syntax import parse_tree, searched_words
from .query_variants import expand_variants
from .variants import load

MAX_TYPED = 12  # words of the query itself; as many again from the names search matched for them
# Words search matches but a page does not mark: marked everywhere, they would hide the words that matter.
UNMARKED = frozenset({"the", "of", "and", "or", "not"})


def words_to_mark(query: str | None) -> list[str]:
    """The query's words worth marking, then those of the other names of any name in it."""
    tree, _messages = parse_tree(query)
    if tree is None:
        return []
    typed = _worth_marking(searched_words(tree))
    named = [w for w in _worth_marking(searched_words(expand_variants(tree, load()))) if w not in typed]
    return [*typed[:MAX_TYPED], *named][: MAX_TYPED * 2]


def _worth_marking(words: list[str]) -> list[str]:
    return list(dict.fromkeys(low for word in words if len(low := word.lower()) > 1 and low not in UNMARKED))
