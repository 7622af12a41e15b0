"""The findings the metadata comparison (metadata.py) gives one reference: one
`doi-mismatch` when title and authors both disagree and the cited journal, volume, first
page and year do not all agree, one `metadata-mismatch` listing every field that disagrees,
or saying that nothing identifying could be compared. Pure."""

from __future__ import annotations

from typing import Any

from claimcheck.checks.lookups import reference_finding
from claimcheck.checks.metadata import (
    FIELD_LABELS,
    FieldMismatch,
    MetadataComparison,
    author_keys,
    author_label,
    cited_names,
    compare,
)
from claimcheck.checks.title_agreement import registry_title
from claimcheck.model.claimmap import Reference
from claimcheck.model.findings import Finding, FindingCode
from claimcheck.model.record import Work
from claimcheck.model.text import strip_markup


def _field_evidence(mismatch: FieldMismatch) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "field": mismatch.field,
        "cited": mismatch.cited,
        "registry": mismatch.registry,
    }
    if mismatch.score is not None:
        entry["score"] = round(mismatch.score, 3)
    return entry


def _describe(mismatch: FieldMismatch) -> str:
    label = FIELD_LABELS.get(mismatch.field, mismatch.field)
    if mismatch.field == "title":
        text = f'{label} cited "{mismatch.cited}", registry "{mismatch.registry}"'
    else:
        text = f"{label} cited {mismatch.cited}, registry {mismatch.registry}"
    return text if mismatch.score is None else f"{text} (similarity {mismatch.score})"


def _doi_mismatch(reference: Reference, work: Work, comparison: MetadataComparison) -> Finding:
    by = ""
    if work.authors:
        by = f" by {author_label(work.authors[0])}" + (" et al." if len(work.authors) > 1 else "")
    year = f" ({work.year})" if work.year is not None else ""
    message = (
        f"{reference.id}: DOI {(reference.doi or work.doi).lower()} resolves to a different "
        f'work: "{registry_title(work)}"{by}{year}'
    )
    evidence = {
        "title_similarity": comparison.title_similarity,
        "cited_title": reference.title or reference.cited_as or "",
        "registry_title": registry_title(work),
        "fields": [_field_evidence(m) for m in comparison.mismatches],
    }
    return reference_finding(FindingCode.DOI_MISMATCH, reference, message, evidence)


def _cites_a_field(r: Reference) -> bool:
    """Whether `compare` has a cited field to read: most references give their DOI alone."""
    text = r.title or r.cited_as or r.journal or r.volume or r.issue or r.pages
    return bool(text or r.authors) or r.year is not None


def metadata_findings(reference: Reference, work: Work) -> list[Finding]:
    """One `doi-mismatch` when title and authors both disagree (unless the cited locator
    agrees, `compared_findings`), else one `metadata-mismatch` listing every field that
    disagrees, else nothing."""
    if not _cites_a_field(reference):
        # What comparing would find: no field cited, none disagrees
        # (test_metadata_nothing_to_compare).
        return []
    return compared_findings(reference, work)


def compared_findings(reference: Reference, work: Work) -> list[Finding]:
    """`metadata_findings` by its definition: every field compared, with no shortcut."""
    comparison = compare(reference, work)
    # title_agrees is the best of every registry title (translated ones too, see
    # title_agreement.registry_title_forms): a reference citing any of them cites this work.
    identity_disagrees = comparison.title_agrees is False and comparison.authors_agree is False
    # A journal, volume, first page and year that all agree are where the DOI's work is
    # printed: another work does not sit there. A Russian-only record cited as NLM asks (its
    # title translated in brackets, its authors romanised) disagrees on title and names, and
    # so does a record whose single author's name is cited in another form; neither is a
    # DOI for a different work.
    if identity_disagrees and not comparison.locator_agrees:
        return [_doi_mismatch(reference, work, comparison)]
    if _identity_unchecked(reference, work):
        return [_unconfirmed(reference, work)]
    if not comparison.mismatches:
        return []
    message = f"{reference.id}: " + "; ".join(map(_describe, comparison.mismatches))
    evidence: dict[str, Any] = {"fields": [_field_evidence(m) for m in comparison.mismatches]}
    if identity_disagrees:
        message += f" ({LOCATOR_AGREES})"
        evidence["locator_agrees"] = True
    return [reference_finding(FindingCode.METADATA_MISMATCH, reference, message, evidence)]


LOCATOR_AGREES = (
    "journal, volume, pages and year agree, so the title and names may differ by translation "
    "or romanisation rather than name another work"
)


def _identity_unchecked(reference: Reference, work: Work) -> bool:
    """Whether the reference cites what identifies a work (a title, a printed form, authors)
    and the record holds neither a title nor an author to compare it with: a DOI mistyped
    into a sparse record (a component, a bare deposit) would otherwise pass as verified."""
    cites_identity = bool(reference.title or reference.cited_as or cited_names(reference))
    has_title = any(strip_markup(title).strip() for title in work.titles)
    return cites_identity and not has_title and not any(map(author_keys, work.authors))


def _unconfirmed(reference: Reference, work: Work) -> Finding:
    message = (
        f"{reference.id}: the registry's record of {work.doi} has no title and no authors, so "
        "the cited title and authors could not be compared: that this DOI is the cited work "
        "is not confirmed"
    )
    cited = reference.title or reference.cited_as or ""
    fields = [{"field": "title", "cited": cited, "registry": None}] if cited else []
    names = cited_names(reference)
    fields += [{"field": "first_author", "cited": names[0], "registry": None}] if names else []
    evidence = {"fields": fields, "compared": False}
    return reference_finding(FindingCode.METADATA_MISMATCH, reference, message, evidence)
