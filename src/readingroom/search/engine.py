"""Searching: the one entry point the web views, the CLI and the benchmarks call. Read-only: it opens
a fresh searcher on the live generation and never takes the writer's lock."""

from __future__ import annotations

import datetime as dt
import logging
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

import tantivy
from django.utils import timezone
from django.utils.translation import gettext as _
from tantivy import FieldType, Occur, Order, Query

from readingroom.catalog.models import sees_restricted

from . import facets as facet_mod
from . import queue
from .documents import day_number
from .index_dir import IndexUnavailable, guarded, open_for_reading
from .query_compile import date_filter, parse
from .query_syntax import DateRange, plain_words, searched_words
from .schema import build_schema
from .searchers import Address, Found, Searchers
from .snippets import Highlighter, SnippetResult

log = logging.getLogger(__name__)
SORTS = {"relevance": None, "date": Order.Asc, "-date": Order.Desc}
MAX_PAGE = 500
# A page without snippets (an export's records) may be this long: each hit costs one fast-field read, where
# a shown hit costs its stored document and its highlighting.
MAX_PLAIN_PAGE = 1000
# Approximate matches (a misread word in OCR text, a phrase's words scattered through it) rescue a
# search whose exact matches are few; when there are at least this many (a page), the results are the
# exact matches alone, so totals and facet counts are not swollen by near-misses, and the reader can ask
# for the approximate ones too. The approximate clauses were also half of a term or phrase query's time.
WIDEN_BELOW = 20
# Facet counts run beside the top-hits search: Tantivy releases the GIL, so the two overlap on two cores
# (p95 6.2 -> 3.8 ms for both on a 30,000-record index).
_facet_pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="facets")


@dataclass
class Hit:
    pk: int
    score: float
    title_html: str
    snippet: SnippetResult | None
    record: object | None = None  # the catalogue Record, attached by `attach_records`
    indexed_id: str | None = None  # the public id the index stored, when the document was read
    _searchers: Searchers | None = field(default=None, repr=False)
    _address: Address | None = field(default=None, repr=False)

    @property
    def public_id(self) -> str:
        """From the attached record, else from the index (read only when asked: loading stored
        documents was a tenth of a plain search's time)."""
        if self.record is not None:
            return self.record.public_id
        if self.indexed_id is None:
            self.indexed_id = self._searchers.doc(self._address).get_first("public_id")
        return self.indexed_id


@dataclass
class SearchResults:
    query: str
    total: int
    hits: list[Hit]
    facets: list[facet_mod.Facet]
    messages: list[str]
    page: int
    per_page: int
    sort: str
    selection: dict[str, list[str]] = field(default_factory=dict)
    available: bool = True
    # "included": approximate matches are in the results (ranked below exact ones); "left out": the
    # exact matches were plenty and approximate ones can be asked for; "none": the query has none.
    approximate: str = "none"
    failure: str = ""  # why the index could not answer (for the server's log, not for readers)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def searchers_for(user=None) -> Searchers:
    """The public index for the public; for staff, that and the index of withheld records."""
    public = open_for_reading(public=True).searcher()
    if not sees_restricted(user):
        return Searchers([public])
    return Searchers([public, open_for_reading(public=False).searcher()])


def access_filter(user=None, today: dt.date | None = None) -> Query | None:
    """What this reader may see, as a query: None for staff (everything). The public searches the public
    index, which holds only what the public could see when it was written; this filter still applies
    there, so an index that lags behind (an embargo set since) never shows too much."""
    if sees_restricted(user):
        return None
    schema = build_schema()
    today_n = day_number(today or timezone.localdate())
    embargo_on = Query.boolean_query([
        (Occur.Must, Query.term_query(schema, "access", "embargoed")),
        (Occur.MustNot, Query.range_query(schema, "embargo_until", FieldType.Integer, lower_bound=1, upper_bound=today_n)),
    ])
    # What must not show, excluded: in the public index these terms match nothing or next to nothing, so
    # the filter costs a search almost nothing (requiring `access:public` meant a seek per match). A
    # value other than the three levels is never written there (writer.shown_to_public).
    return Query.boolean_query([
        (Occur.Must, Query.all_query()),
        (Occur.MustNot, Query.term_query(schema, "access", "staff")),
        (Occur.MustNot, embargo_on),
    ])


