"""Nothing to compare: a reference that cites no field, a record with no title or author."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claimcheck.checks.metadata import MetadataComparison, compare
from claimcheck.checks.metadata_findings import _cites_a_field, compared_findings, metadata_findings
from claimcheck.model.claimmap import Reference
from claimcheck.model.findings import Finding, FindingCode, Severity
from claimcheck.model.record import Author, Work
from tests.test_metadata import ref

# --- a reference that cites no field ---------------------------------------------------------

# Each field a reference can cite: absent, blank, or a value that may disagree with the record.
_CITED = {
    "title": st.sampled_from([None, "", "Another paper entirely"]),
    "cited_as": st.sampled_from([None, "", "Smith J. Another paper entirely. 2001"]),
    "authors": st.sampled_from([(), ("",), ("et al.",), ("Smith J",)]),
    "year": st.sampled_from([None, 0, 1990, 2001]),
    "journal": st.sampled_from([None, "", "Cancer Letters"]),
    "volume": st.sampled_from([None, "", "7"]),
    "issue": st.sampled_from([None, "", "3"]),
    "pages": st.sampled_from([None, "", "98-103"]),
}


@st.composite
def _sparse_references(draw: st.DrawFn) -> Reference:
    """A reference citing at most two fields: often none, often exactly one."""
    names = draw(st.sets(st.sampled_from(sorted(_CITED)), max_size=2))
    return ref(**{name: draw(_CITED[name]) for name in names})


def plain_metadata_findings(reference: Reference, work: Work) -> list[Finding]:
    """The definition: every reference compared field by field."""
    return compared_findings(reference, work)


# Records whose every field can disagree with what a sparse reference cites, or agree.
_records = st.builds(
    Work,
    doi=st.just("10.1/x"),
    title=st.sampled_from(["", "A study of things", "Another paper entirely"]),
    authors=st.sampled_from([(), (Author("Smith", "J"),), (Author("Jones", "K"),)]),
    year=st.sampled_from([None, 2001]),
    container_titles=st.sampled_from([(), ("Cancer Letters",), ("Nature",)]),
    volume=st.sampled_from([None, "7", "8"]),
    issue=st.sampled_from([None, "3", "4"]),
    page=st.sampled_from([None, "98-103", "12-20"]),
)


@given(_sparse_references(), _records)
def test_a_reference_citing_no_field_is_not_compared_and_gets_what_comparing_finds(
    reference: Reference, work: Work
) -> None:
    if not _cites_a_field(reference):
        assert compare(reference, work) == MetadataComparison((), None, None, None)
    assert metadata_findings(reference, work) == plain_metadata_findings(reference, work)


# --- a record with nothing to compare ------------------------------------------------------


@pytest.mark.parametrize(
    "cited",
    [
        {"title": "A study of things"},
        {"cited_as": "Smith J. A study of things. Cancer Letters. 2001;7:98-103."},
        {"authors": ("Smith J",), "year": 2001},
    ],
)
def test_a_record_with_no_title_and_no_authors_leaves_the_doi_unconfirmed(
    cited: dict[str, Any],
) -> None:
    # A DOI mistyped into a sparse record (no title, no author) must not pass as the work
    # the reference names: nothing that identifies a work could be compared.
    bare = Work(doi="10.1/x", year=2001, container_titles=("Cancer Letters",))
    (finding,) = metadata_findings(ref(**cited), bare)
    assert finding.code is FindingCode.METADATA_MISMATCH
    assert finding.severity is Severity.WARNING
    assert "is not confirmed" in finding.message
    assert finding.evidence["compared"] is False


def test_a_record_with_a_title_or_an_author_is_compared_as_before() -> None:
    titled = Work(doi="10.1/x", title="A study of things")
    assert metadata_findings(ref(title="A study of things"), titled) == []
    authored = Work(doi="10.1/x", authors=(Author("Smith", "J"),))
    assert metadata_findings(ref(title="A study of things", authors=("Smith J",)), authored) == []
    # A reference citing only its journal and year names no work to confirm.
    assert metadata_findings(ref(journal="Cancer Letters", year=2001), Work(doi="10.1/x")) == []
