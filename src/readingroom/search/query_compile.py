"""A parsed query compiled to Tantivy queries: each word weighted across the text fields, with the
approximate clauses (OCR misreadings, a phrase's words scattered through OCR text) kept apart from the
exact ones so a search can try the exact matches first. `parse` is the whole way from what the reader
typed to a `ParsedQuery`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import tantivy
from django.utils.translation import gettext as _
from tantivy import FieldType, Occur, Query

from . import ocr_noise, variants
from .ocr_noise import Tolerance
from .query_syntax import And, DateRange, Not, Or, Phrase, Variants, Word, parse_tree
from .query_variants import expand_variants
from .schema import (
    ENGLISH,
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


@dataclass
class ParsedQuery:
    tree: object | None
    messages: list[str]
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
        words = [_ocr_word(t, f, tol, joined) for t, f in zip(english, surfaces, strict=True)]
        clauses.append((Occur.Should, Query.boost_query(_every(words), FUZZY_WEIGHT / 2)))
        if tol is not None and tol.loose_phrases and len(words) >= tol.loose_phrases:
            # Lower still, all its words but one: a page whose OCR lost one word of the phrase. A page
            # with every word also matches each of these, so it keeps ranking above. What is left must
            # hold a word long enough to match approximately: short words alone ("and the") match most
            # pages, and scoring them all is most of the cost of such a search.
            lengths = [len(f or t) for t, f in zip(english, surfaces, strict=True)]
            all_but_one = [_every(words[:i] + words[i + 1:]) for i in range(len(words))
                           if max(lengths[:i] + lengths[i + 1:]) >= tol.min_length]
            if all_but_one:
                clauses.append((Occur.Should, Query.boost_query(
                    Query.boolean_query([(Occur.Should, q) for q in all_but_one]), FUZZY_WEIGHT / 4)))
        _mark(marks)
    if not clauses:
        return None
    return Query.boolean_query(clauses)


def _every(queries: list[Query]) -> Query:
    return queries[0] if len(queries) == 1 else Query.boolean_query([(Occur.Must, q) for q in queries])


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


def parse(raw: str | None, fuzzy: bool = True, expand: bool = True, joined: bool = True,
          tolerance: Tolerance = ocr_noise.DEFAULT) -> ParsedQuery:
    """Parse what the reader typed. Never raises; an empty or unusable query matches everything.
    `fuzzy`: match OCR misreadings in OCR text, within `tolerance`."""
    tree, messages = parse_tree(raw)
    if expand and tree is not None:
        tree = expand_variants(tree, variants.load())
    marks: set[str] = set()
    tol = tolerance if fuzzy else None
    # The exact query now; with approximate clauses, the full one only when asked for (ParsedQuery.query).
    exact = compile_node(tree, tol=tol, joined=joined, fallback=False, marks=marks)
    if exact is None:
        if (raw or "").replace("\x00", " ").strip() and tree is None and not messages:
            messages.append(_("Nothing searchable in the query; showing all records."))
        exact = Query.all_query()
        marks.clear()
    parsed = ParsedQuery(tree=tree, messages=messages)
    if marks:
        parsed.exact = exact
        parsed._widen = lambda: compile_node(tree, tol=tol, joined=joined, marks=set())
    else:
        parsed._query = exact
    return parsed
