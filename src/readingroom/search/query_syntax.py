"""The reader's query language: lexer, parser and syntax tree (compiled to Tantivy in `query_compile`).

    words             all must match (AND by default), in any text field, weighted by field
    "exact phrase"    the words in this order
    a OR b, a | b     either
    NOT a, -a         must not match
    ( ... )           grouping
    title: person: place: subject: organization: collection: repository: type: language: classification: id:
    date:1944-02      records dated within (overlapping) that EDTF date
    date:1944-02..1944-06, date:1944-02.., date:..1944-06   (open at one end)

Nothing here raises on input: an unbalanced quote ends at the end of the query, a stray parenthesis
or a lone "-" is ignored, an empty "title:" is dropped, and very long input is cut to MAX_TERMS terms.
What was dropped is reported in `messages` so the page can say so, in the reader's interface language
(the active one when the query is parsed; English on the command line).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from readingroom.catalog.dates import DateError, parse_edtf

from .documents import day_number
from .schema import ENGLISH, FIELD_PREFIXES, analyzers, searchable

MAX_QUERY_CHARS = 2000
MAX_TERMS = 32
MAX_DEPTH = 8


# --- syntax tree -------------------------------------------------------------------------------------

@dataclass
class Word:
    text: str
    field: str | None = None


@dataclass
class Phrase:
    text: str
    field: str | None = None


@dataclass
class Variants:
    """A name with known variants: matches any of them (Shandong -> Shantung, Shan-tung...)."""
    names: tuple[str, ...]
    field: str | None = None


@dataclass
class DateRange:
    start: int  # yyyymmdd
    end: int


@dataclass
class Not:
    node: object


@dataclass
class And:
    items: list = field(default_factory=list)


@dataclass
class Or:
    items: list = field(default_factory=list)


# --- lexer -------------------------------------------------------------------------------------------

_TOKEN = re.compile(r'\s+|(?P<lp>\()|(?P<rp>\))|(?P<quote>")|(?P<word>[^\s()"]+)')
_FIELD = re.compile(r"^(?P<name>[A-Za-z]+):(?P<rest>.*)$", re.S)


@dataclass
class Tok:
    kind: str  # lp rp phrase word or and not field
    text: str = ""


def lex(raw: str) -> list[Tok]:
    tokens: list[Tok] = []
    pos = 0
    while pos < len(raw):
        m = _TOKEN.match(raw, pos)
        if m is None:  # cannot happen with this pattern, but never loop forever
            pos += 1
            continue
        pos = m.end()
        if m.group("lp"):
            tokens.append(Tok("lp"))
        elif m.group("rp"):
            tokens.append(Tok("rp"))
        elif m.group("quote"):
            end = raw.find('"', pos)
            text = raw[pos:] if end < 0 else raw[pos:end]
            pos = len(raw) if end < 0 else end + 1
            tokens.append(Tok("phrase", text))
        elif m.group("word"):
            tokens.extend(_word_tokens(m.group("word")))
    return tokens


def _word_tokens(word: str) -> list[Tok]:
    if word in {"OR", "||", "|"}:
        return [Tok("or")]
    if word in {"AND", "&&", "&"}:
        return [Tok("and")]
    if word == "NOT":
        return [Tok("not")]
    prefix: list[Tok] = []
    while word[:1] in {"-", "!", "+"}:
        if word[0] in {"-", "!"}:
            prefix.append(Tok("not"))
        word = word[1:]
    if not word:
        return []  # a lone "-": nothing to negate
    m = _FIELD.match(word)
    if m and (m.group("name").lower() in FIELD_PREFIXES or m.group("name").lower() == "date"):
        rest = m.group("rest")
        return [*prefix, Tok("field", m.group("name").lower()), *([Tok("word", rest)] if rest else [])]
    return [*prefix, Tok("word", word)]


# --- parser ------------------------------------------------------------------------------------------

class Parser:
    def __init__(self, tokens: list[Tok], messages: list[str]) -> None:
        self.tokens = _limit_nesting(tokens, messages)
        self.pos = 0
        self.messages = messages
        self.terms = 0

    def peek(self) -> Tok | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> Tok:
        tok = self.tokens[self.pos]
        self.pos += 1
        return tok

    def parse(self) -> object | None:
        items = []
        while self.peek() is not None:
            node = self.or_expr()
            if node is not None:
                items.append(node)
            elif self.peek() is not None and self.peek().kind == "rp":
                self.take()
                self.messages.append(_("An unmatched “)” was ignored."))
        return simplify(And(items))

    def or_expr(self) -> object | None:
        items = [self.and_expr()]
        while self.peek() is not None and self.peek().kind == "or":
            self.take()
            items.append(self.and_expr())
        items = [i for i in items if i is not None]
        if not items:
            return None
        return items[0] if len(items) == 1 else Or(items)

    def and_expr(self) -> object | None:
        items = []
        while (tok := self.peek()) is not None and tok.kind not in {"or", "rp"}:
            if tok.kind == "and":
                self.take()
                continue
            node = self.unary()
            if node is not None:
                items.append(node)
        return simplify(And(items)) if items else None

    def unary(self) -> object | None:
        negate = False
        while (tok := self.peek()) is not None and tok.kind == "not":
            self.take()
            negate = not negate
        node = self.primary()
        if node is None:
            return None
        return Not(node) if negate else node

    def primary(self) -> object | None:
        tok = self.peek()
        if tok is None or tok.kind in {"or", "rp", "and"}:
            return None
        self.take()
        if tok.kind == "lp":
            return self.group(None)
        if tok.kind == "field":
            return self.fielded(tok.text)
        if tok.kind == "not":
            return None
        return self.term(tok, None)

    def group(self, field_name: str | None) -> object | None:
        node = self.or_expr()
        if self.peek() is not None and self.peek().kind == "rp":
            self.take()
        return _with_field(node, field_name) if field_name else node

    def fielded(self, name: str) -> object | None:
        nxt = self.peek()
        if nxt is None or nxt.kind not in {"word", "phrase", "lp"}:
            self.messages.append(_("“%(field)s:” needs something after it; it was ignored.") % {"field": name})
            return None
        self.take()
        if name == "date":
            return self.date(nxt.text)
        target = FIELD_PREFIXES[name]
        if nxt.kind == "lp":
            return self.group(target)
        return self.term(nxt, target)

    def term(self, tok: Tok, field_name: str | None) -> object | None:
        if tok.kind not in {"word", "phrase"}:
            return None
        text = tok.text.strip()
        if not text or not analyzers()[ENGLISH].analyze(searchable(text)):
            return None
        self.terms += 1
        if self.terms > MAX_TERMS:
            if self.terms == MAX_TERMS + 1:
                self.messages.append(ngettext("The query was long: only its first %(count)d term was used.",
                                              "The query was long: only its first %(count)d terms were used.",
                                              MAX_TERMS) % {"count": MAX_TERMS})
            return None
        return Phrase(text, field_name) if tok.kind == "phrase" else Word(text, field_name)

    def date(self, text: str) -> object | None:
        low, sep, high = text.partition("..")
        try:
            first = parse_edtf(low) if low else None
            last = (parse_edtf(high) if high else None) if sep else first
        except DateError:
            self.messages.append(_("“date:%(text)s” is not a date (try date:1944-02 or date:1944-02..1944-06); ignored.")
                                 % {"text": text})
            return None
        start = day_number(first.start) if first and first.start else 0
        end = day_number(last.end) if last and last.end else 99991231
        if start == 0 and end == 99991231:
            self.messages.append(_("“date:%(text)s” is not a date; ignored.") % {"text": text})
            return None
        return DateRange(start, end)


def _limit_nesting(tokens: list[Tok], messages: list[str]) -> list[Tok]:
    """Drop parentheses nested deeper than MAX_DEPTH (and their partners), and unmatched ")": the
    parser then never recurses deeper than that, whatever the input."""
    kept: list[Tok] = []
    depth = dropped = 0
    for tok in tokens:
        if tok.kind == "lp":
            if depth >= MAX_DEPTH:
                dropped += 1
                continue
            depth += 1
        elif tok.kind == "rp":
            if dropped:
                dropped -= 1
                continue
            if not depth:
                messages.append(_("An unmatched “)” was ignored."))
                continue
            depth -= 1
        kept.append(tok)
    if dropped:
        messages.append(_("Parentheses nested too deeply were ignored."))
    return kept


def _with_field(node: object | None, field_name: str) -> object | None:
    if isinstance(node, (Word, Phrase)):
        node.field = node.field or field_name
    elif isinstance(node, (And, Or)):
        for item in node.items:
            _with_field(item, field_name)
    elif isinstance(node, Not):
        _with_field(node.node, field_name)
    return node


def simplify(node: And) -> object | None:
    items = [i for i in node.items if i is not None]
    if not items:
        return None
    return items[0] if len(items) == 1 else And(items)


def parse_tree(raw: str | None) -> tuple[object | None, list[str]]:
    """What the reader typed as a tree (None: nothing searchable), and what was dropped. Never raises."""
    messages: list[str] = []
    text = (raw or "").replace("\x00", " ")
    if len(text) > MAX_QUERY_CHARS:
        text = text[:MAX_QUERY_CHARS]
        messages.append(ngettext("The query was long: only its first %(count)d character was used.",
                                 "The query was long: only its first %(count)d characters were used.",
                                 MAX_QUERY_CHARS) % {"count": MAX_QUERY_CHARS})
    return Parser(lex(text), messages).parse(), messages


# --- the words a tree asks for -----------------------------------------------------------------------

def plain_words(node: object | None) -> list[str]:
    """The single words a reader asked for in any field (and single-word variants of names), for
    highlighting approximate matches; negated words are left out."""
    if isinstance(node, Word) and node.field is None:
        return [node.text]
    if isinstance(node, Variants) and node.field is None:
        return [n for n in node.names if " " not in n and "-" not in n]
    if isinstance(node, (And, Or)):
        return [w for i in node.items for w in plain_words(i)]
    return []


def searched_words(node: object | None) -> list[str]:
    """Every word of the query's words, phrases and name variants (negated ones left out), for marking
    words a stemmer matched."""
    if isinstance(node, (Word, Phrase)):
        return _WORDS.findall(node.text)
    if isinstance(node, Variants):
        return [w for name in node.names for w in _WORDS.findall(name)]
    if isinstance(node, (And, Or)):
        return [w for i in node.items for w in searched_words(i)]
    return []


_WORDS = re.compile(r"\w+")
