"""A reference that prints no DOI, matched to a Crossref work: the query, and the validation
of the candidates Crossref's search answers with. Pure: no I/O.

This is Crossref's search-based matching with validation (SBMV): search `query.bibliographic`
alone, keep the candidates whose relevance is high for the query's length, compare each with
the reference field by field, and accept the best only above a similarity threshold. Crossref
measured F1 96.3% at precision 98.1% on real printed references
(https://www.crossref.org/blog/reference-matching-for-real-this-time/) and F1 0.966 on
structured ones (https://www.crossref.org/blog/what-if-i-told-you-that-bibliographic-references-can-be-structured/).
Thresholds and rules are those of its reference implementation (MatchRequest.java and
Candidate.java, https://github.com/CrossRef/search-based-reference-matcher; the Python
matching/cr_search_validation_matcher.py, https://github.com/CrossRef/reference-matching-evaluation).

The similarity is SBMV's generalised Jaccard over per-field (weight, score) pairs, but computed
on claimcheck's own comparisons (`metadata.compare`, `journals_agree`, surname keys): close to
SBMV's scale, not identical, so bench/matching_eval.py measures the thresholds again on
recorded answers. Nothing is asserted silently: each candidate carries which fields agreed and
which disagreed, and `why` says it in a sentence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from claimcheck.checks.candidate_notices import notices_among
from claimcheck.checks.metadata import YEAR_TOLERANCE, compare, nearest_year
from claimcheck.checks.pages import parse_pages
from claimcheck.checks.printed_refs import Parts, printed_agreement
from claimcheck.checks.titles import is_notice, marks_an_update, prints_a_notice, prints_an_update
from claimcheck.model.claimmap import Reference
from claimcheck.model.matching import Agreement, MatchOutcome, MatchStatus, ScoredCandidate
from claimcheck.model.record import Candidate, Work  # Candidate: a list item and its score
from claimcheck.model.text import (
    fold,
    is_et_al,
    parse_cited_name,
    strip_markup,
)

__all__ = [
    "Agreement",
    "Candidate",
    "MatchOutcome",
    "MatchStatus",
    "ScoredCandidate",
    "bibliographic_query",
    "is_structured",
    "rows_for",
    "validate",
]

# MatchRequest.java defaults. Rows: 20 for a printed reference, 100 for a structured one (a
# fielded query ranks the right work lower). A candidate is kept while score / len(query) >= 0.4
# (the relevance score grows with the query's length). It validates at >= 0.34 printed, 0.76
# structured.
UNSTRUCTURED_ROWS = 20
STRUCTURED_ROWS = 100
MIN_NORMALISED_SCORE = 0.4
UNSTRUCTURED_ACCEPT = 0.34
STRUCTURED_ACCEPT = 0.76
# Confident is claimcheck's own, stricter level, and needs no cited field to disagree
# (`_not_confident`). Structured: three fields agreeing with the year one off score 2.5/3 =
# 0.83 (the smallest reference that can be confident), three agreeing beside one the record
# lacks (weight 0.5, score 0) 3/3.5 = 0.86; 0.80 keeps both. Printed: each number the record
# cannot explain weighs 1 against it (SBMV), so 0.75 allows one stray number in a short
# reference (4/5) but not two (4/6).
STRUCTURED_CONFIDENT = 0.80
UNSTRUCTURED_CONFIDENT = 0.75
# Two validating candidates this close (a preprint and its article, a duplicate deposit) are
# not told apart: ambiguous, never a coin toss.
AMBIGUITY_MARGIN = 0.05
# SBMV's similarity is 0 unless at least three fields support the candidate (Candidate.java).
MIN_SUPPORT = 3
# Too little to search: a title under 10 folded characters ("Editorial") or a printed
# reference under 25 ("Smith 2010, p. 4") fits thousands of works equally well.
MIN_TITLE_CHARS = 10
MIN_CITED_AS_CHARS = 25
MAX_QUERY_CHARS = 500  # far under the ~4 KB URL some proxies cut (batching.MAX_URL_LENGTH)

_LOCATORS = ("year", "volume", "pages")  # two contradicting ones veto a candidate


# --- the query -------------------------------------------------------------------------------


def _families(reference: Reference) -> list[str]:
    names = [n for n in reference.authors if n.strip() and not is_et_al(n)]
    return [parse_cited_name(n)[0] or n.strip() for n in names]


def _field_query(reference: Reference) -> str | None:
    """The cited fields as one query, or None when they are too few. Enough is a title of at
    least MIN_TITLE_CHARS, or, with no title, an author and a journal with two of year,
    volume and pages: the shape of SBMV's structured references ("NISHINA K., Nucl. Sci.
    Eng., 39, 1970, 170" in its README)."""
    title = strip_markup(reference.title or "")
    families = [f for f in _families(reference) if f]
    numbers = [reference.year, reference.volume, reference.pages]
    locator = bool(families and (reference.journal or "").strip())
    locator = locator and sum(1 for n in numbers if n not in (None, "")) >= 2
    if len(fold(title)) < MIN_TITLE_CHARS and not locator:
        return None
    issue = f"({reference.issue})" if reference.issue else ""
    parts = [
        ", ".join(families),
        f"({reference.year})" if reference.year is not None else "",
        title,
        reference.journal or "",
        f"{reference.volume or ''}{issue}",
        reference.pages or "",
    ]
    return " ".join(" ".join(p.split()) for p in parts if p.strip())


