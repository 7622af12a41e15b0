"""A printed reference that prints no title, read into the fields it does print. Pure.

Physics and general-science styles leave the title out: Science ("J. Houghton et al.,
Science 306, 1568 (2004)."), the APS and AIP journals ("L. G. Prokhorov, D. V. Koptsov, and
V. P. Mitrofanov, Phys. Lett. A 382, 2186 (2018).") and several Nature journals ("Author, A.
et al. Nature Nanotechnol. 10, 1 (2015)."). Such a reference cites no title to disagree with
the record's, but its first author, volume, first page and year are still compared.

A reference is read so only when all of it is accounted for: a list of names, each with its
initials ("J. Houghton", "Houghton, J."), then a journal that agrees with the record's own
journal name or short name (checks/journals.py), then "volume, page (year)" and nothing but
a DOI or a link after it. Anything else between the names and the volume may be a title, and
the reference is compared as a printed title as before.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from claimcheck.checks.journals import journals_agree
from claimcheck.model.text import unify_punctuation

_LETTER = r"[^\W\d_]"
_INITIALS = rf"{_LETTER}{{1,2}}\.(?:-?\s?{_LETTER}{{1,2}}\.)*"  # "J.", "L. G.", "J.-C.", "Yu."
_PARTICLE = r"(?:van|von|de|der|den|da|di|du|le|la|del|della|dos|ten|ter)"
_SURNAME = rf"(?:{_PARTICLE}\s)*{_LETTER}[\w'-]*"  # "Houghton", "van der Berg", "O'Neil"
_NAME = rf"(?:{_INITIALS}\s?{_SURNAME}|{_SURNAME},\s?{_INITIALS})"
_SEPARATOR = r"(?:,\s(?:and\s|&\s)?|\s(?:and|&)\s)"
_SHAPE = re.compile(
    rf"(?P<first>{_NAME})(?:{_SEPARATOR}{_NAME})*(?:,?\set\sal\.?)?(?:,\s|\s)"
    rf"(?P<journal>{_LETTER}[^\d]*?),?\s"
    r"(?P<volume>\d{1,5}),\s"
    r"(?P<pages>[A-Za-z]{0,2}\d+[A-Za-z]?(?:\s?-\s?[A-Za-z]{0,2}\d+[A-Za-z]?)?)\s"
    r"\((?P<year>(?:1[5-9]|20)\d\d)\)[.,;]?"
)
# Longer than any list of names, a journal and its numbers that a style prints without a
# title; the bound also keeps the pattern's backtracking small on any text.
MAX_CHARS = 600
# What may follow the year: a DOI, a link, a PubMed or arXiv identifier.
_AFTER = re.compile(r"(?:\bdoi\b|https?://|\b10\.\d{4,9}/|\bPMID\b|\barXiv\b).*", re.I | re.S)
_LIST_LABEL = re.compile(r"^\s*(?:\[\d{1,4}\]|\(\d{1,4}\)|\d{1,4}[.)])\s+")


@dataclass(frozen=True)
class PrintedSource:
    """The fields of a printed reference that prints no title."""

    first_author: str
    journal: str
    volume: str
    pages: str
    year: int


def printed_without_title(printed: str, journals: Sequence[str]) -> PrintedSource | None:
    """The fields of `printed` when it prints no title (module docstring), else None.
    `journals`: the record's journal names and short names."""
    if len(printed) > MAX_CHARS:
        return None
    text = " ".join(_AFTER.sub("", _LIST_LABEL.sub("", unify_punctuation(printed))).split())
    found = _SHAPE.fullmatch(text)
    if found is None:
        return None
    journal = found.group("journal").strip(" ,")
    if not any(journals_agree(journal, name) for name in journals if name.strip()):
        return None  # maybe a title, or another journal: compared as a printed title
    return PrintedSource(
        first_author=found.group("first").strip(),
        journal=journal,
        volume=found.group("volume"),
        pages=found.group("pages"),
        year=int(found.group("year")),
    )
