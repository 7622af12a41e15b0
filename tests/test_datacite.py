"""DataCite's recorded `/dois/{doi}` answers parsed, malformed ones refused, the data checked.

tests/data/datacite/recorded holds real DataCite answers copied byte for byte from a public
project's cassettes; reconstructed/ holds what none covers, built from DataCite's documents.
Each sidecar says which.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from claimcheck.checks.metadata_findings import metadata_findings
from claimcheck.model.claimmap import Reference
from claimcheck.model.datacite import DataCiteDate, DataCiteRelation
from claimcheck.model.doi import doi_filename
from claimcheck.model.findings import FindingCode
from claimcheck.model.location import Location
from claimcheck.model.record import Author
from claimcheck.sources.datacite.client import DEFAULT_DATACITE_URL
from claimcheck.sources.datacite.records import MalformedRecord, parse_datacite

DATA = Path(__file__).parent / "data" / "datacite"
RECORDED = DATA / "recorded"
RECONSTRUCTED = DATA / "reconstructed"
ZENODO = "10.5281/zenodo.48440"
ARXIV = "10.48550/arxiv.2311.16162"
FIGSHARE = "10.6084/m9.figshare.1449060"
SUPERSEDED = "10.5072/claimcheck.superseded-example"  # reconstructed
MISSING = "10.5061/dryad.not-there"
MAILTO = "editor@example.org"


def body_of(doi: str) -> bytes:
    where = RECONSTRUCTED if doi == SUPERSEDED else RECORDED
    return (where / f"{doi_filename(doi)}.json").read_bytes()


NOT_FOUND_BODY = (RECONSTRUCTED / "not_found.json").read_bytes()


# --- parsing the recorded answers --------------------------------------------------------------


def test_zenodo_software_record() -> None:
    record = parse_datacite(body_of(ZENODO), ZENODO)
    work = record.work
    assert parse_datacite(body_of(ZENODO), f" {ZENODO.upper()} ").work == work  # any case
    assert work.title == "Analysis Tools for Crossover Experiment of UI using Choice Architecture"
    assert work.subtitle == ""
    assert work.authors == (Author(family="Garza", given="Kristian"),)
    assert (work.year, work.publisher, work.type) == (2016, "Zenodo", "software")
    assert work.container_titles == ()  # `"container":{}`
    assert record.relations == ()  # its one relation is IsSupplementTo, not a succession
    assert record.withdrawn == ()
    assert record.state == "findable"


def test_arxiv_preprint_record() -> None:
    work = parse_datacite(body_of(ARXIV), ARXIV).work
    assert work.title == (
        "Leveraging Artificial Intelligence Technology for Mapping Research to Sustainable "
        "Development Goals: A Case Study"
    )
    assert [a.family for a in work.authors] == [
        "Yin", "Aryani", "Lambert", "White", "Salvador-Carulla",
        "Sadiq", "Sojli", "Boddy", "Murray", "Tham",
    ]  # fmt: skip
    assert work.authors[-1] == Author(family="Tham", given="Wing Wah")
    assert (work.year, work.publisher, work.type) == (2023, "arXiv", "preprint")


def test_figshare_dataset_record() -> None:
    work = parse_datacite(body_of(FIGSHARE), FIGSHARE).work
    assert work.title == (
        "Drosophila melanogaster wing images from low and high altitude populations in "
        "Ethiopia and Zambia."
    )
    assert [(a.family, a.given) for a in work.authors] == [
        ("Dworkin", "Ian"), ("Pool", "John"), ("Pitchers", "William"), ("Pesevski", "Maria"),
    ]  # fmt: skip
    # publicationYear 2020, although the dates list a Created date of 2015.
    assert (work.year, work.publisher, work.type) == (2020, "figshare", "dataset")


def test_reconstructed_record_with_succession_and_withdrawal() -> None:
    record = parse_datacite(body_of(SUPERSEDED), SUPERSEDED)
    work = record.work
    # The title is the one without a titleType, although a Subtitle comes first.
    assert (work.title, work.subtitle) == ("Example panel survey", "Wave 1 responses")
    assert work.authors == (
        Author(name="Example Panel Consortium"),
        Author(family="Doe", given="Jane"),  # "Doe, Jane" with no familyName/givenName
    )
    assert (work.year, work.type) == (2019, "dataset")  # publicationYear "2019"
    assert work.publisher == "Example Data Repository"  # publisher as an object
    assert work.container_titles == ("Example Panel Series",)
    successor = "10.5072/claimcheck.superseding-example"
    assert record.relations == (
        DataCiteRelation("IsObsoletedBy", successor, "DOI"),
        DataCiteRelation("IsPreviousVersionOf", successor, "DOI"),
    )  # IsVersionOf and IsCitedBy are not successions
    reason = "Coding error in wave 1; replaced by a corrected version"
    assert record.withdrawn == (DataCiteDate("2021-05-04", reason),)


def test_translated_and_alternative_titles_are_kept_and_compared() -> None:
    titles = [
        {"title": "Données du panel", "lang": "fr"},
        {"title": "Vague 1", "titleType": "Subtitle"},
        {"title": "Panel data", "titleType": "TranslatedTitle", "lang": "en"},
        {"title": "Données du panel", "titleType": "AlternativeTitle"},  # a repeat goes
        {"title": "PD-1", "titleType": "AlternativeTitle"},
    ]
    body = _attributes(titles=titles, creators=[{"name": "Dupont, Marie"}])
    work = parse_datacite(body, "10.1/x").work
    assert (work.title, work.subtitle) == ("Données du panel", "Vague 1")
    assert work.other_titles == ("Panel data", "PD-1")
    # Cited by its translated title (authors disagreeing too): the same work, no doi-mismatch.
    cited = Reference("R", Location(1, 1), doi="10.1/x", title="Panel data", authors=("Smith J",))
    [finding] = metadata_findings(cited, work)
    assert finding.code is FindingCode.METADATA_MISMATCH


# --- malformed answers -------------------------------------------------------------------------


def _attributes(**attributes: Any) -> bytes:
    data = {"id": "10.1/x", "type": "dois", "attributes": {"doi": "10.1/x", **attributes}}
    return json.dumps({"data": data}).encode()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "not JSON (empty body)"),
        (b"<!DOCTYPE html><html><body>Bad Gateway</body></html>", "not JSON (an HTML page)"),
        (b"[" * 100_000, "JSON cannot be read (RecursionError)"),
        (b"[]", "not an object"),
        (NOT_FOUND_BODY, "error document (The resource you are looking for doesn't exist.)"),
        (b'{"data": [], "meta": {"total": 0}}', "no `data` object"),
        (b'{"data": {"id": "x", "type": "clients", "attributes": {}}}', "not 'dois'"),
        (b'{"data": {"id": "10.1/x", "type": "dois"}}', "no `attributes` object"),
        (b'{"data": {"type": "dois", "attributes": {"titles": []}}}', "has no DOI"),
        (_attributes(relatedIdentifiers={"relationType": "IsObsoletedBy"}), "not a list"),
        (_attributes(dates=["2021"]), "`dates` is not a list of objects"),
        (_attributes(titles=[{"title": "\ud800"}]), "not valid Unicode"),
    ],
)
def test_malformed_answers_are_refused(body: bytes, message: str) -> None:
    with pytest.raises(MalformedRecord, match=re.escape(message)):
        parse_datacite(body, "10.1/x")


def test_a_record_for_another_doi_is_refused() -> None:
    with pytest.raises(MalformedRecord, match=f"answered for '{ZENODO}', not '{FIGSHARE}'"):
        parse_datacite(body_of(ZENODO), FIGSHARE)


def test_fields_of_the_wrong_shape_read_as_absent() -> None:
    body = _attributes(
        titles=5, creators="x", publicationYear=True, publisher=["x"], types=[], container="x"
    )
    work = parse_datacite(body, "10.1/x").work
    assert (work.title, work.authors, work.year) == ("", (), None)
    assert (work.publisher, work.type, work.container_titles) == ("", "", ())


# --- the test data's own integrity ---------------------------------------------------------------


@pytest.mark.parametrize("sidecar", sorted(DATA.rglob("*.meta.json")), ids=lambda p: p.name)
def test_every_fixture_matches_its_sidecar(sidecar: Path) -> None:
    meta = json.loads(sidecar.read_text(encoding="utf-8"))
    body = sidecar.with_name(sidecar.name.removesuffix(".meta.json") + ".json").read_bytes()
    assert hashlib.sha256(body).hexdigest() == meta["body_sha256"]
    # The API host is written once, in DEFAULT_DATACITE_URL: requests are kept as paths.
    host = urlsplit(DEFAULT_DATACITE_URL).hostname or "?"
    assert host not in body.decode("utf-8") + sidecar.read_text(encoding="utf-8")
    assert meta["kind"] == sidecar.parent.name  # "recorded" or "reconstructed"
    if meta["kind"] == "recorded":
        assert len(body) == int(meta["response_headers"]["content-length"][0])
        assert len(meta["origin_commit"]) == 40