def _cited_as_query(reference: Reference) -> str | None:
    text = " ".join((reference.cited_as or "").split())
    return text if len(fold(text)) >= MIN_CITED_AS_CHARS else None


def _truncate(text: str) -> str:
    if len(text) <= MAX_QUERY_CHARS:
        return text
    cut = text[:MAX_QUERY_CHARS]
    return cut.rsplit(" ", 1)[0] if " " in cut else cut


def is_structured(reference: Reference) -> bool:
    """True when the cited fields are enough to search and to validate field by field; False
    when only the printed reference (`cited_as`) is, or nothing is."""
    return _field_query(reference) is not None


def rows_for(reference: Reference) -> int:
    return STRUCTURED_ROWS if is_structured(reference) else UNSTRUCTURED_ROWS


def bibliographic_query(reference: Reference) -> str | None:
    """The `query.bibliographic` text: the cited fields when they are enough (`_field_query`),
    else the printed reference when it has at least MIN_CITED_AS_CHARS folded characters,
    else None (too little to search). Crossref advises `query.bibliographic` alone, with no
    filters, for matching references (SBMV's CandidateSelector sends only it and `rows`)."""
    query = _field_query(reference) or _cited_as_query(reference)
    return _truncate(query) if query else None


# --- structured validation -------------------------------------------------------------------


def _year(cited: int | None, work: Work, parts: Parts) -> bool | None:
    """Exact 1, one year off 0.5 (SBMV), else 0; a year the registry lacks weighs 0.5. The
    record's year nearest the cited one counts: an online-first year or the issue's."""
    if cited is None:
        return None
    registry = nearest_year(cited, work)
    if registry is None:
        parts.append((0.5, 0.0))
        return None
    off = abs(cited - registry)
    parts.append((1.0, 1.0 if off == 0 else 0.5 if off <= YEAR_TOLERANCE else 0.0))
    return off <= YEAR_TOLERANCE


def _flag(cited: bool, comparable: bool, wrong: bool, parts: Parts | None) -> bool | None:
    """A cited field: scored 1 or 0 when comparable, else weight 0.5 at 0 (SBMV's weight for a
    field the candidate lacks); `parts` None for a field reported but not scored."""
    if not cited:
        return None
    if not comparable:
        if parts is not None:
            parts.append((0.5, 0.0))
        return None
    if parts is not None:
        parts.append((1.0, 0.0 if wrong else 1.0))
    return not wrong


def _cited_count(reference: Reference) -> int:
    """How many scored fields a structured reference cites (the issue is not scored)."""
    cited = [
        bool(reference.title or reference.cited_as),
        bool(_families(reference)),
        reference.year is not None,
        bool(fold(reference.journal or "")),
        bool(fold(reference.volume or "")),
        bool(reference.pages and parse_pages(reference.pages)),
    ]
    return sum(cited)


def _structured(reference: Reference, work: Work) -> tuple[Agreement, Parts]:
    comparison = compare(reference, work)
    wrong = {m.field for m in comparison.mismatches}
    parts: Parts = []
    title_cited = bool(reference.title or reference.cited_as)
    if title_cited:  # a candidate with no title scores 0 at full weight (SBMV)
        parts.append((1.0, comparison.title_similarity or 0.0))
    authors_cited = bool(_families(reference))
    if authors_cited:
        parts.append((1.0, 1.0 if comparison.authors_agree else 0.0))
    registry_journals = [*work.container_titles, *work.short_container_titles]
    cited_pages = parse_pages(reference.pages) if reference.pages else None
    registry_pages = work.page or work.article_number
    agreement = Agreement(
        title_similarity=comparison.title_similarity,
        title=comparison.title_agrees if title_cited else None,
        authors=comparison.authors_agree if authors_cited else None,
        first_author=False if "first_author" in wrong else None,
        year=_year(reference.year, work, parts),
        journal=_flag(bool(fold(reference.journal or "")), bool(registry_journals),
                      "journal" in wrong, parts),
        volume=_flag(bool(fold(reference.volume or "")), bool(fold(work.volume or "")),
                     "volume" in wrong, parts),
        # SBMV's structured similarity leaves the issue out: it is reported, not scored.
        issue=_flag(bool(fold(reference.issue or "")), bool(fold(work.issue or "")),
                    "issue" in wrong, None),
        pages=_flag(cited_pages is not None,
                    bool(registry_pages and parse_pages(registry_pages)),
                    bool({"page", "pages"} & wrong), parts),
    )  # fmt: skip
    return agreement, parts


