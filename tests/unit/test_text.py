from __future__ import annotations

import sys
import unicodedata

import pytest

from connectra.model.text import (
    _WORD,
    auto_fuzziness,
    fuzzy_equal,
    lower,
    ngrams,
    osa_distance,
    phrase_matches,
    tokens,
)


def test_word_pattern_is_exactly_letters_and_digits() -> None:
    """The regex stands for "Unicode category L* or N*" on every code point (§0.2.10)."""
    for code in range(sys.maxunicode + 1):
        ch = chr(code)
        expected = unicodedata.category(ch)[0] in "LN"
        assert bool(_WORD.fullmatch(ch)) is expected, hex(code)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("O'Neil, Acme.io", ["o", "neil", "acme", "io"]),
        ("Senior  Software-Engineer_II", ["senior", "software", "engineer", "ii"]),
        ("Zoë Müller 42", ["zoë", "müller", "42"]),
        ("ΣΑΣ", ["σασ"]),  # one character at a time: no final-sigma rule
        ("", []),
        ("!!!", []),
    ],
)
def test_tokens(text: str, expected: list[str]) -> None:
    assert tokens(text) == expected


def test_lower_is_per_character() -> None:
    assert lower("ABC") == "abc"
    assert lower("ΣΑΣ") == "σασ"


def test_ngrams_of_a_token() -> None:
    assert ngrams("abcd", 3, 10) == {"abc", "bcd", "abcd"}
    assert ngrams("ab", 3, 10) == set()
    assert max(map(len, ngrams("microelectronics", 3, 10))) == 10


@pytest.mark.parametrize(("term", "edits"), [("ab", 0), ("abc", 1), ("abcde", 1), ("abcdef", 2)])
def test_auto_fuzziness(term: str, edits: int) -> None:
    assert auto_fuzziness(term) == edits


def test_transposition_is_one_edit() -> None:
    assert osa_distance("enigneer", "engineer") == 1
    assert fuzzy_equal("enigneer", "engineer")
    assert not fuzzy_equal("ab", "ba")  # 2 characters: no edits allowed
    assert fuzzy_equal("enginer", "engineer")


@pytest.mark.parametrize(
    ("words", "phrase", "slop", "expected"),
    [
        ("senior engineer", "senior engineer", 0, True),
        ("senior software engineer", "senior engineer", 0, False),
        ("senior software engineer", "senior engineer", 1, True),
        ("engineer senior", "senior engineer", 1, False),
        ("engineer senior", "senior engineer", 2, True),
        ("a", "a a", 5, False),  # repeated words need distinct positions
        ("a x a", "a a", 1, True),
    ],
)
def test_phrase_slop(words: str, phrase: str, slop: int, expected: bool) -> None:
    assert phrase_matches(words.split(), phrase.split(), slop) is expected
