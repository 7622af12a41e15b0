"""Every network and registry fault, against `audit` and `resolve`, over real HTTP.

One claim map cites three works: A (the faulted DOI) and two healthy ones, B and C. Whatever
goes wrong with A, it is never `ok`: it is `unverified`, stderr names it and the cause in one
line, the JSON on stdout stays valid, nothing about it is cached, B and C are untouched, and
the run exits 3. A 404 is the exception: it is an answer (`doi-not-found`, exit 1, cached).
A fault that fires once and then clears must leave no trace: exit 0, every reference `ok`.

The fault `match`es A's DOI, so it also hits the batched list request naming A, B and C;
claimcheck then looks the three up alone, and only A's own requests keep failing.
Runs use `--retries 1 --timeout 0.3` to stay quick; README "Reliability" is the spec.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

from claimcheck.cache.store import Cache, source_key
from claimcheck.sources.crossref.answers import works_path
from claimcheck.testing import Fault, ReplayServer
from tests.conftest import RECONSTRUCTED
from tests.factories import write_map
from tests.test_cli import run

A = "10.1038/nbt.2816"  # the faulted DOI
B = "10.1634/stemcells.22-4-448"
C = "10.1186/scrt90"

MAP = f"""
claimcheck: 1
references:
  A: {{doi: {A}}}
  B: {{doi: {B}, title: Human embryonic stem cells possess immune-privileged properties}}
  C: {{doi: {C}}}
claims:
  - {{id: C1, text: one, cites: [A]}}
  - {{id: C2, text: two, cites: [B]}}
  - {{id: C3, text: three, cites: [C]}}
