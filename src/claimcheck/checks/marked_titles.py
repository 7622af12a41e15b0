"""How a finding names a title marker: which title carries it (the first, or a translated
one, quoted, since reports show only the first), whose title it is (the registry's, or
DataCite's record, which has no retraction field), and what the registry lacks beside it.
Used by references.py. Pure."""

from __future__ import annotations

from typing import Any, NamedTuple

from claimcheck.checks.lookups import reference_finding
from claimcheck.model.claimmap import Reference
from claimcheck.model.events import EditorialStatus, EventKind
from claimcheck.model.findings import Finding, FindingCode


class TitleWords(NamedTuple):
    """How a finding resting on a title marker names the title and what its registry lacks."""

    title: str  # "R1 is marked retracted by <title>"
    whose: str  # "<whose> reads as a retraction notice", with the reference's id for {id}
    no_notice: str  # why no notice stands beside the marker
    basis: str  # evidence `basis`, before "; no notice registered" and the like
    links: str  # "<links> it to no work it updates"
    other_title: str  # `title` for a title other than the first
    other_whose: str  # `whose` for a title other than the first, with {id} as in `whose`
    titles: str  # "<titles> disagree", with {id} as in `whose`


# By `EditorialStatus.titled_by`. DataCite has no retraction field and no retraction
# relation, so a DataCite record's marker is all there is: the finding says so, and says the
# title is DataCite's, not a registry's notice that could be looked up.
TITLE_WORDS = {
    "": TitleWords(
        "its registry title",
        "{id}'s registry title",
        "the registry lists no retraction notice for it",
        "title marker",
        "the registry links",
        "another of its registry titles (a translated or original-language title)",
        "Another of {id}'s registry titles (a translated or original-language title)",
        "{id}'s registry titles",
    ),
    "datacite": TitleWords(
        "the title of DataCite's record",
        "the title of DataCite's record of {id}",
        "DataCite has no retraction field, so no notice could be looked for",
        "title marker of DataCite's record",
        "DataCite's record links",
        "another title of DataCite's record",
        "Another title of DataCite's record of {id}",
        "the titles of DataCite's record of {id}",
    ),
}


class Marked(NamedTuple):
    title: str  # "R1 is marked retracted by <title>"
    whose: str  # "<whose> reads as a retraction notice"
    basis: str
    evidence: dict[str, Any]  # the marked title, when it is not the first


def marked_words(reference: Reference, status: EditorialStatus) -> Marked:
    """How a finding names the title that carries the marker: the first, or another one
    (a translated title), quoted, since reports show only the first."""
    words = TITLE_WORDS[status.titled_by]
    if not status.marked_title:
        return Marked(words.title, words.whose.format(id=reference.id), words.basis, {})
    shown = f"{status.marked_title[:80]!r}, not the title reports show"
    return Marked(
        f"{words.other_title}, {shown}",
        # Formatted before the title is added: a title may hold braces.
        f"{words.other_whose.format(id=reference.id)}, {shown},",
        f"{words.basis} in another title",
        {"marked_title": status.marked_title},
    )


def retracted_by_title(reference: Reference, status: EditorialStatus) -> tuple[str, dict[str, Any]]:
    """A retraction only the title marks. When the work also links to a retraction whose
    direction could not be decided, say so: a notice can carry the same marker."""
    words = TITLE_WORDS[status.titled_by]
    marked = marked_words(reference, status)
    evidence: dict[str, Any] = {"sources": ["title"], **marked.evidence}
    linked = sorted({e.doi for e in status.unclear if e.kind is EventKind.RETRACTION and e.doi})
    if not linked:
        message = f"{reference.id} is marked retracted by {marked.title}; {words.no_notice}"
        return message, {"basis": f"{marked.basis}; no notice registered", **evidence}
    message = (
        f"{reference.id} is marked retracted by {marked.title}; it links to a retraction "
        f"({', '.join(linked)}) that could not be told apart as its notice or as the work it "
        "retracts, and a notice can carry the same title marker (see update-role-unclear)"
    )
    return message, {"basis": f"{marked.basis}; linked retraction unclear", **evidence}


def titles_disagree(reference: Reference, status: EditorialStatus) -> Finding:
    """Marked titles of one record that read differently: Hindawi titles a retraction notice
    "Retracted: <title>", so "RETRACTED: X" beside "Retraction: X" may be either record."""
    words = TITLE_WORDS[status.titled_by]
    titles = "; ".join(repr(title[:80]) for title in status.titles_disagree)
    return reference_finding(
        FindingCode.UPDATE_ROLE_UNCLEAR,
        reference,
        # Formatted before the titles are added: a title may hold braces.
        words.titles.format(id=reference.id)
        + f" carry markers that disagree ({titles}): whether it is a retracted work or a "
        "notice, and of what, is unclear, and no registry link says which",
        {"links": [], "basis": "titles-disagree", "titles": list(status.titles_disagree)},
    )
