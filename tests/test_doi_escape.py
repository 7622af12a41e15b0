"""DOIs that try to escape their path segment or their `filter=doi:` clause.

A DOI suffix may hold almost anything (`? # % & + ; = " ' \\ < > ( ) [ ] ,`, non-ASCII), so a
lookup must send it percent-encoded as exactly one path segment (or one filter clause), and
the server must read back exactly the DOI asked for: no extra path segment, no query, no
fragment, no other host. Strings that are not DOIs (white space, control or bidi characters)
are `doi-invalid` and never sent. README, "Reliability" ("Bad input") is the spec.
"""

from __future__ import annotations

import http.client
import json
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claimcheck.model.doi import doi_path_segment, normalize_doi
from claimcheck.model.errors import DoiError
from claimcheck.model.record import LookupStatus
from claimcheck.sources.crossref.batching import list_request
from claimcheck.sources.crossref.client import CrossrefClient
from claimcheck.testing import ReplayServer
from claimcheck.transport.fetch import HttpFetcher
from tests.conftest import RECONSTRUCTED
from tests.factories import SkippedWaits, work_envelope, write_map
from tests.test_cli import run

NASTY = {
    "question-mark": "10.5555/what?x=1",
    "hash": "10.5555/frag#ment",
    "percent": "10.5555/100%",
    "encoded-slash": "10.5555/a%2Fb",
    "double-encoded": "10.5555/a%252Fb",
    "dot-segments": "10.5555/x/../../members",
    "ampersand": "10.5555/a&rows=1000",
    "plus": "10.5555/a+b",
    "semicolon": "10.5555/a;b",
    "equals": "10.5555/a=b",
    "double-quote": '10.5555/"quoted"',
    "single-quote": "10.5555/o'brien",
    "backslash": "10.5555/back\\slash",
    "non-ascii": "10.5555/café-日本語",
    "sici": "10.1002/1529-0131(200108)44:8<1928::AID-ART331>3.0.CO;2-P",
    "sici-brackets": "10.1002/(SICI)[1999]12:3<45::AID-X>3.0.CO;2-Y",
    "looks-like-agency": "10.5555/x/agency",
    "filter-injection": "10.5555/a:doi:10.9999/b",
    "at-and-colon": "10.5555/user@host:80",
}
COMMA = "10.5555/with,comma,doi:10.9999/evil"


def lower(doi: str) -> str:
    normalised = normalize_doi(doi)
    assert normalised == doi.lower()  # normalising never eats a nasty character
    return normalised


@pytest.fixture
def server() -> Iterator[ReplayServer]:
    with ReplayServer(RECONSTRUCTED) as replay:
        for doi in [*NASTY.values(), COMMA]:
            replay.add_work(work_envelope(doi))
        yield replay
    assert not replay.errors, f"replay server raised: {replay.errors!r}"


def client(server: ReplayServer, *, batch: bool) -> CrossrefClient:
    waits = SkippedWaits()  # the pace holds on its clock, without the wait
    fetcher = HttpFetcher(
        server.url, mailto="t@example.org", retries=0, sleep=waits.sleep, clock=waits.clock
    )
    return CrossrefClient(fetcher, base_url=server.url, batch=batch)


# --- single lookups ------------------------------------------------------------------------


@pytest.mark.parametrize("raw", [*NASTY.values(), COMMA], ids=[*NASTY, "comma"])
def test_a_single_lookup_sends_one_exact_encoded_path_segment(
    server: ReplayServer, raw: str
) -> None:
    doi = lower(raw)
    # A comma DOI is always fetched alone, even when batching is on.
    with client(server, batch=raw == COMMA) as crossref:
        lookup = crossref.lookup(raw)
    (request,) = server.requests  # exactly one request, and to this server
    assert request.raw_line == f"GET /works/{doi_path_segment(doi)} HTTP/1.1"
    assert request.headers["host"] == f"127.0.0.1:{server.port}"
    assert request.route == "work"
    assert request.query == {}  # nothing leaked into a query
    assert request.doi == doi  # the server decoded exactly the DOI asked for
    assert lookup.status is LookupStatus.FOUND
    assert lookup.work is not None
    assert lookup.work.doi == doi