def date_bounds(date_from: str | None, date_to: str | None) -> tuple[Query | None, list[str]]:
    """The search form's date fields (any EDTF date) as one overlap filter."""
    from readingroom.catalog.dates import DateError, parse_edtf

    messages: list[str] = []
    start, end = 0, 99991231
    for value, which in ((date_from, "from"), (date_to, "to")):
        if not value:
            continue
        try:
            span = parse_edtf(value)
        except DateError:
            # Whole sentences per field, so a translation can decline "from" and "to" as it needs.
            wrong = (_("The “from” date “%(value)s” is not a date; it was ignored.") if which == "from"
                     else _("The “to” date “%(value)s” is not a date; it was ignored."))
            messages.append(wrong % {"value": value})
            continue
        if which == "from" and span.start:
            start = day_number(span.start)
        if which == "to" and span.end:
            end = day_number(span.end)
    if (start, end) == (0, 99991231):
        return None, messages
    return date_filter(DateRange(start, end)), messages


# Up to this many queued records are checked in one query by id; a larger queue (an import in flight)
# is checked with subqueries instead, so a search never carries a huge parameter list.
HIDDEN_BY_ID = 2000


def hidden_records(user=None) -> list[int]:
    """Records the index still shows but this reader may no longer see: changed since the index's last
    commit (they wait in the queue) and now restricted or deleted. Consulted on every search, so an
    access change takes effect the moment it commits, not when the writer catches up. With an empty
    queue (the usual case) this is one indexed query."""
    from readingroom.catalog.models import Record

    from .models import IndexTask

    records = Record.objects.all() if sees_restricted(user) else Record.objects.public()
    queued = queue.queued_records(HIDDEN_BY_ID + 1)
    if len(queued) <= HIDDEN_BY_ID:
        if not queued:
            return []
        return sorted(set(queued) - set(records.filter(pk__in=queued).values_list("pk", flat=True)))
    pending = IndexTask.objects.values("record_pk")
    found = set(Record.objects.filter(pk__in=pending).exclude(pk__in=records.values("pk"))
                .values_list("pk", flat=True))
    found.update(pending.exclude(record_pk__in=Record.objects.values("pk")).values_list("record_pk", flat=True))
    return sorted(found)


def reader_filters(user=None) -> list[Query]:
    """What every query for this reader must pass: the indexed access levels, minus the records whose
    access changed (or that were deleted) since the index's last commit."""
    filters = [f for f in (access_filter(user),) if f is not None]
    hidden = hidden_records(user)
    if hidden:
        schema = build_schema()
        filters.append(Query.boolean_query([(Occur.Must, Query.all_query()),
                                            (Occur.MustNot, Query.term_set_query(schema, "pk", hidden))]))
    return filters


def search(
    q: str | None,
    user=None,
    selection: dict[str, list[str]] | None = None,
    sort: str = "relevance",
    page: int = 1,
    per_page: int = 20,
    date_from: str | None = None,
    date_to: str | None = None,
    fuzzy: bool = True,
    with_facets: bool = True,
    with_snippets: bool = True,
    approximate: str = "auto",
) -> SearchResults:
    """`approximate`: "auto" adds approximate matches when the exact ones are fewer than WIDEN_BELOW;
    "always" includes them whatever the count."""
    parsed = parse(q, fuzzy=fuzzy)
    messages = list(parsed.messages)
    selection = facet_mod.clean_selection(selection or {})
    sort = sort if sort in SORTS else "relevance"
    per_page = max(1, min(per_page, 100 if with_snippets else MAX_PLAIN_PAGE))
    page = max(1, min(page, MAX_PAGE))
    try:
        with guarded("searching", query_errors=True):
            return _search(parsed, messages, q, user, selection, sort, page, per_page, date_from, date_to,
                           with_facets, with_snippets, approximate)
    except IndexUnavailable as exc:
        return SearchResults(q or "", 0, [], [], [unavailable_message(exc)], page, per_page, sort, selection,
                             available=False, failure=str(exc))


