"""Author lists in a pasted reference: where the list ends and the title starts, and
whether each part reads as a name, for the Vancouver ("Smith JA, Doe B.") and Nature
("Smith, J. A. & Doe, B.") styles. A list that is not plain is not read, never guessed.
"""

from __future__ import annotations

import re

from claimcheck.model.text import PARTICLES, fold

__all__ = ["BOUNDARY", "GENUS", "author_list"]

_INITIALS = r"[A-Z](?:\.?[ -]?[A-Z]){0,3}\.?"
_WORD = r"[^\W\d_][\w'’-]*"
_FAMILY = re.compile(rf"{_WORD}(?: {_WORD}){{0,3}}")
# Lazy, so "Burns JS" reads as family "Burns" and initials "JS", not a two-word family.
_V_NAME = re.compile(rf"(?P<family>{_WORD}(?: {_WORD}){{0,3}}?)(?: (?P<initials>{_INITIALS}))?")
_N_INITIALS = re.compile(_INITIALS)
_ET_AL = re.compile(r",?\s+et al\.?$")
BOUNDARY = re.compile(r"[.?!]\s+")
# What may follow a period inside an author list, so the list goes on: a dotted initial
# ("Luyten F. P."), "et al.", or the "&" before a last name.
_LIST_GOES_ON = re.compile(r"[A-Z]\.(?:[ -]?[A-Z]\.){0,3}(?:\s|,|$)|et al\b|&|and\s")
# An abbreviated genus ("E. coli", "S. aureus") reads like one more initial after a list,
# and its period, followed by the species in lower case, ends no title.
GENUS = re.compile(r"(?<![\w.])[A-Z]\.\s+(?!et al\b|and\s)[a-z]")
_DOTTED = re.compile(r"[A-Z]\.[ -]?[A-Z]")
_UNDOTTED_RUN = re.compile(r"[A-Z](?:[ -]?[A-Z]){0,3}")
_DOTTED_RUN = re.compile(r"[A-Z](?:\.[ -]?[A-Z]){0,3}")


def author_list(head: str, nature: bool, notes: list[str]) -> tuple[tuple[str, ...], int] | None:
    """The author list as printed, and where the title starts: the list ends at the first
    period after which no name goes on, and every name in it must read as a name.

    "Werber D. E. coli …" is read as a list ending "Werber D" only where the list writes
    its initials without periods ("Frank C, Werber D."): in a dotted list ("Smith J. A.")
    "E." may be an initial and "coli" the title's first word, so nothing is read."""
    for boundary in BOUNDARY.finditer(head):
        listed = head[: boundary.start() + 1]
        genus = GENUS.match(head, boundary.end())
        if genus and (nature or not _undotted(listed)):
            notes.append(_unclear(head[: boundary.end() + 2]))
            return None
        if not genus and _LIST_GOES_ON.match(head, boundary.end()):
            continue
        names = _nature_names(listed) if nature else _vancouver_names(listed, notes)
        return (names, boundary.end()) if names else None
    return None


def _unclear(listed: str) -> str:
    return (
        f"where the author list {listed!r} ends is not plain (an initial, or the start of "
        "the title?); authors, title and journal left out"
    )


def _undotted(listed: str) -> bool:
    """Whether a Vancouver list writes its initials without periods ("Frank C, Werber D.")."""
    names = listed.split(", ")
    return any(_style(n, k == len(names) - 1) == "undotted" for k, n in enumerate(names))


def _style(name: str, last: bool) -> str | None:
    """How a Vancouver name writes its initials: "undotted" ("Smith JA"), "dotted" ("Luyten
    F. P."), "mixed" ("Lowy FD. S."), or None where it cannot tell: no initials, or one
    followed by the list's final period, which may be the initial's or the list's."""
    match = _V_NAME.fullmatch(name.removesuffix("."))
    initials = match.group("initials") if match else None
    if not initials:
        return None
    if len(initials) == 1:
        if not name.endswith("."):
            return "undotted"
        return None if last else "dotted"
    if _UNDOTTED_RUN.fullmatch(initials):
        return "undotted"
    return "dotted" if _DOTTED_RUN.fullmatch(initials) else "mixed"


def _vancouver_names(listed: str, notes: list[str]) -> tuple[str, ...]:
    """ "Pandey A.C., Semon J.A., Kaushal D. et al." -> the names and "et al."; () if any
    part is not a name or no name has initials, and (with a note) if the names mix
    initials with and without periods: then where the list ends is not plain."""
    et_al = _ET_AL.search(listed)
    text = listed[: et_al.start()] if et_al else listed
    names = text.split(", ")
    styles = {_style(name, k == len(names) - 1) for k, name in enumerate(names)}
    if "mixed" in styles or {"dotted", "undotted"} <= styles:
        notes.append(_unclear(listed))
        return ()
    # The list's final period is an initial's in the dotted style ("Prockop D.J."), and
    # the separator before the title otherwise ("Kassem M.").
    if not any(_DOTTED.search(name) for name in names):
        names[-1] = names[-1].removesuffix(".")
    matches = [_V_NAME.fullmatch(name.removesuffix(".")) for name in names]
    if not all(m and _is_family(m.group("family")) for m in matches):
        return ()
    if not any(m and m.group("initials") for m in matches):
        return ()  # "Guidelines for stem cell research." is not an author list
    return (*names, "et al.") if et_al else tuple(names)


def _nature_names(listed: str) -> tuple[str, ...]:
    """ "Ankrum, J., Ong, J. & Karp, J." -> ("Ankrum, J.", "Ong, J.", "Karp, J.")."""
    et_al = _ET_AL.search(listed)
    text = listed[: et_al.start()] if et_al else listed
    parts = re.split(r",? (?:&|and) |, ", text)
    if len(parts) % 2:
        return ()
    names = []
    for family, initials in zip(parts[::2], parts[1::2], strict=True):
        if not (_FAMILY.fullmatch(family) and _is_family(family)):
            return ()
        if not _N_INITIALS.fullmatch(initials):
            return ()
        names.append(f"{family}, {initials}")
    return (*names, "et al.") if et_al else tuple(names)


def _is_family(family: str) -> bool:
    """Each word capitalised or a particle ("van der Keur", "De la Fuente"): so a title
    ("Stem cells in RNA") is not read as a name."""
    words = family.split()
    capitalised = [w[0].isupper() for w in words]
    particles = [fold(re.split(r"['’-]", w)[0]) in PARTICLES for w in words]
    return any(capitalised) and all(c or p for c, p in zip(capitalised, particles, strict=True))