# --- batched lookups -----------------------------------------------------------------------


def test_a_batch_of_nasty_dois_keeps_each_filter_clause_intact(server: ReplayServer) -> None:
    asked = [lower(d) for d in NASTY.values()]
    with client(server, batch=True) as crossref:
        results = crossref.lookup_all([*NASTY.values(), COMMA])

    lists = [r for r in server.requests if r.route == "list"]
    assert lists, "the DOIs were never batched"
    for request in lists:
        assert set(request.query) == {"filter", "rows"}  # no `&` or `#` broke out
        assert request.query["rows"] == [str(len(request.filter_dois))]
        assert len(request.query["filter"]) == 1
        assert request.path == "/works"
        assert request.headers["host"] == f"127.0.0.1:{server.port}"
    assert [d for r in lists for d in r.filter_dois] == asked
    # The comma DOI never goes in a filter (its comma would split the clause): alone.
    singles = [r for r in server.requests if r.route != "list"]
    assert [r.raw_line for r in singles] == [
        f"GET /works/{doi_path_segment(COMMA.lower())} HTTP/1.1"
    ]
    assert all(COMMA.lower() not in r.filter_dois for r in lists)
    assert {d: r.status for d, r in results.items()} == dict.fromkeys(
        [*asked, COMMA.lower()], LookupStatus.FOUND
    )
    assert all(r.work is not None and r.work.doi == d for d, r in results.items())


# --- strings that are not DOIs ---------------------------------------------------------------

NOT_DOIS = {
    "space": "10.5555/a b",
    "newline": "10.5555/a\nb",
    "carriage-return": "10.5555/a\rb",
    "tab": "10.5555/a\tb",
    "nul": "10.5555/a\x00b",
    "bidi-override": "10.5555/a\u202eb",
    "bidi-isolate": "10.5555/a\u2066b",
    "zero-width-space": "10.5555/a\u200bb",
    "no-break-space": "10.5555/a\u00a0b",
    "line-separator": "10.5555/a\u2028b",
}
# Once accepted (a review found them): C1 controls, U+061C and other format characters are
# now refused by Unicode category, as README ("Bad input") says.
MISSED = {
    "c1-control-csi": "10.5555/a\x9bb",
    "c1-control-pad": "10.5555/a\x80b",
    "arabic-letter-mark": "10.5555/a\u061cb",
}


@pytest.mark.parametrize("raw", NOT_DOIS.values(), ids=NOT_DOIS.keys())
def test_white_space_control_and_bidi_characters_are_not_a_doi(raw: str) -> None:
    with pytest.raises(DoiError):
        normalize_doi(raw)


@pytest.mark.parametrize("raw", MISSED.values(), ids=MISSED.keys())
def test_c1_controls_and_the_arabic_letter_mark_are_not_a_doi(raw: str) -> None:
    with pytest.raises(DoiError):
        normalize_doi(raw)


def test_a_lone_surrogate_is_not_a_doi() -> None:
    # What Python makes of `claimcheck resolve $'10.5555/a\xffb'` under a UTF-8 locale.
    with pytest.raises(DoiError):
        normalize_doi("10.5555/a\udcffb")


def test_resolve_refuses_a_lone_surrogate_as_a_usage_error(server: ReplayServer) -> None:
    result = run("resolve", "10.5555/a\udcffb", "-f", "json", "--crossref-url", server.url)
    assert result.exit_code == 2
    assert server.requests == []


def _yaml_escape(text: str) -> str:
    # A YAML double-quoted scalar that spells every character; \uXXXX keeps the file ASCII.
    return "".join(c if c.isalnum() or c in "./-" else f"\\u{ord(c):04x}" for c in text)