def unavailable_message(exc: IndexUnavailable) -> str:
    from .index_dir import IndexMissing

    if isinstance(exc, IndexMissing):
        return _("Search is not ready yet: the index is being built. Please try again in a minute.")
    return _("Search is being repaired and will be back shortly. Please try again in a minute.")


def _search(parsed, messages, q, user, selection, sort, page, per_page, date_from, date_to, with_facets,
            with_snippets, approximate) -> SearchResults:
    searcher = searchers_for(user)
    filters = reader_filters(user)
    form_dates, date_messages = date_bounds(date_from, date_to)
    messages.extend(date_messages)
    if form_dates is not None:
        filters.append(form_dates)
    selected = [facet_mod.selection_filter(d, v) for d, v in selection.items()]
    order = SORTS[sort]
    offset = (page - 1) * per_page

    def run(text_query: Query) -> tuple[Future | None, Found]:
        base = facet_mod.combine(text_query, filters)
        counting = _facet_pool.submit(facet_mod.count_facets, searcher, base, selection) if with_facets else None
        sorting = {} if order is None else {"order_by_field": "date_start", "order": order}
        final = facet_mod.combine(base, selected)
        return counting, searcher.search(final, limit=per_page, offset=offset, count=True, **sorting)

    # parsed.query (with the approximate clauses) is built only when it is run: its automata cost more
    # than a search with plenty of exact matches.
    mode = "none" if parsed.exact is None else "included"
    if parsed.exact is not None and approximate != "always":
        counting, result = run(parsed.exact)
        # Decided on the query with the access and date filters, not the facet selection: selecting a
        # facet value must never change which matches its count was made of.
        exact_total = result.count if not selected else searcher.search(
            facet_mod.combine(parsed.exact, filters), limit=1, count=True).count
        if exact_total >= WIDEN_BELOW:
            mode = "left out"
        elif counting is not None:
            counting.result()  # few matches, so cheap; let it finish before counting again
    text_query = parsed.exact if mode == "left out" else parsed.query
    if mode != "left out":
        counting, result = run(text_query)
    hits = _hits(searcher, text_query, result.hits, with_snippets, plain_words(parsed.tree),
                 searched_words(parsed.tree))
    found = facet_mod.present(counting.result(), selection) if counting is not None else []
    return SearchResults(q or "", result.count or 0, hits, found, messages, page, per_page, sort, selection,
                         approximate=mode)


def _hit_score(value) -> float:
    """A hit's score; sorted by date it is the record's date, which an undated record has not."""
    return 0.0 if value is None else float(value)


def _hits(searcher: Searchers, text_query: Query, raw_hits, with_snippets: bool,
          words: list[str] | None = None, searched: list[str] | None = None) -> list[Hit]:
    addresses = [address for _score, address in raw_hits]
    pks = searcher.fast_field_values("pk", addresses)
    if not (with_snippets and raw_hits):
        return [Hit(pk=int(pk), score=_hit_score(score), title_html="", snippet=None, _searchers=searcher,
                    _address=address) for (score, address), pk in zip(raw_hits, pks, strict=True)]
    highlighters: dict[int, Highlighter] = {}  # per index: its snippet generators read its statistics
    hits: list[Hit] = []
    for (score, address), pk in zip(raw_hits, pks, strict=True):
        doc = searcher.doc(address)
        if address.shelf not in highlighters:
            highlighters[address.shelf] = Highlighter(searcher.searcher(address.shelf), text_query, words, searched)
        highlighter = highlighters[address.shelf]
        hits.append(Hit(pk=int(pk), score=_hit_score(score), title_html=highlighter.title(doc),
                        snippet=highlighter.snippet(doc), indexed_id=doc.get_first("public_id")))
    return hits


