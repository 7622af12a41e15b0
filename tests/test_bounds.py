"""Bounded in time and memory against any server: hostile loopback servers (a dribbling body,
a gzip bomb, an endless chunked body, a huge body, a stalled read), hostile headers and
hostile records. Each case ends with the reference `unverified` and the cause, never a hang,
a crash or a report that says more than was checked."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpcore2
import httpx2
import pytest

from claimcheck.model.errors import LookupFailed
from claimcheck.testing import Fault, ReplayServer
from claimcheck.testing.hostile import HostileServer
from claimcheck.transport.bounded import MAX_BODY_BYTES
from claimcheck.transport.deadline import DeadlineBackend, DeadlineTransport
from claimcheck.transport.fetch import HttpFetcher, _too_dense
from claimcheck.transport.limiter import MAX_WAIT
from tests.conftest import DATA, RECONSTRUCTED, RECORDED
from tests.factories import work_envelope, write_map
from tests.test_cli import run

ARTICLE = "10.1038/nbt.2816"
NOTICE = "10.1158/0008-5472.can-10-2451"


def one_reference_map(tmp_path: Path, *dois: str) -> Path:
    refs = "\n".join(f"  R{i}: {{doi: '{doi}'}}" for i, doi in enumerate(dois))
    cites = ", ".join(f"R{i}" for i in range(len(dois)))
    body = (
        f"claimcheck: 1\nreferences:\n{refs}\nclaims:\n  - {{id: C1, text: x, cites: [{cites}]}}\n"
    )
    return write_map(tmp_path, body)


def audit_json(path: Path, url: str, *args: str) -> tuple[int, dict[str, object], str]:
    result = run("audit", path, "-f", "json", "--crossref-url", url, "--retries", "0", *args)
    return result.exit_code, json.loads(result.stdout), result.stderr


@pytest.mark.parametrize(
    ("behaviour", "cause"),
    [
        ("dribble", "the whole response did not arrive in time"),
        ("gzip-bomb", "body larger than 16 MiB"),
        ("endless-chunked", "body larger than 16 MiB"),
        ("huge-body", "body larger than 16 MiB"),
        ("stall", "timed out"),
    ],
)
def test_a_hostile_server_leaves_the_reference_unverified(
    tmp_path: Path, behaviour: str, cause: str
) -> None:
    with HostileServer(behaviour, size=1024**3, interval=0.2) as server:
        code, document, stderr = audit_json(
            one_reference_map(tmp_path, ARTICLE), server.url, "--timeout", "2"
        )
        sent = server.bytes_sent
    assert code == 3
    (reference,) = document["references"]  # type: ignore[misc]
    assert reference["status"] == "unverified"
    (finding,) = [f for f in document["findings"] if f["code"] == "unverified"]  # type: ignore[attr-defined]
    assert cause in finding["evidence"]["cause"]
    assert "Traceback" not in stderr
    if behaviour in ("gzip-bomb", "endless-chunked", "huge-body"):
        # The client hung up soon after its cap, long before the server's 1 GiB.
        assert sent < 1024**3


@pytest.mark.parametrize("behaviour", ["header-drip", "info-flood"])
def test_headers_that_never_end_are_bounded_by_the_timeout(tmp_path: Path, behaviour: str) -> None:
    # Each read gets a byte before its own timeout, so only the whole-response bound ends it
    # (it never did: the run outlived --timeout and --deadline). The test must finish.
    with HostileServer(behaviour, interval=0.1) as server:
        code, document, stderr = audit_json(
            one_reference_map(tmp_path, ARTICLE), server.url, "--timeout", "0.5"
        )
    assert code == 3
    (reference,) = document["references"]  # type: ignore[misc]
    assert reference["status"] == "unverified"
    (finding,) = [f for f in document["findings"] if f["code"] == "unverified"]  # type: ignore[attr-defined]
    assert "the whole response did not arrive in time" in finding["evidence"]["cause"]
    assert "Traceback" not in stderr


def test_the_deadline_transport_still_fits_httpx2() -> None:
    # DeadlineTransport swaps HTTPTransport's own pool (`_pool`) for one with its backend:
    # if httpx2 changes how it keeps the pool, this fails here, not as a hang in a run.
    transport = DeadlineTransport(verify=False, limits=httpx2.Limits())
    assert isinstance(transport._pool, httpcore2.ConnectionPool)
    assert isinstance(transport._pool._network_backend, DeadlineBackend)
    fetcher = HttpFetcher("http://127.0.0.1:9")
    assert isinstance(fetcher._http()._transport, DeadlineTransport)
    fetcher.close()
    transport.close()


@pytest.mark.parametrize("variable", ["HTTP_PROXY", "http_proxy", "ALL_PROXY"])
def test_a_proxy_the_environment_names_is_used(
    replay_server: ReplayServer, monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    """httpx2 honours HTTP(S)_PROXY only for a client given no transport of its own: behind a
    proxy the fetcher must still send through it (the replay server stands in for the
    proxy, and sees the request for the unresolvable host in absolute form)."""
    for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy", "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(variable, replay_server.url)
    fetcher = HttpFetcher("http://registry.invalid", retries=0)
    try:
        fetcher.fetch("/works/10.1234/abc", subject="10.1234/abc")
    except LookupFailed:
        pass  # the stand-in proxy answers as it can; what matters is that it was asked
    finally:
        fetcher.close()
    (request,) = replay_server.requests
    assert request.raw_line.startswith("GET http://registry.invalid/works/10.1234/abc")


def test_a_run_deadline_leaves_what_is_left_unverified(tmp_path: Path) -> None:
    with HostileServer("stall") as server:
        code, document, _err = audit_json(
            one_reference_map(tmp_path, ARTICLE, NOTICE),
            server.url,
            "--timeout",
            "600",
            "--deadline",
            "2",
        )
    assert code == 3
    assert {r["status"] for r in document["references"]} == {"unverified"}  # type: ignore[attr-defined]


@pytest.fixture
def slow_pace_server() -> Iterator[ReplayServer]:
    # x-rate-limit-limit: 1 per 100000 s: the next request could go in 28 hours.
    headers = {"x-rate-limit-limit": "1", "x-rate-limit-interval": "100000s"}
    with ReplayServer(RECONSTRUCTED, rate_headers={"polite": headers, "public": headers}) as s:
        yield s


def test_an_advertised_pace_past_the_bound_fails_fast_instead_of_waiting(
    slow_pace_server: ReplayServer,
) -> None:
    sleeps: list[float] = []
    fetcher = HttpFetcher(slow_pace_server.url, mailto="t@example.org", sleep=sleeps.append)
    first = fetcher.fetch(f"/works/{ARTICLE.replace('/', '%2F')}", subject=ARTICLE)
    assert first.status == 200
    with pytest.raises(LookupFailed, match="longer than claimcheck waits"):
        fetcher.fetch(f"/works/{NOTICE.replace('/', '%2F')}", subject=NOTICE)
    assert all(s <= MAX_WAIT for s in sleeps)
    assert len(slow_pace_server.requests) == 1


@pytest.mark.parametrize("limit", ["1e-300", "inf", "nan", "²", "-5", "9" * 400])
def test_nonsense_rate_headers_are_ignored(limit: str) -> None:
    headers = {"x-rate-limit-limit": limit, "x-concurrency-limit": limit}
    with ReplayServer(RECONSTRUCTED, rate_headers={"polite": headers, "public": headers}) as s:
        fetcher = HttpFetcher(s.url, mailto="t@example.org", sleep=lambda _s: None)
        for doi in (ARTICLE, NOTICE):
            assert fetcher.fetch(f"/works/{doi.replace('/', '%2F')}", subject=doi).status == 200
    assert fetcher.limiter.rate("single") == 10.0  # the polite pool's own pace, untouched


def test_a_retry_after_beyond_the_bound_fails_every_waiting_request_fast(
    replay_server: ReplayServer,
) -> None:
    replay_server.add_fault(Fault.http(429, retry_after="999999"))
    sleeps: list[float] = []
    fetcher = HttpFetcher(replay_server.url, retries=3, sleep=sleeps.append)
    with pytest.raises(LookupFailed, match="asked to wait 999999 s"):
        fetcher.fetch(f"/works/{ARTICLE.replace('/', '%2F')}", subject=ARTICLE)
    with pytest.raises(LookupFailed, match="longer than claimcheck waits"):
        fetcher.fetch(f"/works/{NOTICE.replace('/', '%2F')}", subject=NOTICE)
    assert len(replay_server.requests) == 1  # the second was never sent
    assert sleeps == []


def test_a_unicode_digit_retry_after_is_no_retry_after(replay_server: ReplayServer) -> None:
    replay_server.add_fault(Fault.http(429, retry_after="²", times=1))
    fetcher = HttpFetcher(replay_server.url, retries=1, sleep=lambda _s: None)
    assert fetcher.fetch(f"/works/{ARTICLE.replace('/', '%2F')}", subject=ARTICLE).status == 200


JSON_BOMB = (
    b'{"status":"ok","message-type":"work","message":{"DOI":"X","x":[' + b"{}," * 400_000 + b"{}]}}"
)
HOSTILE_RECORDS = {
    "nesting": b'{"status":"ok","message-type":"work","message":{"DOI":"X","x":'
    + b"[" * 5000
    + b"]" * 5000
    + b"}}",
    "long-integer": b'{"status":"ok","message-type":"work","message":{"DOI":"X","page":'
    + b"9" * 5000
    + b"}}",
    "unicode-digit-date": (
        '{"status":"ok","message-type":"work","message":{"DOI":"X","title":["t"],'
        '"issued":{"date-parts":[["²"]]},"update-to":[{"DOI":"10.1/n","type":"retraction",'
        '"updated":{"date-parts":[["²"]]}}]}}'
    ).encode(),
    "lone-surrogate": b'{"status":"ok","message-type":"work","message":{"DOI":"X",'
    b'"title":["bad \\ud800 title"]}}',
    # 1.2 MB of `{},`: 400,000 dicts (the reviewer's 64 MiB of them took 1.8 GB).
    "container-bomb": JSON_BOMB,
}


@pytest.mark.parametrize("case", HOSTILE_RECORDS, ids=HOSTILE_RECORDS)
def test_one_hostile_record_is_unverified_and_never_crashes_the_audit(
    tmp_path: Path, case: str
) -> None:
    doi = "10.5555/hostile"
    body = HOSTILE_RECORDS[case].replace(b'"DOI":"X"', f'"DOI":"{doi}"'.encode())
    cache = tmp_path / "cache"
    with ReplayServer(RECONSTRUCTED) as server:
        server.add_fault(Fault.json(body, match=f"/works/{doi.replace('/', '%2F')}"))
        server.add_fault(Fault.json(b'{"status":"failed"}', match="filter="))  # no lists
        env = {"CLAIMCHECK_CACHE_DIR": str(cache)}
        path = one_reference_map(tmp_path, doi, ARTICLE)
        # One retry, not the default four: the record is as unreadable the second time, and
        # four backoffs cost about four seconds.
        result = run(
            "audit", path, "-f", "json", "--crossref-url", server.url, "--retries", "1", env=env
        )
        document = json.loads(result.stdout)
        statuses = {r["id"]: r["status"] for r in document["references"]}
        if case == "unicode-digit-date":
            # Not malformed, only odd: the dates are unknown, the rest is read (the record is
            # a notice of 10.1/n, undated).
            assert statuses == {"R0": "warning", "R1": "ok"}
            (notice,) = [f for f in document["findings"] if f["reference"] == "R0"]
            assert notice["code"] == "cites-retraction-notice"
            assert notice["evidence"]["date"] is None
            return
        assert statuses == {"R0": "unverified", "R1": "ok"}
        assert result.exit_code == 3
        # Nothing unreadable was cached: a healthy server is asked again and answers.
        server.clear_faults()
        server.add_work(
            json.dumps(
                {"status": "ok", "message-type": "work", "message": {"DOI": doi, "title": ["ok"]}}
            ).encode()
        )
        again = run("audit", path, "-f", "json", "--crossref-url", server.url, env=env)
    assert {r["status"] for r in json.loads(again.stdout)["references"]} == {"ok"}


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--timeout", "inf"),
        ("--timeout", "nan"),
        ("--timeout", "1e300"),
        ("--max-rps", "1e-300"),
        ("--retries", "9" * 5000),
        ("--deadline", "0"),
    ],
)
def test_out_of_range_numbers_are_usage_errors(tmp_path: Path, option: str, value: str) -> None:
    result = run("audit", one_reference_map(tmp_path, ARTICLE), option, value)
    assert result.exit_code == 2
    assert option in result.stderr


def test_a_record_naming_100000_linked_records_reads_50_and_says_so(tmp_path: Path) -> None:
    doi = "10.5555/many-links"
    entries = [
        {"DOI": f"10.5555/n.{i}", "type": "retraction", "updated": {"date-parts": [[2020, 1, 1]]}}
        for i in range(100_000)
    ]
    message = {"DOI": doi, "title": ["A study"], "update-to": entries}
    body = json.dumps({"status": "ok", "message-type": "work", "message": message}).encode()
    with ReplayServer(RECONSTRUCTED) as server:
        server.add_work(body)
        # The records it names that an audit reads (the first 50 in DOI order) exist, as at
        # Crossref: one list request answers them, instead of a lookup and an agency question
        # each for 50 missing ones (ten seconds at the single-lookup pace). Whichever it
        # reads, every DOI asked for is counted below.
        for linked in sorted(entry["DOI"] for entry in entries)[:50]:
            server.add_work(work_envelope(linked))
        path = one_reference_map(tmp_path, doi)
        code, document, _err = audit_json(path, server.url, "--mailto", "t@example.org")
        asked = {d for r in server.requests for d in (r.filter_dois or (r.doi,)) if d}
    assert code == 3
    assert len(asked - {doi}) == 50  # the linked records read, out of 100,000
    (finding,) = [f for f in document["findings"] if f["code"] == "unverified"]  # type: ignore[attr-defined]
    assert finding["message"].startswith(
        "R0: it names 100000 linked records; claimcheck reads at most 50, so 99950 were not"
        " read; without those records, whether it is a notice"
    )


def test_a_body_of_implausibly_many_json_containers_is_refused_unparsed(
    replay_server: ReplayServer,
) -> None:
    replay_server.add_fault(Fault.json(JSON_BOMB))
    fetcher = HttpFetcher(replay_server.url, retries=3, sleep=lambda _s: None)
    with pytest.raises(LookupFailed, match="a JSON body too dense to read") as failed:
        fetcher.fetch(f"/works/{ARTICLE.replace('/', '%2F')}", subject=ARTICLE)
    assert "attempts" not in str(failed.value)  # as dense the next time: not retried
    assert len(replay_server.requests) == 1


STORED_ANSWERS = sorted(
    path
    for folder in (RECORDED, DATA / "datacite", Path(__file__).parents[1] / "claims")
    for path in folder.rglob("*.json")
    if not path.name.endswith(("meta.json", "provenance.json"))
)


@pytest.mark.parametrize("path", STORED_ANSWERS, ids=lambda p: p.name[:60])
def test_no_real_answer_is_too_dense(path: Path) -> None:
    # As stored and as compact as Crossref sends it: the density guard's margin is measured
    # on these (fetch.BYTES_PER_CONTAINER).
    stored = path.read_bytes()
    compact = json.dumps(json.loads(stored), separators=(",", ":")).encode()
    assert _too_dense(stored) is None
    assert _too_dense(compact) is None
    assert len(stored) <= MAX_BODY_BYTES
