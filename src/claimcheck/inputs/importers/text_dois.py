"""The DOI of a pasted reference: read only where labelled (`doi:`, `DOI `) or in a resolver
link, without what closes it in running text, joined where a line break plainly cut it,
and left out, with a note, where it may be cut short or more than one is printed.
"""

from __future__ import annotations

import re

from claimcheck.inputs.importers.model import (
    ENDS_IN_ELLIPSIS,
    doi_parts,
    dois_of_parts,
    one_doi,
)

__all__ = ["read_doi"]

# The printed DOI forms read: `doi:`, `DOI:`, `DOI `, and resolver URLs (doi.org, dx.doi.org).
_DOI_FORM = re.compile(
    r"(?:\bdoi\s*[:：]\s*|\bdoi\s+|\b(?:https?://)?(?:dx\.|www\.)?doi\.org/)(10\.\S+)", re.I
)
_RESOLVER = "doi.org/"
_BARE_DOI = re.compile(r"(?<![\w/.])10\.\d{4,9}/\S+")
# A DOI broken at a line's end: what no whole DOI ends with (a period may: the reference's),
# what the rest of it may start with on the next line, and that rest.
_DOI_SEPARATORS = ("-", "/", "_")
_DOI_RESUMES = ("-", "/", "_", ".")
_DOI_GOING_ON = re.compile(r"[-/_.]?[A-Za-z0-9][\w.()/;:<>-]*")
_FIRST_WORD = re.compile(r"\S*")
# What closes a DOI set off in running text: `[doi:10.1000/x]`, `<https://doi.org/10.1000/x>`
# (RFC 3986, appendix C, delimits a URI in text with `<>`), `{…}`, and quotes around it. A
# closing bracket goes only when the DOI has more of it than of its opener, so a SICI DOI's
# pairs stay (`…35:4<483::AID-JBM7>3.0.CO;2-B`); a quote always goes. Only here, where the
# DOI is cut out of prose: a claim map's `doi:` is read as the README says (model/doi.py).
_CLOSERS = {")": "(", "]": "[", ">": "<", "}": "{", "）": "（", "】": "【", "》": "《"}
_QUOTES = "\"'”’»"
_PUNCTUATION = ".,;。．，；"
# What may follow a DOI on the next line of its reference without being more of it.
_FOLLOWS_A_DOI = re.compile(
    r"\[|(?:PMID|PMCID|Epub|eCollection|Available|Accessed|Retrieved|doi)\b|https?://", re.I
)
# Where the citation proper ends: identifiers and links that follow it.
_TAIL = re.compile(r"\b(?:PMID|PMCID)\s*:|https?://|\bAvailable (?:from|at)\b", re.I)


def read_doi(cited: str, notes: list[str], breaks: tuple[int, ...]) -> tuple[str | None, str]:
    """The printed DOI, if exactly one, and the text before any DOI or link (the citation)."""
    found: list[str] = []
    cited, breaks = _resolver_joined(cited, breaks, notes)
    cut = len(cited)
    labelled = set()  # where each labelled DOI itself starts
    line_ends = frozenset(breaks)
    for match in _DOI_FORM.finditer(cited):
        cut = min(cut, match.start())
        labelled.add(match.start(1))
        printed = _whole_doi(cited, match, line_ends, notes)
        if printed is None:
            continue
        if ENDS_IN_ELLIPSIS.search(printed):  # "…/j.cell.2020…": what the source cut short
            notes.append(f"{printed!r} ends with an ellipsis: it may be cut short; left out")
            continue
        printed = _unwrapped(printed)
        # A DOI list with no space (`doi:10.1000/a;10.1000/b`) gives each of its DOIs.
        listed = doi_parts(printed[match.start(1) - match.start() :])
        parts = [printed] if len(listed) < 2 else listed
        found += dois_of_parts(parts, ", ".join(parts), None, notes)
    bare = next((m for m in _BARE_DOI.finditer(cited) if m.start() not in labelled), None)
    if bare is not None:
        notes.append(f"{bare.group()!r} looks like a DOI but has no label; not filled in")
        cut = min(cut, bare.start())
    tail = _TAIL.search(cited, 0, cut)
    body = cited[: tail.start() if tail else cut].rstrip(" ,;")
    more = "more than one DOI is printed ({}); left out"
    return one_doi(found, lambda listed: notes.append(more.format(listed))), body


def _resolver_joined(
    cited: str, breaks: tuple[int, ...], notes: list[str]
) -> tuple[str, tuple[int, ...]]:
    """`cited` with a DOI link broken right after `doi.org/` joined to the DOI on the next
    line ("https://doi.org/" then "10.1038/nbt.2816"), and the breaks left; said in a note."""
    for end in sorted(breaks, reverse=True):
        if cited[end - len(_RESOLVER) : end].lower() == _RESOLVER and cited.startswith(
            "10.", end + 1
        ):
            cited = cited[:end] + cited[end + 1 :]
            breaks = tuple(b - 1 if b > end else b for b in breaks if b != end)
            notes.append(
                "a DOI link is broken over two lines after 'doi.org/'; read joined: check it"
            )
    return cited, breaks


def _whole_doi(
    cited: str, match: re.Match[str], breaks: frozenset[int], notes: list[str]
) -> str | None:
    """The printed DOI of `match`, joined to the next line when it was plainly broken there
    ("…/JCI-" then "40123", or "…/nbt" then ".2816"); None, with a note, when it may run on
    to the next line and that is not plain. A truncated DOI is never filled in silently."""
    printed, after = match.group(), match.end() + 1  # where the next line starts, if any
    # Not at a line's end, or followed there by "PMID: …", "[Epub …]": the DOI ends here.
    if match.end() not in breaks or _FOLLOWS_A_DOI.match(cited, after):
        if printed.endswith(_DOI_SEPARATORS):  # no DOI ends so: cut short in the source
            notes.append(f"{printed!r} ends with {printed[-1]!r}: it may be cut short; left out")
            return None
        return printed
    going_on = _DOI_GOING_ON.match(cited, after)
    if going_on and (printed.endswith(_DOI_SEPARATORS) or cited.startswith(_DOI_RESUMES, after)):
        joined = printed + going_on.group()
        notes.append(
            f"the DOI is broken over two lines ({printed!r}, {going_on.group()!r}); "
            "read joined: check it"
        )
        return joined
    if printed.endswith(".") and cited[after : after + 1].isupper():
        return printed  # the DOI ended the sentence; the next line starts another
    follows = _FIRST_WORD.match(cited, after)
    notes.append(
        f"{printed!r} ends at a line's end and the next line starts "
        f"{follows.group() if follows else ''!r}: the DOI may run on; left out"
    )
    return None


def _unwrapped(printed: str) -> str:
    """`printed` without the brackets, quotes and punctuation that close it in the text."""
    text = printed
    while text:
        last = text[-1]
        opener = _CLOSERS.get(last)
        unbalanced = opener is not None and text.count(last) > text.count(opener)
        if not (unbalanced or last in _QUOTES or last in _PUNCTUATION):
            break
        text = text[:-1]
    return text
