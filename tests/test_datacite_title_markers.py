"""What DataCite's own title says of the work: a retraction marker, a notice's title, or nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from claimcheck.checks.pipeline import judge
from claimcheck.inputs.claimmap import load_claim_map
from claimcheck.model.datacite import DataCiteLookup
from claimcheck.model.events import Verdict
from claimcheck.model.findings import Finding, Severity
from claimcheck.model.record import Lookup, LookupStatus, Work
from claimcheck.model.results import AuditResult, ClaimStatus
from claimcheck.sources.datacite.records import parse_datacite
from tests.factories import FIXED_OPTIONS, judge_works, write_map

MARKED = "10.5061/dryad.marked"  # made up: DataCite has no record under this DOI
MARKED_TITLE = "Data from: Mesenchymal stem cells promote tumour growth in mice"


def judged_at_datacite(tmp_path: Path, title: str, role: str = "supports") -> AuditResult:
    """The pipeline over one reference whose DOI Crossref names as DataCite's, with DataCite's
    record titled `title`, cited by its unmarked title and matching authors and year."""
    data = {
        "id": MARKED,
        "type": "dois",
        "attributes": {
            "doi": MARKED,
            "titles": [{"title": title}],
            "creators": [{"name": "Smith, Alice", "givenName": "Alice", "familyName": "Smith"}],
            "publicationYear": 2019,
            "publisher": "Dryad",
        },
    }
    record = parse_datacite(json.dumps({"data": data}).encode(), MARKED)
    body = (
        "claimcheck: 1\nreferences:\n"
        f"  R1: {{doi: '{MARKED}', title: '{MARKED_TITLE}', authors: [Smith A], year: 2019}}\n"
        f"claims:\n  - {{id: C1, text: a claim, cites: [{{ref: R1, role: {role}}}]}}\n"
    )
    claim_map = load_claim_map(write_map(tmp_path, body))
    lookups = {MARKED: Lookup(MARKED, LookupStatus.OTHER_AGENCY, agency="datacite")}
    datacite = {MARKED: DataCiteLookup(MARKED, LookupStatus.FOUND, record=record)}
    return judge(claim_map, lookups, {}, FIXED_OPTIONS, datacite=datacite)


def by_code(result: AuditResult) -> dict[str, list[Finding]]:
    found: dict[str, list[Finding]] = {}
    for finding in result.maps[0].findings:
        found.setdefault(finding.code.value, []).append(finding)
    return found


@pytest.mark.parametrize(
    "marker", ["RETRACTED: ", "Retracted: ", "[Retracted] ", "RETRACTED ARTICLE: ", "WITHDRAWN: "]
)
def test_a_datacite_title_marked_retracted_is_retracted_by_that_title(
    tmp_path: Path, marker: str
) -> None:
    # DataCite has no retraction field: its record's own title marker is the one sign it can
    # carry, and Crossref's rule reads it, so the citation fails as a marked Crossref work's.
    result = judged_at_datacite(tmp_path, marker + MARKED_TITLE)
    found = by_code(result)
    (retracted,) = found["retracted"]
    assert (retracted.severity, retracted.claim) == (Severity.ERROR, "C1")
    assert retracted.evidence == {
        "basis": "title marker of DataCite's record; no notice registered",
        "sources": ["title"],
        "notices": [],
    }
    assert retracted.message == (
        "R1 is marked retracted by the title of DataCite's record; DataCite has no retraction "
        "field, so no notice could be looked for"
    )
    # Still a DataCite DOI, compared with DataCite's record: the cited title is the marked
    # title without its marker, so it agrees.
    (registered,) = found["non-crossref-doi"]
    assert registered.severity is Severity.INFO
    assert "not checked beyond a marker in its title" in registered.message
    assert "metadata-mismatch" not in found
    assert "doi-mismatch" not in found
    (claim,) = result.maps[0].claims
    assert claim.status is ClaimStatus.UNSUPPORTED
    (reference,) = result.maps[0].references
    assert reference.editorial is not None
    assert reference.editorial.verdict is Verdict.RETRACTED
    assert result.exit_code == 1


def test_a_marked_datacite_title_is_information_under_discusses(tmp_path: Path) -> None:
    found = by_code(judged_at_datacite(tmp_path, "RETRACTED: " + MARKED_TITLE, "discusses"))
    (retracted,) = found["retracted"]
    assert retracted.severity is Severity.INFO


def test_the_finding_has_the_shape_of_a_crossref_title_only_retraction(tmp_path: Path) -> None:
    title = "RETRACTED: " + MARKED_TITLE
    (at_datacite,) = by_code(judged_at_datacite(tmp_path, title))["retracted"]
    claim_map = load_claim_map(
        write_map(
            tmp_path,
            f"claimcheck: 1\nreferences:\n  R1: {{doi: '{MARKED}'}}\n"
            "claims:\n  - {id: C1, text: a claim, cites: [R1]}\n",
            "crossref.yaml",
        )
    )
    (at_crossref,) = by_code(judge_works(claim_map, Work(doi=MARKED, title=title)))["retracted"]
    assert (at_datacite.code, at_datacite.severity) == (at_crossref.code, at_crossref.severity)
    assert at_datacite.evidence.keys() == at_crossref.evidence.keys()
    assert at_crossref.evidence["basis"] == "title marker; no notice registered"


@pytest.mark.parametrize(
    "title", ["Retraction: " + MARKED_TITLE, "Retraction Note: " + MARKED_TITLE]
)
def test_a_datacite_title_reading_as_a_notice_is_what_crossrefs_rule_makes_it(
    tmp_path: Path, title: str
) -> None:
    # A notice title that names no work it updates: a warning that it may be a notice, as
    # for a Crossref record, never `retracted`.
    result = judged_at_datacite(tmp_path, title)
    found = by_code(result)
    assert "retracted" not in found
    (notice,) = found["cites-retraction-notice"]
    assert (notice.severity, notice.claim) == (Severity.WARNING, "C1")
    assert notice.evidence["basis"] == "title marker of DataCite's record"
    assert notice.message.startswith(
        "the title of DataCite's record of R1 reads as a retraction notice, but DataCite's "
        "record links it to no work it updates"
    )
    (reference,) = result.maps[0].references
    assert reference.editorial is not None
    assert reference.editorial.verdict is Verdict.RETRACTION_NOTICE


@pytest.mark.parametrize("title", [MARKED_TITLE, "Retracted publications in Indian science"])
def test_an_unmarked_datacite_title_decides_nothing(tmp_path: Path, title: str) -> None:
    # No marker, no retraction field: the status is unknown, not clean, so no editorial
    # status is given (the JSON `verdict` stays null).
    result = judged_at_datacite(tmp_path, title)
    assert "retracted" not in by_code(result)
    (reference,) = result.maps[0].references
    assert reference.editorial is None
