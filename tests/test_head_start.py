"""Lookups that start before the claim map is validated: the quick DOI scan agrees with the
loader, nothing is asked twice, an invalid map still fails as before, and the progress bar
still counts every lookup."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimcheck.app.head_start import ProgressRelay, head_start
from claimcheck.app.settings import Settings
from claimcheck.cache.store import Cache
from claimcheck.inputs.claimmap import load_claim_map
from claimcheck.inputs.discovery import MAX_FILE_BYTES
from claimcheck.inputs.doi_scan import printed_dois
from claimcheck.model.errors import ClaimMapError, LookupFailed
from claimcheck.model.record import Lookup, LookupStatus
from claimcheck.sources.crossref.client import CrossrefClient
from claimcheck.testing import ReplayServer
from claimcheck.transport.fetch import HttpFetcher, RawResponse
from tests.conftest import RECONSTRUCTED
from tests.factories import POLITE, write_map
from tests.test_cli import SEED_MAP, run

FOUND = ["10.1038/nbt.2816", "10.1126/science.1099513", "10.1038/bmt.2015.331"]

# Every way the loader accepts a DOI, one it refuses, a repeat, and a reference without one.
FORMS = """
claimcheck: 1
references:
  A: {doi: "https://doi.org/10.1038/NBT.2816"}
  B: {doi: "doi:10.1126/science.1099513."}
  C: {doi: not a doi}
  D: {doi: 10.1038/nbt.2816}
  E: {title: No DOI printed, year: 2001}
  F:
    doi: "(10.1038/bmt.2015.331)"