# --- the decision ----------------------------------------------------------------------------


def _jaccard(parts: Parts) -> float:
    # Each part is (the candidate's weight, the reference's score <= weight): min/max sums.
    total = sum(weight for weight, _ in parts)
    return sum(min(weight, score) for weight, score in parts) / total if total else 0.0


def _rejected(agreement: Agreement, need: int, work: Work, chapter: bool) -> str | None:
    """SBMV's vetoes, which set the similarity to 0 (Candidate.java); `chapter`: whether the
    reference cites what identifies a book chapter (SBMV: the first page; here also a title)."""
    if work.type == "journal-issue":
        return "a journal-issue record is never the cited work"
    if work.type == "book-chapter" and not chapter:
        return "a book chapter is identified by its title or pages, and neither is cited"
    agreed = set(agreement.fields(True)) - {"issue"}
    if not agreed & {"title", "authors", "journal"}:
        return "neither title, author nor journal agrees"
    if len(agreed) < need:
        return f"only {len(agreed)} cited field(s) agree, {need} needed"
    contradicting = [f for f in _LOCATORS if getattr(agreement, f) is False]
    if len(contradicting) >= 2:
        return f"{' and '.join(contradicting)} contradict the record"
    return None


def _notice_mismatch(reference: Reference, work: Work, notices: frozenset[str]) -> str | None:
    """Why the record cannot be the cited work when one is a notice and the other is not.
    A notice is titled after its original ("Retraction Note: <title>", same authors and
    journal, a year later), so the title alone scores ~0.9 and would pick the notice over the
    retracted work a reference cites: the `retracted` error would become a warning.
    `notices`: the candidates the others show to be notices though their titles only carry
    a retracted work's marker ("[Retracted] <title>", checks/candidate_notices.py); such a
    record stays a candidate only for a reference whose own title carries a marker."""
    cited = reference.title or ""
    printed = reference.cited_as or ""
    cites_notice = is_notice(cited) if cited else prints_a_notice(printed)
    record_notice = any(is_notice(title) for title in work.titles)  # translated ones too
    if record_notice and not cites_notice:
        return "the record is a notice, and the reference cites no notice's title"
    if cites_notice and not record_notice and work.doi not in notices:
        return "the reference cites a notice's title, and the record is no notice"
    if work.doi in notices and not (marks_an_update(cited) if cited else prints_an_update(printed)):
        return "the record is the notice of another work, and the reference cites no notice"
    return None


def _score(
    reference: Reference,
    candidate: Candidate,
    query: str,
    structured: bool,
    notices: frozenset[str],
) -> ScoredCandidate:
    work = candidate.work
    agreement, parts = (_structured if structured else printed_agreement)(reference, work)
    # SBMV needs three supporting fields. A reference citing two can support at most two (it
    # may validate, never be confident); one cited field is never evidence enough.
    need = max(2, min(MIN_SUPPORT, _cited_count(reference))) if structured else MIN_SUPPORT
    chapter = not structured or bool(reference.title or reference.cited_as or reference.pages)
    rejected = _notice_mismatch(reference, work, notices)
    if rejected:  # its title is another work's, whatever its similarity
        agreement = replace(agreement, title=False)
    rejected = rejected or _rejected(agreement, need, work, chapter)
    similarity = 0.0 if rejected else round(_jaccard(parts), 3)
    accept = STRUCTURED_ACCEPT if structured else UNSTRUCTURED_ACCEPT
    return ScoredCandidate(
        doi=work.doi,
        label=work.short_label(),
        score=candidate.score,
        normalised_score=round(candidate.score / max(len(query), 1), 3),
        similarity=similarity,
        validates=rejected is None and similarity >= accept,
        agreement=agreement,
        rejected=rejected,
    )


def _name(candidate: ScoredCandidate) -> str:
    label = f" ({candidate.label})" if candidate.label != candidate.doi else ""
    return candidate.doi + label