def audit_map(tmp_path: Path, dois: dict[str, str]) -> Path:
    references = "\n".join(f'  {ref}: {{doi: "{_yaml_escape(d)}"}}' for ref, d in dois.items())
    cites = ", ".join(["OK", *dois])
    body = (
        "claimcheck: 1\nreferences:\n"
        "  OK: {doi: 10.1634/stemcells.22-4-448}\n"
        f"{references}\n"
        f"claims:\n  - {{id: C1, text: one, cites: [{cites}]}}\n"
    )
    return write_map(tmp_path, body)


def audit(path: Path, server: ReplayServer) -> tuple[int, dict[str, Any]]:
    result = run("audit", path, "-f", "json", "--crossref-url", server.url, "--retries", "0")
    assert "Traceback" not in result.stderr
    return result.exit_code, json.loads(result.stdout)


def test_a_non_doi_in_a_claim_map_is_doi_invalid_and_never_sent(
    tmp_path: Path, server: ReplayServer
) -> None:
    refs = {f"R{i}": raw for i, raw in enumerate(NOT_DOIS.values())}
    exit_code, document = audit(audit_map(tmp_path, refs), server)

    assert exit_code == 1
    for ref, raw in refs.items():
        findings = [f for f in document["findings"] if f["reference"] == ref]
        assert [f["code"] for f in findings] == ["doi-invalid"], ref
        assert findings[0]["evidence"]["doi"] == raw  # the very string written, reported
    # The run did talk to the server, but only about the one real DOI.
    assert server.requests
    for request in server.requests:
        assert {request.doi, *request.filter_dois} - {None} == {"10.1634/stemcells.22-4-448"}
        assert "10.5555" not in request.raw_line


def test_a_c1_control_or_letter_mark_doi_in_a_claim_map_is_never_sent(
    tmp_path: Path, server: ReplayServer
) -> None:
    refs = {f"R{i}": raw for i, raw in enumerate(MISSED.values())}
    exit_code, document = audit(audit_map(tmp_path, refs), server)
    assert exit_code == 1
    codes = {f["reference"]: f["code"] for f in document["findings"] if f["reference"]}
    assert codes == dict.fromkeys(refs, "doi-invalid")
    assert not any("10.5555" in r.raw_line for r in server.requests)


# --- --crossref-url with a path prefix -------------------------------------------------------


class _PrefixProxy(ThreadingHTTPServer):
    """Serves `/prefix/…` by forwarding `…` byte for byte to the replay server."""

    daemon_threads = True

    def __init__(self, upstream: ReplayServer, prefix: str) -> None:
        self.upstream, self.prefix = upstream, prefix
        self.paths: list[str] = []
        super().__init__(("127.0.0.1", 0), _ProxyHandler)