"""

TIMEOUT = 0.3
SLOW = 1.0  # seconds the slow fault waits: well past --timeout


@dataclasses.dataclass(frozen=True)
class Case:
    fault: Fault  # without `match`/`times`: each test sets them
    cause: str  # what stderr and the `error` must say
    retried: bool  # README: retried (then unverified), or unverified at once

    def armed(self, *, times: int | None) -> Fault:
        return dataclasses.replace(self.fault, match=A, times=times)


MISSING_MESSAGE = b'{"status":"ok","message-type":"work","message-version":"1.0.0"}'
LIST_MESSAGE = b'{"status":"ok","message-type":"work","message-version":"1.0.0","message":[]}'

# Retry-After "1" costs a real second per retry: only its two cases (per command) pay it.
CASES = {
    "410": Case(Fault.http(410), "HTTP 410", retried=False),
    "429-retry-after-1": Case(Fault.http(429, retry_after="1"), "HTTP 429", retried=True),
    "429": Case(Fault.http(429), "HTTP 429", retried=True),
    "500": Case(Fault.http(500), "HTTP 500", retried=True),
    "502": Case(Fault.http(502), "HTTP 502", retried=True),
    "503": Case(Fault.http(503), "HTTP 503", retried=True),
    "504": Case(Fault.http(504), "HTTP 504", retried=True),
    "reset": Case(Fault.reset(), "connection", retried=True),
    "slow": Case(Fault.slow(SLOW), "timed out", retried=True),
    "truncated": Case(Fault.truncated(), "connection closed mid-response", retried=True),
    "html-as-200": Case(Fault.html(), "not JSON (text/html)", retried=True),
    "no-message": Case(Fault.json(MISSING_MESSAGE), "no `message`", retried=False),
    "message-is-a-list": Case(Fault.json(LIST_MESSAGE), "no `message`", retried=False),
    "empty-body": Case(Fault.json(b""), "not JSON (empty)", retried=True),
}
# "Once, then fine" has every case above plus a 404; connection refused has no once-variant:
# a port refuses until a server listens on it, and a server started later would get a new
# port, so refused is only tested persistently (all three references, below).
ONCE = {**CASES, "404": Case(Fault.http(404), "", retried=False)}


def cli(command: str, target: str | Path, url: str, cache_dir: Path) -> Result:
    return run(
        command,
        target,
        "-f",
        "json",
        "--crossref-url",
        url,
        "--retries",
        "1",
        "--timeout",
        str(TIMEOUT),
        "--mailto",  # the polite pool: its faster pace keeps the matrix quick
        "t@example.org",
        env={"CLAIMCHECK_CACHE_DIR": str(cache_dir)},
    )


def cached(cache_dir: Path, url: str, kind: str, doi: str) -> Any:
    """What the cache holds for `doi` as answered by the server at `url`."""
    with Cache(cache_dir) as cache:
        return cache.get(source_key("crossref", url), kind, doi)


def lines_naming(stderr: str, doi: str) -> list[str]:
    return [line for line in stderr.splitlines() if doi in line]


def work_requests(server: ReplayServer, doi: str) -> int:
    return sum(1 for r in server.requests if r.route == "work" and r.doi == doi)


@pytest.fixture
def map_path(tmp_path: Path) -> Path:
    return write_map(tmp_path, MAP)


@pytest.fixture
def cache_dir(tmp_path: Path) -> Path:
    return tmp_path / "cache"


@pytest.fixture
def server() -> Iterator[ReplayServer]:
    with ReplayServer(RECONSTRUCTED) as replay:
        yield replay
    assert not replay.errors, f"replay server raised: {replay.errors!r}"


def audit_document(result: Result) -> dict[str, Any]:
    assert "Traceback" not in result.stderr
    document: dict[str, Any] = json.loads(result.stdout)  # valid whatever the exit code
    assert document["summary"]["exit_code"] == result.exit_code
    return document


# --- audit ---------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_audit_persistent_fault_leaves_a_unverified_and_the_rest_ok(
    server: ReplayServer, map_path: Path, cache_dir: Path, case: Case
) -> None:
    server.add_fault(case.armed(times=None))
    result = cli("audit", map_path, server.url, cache_dir)

    document = audit_document(result)
    statuses = {r["id"]: r["status"] for r in document["references"]}
    assert statuses == {"A": "unverified", "B": "ok", "C": "ok"}
    assert result.exit_code == 3
    assert document["summary"]["unverified"] == 1
    (finding,) = document["findings"]  # nothing else for the gate to trip on
    assert (finding["code"], finding["reference"]) == ("unverified", "A")
    assert case.cause in finding["evidence"]["cause"]
    # One stderr line names A and the cause; B and C are never mentioned.
    (line,) = lines_naming(result.stderr, A)
    assert case.cause in line
    assert "after 2 attempts" in line if case.retried else "attempts" not in line
    assert not lines_naming(result.stderr, B)
    assert not lines_naming(result.stderr, C)
    # --retries 1: a retried fault costs A two requests of its own, another one.
    assert work_requests(server, A) == (2 if case.retried else 1)
    assert not any(r.route == "agency" for r in server.requests)  # no 404, no agency question
    # A failure is never cached; the healthy answers are.
    assert cached(cache_dir, server.url, "work", A) is None
    assert cached(cache_dir, server.url, "agency", A) is None
    assert cached(cache_dir, server.url, "work", B).status == 200
    assert cached(cache_dir, server.url, "work", C).status == 200


@pytest.mark.parametrize("case", ONCE.values(), ids=ONCE.keys())
def test_audit_fault_once_then_fine_leaves_no_trace(
    server: ReplayServer, map_path: Path, cache_dir: Path, case: Case
) -> None:
    server.add_fault(case.armed(times=1))
    result = cli("audit", map_path, server.url, cache_dir)

    document = audit_document(result)
    assert result.exit_code == 0, result.stderr
    assert {r["id"]: r["status"] for r in document["references"]} == dict.fromkeys("ABC", "ok")
    assert document["findings"] == []
    assert document["summary"]["unverified"] == 0
    assert len(server.requests) >= 2  # the fault did fire (on the list request), then cleared
    assert not lines_naming(result.stderr, A)
    entry = cached(cache_dir, server.url, "work", A)
    assert entry is not None
    assert entry.status == 200


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_audit_fault_once_on_the_lone_lookup(
    server: ReplayServer, map_path: Path, cache_dir: Path, case: Case
) -> None:
    # Every list request fails (a 400, not retried), so each DOI is fetched alone, and the
    # once-fault lands on A's own /works/{doi} request rather than on the list.
    server.add_fault(Fault.http(400, match="/works?filter="))
    server.add_fault(dataclasses.replace(case.fault, match=works_path(A), times=1))
    result = cli("audit", map_path, server.url, cache_dir)

    document = audit_document(result)
    statuses = {r["id"]: r["status"] for r in document["references"]}
    assert work_requests(server, A) == (2 if case.retried else 1)
    if case.retried:  # the retry answers: no trace
        assert result.exit_code == 0, result.stderr
        assert statuses == dict.fromkeys("ABC", "ok")
        assert cached(cache_dir, server.url, "work", A).status == 200
    else:  # README: not retried, so unverified at once (fail closed)
        assert result.exit_code == 3
        assert statuses == {"A": "unverified", "B": "ok", "C": "ok"}
        (line,) = lines_naming(result.stderr, A)
        assert case.cause in line
        assert cached(cache_dir, server.url, "work", A) is None


def test_audit_404_is_an_answer_doi_not_found_and_cached(
    server: ReplayServer, map_path: Path, cache_dir: Path
) -> None:
    server.add_fault(Fault.http(404, match=A))  # the work and its agency route both 404
    result = cli("audit", map_path, server.url, cache_dir)

    document = audit_document(result)
    assert result.exit_code == 1
    statuses = {r["id"]: r["status"] for r in document["references"]}
    assert statuses == {"A": "error", "B": "ok", "C": "ok"}
    codes = [(f["code"], f["reference"] or f["claim"]) for f in document["findings"]]
    # The claim resting only on A loses its support, too; nothing touches B or C.
    assert codes == [("doi-not-found", "A"), ("unsupported-claim", "C1")]
    assert document["summary"]["unverified"] == 0
    assert "unverified" not in result.stderr
    # Crossref's advice: ask the agency before calling a DOI missing.
    assert [r.route for r in server.requests if r.doi == A] == ["work", "agency"]
    work = cached(cache_dir, server.url, "work", A)
    agency = cached(cache_dir, server.url, "agency", A)
    assert work is not None
    assert work.status == 404
    assert agency is not None
    assert agency.status == 404
    assert cached(cache_dir, server.url, "work", B).status == 200


def test_audit_404_whose_agency_is_crossref_is_unverified_never_not_found(
    tmp_path: Path, map_path: Path, cache_dir: Path
) -> None:
    # /works has no record of A, yet /agency names Crossref: a DOI registered with Crossref,
    # as in CrossRef/rest-api-doc #486, not one that does not exist.
    data = tmp_path / "data"
    data.mkdir()
    for doi in (B, C):
        name = doi.replace("/", "_") + ".json"
        (data / name).write_bytes((RECONSTRUCTED / name).read_bytes())
    with ReplayServer(data, agencies={A: "crossref"}) as server:
        url = server.url
        result = cli("audit", map_path, url, cache_dir)
        assert work_requests(server, A) == 2  # asked once more before giving up
        asked = len(server.requests)
        again = cli("audit", map_path, url, cache_dir)
        assert work_requests(server, A) == 4  # nothing cached: the next run asks again
        assert len(server.requests) > asked
    document = audit_document(result)
    assert result.exit_code == 3
    codes = [(f["code"], f["reference"] or f["claim"]) for f in document["findings"]]
    assert ("doi-not-found", "A") not in codes
    assert ("unverified", "A") in codes
    (finding,) = [f for f in document["findings"] if f["code"] == "unverified"]
    assert "names itself as its registration agency" in finding["message"]
    assert cached(cache_dir, url, "work", A) is None
    assert cached(cache_dir, url, "agency", A) is None
    assert audit_document(again)["findings"] == document["findings"]


def test_a_cached_not_found_whose_agency_is_crossref_is_asked_again(
    server: ReplayServer, map_path: Path, cache_dir: Path
) -> None:
    # An older claimcheck cached "404, agency crossref" as not found: now a miss, never a
    # doi-not-found from the cache.
    agency = {
        "status": "ok",
        "message-type": "work-agency",
        "message-version": "1.0.0",
        "message": {"DOI": A, "agency": {"id": "crossref", "label": "Crossref"}},
    }
    with Cache(cache_dir) as cache:
        cache.put(source_key("crossref", server.url), "work", A, 404, b"")
        cache.put(source_key("crossref", server.url), "agency", A, 200, json.dumps(agency).encode())
    result = cli("audit", map_path, server.url, cache_dir)
    document = audit_document(result)
    assert result.exit_code == 0, result.stderr
    assert {r["id"]: r["status"] for r in document["references"]}["A"] == "ok"
    assert any(A in r.filter_dois for r in server.requests)  # asked, in a list
    assert cached(cache_dir, server.url, "work", A).status == 200


def stopped_server_url() -> str:
    """The URL of a server that has stopped: nothing listens there, so connects are refused."""
    with ReplayServer(RECONSTRUCTED) as replay:
        return replay.url


def test_audit_connection_refused_leaves_every_reference_unverified(
    map_path: Path, cache_dir: Path
) -> None:
    # Refused hits the whole host, so here B and C fail too (the only case where they do).
    url = stopped_server_url()
    result = cli("audit", map_path, url, cache_dir)

    document = audit_document(result)
    assert result.exit_code == 3
    assert {r["id"]: r["status"] for r in document["references"]} == dict.fromkeys(
        "ABC", "unverified"
    )
    assert document["summary"]["unverified"] == 3
    for doi in (A, B, C):
        (line,) = lines_naming(result.stderr, doi)
        assert "could not connect" in line
        assert cached(cache_dir, url, "work", doi) is None


# --- resolve -------------------------------------------------------------------------------


def resolve_document(result: Result) -> dict[str, Any]:
    assert "Traceback" not in result.stderr
    document: dict[str, Any] = json.loads(result.stdout)
    assert document["schema"] == "claimcheck.resolve/1"
    assert document["doi"] == A
    return document


def assert_resolve_unverified(result: Result, cause: str) -> None:
    document = resolve_document(result)
    assert result.exit_code == 3
    assert document["status"] == "unverified"
    assert cause in document["error"]
    assert document["registry"] is None
    (line,) = lines_naming(result.stderr, A)
    assert cause in line


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_resolve_persistent_fault_is_unverified_exit_3(
    server: ReplayServer, cache_dir: Path, case: Case
) -> None:
    server.add_fault(case.armed(times=None))
    result = cli("resolve", A, server.url, cache_dir)
    assert_resolve_unverified(result, case.cause)
    assert work_requests(server, A) == (2 if case.retried else 1)
    assert cached(cache_dir, server.url, "work", A) is None


@pytest.mark.parametrize("case", ONCE.values(), ids=ONCE.keys())
def test_resolve_fault_once_then_fine(server: ReplayServer, cache_dir: Path, case: Case) -> None:
    server.add_fault(case.armed(times=1))
    result = cli("resolve", A, server.url, cache_dir)
    if case.retried:
        document = resolve_document(result)
        assert result.exit_code == 0, result.stderr
        assert document["status"] == "found"
        assert document["error"] is None
        assert document["registry"]["title"].startswith("Mesenchymal stem cells")
        assert work_requests(server, A) == 2  # failed once, then the retry answered
        assert cached(cache_dir, server.url, "work", A).status == 200
    elif case.fault.status == 404 and case.fault.kind == "status":
        # One 404 is not "not found" when /agency then names Crossref (A is held there):
        # /works is asked once more, and answers.
        document = resolve_document(result)
        assert result.exit_code == 0, result.stderr
        assert document["status"] == "found"
        assert work_requests(server, A) == 2
        assert cached(cache_dir, server.url, "work", A).status == 200
    else:
        # Not retried by design (README: 410, and JSON of the wrong shape, are unverified at
        # once); resolve has only the one request, so it fails closed.
        assert_resolve_unverified(result, case.cause)
        assert work_requests(server, A) == 1
        assert cached(cache_dir, server.url, "work", A) is None


def test_resolve_404_is_not_found_exit_1(server: ReplayServer, cache_dir: Path) -> None:
    # Both routes 404: no agency registers the DOI.
    server.add_fault(Fault.http(404, match=A))
    result = cli("resolve", A, server.url, cache_dir)
    assert [r.route for r in server.requests if r.doi == A] == ["work", "agency"]
    document = resolve_document(result)
    assert result.exit_code == 1
    assert document["status"] == "not-found"
    assert document["error"] is None
    assert "unverified" not in result.stderr
    assert cached(cache_dir, server.url, "work", A).status == 404
    assert cached(cache_dir, server.url, "agency", A) is not None


def test_resolve_connection_refused_is_unverified_exit_3(cache_dir: Path) -> None:
    url = stopped_server_url()
    result = cli("resolve", A, url, cache_dir)
    assert_resolve_unverified(result, "could not connect")
    assert cached(cache_dir, url, "work", A) is None