def _fields_text(best: ScoredCandidate) -> str:
    agreed = ", ".join(best.agreement.fields(True)) or "nothing"
    disagreed = ", ".join(best.agreement.fields(False)) or "nothing"
    return f"agrees on {agreed}; disagrees on {disagreed}"


def _not_confident(best: ScoredCandidate, structured: bool, cited: int) -> str | None:
    """Why the validated best is not confident, or None when it is."""
    a = best.agreement
    threshold = STRUCTURED_CONFIDENT if structured else UNSTRUCTURED_CONFIDENT
    # With no title cited, journal, volume and first page together identify an article (the
    # OpenURL query of Crossref's legacy matcher, matching/openurl_query_matcher.py in
    # reference-matching-evaluation); otherwise the title must agree.
    identified = a.title is True or (a.title is None and a.journal and a.volume and a.pages)
    if best.similarity < threshold:
        return f"similarity {best.similarity} is under the confident {threshold}"
    if not identified:
        return "the title does not agree"
    if a.authors is not True:
        return "no author surname agrees"
    if a.fields(False):
        return f"{', '.join(a.fields(False))} disagree"
    if structured and cited < MIN_SUPPORT:
        return f"only {cited} fields are cited"
    return None


def _decide(ranked: list[ScoredCandidate], reference: Reference, structured: bool) -> MatchOutcome:
    best = ranked[0]
    valid = [c for c in ranked if c.validates]
    kind = "structured" if structured else "printed"
    accept = STRUCTURED_ACCEPT if structured else UNSTRUCTURED_ACCEPT
    if not valid:
        why = f"scores {best.similarity}, under {accept} ({kind})"
        why = f"is rejected: {best.rejected}" if best.rejected else why
        text = f"No candidate validates. The closest, {_name(best)}, {why}; "
        return MatchOutcome(MatchStatus.NONE, text + _fields_text(best) + ".")
    best = valid[0]
    if len(valid) > 1 and best.similarity - valid[1].similarity <= AMBIGUITY_MARGIN:
        text = (
            f"Two candidates validate within {AMBIGUITY_MARGIN}: {best.doi} ({best.similarity}) "
            f"and {valid[1].doi} ({valid[1].similarity}); neither is chosen."
        )
        return MatchOutcome(MatchStatus.AMBIGUOUS, text)
    cited = _cited_count(reference) if structured else MIN_SUPPORT
    weak = _not_confident(best, structured, cited)
    head = f"{_name(best)} validates at {best.similarity} >= {accept} ({kind})"
    if weak is None:
        return MatchOutcome(MatchStatus.CONFIDENT, f"{head}; {_fields_text(best)}.", best)
    text = f"{head} but is only weak: {weak}; {_fields_text(best)}."
    return MatchOutcome(MatchStatus.WEAK, text, best)


def validate(reference: Reference, candidates: Sequence[Candidate]) -> MatchOutcome:
    """Validate Crossref's candidates for a reference that prints no DOI (module docstring)."""
    query = bibliographic_query(reference)
    structured = is_structured(reference)
    if reference.doi:
        why = "The reference prints a DOI; matching is only for references without one."
        return MatchOutcome(MatchStatus.NOT_SEARCHED, why, structured=structured)
    if query is None:
        why = (
            f"Too little is cited to search: no title of {MIN_TITLE_CHARS}+ characters, no "
            f"author and journal with two of year, volume and pages, and no printed reference "
            f"of {MIN_CITED_AS_CHARS}+ characters."
        )
        return MatchOutcome(MatchStatus.NOT_SEARCHED, why, structured=structured)
    unique: dict[str, Candidate] = {}
    for c in candidates:  # one entry per DOI, at its highest score
        if c.work.doi not in unique or c.score > unique[c.work.doi].score:
            unique[c.work.doi] = c
    kept = [c for c in unique.values() if c.score / len(query) >= MIN_NORMALISED_SCORE]
    dropped = len(unique) - len(kept)
    notices = notices_among(c.work for c in unique.values())
    scored = [_score(reference, c, query, structured, notices) for c in kept]
    ranked = sorted(scored, key=lambda s: (not s.validates, -s.similarity, -s.score, s.doi))
    if not ranked:
        why = f"No candidate reaches a relevance of {MIN_NORMALISED_SCORE} per query character"
        why = f"{why} ({dropped} dropped)." if unique else "Crossref returned no candidates."
        return MatchOutcome(MatchStatus.NONE, why, None, (), query, structured, dropped)
    outcome = _decide(ranked, reference, structured)
    return MatchOutcome(
        outcome.status, outcome.why, outcome.best, tuple(ranked), query, structured, dropped
    )