class _ProxyHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _PrefixProxy

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""

    def do_GET(self) -> None:
        self.server.paths.append(self.path)
        if not self.path.startswith(self.server.prefix + "/"):
            self._reply(404, b"no such prefix")
            return
        upstream = http.client.HTTPConnection("127.0.0.1", self.server.upstream.port, timeout=5)
        try:
            upstream.request("GET", self.path[len(self.server.prefix) :])
            reply = upstream.getresponse()
            self._reply(reply.status, reply.read(), reply.getheader("Content-Type"))
        finally:
            upstream.close()

    def _reply(self, status: int, body: bytes, content_type: str | None = "text/plain") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type or "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def prefixed(server: ReplayServer) -> Iterator[tuple[str, _PrefixProxy]]:
    proxy = _PrefixProxy(server, "/api/crossref")
    thread = threading.Thread(target=proxy.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield f"http://127.0.0.1:{proxy.server_address[1]}/api/crossref", proxy
    finally:
        proxy.shutdown()
        proxy.server_close()
        thread.join(timeout=5)


@pytest.mark.parametrize("slash", ["", "/"], ids=["bare", "trailing-slash"])
def test_a_crossref_url_with_a_path_prefix_is_kept(
    tmp_path: Path, server: ReplayServer, prefixed: tuple[str, _PrefixProxy], slash: str
) -> None:
    url, proxy = prefixed
    refs = {"A": "10.1038/nbt.2816", "S": NASTY["sici"], "Q": NASTY["question-mark"]}
    path = audit_map(tmp_path, refs)
    result = run("audit", path, "-f", "json", "--crossref-url", url + slash, "--retries", "0")

    document = json.loads(result.stdout)
    assert result.exit_code == 0, result.stderr
    assert {r["status"] for r in document["references"]} == {"ok"}
    assert document["source"]["crossref"] == url
    # Every request went to the proxy, under the prefix, and reached the replay server intact.
    assert proxy.paths
    assert all(p.startswith("/api/crossref/works") for p in proxy.paths)
    assert [urlsplit(p).path.removeprefix("/api/crossref") for p in proxy.paths] == [
        r.path for r in server.requests
    ]


def test_a_crossref_url_prefix_the_server_lacks_never_looks_clean(
    tmp_path: Path, server: ReplayServer
) -> None:
    # The replay server has no /prefix routes, so it answers a plain 404 to everything: it
    # never answered as Crossref, so nothing was checked (exit 2), and no DOI is "not found".
    path = audit_map(tmp_path, {"A": "10.1038/nbt.2816"})
    result = run("audit", path, "-f", "json", "--crossref-url", server.url + "/prefix")
    document = json.loads(result.stdout)
    assert result.exit_code == 2
    assert document["schema"] == "claimcheck.error/1"
    assert "doi-not-found" not in result.stdout
    assert f"{server.url}/prefix does not answer as the Crossref REST API" in result.stderr
    assert server.requests
    assert all(r.path.startswith("/prefix/works") for r in server.requests)


@pytest.mark.parametrize("suffix", ["/#frag", "/?x=1"], ids=["fragment", "query"])
def test_a_crossref_url_with_a_query_or_fragment_is_a_usage_error(
    tmp_path: Path, server: ReplayServer, suffix: str
) -> None:
    path = audit_map(tmp_path, {"A": "10.1038/nbt.2816"})
    result = run("audit", path, "-f", "json", "--crossref-url", server.url + suffix)
    assert result.exit_code == 2
    assert server.requests == []


# --- properties ------------------------------------------------------------------------------

# Printable, no white space (letters, marks, numbers, punctuation, symbols), no comma.
SUFFIX = st.text(
    st.characters(categories=["L", "M", "N", "P", "S"], exclude_characters=","),
    min_size=1,
    max_size=40,
)
UNRESERVED_OR_ESCAPED = re.compile(r"(?:[A-Za-z0-9._~-]|%[0-9A-F]{2})+")


@given(SUFFIX)
def test_path_segment_round_trips_and_holds_no_delimiter(suffix: str) -> None:
    doi = f"10.5555/{suffix}"
    segment = doi_path_segment(doi)
    assert unquote(segment, errors="strict") == doi
    assert not set("/?#") & set(segment)
    assert UNRESERVED_OR_ESCAPED.fullmatch(segment)


@given(st.lists(SUFFIX, min_size=2, max_size=6, unique=True))
def test_list_request_parses_back_to_filter_and_rows(suffixes: list[str]) -> None:
    dois = [f"10.5555/{s}" for s in suffixes]
    request = list_request(dois)
    path, _, query = request.partition("?")
    assert path == "/works"
    assert "#" not in request
    parsed = parse_qs(query, keep_blank_values=True, strict_parsing=True, errors="strict")
    assert set(parsed) == {"filter", "rows"}
    assert parsed["rows"] == [str(len(dois))]
    (value,) = parsed["filter"]
    clauses = value.split(",")
    assert all(c.startswith("doi:") for c in clauses)
    assert [c.removeprefix("doi:") for c in clauses] == dois
