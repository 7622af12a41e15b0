"""What the judging says of a DataCite DOI when DataCite's record was not read, and which of
its cited fields it says were compared when it was. Pure: the pipeline and the resolve model."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from claimcheck.checks.pipeline import judge
from claimcheck.inputs.claimmap import load_claim_map
from claimcheck.model.datacite import DataCiteLookup
from claimcheck.model.errors import ExitCode
from claimcheck.model.record import Lookup, LookupStatus
from claimcheck.model.resolution import Resolution
from claimcheck.model.results import AuditResult
from claimcheck.sources.datacite.records import parse_datacite
from tests.factories import FIXED_OPTIONS, write_map

DOI = "10.5061/dryad.judged"  # made up
AT_DATACITE = Lookup(DOI, LookupStatus.OTHER_AGENCY, agency="datacite")


def _judged(tmp_path: Path, fields: str, datacite: dict[str, DataCiteLookup]) -> AuditResult:
    body = (
        f"claimcheck: 1\nreferences:\n  R1: {{doi: '{DOI}'{fields}}}\n"
        "claims:\n  - {id: C1, text: a claim, cites: [R1]}\n"
    )
    claim_map = load_claim_map(write_map(tmp_path, body))
    return judge(claim_map, {DOI: AT_DATACITE}, {}, FIXED_OPTIONS, datacite=datacite)


def _found(**attributes: Any) -> DataCiteLookup:
    data = {"id": DOI, "type": "dois", "attributes": {"doi": DOI, **attributes}}
    record = parse_datacite(json.dumps({"data": data}).encode(), DOI)
    return DataCiteLookup(DOI, LookupStatus.FOUND, record=record)


def test_a_datacite_doi_judged_without_datacites_answer_is_unverified(tmp_path: Path) -> None:
    # A caller that gives no DataCite client (the library's run_audit, judge): the record
    # was not read, so the gate must not pass the reference as checked.
    result = _judged(tmp_path, ", title: Mouse data", {})
    (finding,) = result.maps[0].findings
    assert finding.code.value == "unverified"
    assert "its record could not be read: DataCite was not asked" in finding.message
    assert result.exit_code == ExitCode.INCOMPLETE


def test_resolve_without_datacites_answer_cannot_stand() -> None:
    resolution = Resolution(AT_DATACITE)
    assert resolution.datacite_problem is not None
    assert "could not be read" in resolution.datacite_problem
    assert resolution.exit_code == ExitCode.INCOMPLETE


def test_only_fields_both_sides_hold_are_said_to_be_compared(tmp_path: Path) -> None:
    cited = ", title: Mouse data, authors: [Smith A], year: 2019, journal: Nature"
    record = _found(titles=[{"title": "Mouse data"}], publicationYear=2019)
    (registered,) = _judged(tmp_path, cited, {DOI: record}).maps[0].findings
    assert "its cited title, year compared with DataCite's record" in registered.message
    assert registered.evidence["compared"] == ["title", "year"]


def test_a_record_holding_no_cited_field_says_nothing_was_compared(tmp_path: Path) -> None:
    cited = ", title: Mouse data, authors: [Smith A], year: 2019"
    findings = _judged(tmp_path, cited, {DOI: _found()}).maps[0].findings
    by_code = {finding.code.value: finding for finding in findings}
    assert sorted(by_code) == ["metadata-mismatch", "non-crossref-doi"]
    # No title and no author to compare: that the DOI is the cited work is not confirmed.
    assert by_code["metadata-mismatch"].evidence["compared"] is False
    registered = by_code["non-crossref-doi"]
    assert "holds none of the fields it cites, so nothing was compared" in registered.message
    assert "compared with DataCite's record" not in registered.message
    assert registered.evidence["compared"] == []
