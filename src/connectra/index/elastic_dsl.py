"""VQL AST → Elasticsearch/OpenSearch request bodies and index definitions (pure, no client)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from connectra.errors import SearchEngineError
from connectra.index.documents import UPDATED_AT
from connectra.model.fields import Entity, FieldKind, IndexField
from connectra.model.text import auto_fuzziness, lower, tokens
from connectra.vql.ast import (
    AnyOf,
    Clause,
    KeywordRange,
    Node,
    Page,
    Query,
    Range,
    SortKey,
    SortValue,
    Terms,
    Text,
    TextMode,
)

# Fuzzy queries keep only the ``max_expansions`` closest terms per shard (default 50), which would
# drop matches the reference finds; Lucene still caps this at the engine's max clause count.
MAX_EXPANSIONS = 10_000

LONG_MIN = -(2**63)
LONG_MAX = 2**63 - 1

WORDS_ANALYZER = "connectra_words"
NGRAM_ANALYZER = "connectra_ngram"
# Text is tokenised and lower-cased in Python (connectra.model.text.tokens, CONTRACT.md §0.2.10)
# and indexed as space-separated tokens: Java folds case per UTF-16 char and differs from Python
# for some code points, so the engine only splits on spaces and never folds anything itself.
WORD_TOKENIZER = "connectra_spaces"
MAX_TOKEN_CHARS = 1024 * 1024  # the whitespace tokenizer's largest setting (its default is 255)

# Sort values standing for "no value", chosen to sort after every real value (missing last).
# They never travel as ``null``: recent Elasticsearch rejects ``null`` in ``search_after`` and
# OpenSearch can fail on it. Stored keywords are never empty, and no real value starts with the
# last Unicode code point; numbers use the engine's own ``_last`` longs (LONG_MAX / LONG_MIN).
KEYWORD_MISSING_ASC = "\U0010ffff"
KEYWORD_MISSING_DESC = ""
# A hand-written cursor carries no uuid tie-break; uuids are lower-case hex and hyphens, so this
# tie-break value resumes after every document holding the cursor's key values.
AFTER_EVERY_UUID = "\U0010ffff"

# Deep offsets: the API allows page x limit far beyond the engine's default of 10,000.
MAX_RESULT_WINDOW = 2**31 - 1
UUID = "uuid"  # every document's id, its last sort key and the index sort's tie-break
TERMS_AGGREGATION = "values"  # the aggregation name terms_body uses


def _match_none() -> dict[str, Any]:
    return {"match_none": {}}


def _unsupported(what: object) -> SearchEngineError:
    return SearchEngineError(f"the Elasticsearch compiler cannot express {what!r}")


# --------------------------------------------------------------------------- text clauses


def _fuzzy_options() -> dict[str, Any]:
    return {"prefix_length": 0, "max_expansions": MAX_EXPANSIONS}


def _word(field: str, word: str, fuzzy: bool) -> dict[str, Any]:
    """One already lower-cased word: a term, or a fuzzy term at the AUTO distance computed here
    (the engine's own AUTO counts UTF-16 units, the reference counts code points)."""
    distance = auto_fuzziness(word) if fuzzy else 0
    if distance == 0:
        return {"term": {field: word}}
    options = {"value": word, "fuzziness": distance, "transpositions": True, **_fuzzy_options()}
    return {"fuzzy": {field: options}}


def _combine(queries: list[dict[str, Any]], *, any_of: bool) -> dict[str, Any]:
    if not queries:
        return _match_none()
    if len(queries) == 1:
        return queries[0]
    if any_of:
        return {"bool": {"should": queries, "minimum_should_match": 1}}
    return {"bool": {"must": queries}}


def _shuffle(clause: Text) -> dict[str, Any]:
    words = dict.fromkeys(tokens(clause.value))
    queries = [_word(clause.field, word, clause.fuzzy) for word in words]
    return _combine(queries, any_of=clause.any_token)


def _phrase(clause: Text) -> dict[str, Any]:
    words = tokens(clause.value)
    if len(words) <= 1:
        return _combine([_word(clause.field, word, False) for word in words], any_of=False)
    # Indexed text is pre-tokenised and split on spaces only, so this query analyses the same.
    return {"match_phrase": {clause.field: {"query": " ".join(words), "slop": clause.slop}}}


def _windows(token: str, size: int) -> list[str]:
    return [token[i : i + size] for i in range(len(token) - size + 1)]


def substring_grams(value: str, min_gram: int, max_gram: int, *, any_token: bool) -> list[str]:
    """The fewest n-grams whose presence decides a ``substring`` condition like the reference.

    A document's n-gram set holds every sub-gram of each of its n-grams, so "every n-gram of
    the query" reduces to each token itself (or its ``max_gram`` windows when longer), and "any
    n-gram" reduces to the ``min_gram`` windows. Tokens shorter than ``min_gram`` contribute none.
    """
    grams: list[str] = []
    for token in tokens(value):
        if len(token) < min_gram:
            continue
        if any_token:
            grams += _windows(token, min_gram)
        else:
            grams += [token] if len(token) <= max_gram else _windows(token, max_gram)
    return list(dict.fromkeys(grams))


def _substring(clause: Text, entity: Entity) -> dict[str, Any]:
    # Not a ``match`` on ``<field>.ngram``: the ``ngram`` token filter puts all n-grams of a word at
    # one position, and ``match`` turns same-position tokens into a synonym query (any of them),
    # so operator ``and`` would only require one n-gram per word. Exact ``term`` lookups on the
    # n-grams computed here reproduce the reference whatever the positions.
    grams = substring_grams(
        clause.value, entity.min_gram, entity.max_gram, any_token=clause.any_token
    )
    terms = [{"term": {f"{clause.field}.ngram": gram}} for gram in grams]
    return _combine(terms, any_of=clause.any_token)


def _text_on_text_field(clause: Text, entity: Entity) -> dict[str, Any]:
    if clause.mode is TextMode.EXACT:
        return _phrase(clause)
    if clause.mode is TextMode.SUBSTRING:
        return _substring(clause, entity)
    return _shuffle(clause)


def _text_on_keyword_field(clause: Text) -> dict[str, Any]:
    """The whole lower-cased value is one term, whatever the mode (as the reference does)."""
    return _word(clause.field, lower(clause.value), clause.fuzzy)


def _text(clause: Text, entity: Entity) -> dict[str, Any]:
    if clause.kind is FieldKind.KEYWORD:
        return _text_on_keyword_field(clause)
    if clause.kind is FieldKind.TEXT:
        return _text_on_text_field(clause, entity)
    raise _unsupported(clause)


# --------------------------------------------------------------------------- terms and ranges


def _in_long_range(value: str | int) -> bool:
    return not isinstance(value, int) or LONG_MIN <= value <= LONG_MAX


def _terms(clause: Terms) -> dict[str, Any]:
    # Numbers and dates are ``long`` fields: an integer outside that range can equal no stored
    # value, and the engine would reject it instead of matching nothing.
    values = [value for value in clause.values if _in_long_range(value)]
    if not values:
        return _match_none()
    if len(values) == 1:
        return {"term": {clause.field: values[0]}}
    return {"terms": {clause.field: values}}


def _range(clause: Range) -> dict[str, Any]:
    if clause.kind not in (FieldKind.NUMBER, FieldKind.DATE):
        raise _unsupported(clause)
    low = clause.low if clause.low is None else max(clause.low, LONG_MIN)
    high = clause.high if clause.high is None else min(clause.high, LONG_MAX)
    if (low is not None and low > LONG_MAX) or (high is not None and high < LONG_MIN):
        return _match_none()
    if low is not None and high is not None and low > high:
        return _match_none()
    if low is None and high is None:
        # No bounds: any document holding a value, like the reference.
        return {"exists": {"field": clause.field}}
    bounds = {name: edge for name, edge in (("gte", low), ("lte", high)) if edge is not None}
    return {"range": {clause.field: bounds}}


def _keyword_range(clause: KeywordRange) -> dict[str, Any]:
    """A ``range`` on the keyword field: Lucene compares the (normalised, lower-case) terms as
    UTF-8 bytes, which is the code point order of :class:`KeywordRange`."""
    if clause.empty:
        return _match_none()
    bounds: dict[str, str] = {}
    if clause.low is not None:
        bounds["gte" if clause.include_low else "gt"] = clause.low
    if clause.high is not None:
        bounds["lte" if clause.include_high else "lt"] = clause.high
    if not bounds:
        return {"exists": {"field": clause.field}}
    return {"range": {clause.field: bounds}}


# --------------------------------------------------------------------------- queries


def compile_clause(clause: Clause, entity: Entity) -> dict[str, Any]:
    """One text, terms or range condition as an ES query."""
    if isinstance(clause, Text):
        return _text(clause, entity)
    if isinstance(clause, Terms):
        return _terms(clause)
    if isinstance(clause, Range):
        return _range(clause)
    if isinstance(clause, KeywordRange):
        return _keyword_range(clause)
    raise _unsupported(clause)


def _any_of(node: AnyOf, entity: Entity) -> dict[str, Any]:
    if not node.clauses:
        return _match_none()  # an empty disjunction holds for nothing
    should = [compile_clause(clause, entity) for clause in node.clauses]
    return {"bool": {"should": should, "minimum_should_match": 1}}


def _must_node(node: Node, entity: Entity) -> tuple[str, dict[str, Any]]:
    """Where a must node goes: text (scored) in ``must``, terms and ranges in ``filter``."""
    if isinstance(node, AnyOf):
        return "must", _any_of(node, entity)
    if isinstance(node, Text):
        return "must", _text(node, entity)
    if isinstance(node, Terms | Range | KeywordRange):
        return "filter", compile_clause(node, entity)
    raise _unsupported(node)


def compile_query(query: Query, entity: Entity) -> dict[str, Any]:
    """The ES query of ``query`` (CONTRACT.md §c.2); ``entity`` gives the n-gram sizes."""
    if query.matches_all:
        return {"match_all": {}}
    parts: dict[str, list[dict[str, Any]]] = {"must": [], "filter": [], "must_not": []}
    for node in query.must:
        place, compiled = _must_node(node, entity)
        parts[place].append(compiled)
    parts["must_not"] = [compile_clause(clause, entity) for clause in query.must_not]
    return {"bool": {place: clauses for place, clauses in parts.items() if clauses}}


# --------------------------------------------------------------------------- sorting and paging


def _sort_field(key: SortKey, entity: Entity) -> IndexField:
    field = entity.index_field(key.field)
    if field is None or not field.sortable:
        raise _unsupported(key)
    return field


def _missing(key: SortKey) -> str:
    if key.kind is FieldKind.KEYWORD:
        return KEYWORD_MISSING_DESC if key.descending else KEYWORD_MISSING_ASC
    return "_last"  # numbers: the engine substitutes LONG_MAX (asc) / LONG_MIN (desc)


def needs_tie_break(sort: Sequence[SortKey], after: Sequence[SortValue] | None) -> bool:
    """Whether the reference's uuid tie-break can decide anything after ``sort``.

    Not when a key sorts by uuid (unique), so that newest first compiles to exactly the index's
    own order, which OpenSearch then reads from the cursor's place and stops after the page. A
    hand-written cursor whose tie-break differs from its uuid key still gets the tie-break: the
    reference compares it.
    """
    keys = [key.field for key in sort]
    if UUID not in keys:
        return True
    return after is not None and after[-1] is not None and after[-1] != after[keys.index(UUID)]


def compile_sort(
    sort: Sequence[SortKey], entity: Entity, *, tie_break: bool = True
) -> list[dict[str, Any]]:
    """Sort clauses for ``sort``, then the reference's uuid tie-break (see needs_tie_break)."""
    clauses: list[dict[str, Any]] = []
    for key in sort:
        field = _sort_field(key, entity)
        options: dict[str, Any] = {"order": "desc" if key.descending else "asc"}
        if key.field != UUID:  # every document has one; the index sort has no custom missing
            options["missing"] = _missing(key)
        if field.multi:
            options["mode"] = "max" if key.descending else "min"
        clauses.append({key.field: options})
    if tie_break:
        clauses.append({UUID: {"order": "asc"}})
    return clauses


def _missing_value(key: SortKey) -> str | int:
    """The sort value the engine reports (and expects back) for a document without a value."""
    if key.kind is FieldKind.KEYWORD:
        return _missing(key)
    return LONG_MIN if key.descending else LONG_MAX


def search_after(
    sort: Sequence[SortKey], after: Sequence[SortValue], *, tie_break: bool = True
) -> list[Any]:
    """The ``search_after`` list of a cursor: one value per sort key, then (unless left out, as
    in compile_sort) the uuid tie-break.

    A ``None`` key value becomes the value the engine sorts missing documents by. A ``None``
    tie-break (hand-written cursor) becomes :data:`AFTER_EVERY_UUID`, so the page starts strictly
    after every document with the cursor's key values, exactly as the reference does.
    """
    if len(after) != len(sort) + 1:
        raise SearchEngineError(
            f"a cursor needs {len(sort) + 1} values (sort keys and tie-break), got {len(after)}"
        )
    values: list[Any] = [
        _missing_value(key) if value is None else value
        for key, value in zip(sort, after[:-1], strict=True)
    ]
    if tie_break:
        tie = after[-1]
        values.append(AFTER_EVERY_UUID if tie is None else tie)
    return values


def hit_sort_values(sort: Sequence[SortKey], raw: Sequence[Any]) -> tuple[SortValue, ...]:
    """A hit's ``sort`` array back as sort values, one per key (the uuid tie-break dropped)."""
    values: list[SortValue] = []
    for key, value in zip(sort, raw[: len(sort)], strict=True):
        if value is None or value == _missing_value(key):
            values.append(None)
        elif key.kind is FieldKind.KEYWORD:
            values.append(str(value))
        else:
            values.append(int(value))
    return tuple(values)


def search_body(
    query: Query, sort: Sequence[SortKey], page: Page, entity: Entity, *, with_total: bool
) -> dict[str, Any]:
    """A ``_search`` body for one page; unsorted requests are ordered by relevance."""
    body: dict[str, Any] = {
        "query": compile_query(query, entity),
        "size": page.limit,
        "track_total_hits": with_total,
        "_source": False,  # hits carry their _id (the uuid); no stored source to read
    }
    # A cursor needs the sort it came from; without keys that is the uuid order of the reference.
    tie_break = needs_tie_break(sort, page.after)
    if sort or page.after is not None:
        body["sort"] = compile_sort(sort, entity, tie_break=tie_break)
    if page.after is not None:
        body["search_after"] = search_after(sort, page.after, tie_break=tie_break)
    else:
        body["from"] = page.offset
    return body


def count_body(query: Query, entity: Entity) -> dict[str, Any]:
    """A ``_count`` body."""
    return {"query": compile_query(query, entity)}


def regexp_literal(text: str) -> str:
    """``text`` as a Lucene regular expression matching exactly itself."""
    # Lucene's RegExp reads a backslash + any character as that character; letters and digits stay
    # bare because ``\d``, ``\w``, ``\s`` (and capitals) are character classes in newer Lucene.
    return "".join(ch if ch.isalnum() else "\\" + ch for ch in text)


def terms_body(
    field: str, query: Query, contains: str, limit: int, entity: Entity
) -> dict[str, Any]:
    """A size-0 search whose ``values`` aggregation lists the field's values with their
    document counts, most frequent first then by value; ``contains`` filters case-insensitively.
    """
    terms: dict[str, Any] = {
        "field": field,
        "size": limit,
        "order": [{"_count": "desc"}, {"_key": "asc"}],
    }
    needle = lower(contains)
    if needle:
        terms["include"] = f".*{regexp_literal(needle)}.*"
    return {
        "size": 0,
        "track_total_hits": False,
        "query": compile_query(query, entity),
        "aggs": {TERMS_AGGREGATION: {"terms": terms}},
    }


# --------------------------------------------------------------------------- index definition


def _settings(entity: Entity) -> dict[str, Any]:
    return {
        "index": {
            # One shard keeps terms-aggregation counts exact and relevance statistics global.
            "number_of_shards": 1,
            "auto_expand_replicas": "0-1",
            "max_ngram_diff": entity.max_gram - entity.min_gram,
            "max_result_window": MAX_RESULT_WINDOW,
            # Stored newest first: documents are written in creation order, so without this a
            # newest-first page or cursor walk makes every match a new best hit and copies its
            # sort values (2.2 s a page at 1M); sorted, it stops after the page's documents.
            "sort.field": ["created_at", UUID],
            "sort.order": ["desc", "desc"],
            "sort.missing": ["_last", "_last"],
        },
        "analysis": {
            "tokenizer": {
                WORD_TOKENIZER: {"type": "whitespace", "max_token_length": MAX_TOKEN_CHARS}
            },
            "filter": {
                "connectra_ngrams": {
                    "type": "ngram",
                    "min_gram": entity.min_gram,
                    "max_gram": entity.max_gram,
                }
            },
            "analyzer": {
                WORDS_ANALYZER: {"type": "custom", "tokenizer": WORD_TOKENIZER},
                NGRAM_ANALYZER: {
                    "type": "custom",
                    "tokenizer": WORD_TOKENIZER,
                    "filter": ["connectra_ngrams"],
                },
            },
        },
    }


def _property(field: IndexField) -> dict[str, Any]:
    if field.kind is FieldKind.TEXT:
        mapping: dict[str, Any] = {"type": "text", "analyzer": WORDS_ANALYZER}
        if field.ngram:
            mapping["fields"] = {"ngram": {"type": "text", "analyzer": NGRAM_ANALYZER}}
        return mapping
    if field.kind is FieldKind.KEYWORD:
        return {"type": "keyword"}  # documents hold values lower-cased in Python
    # NUMBER, and DATE too: documents hold epoch MICROseconds (connectra.index.documents), which
    # an ES ``date`` (millisecond) field would truncate or misread; a long keeps ranges, sorts
    # and cursors exact.
    return {"type": "long"}


def source_document(entity: Entity, document: Mapping[str, Any]) -> dict[str, Any]:
    """The ``_source`` of a document: text fields become their space-separated tokens."""
    source = dict(document)
    for field in entity.index_fields:
        value = source.get(field.name)
        if field.kind is FieldKind.TEXT and value is not None:
            source[field.name] = " ".join(tokens(str(value)))
    return source


def system_properties() -> dict[str, Any]:
    """Mappings of the fields outside the VQL catalogue: kept in ``_source``, never searched
    (also added to an index created before they existed, see the adapter's ``_ensure``)."""
    return {"properties": {UPDATED_AT: {"type": "long", "index": False, "doc_values": False}}}


def index_definition(entity: Entity) -> dict[str, Any]:
    """The body of the create-index request for ``entity`` (settings and strict mappings)."""
    properties = {field.name: _property(field) for field in entity.index_fields}
    return {
        "settings": _settings(entity),
        "mappings": {
            "dynamic": "strict",
            "properties": {**properties, **system_properties()["properties"]},
        },
    }


def stamps_body(after: str | None, limit: int) -> dict[str, Any]:
    """A page of every document in uuid order with its updated_at (``SearchIndex.stamps``)."""
    body: dict[str, Any] = {
        "size": limit,
        "query": {"match_all": {}},
        "sort": [{UUID: "asc"}],
        "_source": [UPDATED_AT],
        "track_total_hits": False,
    }
    if after is not None:
        body["search_after"] = [after]
    return body