claims: [{id: C1, text: one, cites: [A, B, C, D, E, F]}]
"""


def loader_dois(path: Path) -> list[str]:
    return list(dict.fromkeys(r.doi for r in load_claim_map(path).references if r.doi))


@pytest.mark.parametrize("body", [FORMS, SEED_MAP.read_text(encoding="utf-8")])
def test_the_scan_finds_exactly_the_dois_the_loader_yields(tmp_path: Path, body: str) -> None:
    path = write_map(tmp_path, body)
    assert printed_dois(path) == loader_dois(path)
    assert printed_dois(path)  # neither map is without DOIs


def test_the_scan_reads_only_the_doi_of_each_reference(tmp_path: Path) -> None:
    body = """
    claimcheck: 1
    article: {title: T, doi: 10.1000/article}
    anchored: &d 10.1000/anchored
    ? [complex, key]
    : {references: {Z: {doi: 10.1000/complex}}}
    references:
      A: {doi: 10.1000/a, authors: [X, {doi: 10.1000/in-list}], note: {doi: 10.1000/deep}}
      B: {doi: *d}
      C: {doi: !!str 10.1000/c}
      D: {doi: !!binary aGVsbG8=}
      ? {doi: 10.1000/in-a-key}
      : {title: keyed by a mapping}
      E: [{doi: 10.1000/in-a-list}]
      F: {title: last, doi: "10.1000/F"}
    claims: [{id: C1, doi: 10.1000/claim}]
    """
    assert printed_dois(write_map(tmp_path, body)) == ["10.1000/a", "10.1000/c", "10.1000/f"]


_DOI_TEXTS = st.one_of(
    st.sampled_from(
        [
            "10.1038/nbt.2816",
            "10.1038/NBT.2816",
            "https://doi.org/10.1038/nbt.2816",
            "doi:10.1126/science.1099513.",
            "(10.1038/bmt.2015.331)",
            "10.1000",
            "not a doi",
            "",
        ]
    ),
    st.text(max_size=12).map(lambda suffix: f"10.1000/{suffix}"),
    st.text(max_size=12),
)
_REFERENCES = st.dictionaries(
    st.from_regex(r"[A-Za-z][A-Za-z0-9_]{0,4}", fullmatch=True),
    st.fixed_dictionaries({"doi": _DOI_TEXTS}, optional={"title": st.text(max_size=8)}),
    max_size=6,
)


@pytest.mark.fuzz
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_REFERENCES, st.booleans())
def test_on_any_map_the_loader_accepts_the_scan_agrees(
    tmp_path: Path, references: dict[str, dict[str, str]], flow: bool
) -> None:
    document = {"claimcheck": 1, "references": references, "claims": []}
    path = tmp_path / "map.yaml"
    path.write_text(yaml.safe_dump(document, default_flow_style=flow, allow_unicode=True))
    try:
        expected = loader_dois(path)
    except ClaimMapError:
        return  # refused maps are the loader's to report; the scan gives only a head start
    assert printed_dois(path) == expected


@pytest.mark.parametrize(
    "body",
    [
        "claimcheck: 1\nreferences: [10.1038/nbt.2816]\nclaims: []\n",  # not a mapping
        "- just\n- a list\n",
        "references: {A: {doi: 10.1038/nbt.2816}\n",  # broken YAML
        "references: {A: {doi: [10.1038/nbt.2816]}}\n",  # a DOI that is not text
        "",
    ],
)
def test_what_the_scan_cannot_read_plainly_gives_no_head_start(tmp_path: Path, body: str) -> None:
    assert printed_dois(write_map(tmp_path, body)) == []


def test_a_map_over_the_size_limit_gives_no_head_start(tmp_path: Path) -> None:
    path = write_map(tmp_path, "references: {A: {doi: 10.1038/nbt.2816}}\n")
    with path.open("a") as handle:
        handle.write("#" * MAX_FILE_BYTES + "\n")
    assert printed_dois(path) == []


def test_a_folder_or_missing_file_gives_no_head_start(tmp_path: Path) -> None:
    assert printed_dois(tmp_path) == []
    assert printed_dois(tmp_path / "missing.yaml") == []


def asked(server: ReplayServer, doi: str) -> int:
    """Requests that named `doi`: its own, and list queries carrying it."""
    return sum(1 for r in server.requests if r.doi == doi or doi in r.filter_dois)


def test_lookup_all_waits_for_the_started_lookups_and_asks_nothing_twice(
    replay_server: ReplayServer,
) -> None:
    fetcher = HttpFetcher(replay_server.url, mailto="t@example.org", retries=0)
    with CrossrefClient(fetcher, base_url=replay_server.url) as client:
        client.start(FOUND[:2])
        lookups = client.lookup_all(FOUND)
    assert [lookups[d].status for d in FOUND] == [LookupStatus.FOUND] * 3
    assert [asked(replay_server, d) for d in FOUND] == [1, 1, 1]


def test_a_cancelled_fetcher_sends_nothing(replay_server: ReplayServer) -> None:
    fetcher = HttpFetcher(replay_server.url, mailto="t@example.org", retries=0)
    fetcher.cancel()
    with pytest.raises(LookupFailed, match="not attempted"):
        fetcher.fetch("/works/10.1038/nbt.2816", subject="10.1038/nbt.2816")
    fetcher.close()
    assert replay_server.requests == []


def test_an_audit_asks_each_printed_doi_once(replay_server: ReplayServer, tmp_path: Path) -> None:
    body = "claimcheck: 1\nreferences:\n" + "".join(
        f"  R{i}: {{doi: {doi}}}\n" for i, doi in enumerate(FOUND)
    )
    body += "claims: [{id: C1, text: one, cites: [R0, R1, R2]}]\n"
    path = write_map(tmp_path, body)
    result = run("audit", path, "-f", "json", "--crossref-url", replay_server.url, env=POLITE)
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert {r["status"] for r in document["references"]} == {"ok"}
    assert [asked(replay_server, d) for d in FOUND] == [1, 1, 1]


def test_an_invalid_map_still_fails_located_with_exit_2(
    replay_server: ReplayServer, tmp_path: Path
) -> None:
    # The scan reads the DOI (so lookups may start); the loader refuses the typo'd key.
    path = write_map(
        tmp_path, "claimcheck: 1\nreferences:\n  R1: {doi: 10.1038/nbt.2816, cited_ass: x}\n"
    )
    assert printed_dois(path) == ["10.1038/nbt.2816"]
    result = run("audit", path, "-f", "json", "--crossref-url", replay_server.url, env=POLITE)
    assert result.exit_code == 2
    assert f"{path}:3:" in result.stderr
    assert json.loads(result.stdout)["schema"] == "claimcheck.error/1"


def test_the_progress_relay_hands_on_lookups_made_before_the_bar_existed() -> None:
    relay, seen = ProgressRelay(), []
    early = [Lookup(f"10.1000/{i}", LookupStatus.FOUND) for i in range(3)]
    for lookup in early:
        relay(lookup)
    assert seen == []
    relay.attach(seen.append)
    assert seen == early
    late = Lookup("10.1000/late", LookupStatus.FOUND)
    relay(late)
    assert seen == [*early, late]


def test_the_first_request_is_written_before_the_caller_goes_on(
    replay_server: ReplayServer,
) -> None:
    fetcher = HttpFetcher(replay_server.url, mailto="t@example.org", retries=0)
    with CrossrefClient(fetcher, base_url=replay_server.url) as client:
        client.start(FOUND)
        assert client.wait_first_request(10.0) == "written"
        assert fetcher.written.is_set()
        client.lookup_all(FOUND)


def test_lookups_the_cache_answers_need_no_request_to_go_on(
    replay_server: ReplayServer, tmp_path: Path
) -> None:
    def client(cache: Cache) -> CrossrefClient:
        fetcher = HttpFetcher(replay_server.url, mailto="t@example.org", retries=0)
        return CrossrefClient(fetcher, base_url=replay_server.url, cache=cache)

    with client(Cache(tmp_path)) as cold:
        cold.lookup_all(FOUND)
    sent = len(replay_server.requests)
    with client(Cache(tmp_path)) as warm:
        warm.start(FOUND)
        assert warm.wait_first_request(10.0) == "no-request"
        warm.lookup_all(FOUND)
    assert len(replay_server.requests) == sent


class _HeldFetcher:
    """A fetcher whose requests wait until released: none is ever written before."""

    def __init__(self) -> None:
        self.release = threading.Event()

    def fetch(self, request: str, *, subject: str, kind: str = "single") -> RawResponse:
        self.release.wait(10.0)
        raise LookupFailed(subject, "held, then refused")

    def close(self) -> None:
        self.release.set()


def test_waiting_for_a_first_request_is_bounded() -> None:
    fetcher = _HeldFetcher()
    with CrossrefClient(fetcher, base_url="http://127.0.0.1:9") as client:
        client.start(FOUND)
        assert client.wait_first_request(0.05) == "timed-out"
        fetcher.release.set()
        assert {lookup.status for lookup in client.lookup_all(FOUND).values()} == {
            LookupStatus.FAILED
        }


def test_the_head_start_returns_once_its_first_request_is_written(
    replay_server: ReplayServer, tmp_path: Path
) -> None:
    path = write_map(tmp_path, "claimcheck: 1\nreferences:\n  R1: {doi: 10.1038/nbt.2816}\n")
    fetcher = HttpFetcher(replay_server.url, mailto="t@example.org", retries=0)
    with CrossrefClient(fetcher, base_url=replay_server.url) as client:
        settings = Settings(crossref_url=replay_server.url, mailto="t@example.org")
        assert head_start(client, [path], settings, ProgressRelay())
        assert fetcher.written.is_set()
        client.lookup_all(["10.1038/nbt.2816"])


# Modules the claim map's validation and the judging need, and the lookups do not: none may be
# loaded before the first request leaves, which waits for whatever is imported before it.
_AFTER_THE_FIRST_REQUEST = (
    "pydantic",
    "claimcheck.model.claimmap",
    "claimcheck.model.results",
    "claimcheck.checks.pipeline",
)


def test_the_first_request_leaves_before_validation_or_judging_is_imported(
    tmp_path: Path,
) -> None:
    # A fresh interpreter, as a user runs the command: the modules loaded when the first
    # request is about to be sent are noted on stderr.
    probe = (
        "import sys\n"
        "from claimcheck.transport import fetch\n"
        "attempt = fetch.HttpFetcher._attempt\n"
        "seen = []\n"
        "def noted(self, *args, **kwargs):\n"
        "    if not seen:\n"
        f"        seen.append([m for m in {_AFTER_THE_FIRST_REQUEST!r} if m in sys.modules])\n"
        "    return attempt(self, *args, **kwargs)\n"
        "fetch.HttpFetcher._attempt = noted\n"
        "from claimcheck.app.cli import main\n"
        "try:\n"
        "    main()\n"
        "finally:\n"
        "    print('loaded at the first request:', seen, file=sys.stderr)\n"
    )
    env = {**os.environ, "CLAIMCHECK_CACHE_DIR": str(tmp_path), **POLITE}
    with ReplayServer(RECONSTRUCTED) as server:
        args = ("audit", str(SEED_MAP), "-f", "json", "-q", "--crossref-url", server.url)
        done = subprocess.run(
            [sys.executable, "-c", probe, *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert server.requests  # the audit did ask
    assert json.loads(done.stdout)["summary"]["references"] > 0
    assert done.stderr.strip().splitlines()[-1] == "loaded at the first request: [[]]"
