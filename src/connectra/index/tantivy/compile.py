"""VQL AST → tantivy query.

Sloppy phrases: tantivy's slop agrees with Lucene's for two distinct words; for longer phrases or
repeated words with slop > 0 the candidates (documents holding every word) are verified in Python
against the stored tokens. That path costs time in proportion to the candidates.
"""

from __future__ import annotations

from typing import Any

import tantivy

from connectra.errors import SearchEngineError
from connectra.index.tantivy.directory import EntityIndex
from connectra.index.tantivy.keyword_range import keyword_range_query
from connectra.index.tantivy.queries import Occur, all_docs, either, must
from connectra.model.fields import FieldKind
from connectra.model.text import auto_fuzziness, lower, ngrams, phrase_matches, tokens
from connectra.vql.ast import (
    AnyOf,
    Clause,
    KeywordRange,
    Node,
    Query,
    Range,
    Terms,
    Text,
    TextMode,
)

_LAZY_TERMS = 32  # measured at 100k: up to here a union of term queries intersects faster
_PAIR = 2  # two distinct words: tantivy's sloppy phrase query counts slop as the contract does


class Compiler:
    """AST → tantivy query; needs a searcher for the phrase verification path."""

    def __init__(self, index: EntityIndex, searcher: Any) -> None:
        self.index = index
        self.schema = index.schema
        self.searcher = searcher
        self.entity = index.entity

    def query(self, query: Query) -> Any:
        if query.matches_all:
            return tantivy.Query.all_query()
        clauses = [(Occur.Must, self.node(node)) for node in query.must]
        if not clauses:
            clauses = [(Occur.Must, tantivy.Query.all_query())]
        clauses += [(Occur.MustNot, self.clause(c)) for c in query.must_not]
        return tantivy.Query.boolean_query(clauses)

    def node(self, node: Node) -> Any:
        if isinstance(node, AnyOf):
            if len(node.clauses) == 1:
                return self.clause(node.clauses[0])
            return either(*(self.clause(c) for c in node.clauses))
        return self.clause(node)

    def clause(self, clause: Clause) -> Any:
        if isinstance(clause, Text):
            if clause.kind is FieldKind.KEYWORD:
                return self._word(clause.field, lower(clause.value), clause.fuzzy)
            return self._text(clause)
        if isinstance(clause, Terms):
            return self._terms(clause)
        if isinstance(clause, Range | KeywordRange):
            return self._range(clause)
        raise SearchEngineError(f"tantivy cannot compile {type(clause).__name__}")

    def _terms(self, clause: Terms) -> Any:
        """Few values: term queries (a lazy union that a small leader of an intersection can
        skip through); many: one term-set query (it collects its documents up front)."""
        values = list(clause.values)
        if not values:
            return tantivy.Query.empty_query()
        if len(values) > _LAZY_TERMS:
            return tantivy.Query.term_set_query(self.schema, clause.field, values)
        terms = [tantivy.Query.term_query(self.schema, clause.field, v) for v in values]
        return terms[0] if len(terms) == 1 else either(*terms)

    def _range(self, clause: Range | KeywordRange) -> Any:
        if isinstance(clause, KeywordRange):
            field = self.entity.index_field(clause.field)
            assert field is not None
            return keyword_range_query(self.searcher, self.schema, field, clause)
        if clause.low is not None and clause.high is not None and clause.low > clause.high:
            return tantivy.Query.empty_query()
        return tantivy.Query.range_query(
            self.schema, clause.field, tantivy.FieldType.Integer, clause.low, clause.high
        )

    def _word(self, field: str, word: str, fuzzy: bool) -> Any:
        distance = auto_fuzziness(word) if fuzzy else 0
        if distance == 0:
            return tantivy.Query.term_query(self.schema, field, word)
        return tantivy.Query.fuzzy_term_query(
            self.schema, field, word, distance=distance, transposition_cost_one=True, prefix=False
        )

    def _combine(self, queries: list[Any], any_of: bool) -> Any:
        if len(queries) == 1:
            return queries[0]
        return either(*queries) if any_of else must(*queries)

    def _text(self, clause: Text) -> Any:
        words = tokens(clause.value)
        if not words:
            return tantivy.Query.empty_query()
        if clause.mode is TextMode.SHUFFLE:
            queries = [self._word(clause.field, w, clause.fuzzy) for w in dict.fromkeys(words)]
            return self._combine(queries, clause.any_token)
        if clause.mode is TextMode.SUBSTRING:
            low, high = self.entity.min_gram, self.entity.max_gram
            grams = sorted({g for w in words if len(w) >= low for g in ngrams(w, low, high)})
            if not grams:
                return tantivy.Query.empty_query()
            field = f"{clause.field}__ng"
            queries = [tantivy.Query.term_query(self.schema, field, g) for g in grams]
            return self._combine(queries, clause.any_token)
        return self._phrase(clause.field, words, clause.slop)

    def _phrase(self, field: str, words: list[str], slop: int) -> Any:
        if len(words) == 1:
            return tantivy.Query.term_query(self.schema, field, words[0])
        if slop == 0 or (len(words) == _PAIR and words[0] != words[1]):
            return tantivy.Query.phrase_query(self.schema, field, list[Any](words), slop=slop)
        candidates = must(
            *(tantivy.Query.term_query(self.schema, field, w) for w in dict.fromkeys(words))
        )
        verified = [
            doc.get_first("uuid")
            for doc in all_docs(self.searcher, candidates)
            if phrase_matches(doc.get_first(field).split(" "), words, slop)
        ]
        if not verified:
            return tantivy.Query.empty_query()
        return tantivy.Query.term_set_query(self.schema, "uuid", verified)
