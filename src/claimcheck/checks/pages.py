"""Page ranges as references print them and as the registry gives them: parsed, abbreviated
end pages expanded, and compared so that an e-locator with or without its letter is one page.
Pure."""

from __future__ import annotations

import re

from claimcheck.model.text import fold, unify_punctuation

_PAGE_PREFIX = re.compile(r"^(?:pp?\.\s*|pp?\s+(?=[0-9]))", re.I)
_PAGE = re.compile(r"^([^\W\d_]*)([0-9]+)$")


def _expand_end(first: str, end: str) -> str:
    """ "1568"-"71" -> "1571", "e12"-"15" -> "e15": an abbreviated end page in full."""
    m_first, m_end = _PAGE.match(first), _PAGE.match(end)
    if not m_first or not m_end:
        return end
    digits, end_digits = m_first.group(2), m_end.group(2)
    if len(end_digits) < len(digits):
        end_digits = digits[: len(digits) - len(end_digits)] + end_digits
    return (m_end.group(1) or m_first.group(1)) + end_digits


def parse_pages(value: str) -> tuple[str, str | None] | None:
    """(first page, expanded end page or None): "98-103" -> ("98", "103"), "1568-71" ->
    ("1568", "1571"), "98–103" -> ("98", "103"), "e33438" -> ("e33438", None)."""
    text = _PAGE_PREFIX.sub("", unify_punctuation(value).strip()).split(",")[0]
    first, _, end = (part.replace(" ", "") for part in text.partition("-"))
    if not first:
        return None
    return first, (_expand_end(first, end) if end else None)


def _page_key(page: str) -> tuple[str, str]:
    match = _PAGE.match(page)
    if not match:
        return "", fold(page).replace(" ", "")
    return match.group(1).casefold(), match.group(2).lstrip("0") or "0"


def same_page(a: str, b: str) -> bool:
    (prefix_a, rest_a), (prefix_b, rest_b) = _page_key(a), _page_key(b)
    # "e33438" and "33438" are one e-locator; only differing prefixes disagree.
    return rest_a == rest_b and (prefix_a == prefix_b or not prefix_a or not prefix_b)