def attach_records(results: SearchResults, user=None) -> SearchResults:
    """Join hits to catalogue records (one query) and drop any the reader may not see: the index
    filters by access already; this guards against an index that lags behind a change of access."""
    from readingroom.catalog.models import Record

    records = Record.objects.visible_to(user).select_related("collection").in_bulk([h.pk for h in results.hits])
    for hit in results.hits:
        hit.record = records.get(hit.pk)
    dropped = sum(1 for h in results.hits if h.record is None)
    results.hits = [h for h in results.hits if h.record is not None]
    results.total = max(0, results.total - dropped)
    return results


# More like this: the record's most telling words, found by BM25 like any typed query. Tantivy's own
# more-like-this query panics once the index holds deleted documents (its idf counts them in a term's
# document frequency but not in the total), so its terms are chosen here.
LIKE_TERMS = 25
LIKE_CHARS = 20_000  # the record's text read for its words: enough to characterise it, bounded in time
LIKE_FIELDS = ("title", "summary", "transcript", "translation", "ocr")
LIKE_MIN_LENGTH = 4


def telling_terms(searcher: Searchers, doc: tantivy.Document, limit: int = LIKE_TERMS) -> list[str]:
    """The document's analysed terms weighed by tf-idf, best first. The document frequency is read for
    the most frequent candidates only, in the fields the document has: a few dozen lookups."""
    import math
    from collections import Counter

    from .schema import ENGLISH, analyzers

    texts = {name: doc.get_all(name) for name in LIKE_FIELDS}
    fields = [name for name, values in texts.items() if values]
    text = " ".join(value for name in fields for value in texts[name])[:LIKE_CHARS]
    counts = Counter(t for t in analyzers()[ENGLISH].analyze(text)
                     if len(t) >= LIKE_MIN_LENGTH and not t.isdigit())
    total = max(searcher.num_docs, 1)
    weighed = []
    for term, tf in counts.most_common(limit * 2):
        df = max(searcher.doc_freq(name, term) for name in fields)
        if df > 1:  # a word no other record has finds nothing
            weighed.append((tf * math.log(1 + total / df), term))
    return [term for _w, term in sorted(weighed, reverse=True)[:limit]]


def more_like_this(record_pk: int, user=None, limit: int = 5) -> list[tuple[int, str]]:
    """Records whose words are most like this one's: (pk, public id) pairs, the record itself left out.
    Nothing (never an error) when the index cannot answer: the page goes on without it."""
    try:
        with guarded("finding similar records"):
            return _more_like_this(record_pk, user, limit)
    except IndexUnavailable as exc:
        log.warning("more like this left out: %s", exc)
        return []


def _more_like_this(record_pk: int, user, limit: int) -> list[tuple[int, str]]:
    # For the public, the public index: its term statistics, which choose the telling words, count no
    # restricted record.
    searcher = searchers_for(user)
    schema = build_schema()
    own = searcher.search(Query.term_query(schema, "pk", record_pk), limit=1).hits
    if not own:
        return []
    terms = telling_terms(searcher, searcher.doc(own[0][1]))
    if not terms:
        return []
    similar = Query.boolean_query([(Occur.Should, Query.term_query(schema, name, term))
                                   for term in terms for name in LIKE_FIELDS])
    clauses = [(Occur.Must, similar), (Occur.MustNot, Query.term_query(schema, "pk", record_pk))]
    clauses.extend((Occur.Must, f) for f in reader_filters(user))
    out = []
    for _score, address in searcher.search(Query.boolean_query(clauses), limit=limit).hits:
        doc = searcher.doc(address)
        out.append((int(doc.get_first("pk")), doc.get_first("public_id")))
    return out
