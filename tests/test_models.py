"""The model's own helpers."""

from __future__ import annotations

from dataclasses import fields, replace

import pytest

from claimcheck.model.events import retracted_as
from claimcheck.model.findings import Finding, FindingCode, Severity
from claimcheck.model.location import Location


def test_in_file_is_replace_of_file_and_keeps_every_other_field() -> None:
    # Every field gets a value other than its default, so a field that in_file() forgot
    # would come back as its default and differ.
    finding = Finding(
        FindingCode.RETRACTED,
        Severity.ERROR,
        "R1 was retracted",
        reference="R1",
        claim="C1",
        evidence={"notice": "10.5555/n"},
        location=Location(3, 5),
        file="old.yaml",
    )
    defaults = Finding(FindingCode.DOI_MISSING, Severity.INFO, "")
    for f in fields(Finding):
        assert getattr(finding, f.name) != getattr(defaults, f.name), f.name
    assert finding.in_file("map.yaml") == replace(finding, file="map.yaml")


def test_scoped_is_replace_of_severity_and_claim_and_keeps_every_other_field() -> None:
    finding = Finding(
        FindingCode.RETRACTED,
        Severity.ERROR,
        "R1 was retracted",
        reference="R1",
        claim="C1",
        evidence={"notice": "10.5555/n"},
        location=Location(3, 5),
        file="old.yaml",
    )
    # A field that scoped() forgot would come back as its default, which differs (above).
    for severity, claim in [(Severity.INFO, "C2"), (Severity.WARNING, None)]:
        assert finding.scoped(severity, claim) == replace(finding, severity=severity, claim=claim)


@pytest.mark.parametrize(
    ("types", "said"),
    [
        (["withdrawal"], "withdrawn"),
        (["removal"], "removed"),
        (["partial_retraction", "partial_retraction"], "partially retracted"),
        (["retraction"], "retracted"),
        # Two retractions worded differently: the word every type shares, "retracted".
        (["partial_retraction", "retraction"], "retracted"),
        (["withdrawal", "removal"], "retracted"),
        (["retraction_and_replacement"], "retracted"),  # a variant of the kind
    ],
)
def test_a_retraction_is_worded_by_its_types(types: list[str], said: str) -> None:
    assert retracted_as(types) == said
