"""Update events (retractions, concerns, corrections) read from a work record. Pure.

How Crossref represents updates (shared/crossref/README.md, "How Crossref represents updates"):
- `updated-by` sits on an original and points at its notices;
- `update-to` sits on a notice and points at the original;
- publishers also put `update-to` on the retracted original itself (pointing at its notices),
  or retract in place (`update-to` pointing at the record's own DOI);
- since January 2025 Retraction Watch entries sit beside the publisher's, so one retraction
  can be listed twice, once per `source`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from claimcheck.models import UpdateDirection, UpdateEntry, UpdateEvent, Work

# audit.md: the titles that mark a notice, and the ones that mark a retracted *original*.
_NOTICE_TITLE = re.compile(
    r"""^\s*(?:
        retraction\s*(?::|notice|note|of\b|for\b|to\b|[-\u2013\u2014])
      | notice\s+of\s+(?:retraction|concern|correction)
      | expression\s+of\s+concern
      | editorial\s+expression\s+of\s+concern
      | (?:erratum|errata|corrigendum|corrigenda)
        (?:\s*$|\s*[:\-\u2013\u2014\[(\u201c"]|\s+(?:to|for)\b)
      | correction\s*(?::|to\b|notice|[-\u2013\u2014])
      | withdrawal\s*(?::|notice)
      | retracted\s+notice
    )""",
    re.IGNORECASE | re.VERBOSE,
)
_RETRACTED_ORIGINAL_TITLE = re.compile(
    r"^\s*(?:retracted|withdrawn)(?:\s+article)?\s*[:\-\u2013\u2014]", re.IGNORECASE
)

RETRACTION = "retraction"
CONCERN = "expression_of_concern"
CORRECTION = "correction"
REINSTATEMENT = "reinstatement"

# Normalised type -> the family the checks act on. Types seen in the API include old
# free-text variants ("Retraction", "retration").
_FAMILY = {
    "retraction": RETRACTION,
    "retration": RETRACTION,
    "partial_retraction": RETRACTION,
    "withdrawal": RETRACTION,
    "removal": RETRACTION,
    "expression_of_concern": CONCERN,
    "correction": CORRECTION,
    "erratum": CORRECTION,
    "corrigendum": CORRECTION,
    "partial_correction": CORRECTION,
    "reinstatement": REINSTATEMENT,
}
_FAMILY_RANK = {RETRACTION: 4, CONCERN: 3, CORRECTION: 2, REINSTATEMENT: 1}


# Substrings that place a type (or, where the type is empty, its label) we do not know by
# name in a family, so that a variant spelling is never dropped as "no update".
_FAMILY_HINTS = (
    ("reinstat", REINSTATEMENT),
    ("retract", RETRACTION),
    ("retrat", RETRACTION),
    ("withdraw", RETRACTION),
    ("remov", RETRACTION),
    ("concern", CONCERN),
    ("correct", CORRECTION),
    ("errat", CORRECTION),
    ("corrig", CORRECTION),
)


def normalise_type(raw: str) -> str:
    text = re.sub(r"[\s\-]+", "_", raw.strip().lower()).strip("_")
    return {"retration": RETRACTION}.get(text, text)


def entry_type(entry: UpdateEntry) -> str:
    """The entry's normalised type, or its label's where the type is empty."""
    return normalise_type(entry.type) or normalise_type(entry.label) or "unknown"


def family(update_type: str) -> str | None:
    text = normalise_type(update_type)
    if text in _FAMILY:
        return _FAMILY[text]
    return next((fam for hint, fam in _FAMILY_HINTS if hint in text), None)


def _rank(update_type: str) -> int:
    fam = family(update_type)
    return _FAMILY_RANK.get(fam, 0) if fam else 0


def is_notice_title(title: str) -> bool:
    return bool(_NOTICE_TITLE.match(title)) and not is_retracted_original_title(title)


_RETRACTION_NOTICE_TITLE = re.compile(
    r"^\s*(?:retraction\s*(?::|notice|note|of\b|for\b|to\b|[-\u2013\u2014])"
    r"|notice\s+of\s+retraction|retracted\s+notice|withdrawal\s*(?::|notice))",
    re.IGNORECASE,
)


def is_retraction_notice_title(title: str) -> bool:
    return bool(_RETRACTION_NOTICE_TITLE.match(title)) and not is_retracted_original_title(title)


def is_retracted_original_title(title: str) -> bool:
    return bool(_RETRACTED_ORIGINAL_TITLE.match(title))


def targets_to_fetch(work: Work) -> list[str]:
    """DOIs the checks want to read: the originals a possible notice points at.

    They name the retracted original in a `cites-retraction-notice` message, and settle
    "notice or original" by the round trip when the title does not.
    """
    return sorted({e.doi for e in work.update_to if e.doi != work.doi})


@dataclass(frozen=True)
class _Directed:
    entry: UpdateEntry
    direction: UpdateDirection


def _direct_update_to(work: Work, entry: UpdateEntry, related: Mapping[str, Work]) -> _Directed:
    if entry.doi in (work.doi, ""):
        return _Directed(entry, UpdateDirection.IN_PLACE)
    target = related.get(entry.doi)
    if target is not None:
        # The round trip is the strongest evidence, so it is read before any title: a notice
        # is listed in its original's `updated-by`; an original that carries the publisher's
        # `update-to` is pointed at by its notice's own `update-to`.
        if work.doi in {e.doi for e in target.updated_by}:
            return _Directed(entry, UpdateDirection.NOTICE_OF)
        if work.doi in {e.doi for e in target.update_to}:
            return _Directed(entry, UpdateDirection.UPDATED_BY)
    if is_retracted_original_title(work.title):
        return _Directed(entry, UpdateDirection.UPDATED_BY)
    if is_notice_title(work.title):
        return _Directed(entry, UpdateDirection.NOTICE_OF)
    # No evidence that this record is a notice (audit.md: a record is a notice only when the
    # evidence says so). Read it as the publisher's update-to on the original, which errs
    # towards reporting the cited work as updated rather than missing a retraction.
    return _Directed(entry, UpdateDirection.UPDATED_BY)


def update_events(work: Work, related: Mapping[str, Work]) -> tuple[UpdateEvent, ...]:
    """Every update of `work`, one event per (direction, notice), sources merged."""
    directed = [
        _Directed(e, UpdateDirection.UPDATED_BY if e.doi else UpdateDirection.IN_PLACE)
        for e in work.updated_by
    ]
    directed += [_direct_update_to(work, e, related) for e in work.update_to]
    groups: dict[tuple[UpdateDirection, str], list[UpdateEntry]] = {}
    for item in directed:
        doi = item.entry.doi or work.doi  # an entry without a DOI updates the work itself
        groups.setdefault((item.direction, doi), []).append(item.entry)
    events = [
        _merge(direction, doi, entries, related) for (direction, doi), entries in groups.items()
    ]
    return tuple(sorted(events, key=lambda e: (e.date or "", e.direction.value, e.doi)))


def _merge(
    direction: UpdateDirection, doi: str, entries: list[UpdateEntry], related: Mapping[str, Work]
) -> UpdateEvent:
    by_source: dict[str, str] = {}
    for entry in entries:
        kind = entry_type(entry)
        # One source listing the same notice twice keeps its more severe type.
        if _rank(kind) >= _rank(by_source.get(entry.source, "")):
            by_source[entry.source] = kind
    types = set(by_source.values())
    # Where the sources disagree on the type, the more severe applies and both are shown.
    worst = max(types, key=lambda t: (_rank(t), t))
    dates = sorted(e.date for e in entries if e.date)
    target = related.get(doi)
    return UpdateEvent(
        type=worst,
        direction=direction,
        doi=doi,
        date=dates[0] if dates else None,
        sources=tuple(sorted(by_source)),
        source_types=tuple(sorted(by_source.items())) if len(types) > 1 else (),
        title=target.title if target else "",
    )


@dataclass(frozen=True)
class UpdateState:
    """What the events mean for the cited work."""

    retractions: tuple[UpdateEvent, ...]  # in force (not reversed by a later reinstatement)
    reinstatements: tuple[UpdateEvent, ...]  # that reversed a retraction
    concerns: tuple[UpdateEvent, ...]
    corrections: tuple[UpdateEvent, ...]
    notice_of: tuple[UpdateEvent, ...]  # retractions this work is the notice of
    retracted_by_title: bool  # "RETRACTED: …" with no retraction event listed
    notice_by_title: bool  # "Retraction: …" with no link to the original it retracts


def _reverses(reinstatement: UpdateEvent, retraction: UpdateEvent) -> bool:
    # A reinstatement overrides a retraction (audit.md) only when the dates show it came
    # after; an undated one is shown but leaves the retraction in force (fail closed).
    return bool(reinstatement.date and retraction.date and reinstatement.date >= retraction.date)


def update_state(work: Work, events: tuple[UpdateEvent, ...]) -> UpdateState:
    own = [e for e in events if e.direction is not UpdateDirection.NOTICE_OF]
    retractions = [e for e in own if family(e.type) == RETRACTION]
    reinstated = [e for e in own if family(e.type) == REINSTATEMENT]
    in_force = [r for r in retractions if not any(_reverses(i, r) for i in reinstated)]
    reversing = [i for i in reinstated if any(_reverses(i, r) for r in retractions)]
    notices = [
        e
        for e in events
        if e.direction is UpdateDirection.NOTICE_OF and family(e.type) == RETRACTION
    ]
    return UpdateState(
        retractions=tuple(in_force),
        reinstatements=tuple(reversing),
        concerns=tuple(e for e in own if family(e.type) == CONCERN),
        corrections=tuple(e for e in own if family(e.type) == CORRECTION),
        notice_of=tuple(notices),
        retracted_by_title=not retractions and is_retracted_original_title(work.title),
        notice_by_title=not events and is_retraction_notice_title(work.title),
    )
