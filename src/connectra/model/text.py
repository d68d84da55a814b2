"""Text analysis shared by every engine: tokens, n-grams, fuzziness and phrase matching.

A token is a maximal run of Unicode letters and digits, lower-cased (CONTRACT.md §0.2.10).
The tantivy adapter indexes what :func:`tokens` returns, so the reference matcher and the index
can never disagree on where a word starts or ends.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from itertools import product

# Python's \w less the underscore is exactly "a Unicode letter or digit" (categories L* and N*;
# checked over every code point), and the regex engine is much faster than a character loop.
_WORD = re.compile(r"[^\W_]+")
_NO_EDIT_UP_TO = 2  # characters: Elasticsearch's AUTO fuzziness thresholds
_ONE_EDIT_UP_TO = 5


def lower(text: str) -> str:
    """Lower-case one character at a time (what a per-character token filter does)."""
    return text.lower() if text.isascii() else "".join(ch.lower() for ch in text)


def tokens(text: str) -> list[str]:
    """Maximal runs of letters and digits, lower-cased: ``"O'Neil, Acme.io"`` → o neil acme io."""
    return [lower(word) for word in _WORD.findall(text)]


def ngrams(token: str, min_gram: int, max_gram: int) -> set[str]:
    """Every character n-gram of ``token`` with ``min_gram <= n <= max_gram``."""
    return {
        token[i : i + n] for n in range(min_gram, max_gram + 1) for i in range(len(token) - n + 1)
    }


def auto_fuzziness(term: str) -> int:
    """Elasticsearch's AUTO: 0 edits for 1-2 characters, 1 for 3-5, 2 from 6 on."""
    if len(term) <= _NO_EDIT_UP_TO:
        return 0
    return 1 if len(term) <= _ONE_EDIT_UP_TO else 2


def osa_distance(a: str, b: str) -> int:
    """Levenshtein distance where swapping two adjacent characters counts as one edit."""
    rows = [list(range(len(b) + 1))]
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            row[j] = min(rows[i - 1][j] + 1, row[j - 1] + 1, rows[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], rows[i - 2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]


def fuzzy_equal(query_term: str, term: str) -> bool:
    distance = auto_fuzziness(query_term)
    if distance == 0:
        return query_term == term
    return (
        abs(len(query_term) - len(term)) <= distance and osa_distance(query_term, term) <= distance
    )


def _positions(words: Sequence[str], term: str) -> list[int]:
    return [i for i, word in enumerate(words) if word == term]


def phrase_matches(words: Sequence[str], phrase: Sequence[str], slop: int) -> bool:
    """Lucene's sloppy phrase: distinct positions p_i for the phrase's terms such that the
    spread of ``p_i - i`` is at most ``slop``. Slop 0 is an exact phrase; one extra word in
    between costs 1; two adjacent words in reversed order cost 2.
    """
    if not phrase:
        return False
    choices = [_positions(words, term) for term in phrase]
    if not all(choices):
        return False
    for chosen in _assignments(choices):
        shifted = [p - i for i, p in enumerate(chosen)]
        if max(shifted) - min(shifted) <= slop:
            return True
    return False


def _assignments(choices: list[list[int]]) -> Iterator[tuple[int, ...]]:
    for chosen in product(*choices):
        if len(set(chosen)) == len(chosen):
            yield chosen
