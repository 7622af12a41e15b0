"""Crossref's own reference-matcher tests, quoted once: the references and labels of
src/test/java/org/crossref/refmatching/ReferenceMatcherTest.java in
CrossRef/search-based-reference-matcher (the versions that read
structured-/unstructured-ref-response-{1,2}.json), for the four recorded answers
`works_query.bibliographic__*__crossref-sbmv-tests_2018.json`. Their sidecars predate this
file and hold no labels, so the labels are here. Used by the tests and by
bench/matching_eval.py; light, so the benchmark imports no test framework."""

from __future__ import annotations

from pathlib import Path

from claimcheck.checks.matching import Candidate
from claimcheck.model.claimmap import Reference
from claimcheck.model.location import Location
from claimcheck.sources.crossref.batching import list_items
from claimcheck.sources.crossref.records import parse_work

RECORDED = Path(__file__).parent / "data" / "crossref" / "recorded"
HERE = Location(1, 1)
CERMINE = "10.1007/s10032-015-0249-8"  # the work Crossref's own matcher tests must find
SBMV = "works_query.bibliographic__{}__crossref-sbmv-tests_2018.json"

STRUCTURED_MATCH = Reference(
    "S1", HERE, authors=("Tkaczyk",), volume="18", pages="317", year=2015, journal="IJDAR"
)
STRUCTURED_NOMATCH = Reference(
    "S2",
    HERE,
    authors=("Tkaczyk",),
    volume="93",
    year=2015,
    journal="Communications in Computer and Information",
)
UNSTRUCTURED_MATCH = Reference(
    "U1",
    HERE,
    cited_as="[1]D. Tkaczyk, P. Szostek, M. Fedoryszak, P. J. Dendek, and Bolikowski,“CERMINE: "
    "automatic extraction of structured metadata from scientific literature,” International "
    "Journal on Document Analysis and Recognition (IJDAR), vol. 18, no. 4, pp. 317–335, 2015.",
)
UNSTRUCTURED_NOISY = Reference(
    "U2",
    HERE,
    cited_as="P. Szostek, M. Fedoryszak, P. J. Dendek, and Ł. Bolikowski,“CERMINE: automatic "
    "extraction of structured metadata from scientific literature,” IJDAR, vol. 14, no. 40, "
    "pp. 310–335, 2016.",
)

# (recorded answer, the reference it was mocked for, the DOI the matcher must find or None)
LABELLED: tuple[tuple[str, Reference, str | None], ...] = (
    (SBMV.format("structured_ref_Tkaczyk_IJDAR"), STRUCTURED_MATCH, CERMINE),
    (SBMV.format("structured_ref_nomatch"), STRUCTURED_NOMATCH, None),
    (SBMV.format("unstructured_ref_CERMINE_match"), UNSTRUCTURED_MATCH, CERMINE),
    (SBMV.format("unstructured_ref_noisy_nomatch"), UNSTRUCTURED_NOISY, None),
)


def recorded_candidates(name: str) -> list[Candidate]:
    """Each item of a recorded list answer, parsed by the project's own parser, with its score."""
    items = list_items((RECORDED / name).read_bytes())
    return [Candidate(parse_work(item), float(item["score"])) for item in items.values()]
