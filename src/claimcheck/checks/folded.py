"""Folding for the metadata comparison, memoised: the pure functions of model/text.py, with
the results of short texts kept.

Journal names and family names recur across the references of one article ("PLoS One"
forty times, one first author in a dozen), and every comparison would fold them again.
Folding is pure, so short texts and their results are kept. Only a text and a result of at
most MEMO_CHARS characters each is kept, in at most MEMO_ENTRIES entries per function, so
the memory stays under ~4 MB per function whatever a registry sends.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import TypeVar

import claimcheck.model.text as folding

__all__ = [
    "MEMO_CHARS",
    "MEMO_ENTRIES",
    "cited_family_keys",
    "family_keys",
    "fold",
    "is_et_al",
    "memoised",
    "name_words",
    "surname_first",
]

_T = TypeVar("_T")
MEMO_ENTRIES = 2048
MEMO_CHARS = 256


def memoised(function: Callable[[str], _T], size: Callable[[_T], int]) -> Callable[[str], _T]:
    """`function`, with the results of short texts kept; `size` measures a result."""

    @lru_cache(maxsize=MEMO_ENTRIES)
    def short(value: str) -> _T | None:
        result = function(value)
        return result if size(result) <= MEMO_CHARS else None  # None: too long to keep

    def call(value: str) -> _T:
        kept = short(value) if len(value) <= MEMO_CHARS else None
        return function(value) if kept is None else kept

    return call


def _keys_size(keys: frozenset[str]) -> int:
    return sum(map(len, keys))


fold = memoised(folding.fold, len)
is_et_al = memoised(folding.is_et_al, lambda _answer: 0)
family_keys = memoised(folding.family_keys, _keys_size)
cited_family_keys = memoised(folding.cited_family_keys, _keys_size)
surname_first = memoised(folding.surname_first, lambda read: sum(map(len, read or ())))
name_words = memoised(folding.name_words, lambda words: sum(map(len, words)))
