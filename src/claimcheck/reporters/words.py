"""Counted nouns, as every human format writes them: "1 error", "2 errors", "3 info"."""

from __future__ import annotations

# Nouns whose plural is the noun itself ("3 info findings" reads as "3 info").
_UNCOUNTED = frozenset({"info"})


def counted(n: int, noun: str) -> str:
    if n == 1 or noun in _UNCOUNTED:
        return f"{n} {noun}"
    return f"{n} {noun}s"
