"""The reader's query language, parsed leniently into Tantivy queries.

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
from collections.abc import Callable
from dataclasses import dataclass, field

import tantivy
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from tantivy import FieldType, Occur, Query

from readingroom.catalog.dates import DateError, parse_edtf

from . import ocr_noise, variants
from .documents import day_number
from .name_forms import surname_cases
from .ocr_noise import Tolerance
from .schema import (
    ENGLISH,
    FIELD_PREFIXES,
    FOLDED,
    FUZZY_FIELD,
    FUZZY_WEIGHT,
    JOINED_FIELD,
    JOINED_WEIGHT,
    TEXT_FIELDS,
    analyzer_for_field,
    analyzers,
    build_schema,
    searchable,
)

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


@dataclass
class ParsedQuery:
    raw: str
    tree: object | None
    messages: list[str]
    dates: list[DateRange]
    has_text: bool
    exact: tantivy.Query | None = None  # the exact matches alone; None when the query has nothing approximate
    _query: tantivy.Query | None = field(default=None, repr=False)
    _widen: Callable[[], tantivy.Query | None] | None = field(default=None, repr=False)

    @property
    def query(self) -> tantivy.Query:
        """Exact matches and approximate ones (OCR misreadings, a phrase's loose words). Built on first
        use: the approximate clauses' automata are most of a search's cost, and a search with plenty of
        exact matches never runs them."""
        if self._query is None:
            self._query = (self._widen() if self._widen else None) or Query.all_query()
        return self._query


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
        return _simplify(And(items))

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
        return _simplify(And(items)) if items else None

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


def _simplify(node: And) -> object | None:
    items = [i for i in node.items if i is not None]
    if not items:
        return None
    return items[0] if len(items) == 1 else And(items)


# --- variants ----------------------------------------------------------------------------------------

def expand_variants(node: object | None, names: variants.VariantMap) -> object | None:
    """Replace names that have known variants (single words, runs of adjacent words, or phrases)."""
    if isinstance(node, Word):
        group = names.group_for(tuple(variants.fold_tokens(node.text)))
        return Variants(_with_cases(group.names), node.field) if group and _variant_field_ok(node.field) else node
    if isinstance(node, Phrase):
        group = names.group_for(tuple(variants.fold_tokens(node.text)))
        return Variants(_with_cases(group.names), node.field) if group and _variant_field_ok(node.field) else node
    if isinstance(node, Not):
        return Not(expand_variants(node.node, names))
    if isinstance(node, Or):
        return Or([expand_variants(i, names) for i in node.items])
    if isinstance(node, And):
        return _simplify(And(_expand_runs(node.items, names)))
    return node


def _with_cases(names: tuple[str, ...]) -> tuple[str, ...]:
    """A group's names and the declined forms that find a Russian surname in any case (name_forms)."""
    return (*names, *(case for name in names for case in surname_cases(name)))


def _variant_field_ok(field_name: str | None) -> bool:
    return field_name in {None, "title", "place", "person", "subject", "organization"}


def _expand_runs(items: list, names: variants.VariantMap) -> list:
    """Adjacent plain words that together spell a name ("Port Arthur") become one Variants node."""
    out: list = []
    i = 0
    while i < len(items):
        matched = False
        for n in range(variants.MAX_NAME_TOKENS, 1, -1):
            run = items[i:i + n]
            if len(run) == n and all(isinstance(w, Word) and w.field is None for w in run):
                group = names.group_for(tuple(variants.fold_tokens(" ".join(w.text for w in run))))
                if group:
                    out.append(Variants(_with_cases(group.names)))
                    i += n
                    matched = True
                    break
        if not matched:
            out.append(expand_variants(items[i], names))
            i += 1
    return out


# --- compiling to Tantivy ----------------------------------------------------------------------------

def _field_query(field_name: str, text: str, phrase: bool) -> Query | None:
    tokens = analyzer_for_field(field_name).analyze(searchable(text))
    if not tokens:
        return None
    schema = build_schema()
    if len(tokens) == 1:
        return Query.term_query(schema, field_name, tokens[0])
    return Query.phrase_query(schema, field_name, tokens)


def _ocr_word(token: str, surface: str | None, tol: Tolerance | None, joined: bool) -> Query:
    """One analysed word in machine-read text: exact, glued across a split, or as OCR may misread it."""
    schema = build_schema()
    options = [Query.term_query(schema, FUZZY_FIELD, token)]
    if joined:
        options.append(Query.term_query(schema, JOINED_FIELD, token))
    if tol is not None and (approximate := ocr_noise.word_query(token, surface, tol)) is not None:
        options.append(approximate)
    return options[0] if len(options) == 1 else Query.boolean_query([(Occur.Should, q) for q in options])


def _surface_forms(text: str, count: int) -> list[str | None]:
    """The query's words lowercased and folded but not stemmed, aligned with its `count` stemmed tokens
    (None each when the two analysers disagree on the number of tokens)."""
    forms = analyzers()[FOLDED].analyze(searchable(text))
    return list(forms) if len(forms) == count else [None] * count


def _text_query(text: str, field_name: str | None, phrase: bool, tol: Tolerance | None, joined: bool = True,
                fallback: bool = True, marks: set[str] | None = None) -> Query | None:
    """`tol`: the OCR-noise tolerance (None: none); `fallback`: add the approximate clauses (misread
    words, a phrase's words anywhere in OCR text); `marks` collects "approximate" when any was added
    (or, without `fallback`, would be), so the caller knows an exact tier differs."""
    if field_name is not None:
        return _field_query(field_name, text, phrase)
    schema = build_schema()
    clauses: list[tuple[Occur, Query]] = []
    for name, weight in TEXT_FIELDS.items():
        q = _field_query(name, text, phrase)
        if q is not None:
            clauses.append((Occur.Should, Query.boost_query(q, weight)))
    english = analyzers()[ENGLISH].analyze(searchable(text))
    if len(english) == 1:
        if joined:
            clauses.append((Occur.Should, Query.boost_query(
                Query.term_query(schema, JOINED_FIELD, english[0]), JOINED_WEIGHT)))
        surface = _surface_forms(text, 1)[0]
        if tol and not fallback and ocr_noise.widens(english[0], surface, tol):
            _mark(marks)
        approximate = ocr_noise.word_query(english[0], surface, tol) if tol and fallback else None
        if approximate is not None:
            clauses.append((Occur.Should, Query.boost_query(approximate, FUZZY_WEIGHT)))
            _mark(marks)
    elif 1 < len(english) <= 4 and (tol is not None or joined) and not fallback:
        _mark(marks)
    elif 1 < len(english) <= 4 and (tol is not None or joined):
        # A phrase in noisy OCR text rarely survives intact: as a fallback ranked well below the exact
        # phrase, all its words anywhere in the OCR text, each exact, glued or misread.
        surfaces = _surface_forms(text, len(english))
        every_word = Query.boolean_query([(Occur.Must, _ocr_word(t, f, tol, joined))
                                          for t, f in zip(english, surfaces, strict=True)])
        clauses.append((Occur.Should, Query.boost_query(every_word, FUZZY_WEIGHT / 2)))
        _mark(marks)
    if not clauses:
        return None
    return Query.boolean_query(clauses)


def _mark(marks: set[str] | None) -> None:
    if marks is not None:
        marks.add("approximate")


def compile_node(node: object | None, tol: Tolerance | None = ocr_noise.DEFAULT, joined: bool = True,
                 fallback: bool = True, marks: set[str] | None = None) -> Query | None:
    if node is None:
        return None
    if isinstance(node, Word):
        return _text_query(node.text, node.field, False, tol, joined, fallback, marks)
    if isinstance(node, Phrase):
        return _text_query(node.text, node.field, True, tol, joined, fallback, marks)
    if isinstance(node, Variants):
        options = [q for name in node.names
                   if (q := _text_query(name, node.field, True, tol, joined, fallback, marks)) is not None]
        return Query.boolean_query([(Occur.Should, q) for q in options]) if options else None
    if isinstance(node, DateRange):
        return date_filter(node)
    if isinstance(node, Not):
        inner = compile_node(node.node, tol=None, joined=False)
        if inner is None:
            return None
        return Query.boolean_query([(Occur.Must, Query.all_query()), (Occur.MustNot, inner)])
    if isinstance(node, Or):
        parts = [q for i in node.items if (q := compile_node(i, tol, joined, fallback, marks)) is not None]
        return Query.boolean_query([(Occur.Should, q) for q in parts]) if parts else None
    if isinstance(node, And):
        clauses: list[tuple[Occur, Query]] = []
        for item in node.items:
            if isinstance(item, Not):
                inner = compile_node(item.node, tol=None, joined=False)
                if inner is not None:
                    clauses.append((Occur.MustNot, inner))
            elif (q := compile_node(item, tol, joined, fallback, marks)) is not None:
                clauses.append((Occur.Must, q))
        if not clauses:
            return None
        if all(occur == Occur.MustNot for occur, _clause in clauses):
            clauses.insert(0, (Occur.Must, Query.all_query()))
        return Query.boolean_query(clauses)
    return None


def date_filter(span: DateRange) -> Query:
    """Records whose date range overlaps the span."""
    schema = build_schema()
    return Query.boolean_query([
        (Occur.Must, Query.range_query(schema, "date_start", FieldType.Integer, lower_bound=0, upper_bound=span.end)),
        (Occur.Must, Query.range_query(schema, "date_end", FieldType.Integer, lower_bound=span.start,
                                       upper_bound=99991231)),
    ])


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


def _has_text(node: object | None) -> bool:
    if isinstance(node, (Word, Phrase, Variants)):
        return True
    if isinstance(node, (And, Or)):
        return any(_has_text(i) for i in node.items)
    return False


def _dates(node: object | None) -> list[DateRange]:
    if isinstance(node, DateRange):
        return [node]
    if isinstance(node, (And, Or)):
        return [d for i in node.items for d in _dates(i)]
    return []


def parse(raw: str | None, fuzzy: bool = True, expand: bool = True, joined: bool = True,
          tolerance: Tolerance = ocr_noise.DEFAULT) -> ParsedQuery:
    """Parse what the reader typed. Never raises; an empty or unusable query matches everything.
    `fuzzy`: match OCR misreadings in OCR text, within `tolerance`."""
    messages: list[str] = []
    raw = (raw or "").replace("\x00", " ")
    text = raw
    if len(text) > MAX_QUERY_CHARS:
        text = text[:MAX_QUERY_CHARS]
        messages.append(ngettext("The query was long: only its first %(count)d character was used.",
                                 "The query was long: only its first %(count)d characters were used.",
                                 MAX_QUERY_CHARS) % {"count": MAX_QUERY_CHARS})
    tree = Parser(lex(text), messages).parse()
    if expand and tree is not None:
        tree = expand_variants(tree, variants.load())
    marks: set[str] = set()
    tol = tolerance if fuzzy else None
    # The exact query now; with approximate clauses, the full one only when asked for (ParsedQuery.query).
    exact = compile_node(tree, tol=tol, joined=joined, fallback=False, marks=marks)
    if exact is None:
        if raw.strip() and tree is None and not messages:
            messages.append(_("Nothing searchable in the query; showing all records."))
        exact = Query.all_query()
        marks.clear()
    parsed = ParsedQuery(raw=raw, tree=tree, messages=messages, dates=_dates(tree), has_text=_has_text(tree))
    if marks:
        parsed.exact = exact
        parsed._widen = lambda: compile_node(tree, tol=tol, joined=joined, marks=set())
    else:
        parsed._query = exact
    return parsed
