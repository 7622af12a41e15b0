"""DataCite: recorded `/dois/{doi}` answers parsed, and the client over real loopback HTTP.

tests/data/datacite/recorded holds real DataCite answers copied byte for byte from a public
project's cassettes; reconstructed/ holds what none covers, built from DataCite's documents.
Each sidecar says which. Rate limits are checked on a virtual clock (DataCite's numbers, no
waiting) and against the replay server's enforced limits, never by timing the run.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from itertools import pairwise
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from claimcheck.checks.metadata_findings import metadata_findings
from claimcheck.checks.pipeline import judge
from claimcheck.inputs.claimmap import load_claim_map
from claimcheck.model.claimmap import Reference
from claimcheck.model.datacite import DataCiteDate, DataCiteLookup, DataCiteRelation
from claimcheck.model.doi import doi_filename
from claimcheck.model.events import Verdict
from claimcheck.model.findings import Finding, FindingCode, Severity
from claimcheck.model.location import Location
from claimcheck.model.record import Author, Lookup, LookupStatus, Work
from claimcheck.model.results import AuditResult, ClaimStatus
from claimcheck.sources.datacite.client import (
    DEFAULT_DATACITE_URL,
    IDENTIFIED,
    RATE_WINDOW,
    UNIDENTIFIED,
    DataCiteClient,
    dois_path,
)
from claimcheck.sources.datacite.records import MalformedRecord, parse_datacite
from claimcheck.testing import DataCiteReplayServer, Fault, Limits
from claimcheck.transport.fetch import Fetcher, HttpFetcher, RawResponse
from claimcheck.transport.limiter import SINGLE, Limiter, PoolLimits
from tests.factories import FIXED_OPTIONS, SkippedWaits, judge_works, write_map

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


# --- what DataCite's own title says of the work ---------------------------------------------------

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


# --- the client against a loopback server --------------------------------------------------------


class VirtualClock:
    """A clock that only moves when a limiter sleeps on it: pacing without waiting."""

    def __init__(self) -> None:
        self.now = 0.0
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.now += max(seconds, 0.0)


class Watched:
    """A fetcher that notes when each request went (on `clock`) and how many were in flight."""

    def __init__(self, inner: Fetcher, clock: Callable[[], float]) -> None:
        self.inner, self.clock = inner, clock
        self.times: list[float] = []
        self.peak = self._in_flight = 0
        self._lock = threading.Lock()

    def fetch(self, request: str, *, subject: str, kind: str = SINGLE) -> RawResponse:
        with self._lock:
            self.times.append(self.clock())
            self._in_flight += 1
            self.peak = max(self.peak, self._in_flight)
        try:
            return self.inner.fetch(request, subject=subject, kind=kind)
        finally:
            with self._lock:
                self._in_flight -= 1

    def close(self) -> None:
        self.inner.close()


OPEN: list[DataCiteClient] = []


@pytest.fixture(autouse=True)
def _close_clients() -> Iterator[None]:
    yield
    while OPEN:
        OPEN.pop().close()


@pytest.fixture
def datacite() -> Iterator[DataCiteReplayServer]:
    server = DataCiteReplayServer(RECORDED, RECONSTRUCTED)
    with server:
        yield server
    assert not server.errors, f"replay server raised: {server.errors!r}"


def fetcher_for(url: str, *, timeout: float = 5.0, retries: int = 2) -> HttpFetcher:
    # Retries go at once: the tests check what is retried, not how long it waits. The
    # fetcher's own limiter (Crossref's polite pace) is not the subject either: its waits are
    # skipped too, on a clock they move on. The DataCite client's limiter paces.
    waits = SkippedWaits()
    return HttpFetcher(
        url, mailto=MAILTO, timeout=timeout, retries=retries, sleep=waits.sleep, clock=waits.clock
    )


def client_for(
    server: DataCiteReplayServer,
    *,
    base: str | None = None,
    limiter: Limiter | None = None,
    **fetch: Any,
) -> DataCiteClient:
    url = base or server.url
    clock = VirtualClock()  # DataCite's real limits, without the wait
    limiter = limiter or Limiter(IDENTIFIED, clock=clock, sleep=clock.sleep)
    OPEN.append(DataCiteClient(url, fetcher_for(url, **fetch), mailto=MAILTO, limiter=limiter))
    return OPEN[-1]


def test_found_records_come_back_parsed_each_asked_once(datacite: DataCiteReplayServer) -> None:
    client = client_for(datacite)
    lookups = client.lookup_all([FIGSHARE, ZENODO, ARXIV, ZENODO.upper(), f" {ARXIV} "])
    assert list(lookups) == [FIGSHARE, ZENODO, ARXIV]  # input order, lower-cased
    assert {lookup.status for lookup in lookups.values()} == {LookupStatus.FOUND}
    work = lookups[ZENODO].work
    assert work is not None
    assert (work.publisher, lookups[ZENODO].error) == ("Zenodo", None)
    assert client.lookup(FIGSHARE.upper()) is lookups[FIGSHARE]  # from memory
    assert len(datacite.requests) == 3


def test_the_doi_is_one_percent_encoded_path_segment(datacite: DataCiteReplayServer) -> None:
    sici = "10.1002/(SICI)1097-4636(199706)35:4<419::AID-JBM1>3.0.CO;2-K"
    client = client_for(datacite)
    client.lookup_all([ZENODO, sici])
    # The two go in parallel (two at once when identified): in either order.
    by_doi = {request.doi: request for request in datacite.requests}
    assert len(datacite.requests) == len(by_doi) == 2
    assert by_doi[ZENODO].raw_line == "GET /dois/10.5281%2Fzenodo.48440 HTTP/1.1"
    line = by_doi[sici.lower()].raw_line
    assert line.startswith(f"GET {dois_path(sici.lower())} ")
    assert "%3C419%3A%3Aaid-jbm1%3E3.0.co%3B2-k" in line
    assert all("mailto:editor@example.org" in r.headers["user-agent"] for r in by_doi.values())


def test_a_datacite_404_is_not_found_and_says_what_that_does_not_prove(
    datacite: DataCiteReplayServer,
) -> None:
    lookup = client_for(datacite).lookup(MISSING)
    assert lookup.status is LookupStatus.NOT_FOUND
    assert lookup.work is None
    assert "'registered' state" in (lookup.note or "")
    assert "retracted" in (lookup.note or "")


def test_a_404_that_is_not_datacites_is_a_failed_lookup(datacite: DataCiteReplayServer) -> None:
    # A mistyped base URL: the server answers a plain-text 404 to every path.
    lookup = client_for(datacite, base=datacite.url + "/typo").lookup(ZENODO)
    assert lookup.status is LookupStatus.FAILED
    assert "/typo answered 404, but not with DataCite's error document" in (lookup.error or "")


def test_a_500_then_an_answer_is_retried_to_found(datacite: DataCiteReplayServer) -> None:
    datacite.add_fault(Fault.http(500, match=ARXIV, times=1))
    lookup = client_for(datacite).lookup(ARXIV)
    assert lookup.status is LookupStatus.FOUND
    assert len(datacite.requests_for(ARXIV)) == 2


def test_a_timeout_is_a_failed_lookup_never_a_clean_one(datacite: DataCiteReplayServer) -> None:
    datacite.add_fault(Fault.slow(5.0, match=ZENODO))
    lookups = client_for(datacite, timeout=0.3, retries=1).lookup_all([ZENODO, FIGSHARE])
    assert lookups[ZENODO].status is LookupStatus.FAILED
    assert lookups[ZENODO].error == "timed out (after 2 attempts)"
    assert lookups[FIGSHARE].status is LookupStatus.FOUND  # one timeout fails only its DOI


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        (Fault.json(body_of(FIGSHARE), match=ZENODO), f"answered for '{FIGSHARE}'"),
        (Fault.json(b'{"data": {"type": "dois"}}', match=ZENODO), "no `attributes` object"),
        (Fault.html(match=ZENODO), "HTTP 200 with a body that is not JSON (text/html)"),
        (Fault.http(503, match=ZENODO), "HTTP 503 (after 3 attempts)"),  # a lasting error
        (Fault.http(404, match=ZENODO), "not with DataCite's error document"),  # a text 404
    ],
)
def test_a_wrong_answer_is_a_failed_lookup(
    datacite: DataCiteReplayServer, fault: Fault, error: str
) -> None:
    datacite.add_fault(fault)
    lookup = client_for(datacite).lookup(ZENODO)
    assert lookup.status is LookupStatus.FAILED
    assert error in (lookup.error or "")


def test_a_turn_further_off_than_the_wait_allowed_is_not_attempted(
    datacite: DataCiteReplayServer,
) -> None:
    clock = VirtualClock()
    limiter = Limiter(UNIDENTIFIED, clock=clock, sleep=clock.sleep)
    limiter.throttled(SINGLE, retry_after=600)  # a Retry-After past the 60 s claimcheck waits
    lookup = client_for(datacite, limiter=limiter).lookup(ZENODO)
    assert lookup.status is LookupStatus.FAILED
    assert (lookup.error or "").startswith("not attempted:")
    assert datacite.requests == []


# --- rate limits ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("pool", "per_window"), [(UNIDENTIFIED, 500), (IDENTIFIED, 1000)])
def test_requests_are_spaced_to_datacites_published_limits(
    datacite: DataCiteReplayServer, pool: PoolLimits, per_window: int
) -> None:
    clock = VirtualClock()
    # One at a time, so each request's start is the moment its turn came.
    limiter = Limiter(pool, max_concurrency=1, clock=clock, sleep=clock.sleep)
    watched = Watched(fetcher_for(datacite.url), clock)
    OPEN.append(DataCiteClient(datacite.url, watched, limiter=limiter))
    dois = [ZENODO, ARXIV, FIGSHARE, SUPERSEDED] + [f"{MISSING}-{i}" for i in range(8)]
    OPEN[-1].lookup_all(dois)
    gaps = [later - earlier for earlier, later in pairwise(watched.times)]
    assert len(watched.times) == len(dois)
    # Evenly spaced at the 5-minute limit, so no 300 s window ever holds more than it.
    assert min(gaps) >= RATE_WINDOW / per_window


def test_the_client_keeps_to_limits_the_server_enforces() -> None:
    # An unpaced client would burst past the server's 10-token bucket and be refused.
    limits = Limits(polite_rate=10, polite_concurrency=3)
    pool = PoolLimits(rate=10, list_rate=10, concurrency=2)
    dois = [ZENODO, ARXIV, FIGSHARE, SUPERSEDED] + [f"{MISSING}-{i}" for i in range(10)]
    server = DataCiteReplayServer(
        RECORDED, RECONSTRUCTED, enforce_limits=True, limits=limits, latency=0.05
    )
    with server:
        watched = Watched(fetcher_for(server.url), time.monotonic)
        client = DataCiteClient(server.url, watched, mailto=MAILTO, limiter=Limiter(pool))
        OPEN.append(client)
        lookups = client.lookup_all(dois)
    assert not server.errors
    assert server.throttled == 0
    # The server counts a request until its handler returns, a moment after the client has
    # read the answer: its concurrency limit is one above the client's, which is checked here.
    assert watched.peak <= pool.concurrency
    assert LookupStatus.FAILED not in {lookup.status for lookup in lookups.values()}


@pytest.mark.parametrize(("mailto", "per_window", "at_once"), [(None, 500, 1), (MAILTO, 1000, 2)])
def test_the_default_client_keeps_every_attempt_to_its_tier(
    mailto: str | None, per_window: int, at_once: int
) -> None:
    client = DataCiteClient(mailto=mailto)  # an email in the User-Agent: "identified"
    OPEN.append(client)
    assert client.base_url == DEFAULT_DATACITE_URL
    assert isinstance(client.fetcher, HttpFetcher)
    assert ("mailto:" in client.fetcher._headers["User-Agent"]) is (mailto is not None)
    for limiter in (client.limiter, client.fetcher.limiter):  # lookups, and retries too
        assert limiter.rate(SINGLE) == per_window / RATE_WINDOW
        assert limiter.concurrency == at_once


def test_a_fetcher_for_another_server_is_refused() -> None:
    fetcher = fetcher_for("http://127.0.0.1:9")
    with pytest.raises(ValueError, match="the fetcher asks"):
        DataCiteClient("http://127.0.0.1:10", fetcher)
    fetcher.close()


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
