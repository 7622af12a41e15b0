"""Page ranges as references print them and as the registry gives them: parsed, abbreviated
end pages expanded, and compared so that an e-locator with or without its letter is one page.
Pure."""

from __future__ import annotations

import re

from claimcheck.model.text import fold, unify_punctuation

_PAGE_PREFIX = re.compile(r"^(?:pp?\.\s*|pp?\s+(?=[0-9]))", re.I)
_PAGE = re.compile(r"^([^\W\d_]*)([0-9]+)$")
# The label of an article number, as publishers print it in place of pages ("Article
# e33438", "Art. 234", "Article No. 234", "Paper No. 15", "No. 234"): the number is the page.
_ARTICLE_LABEL = re.compile(
    r"^(?:(?:article|art\.?|paper)\s*(?:(?:no|nr|number)\.?\s*)?|(?:no|nr)\.\s*)(?=[a-z]{0,2}\d)",
    re.I,
)
# A publisher item identifier, which PubMed prints where there are no pages ("pii:
# S0140-6736(17)30001-X", "pii: jcm8050678", "pii: e33438"): the page only when it is one in
# form, a letter at most and up to 8 digits ("e33438", "20161281"); otherwise no page.
_PII = re.compile(r"^pii\s*:?\s*", re.I)
_PII_PAGE = re.compile(r"^[^\W\d_]?[0-9]{1,8}$")
# The page count IOP and others print after an article number: "055409 (14pp)", "1 [9 pages]".
_PAGE_COUNT = re.compile(r"(?<=\S)\s*[(\[]\s*\d+\s*(?:pp|pages?)\.?\s*[)\]]\s*$", re.I)

# The letter APS prints after a Physical Review article number to mark its section: "(R)" a
# Rapid Communication ("Phys. Rev. A 66, 051101(R) (2002)"), "(E)" an Erratum. The record's
# article number is the six digits alone ("051101"): the letter is no part of it.
_APS_SECTION = re.compile(r"(?<=[0-9])\s*\(\s*[RE]\s*\)$", re.I)

# The punctuation a printed reference ends its pages with ("e1002345.", "1-8.", "12-18;"),
# no part of the page: with it, "e1002345." was no e-locator to compare by its number.
_TRAILING = " .;:"


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
    ("1568", "1571"), "98–103" -> ("98", "103"), "e33438" -> ("e33438", None); an article
    number's label, a page count, APS's section letter and trailing punctuation are no part
    of it ("Article e33438", "055409 (14pp)", "051101(R)", "e33438.")."""
    text = _PAGE_COUNT.sub("", unify_punctuation(value).strip())
    text = _ARTICLE_LABEL.sub("", _PAGE_PREFIX.sub("", text)).rstrip(_TRAILING)
    text = _APS_SECTION.sub("", text)
    if _PII.match(text):
        text = _PII.sub("", text)
        return (text, None) if _PII_PAGE.match(text) else None
    text = text.split(",")[0]
    first, _, end = (part.replace(" ", "").rstrip(_TRAILING) for part in text.partition("-"))
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
