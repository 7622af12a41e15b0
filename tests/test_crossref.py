"""The Crossref client against the real-HTTP replay server: lookups, 404s, agencies, faults."""

from __future__ import annotations

import json
import ssl
import time
from collections.abc import Iterator

import pytest

from claimcheck.model.record import LookupStatus
from claimcheck.sources.crossref.answers import works_path
from claimcheck.sources.crossref.client import CrossrefClient
from claimcheck.testing import Fault, ReplayServer
from claimcheck.transport.fetch import HttpFetcher, retry_after_seconds
from claimcheck.transport.limiter import advertised
from tests.factories import work_envelope

NOTICE = "10.1158/0008-5472.can-10-2451"
SICI = "10.1002/1529-0131(200108)44:8<1928::aid-art331>3.0.co;2-p"


class Sleeps(list[float]):
    """Records the waits a fetcher asks for, without waiting."""

    skipped = 0.0  # seconds of waits asked for so far

    def __call__(self, seconds: float) -> None:
        self.append(seconds)
        self.skipped += max(seconds, 0.0)

    def clock(self) -> float:
        """A monotonic clock that the waits move on, as if each had been waited out: a
        limiter holding a request until then sees its time come at once, instead of asking
        again and again until the real time comes."""
        return time.monotonic() + self.skipped


OPEN: list[CrossrefClient] = []


@pytest.fixture(autouse=True)
def _close_clients() -> Iterator[None]:
    yield
    while OPEN:
        OPEN.pop().close()


def client_for(
    server: ReplayServer,
    sleeps: Sleeps | None = None,
    *,
    timeout: float = 5.0,
    base: str | None = None,
    **kwargs: object,
) -> CrossrefClient:
    base = base or server.url
    fetcher = HttpFetcher(
        base,
        mailto="editor@example.org",
        timeout=timeout,
        retries=2,
        sleep=sleeps if sleeps is not None else Sleeps(),
        **kwargs,  # type: ignore[arg-type]
    )
    OPEN.append(CrossrefClient(fetcher, base_url=base))
    return OPEN[-1]


def test_found_work_is_parsed(replay_server: ReplayServer) -> None:
    lookup = client_for(replay_server).lookup(NOTICE.upper())
    assert lookup.status is LookupStatus.FOUND
    assert lookup.work is not None
    assert lookup.work.title == "Retraction: Spontaneous Human Adult Stem Cell Transformation"
    assert lookup.work.update_to[0].doi == "10.1158/0008-5472.can-04-4194"


RUSSIAN = "Влияние стволовых клеток на регенерацию печени"
ENGLISH = "Effect of stem cells on liver regeneration"


@pytest.mark.parametrize(
    ("titles", "original", "title", "others"),
    [
        # Crossref's schema: `title` holds "Work titles, including translated titles".
        ([RUSSIAN, ENGLISH], [], RUSSIAN, (ENGLISH,)),
        ([RUSSIAN, ENGLISH], ["Original", RUSSIAN], RUSSIAN, (ENGLISH, "Original")),
        ([" ", ENGLISH, ENGLISH], None, ENGLISH, ()),  # blank and repeated entries go
        ([], [RUSSIAN], RUSSIAN, ()),  # only an original title: it is the one shown
    ],
)
def test_every_title_of_a_record_is_kept_the_first_shown(
    replay_server: ReplayServer,
    titles: list[str],
    original: list[str] | None,
    title: str,
    others: tuple[str, ...],
) -> None:
    body = json.loads(work_envelope("10.5555/ru", original_title=original))
    body["message"]["title"] = titles
    replay_server.add_work(json.dumps(body).encode())
    lookup = client_for(replay_server).lookup("10.5555/ru")
    assert lookup.work is not None
    assert (lookup.work.title, lookup.work.other_titles) == (title, others)


def test_doi_is_percent_encoded_and_contact_sent_in_user_agent(replay_server: ReplayServer) -> None:
    client_for(replay_server).lookup(SICI)
    first = replay_server.requests[0]
    assert first.raw_line.startswith(f"GET {works_path(SICI)} HTTP/1.1")
    assert "%3C1928%3A%3Aaid-art331%3E" in first.raw_line
    assert first.query == {}
    assert "mailto:editor@example.org" in first.headers["user-agent"]
    assert first.headers["user-agent"].startswith("claimcheck/")


def test_404_asks_the_agency_and_reports_not_found(replay_server: ReplayServer) -> None:
    client = client_for(replay_server)
    lookup = client.lookup("10.9999/does-not-exist")
    assert lookup.status is LookupStatus.NOT_FOUND
    # Nothing else answered as Crossref yet, so one list query checks that this server is
    # Crossref before its 404 counts as evidence.
    assert [(r.route, r.path) for r in replay_server.requests] == [
        ("work", "/works/10.9999%2Fdoes-not-exist"),
        ("agency", "/works/10.9999%2Fdoes-not-exist/agency"),
        ("list", "/works"),
    ]
    assert replay_server.requests[-1].query == {"rows": ["0"]}
    assert client.answered_as_crossref
    client.lookup("10.9999/also-missing")
    assert [r.route for r in replay_server.requests[3:]] == ["work", "agency"]  # asked once


def test_a_404_from_a_server_that_never_answered_as_crossref_is_not_evidence(
    replay_server: ReplayServer,
) -> None:
    # A mistyped base URL: the server answers 404 to every path, the probe included.
    client = client_for(replay_server, base=replay_server.url + "/typo")
    lookup = client.lookup("10.1038/nbt.2816")
    assert lookup.status is LookupStatus.FAILED
    assert "not evidence" in (lookup.error or "")
    assert not client.answered_as_crossref
    assert client.server_problem is not None
    assert "/typo does not answer as the Crossref REST API" in client.server_problem


def test_a_404_after_a_crossref_answer_needs_no_probe(replay_server: ReplayServer) -> None:
    client = client_for(replay_server)
    client.lookup_all(["10.1038/nbt.2816", "10.9999/does-not-exist"])
    assert [r.route for r in replay_server.requests].count("list") == 1  # the batch, no probe
    assert client.lookup("10.9999/does-not-exist").status is LookupStatus.NOT_FOUND


def test_doi_of_another_agency_is_not_called_missing(replay_server: ReplayServer) -> None:
    lookup = client_for(replay_server).lookup("10.5061/dryad.example")
    assert lookup.status is LookupStatus.OTHER_AGENCY
    assert lookup.agency == "datacite"


def test_duplicates_are_looked_up_once(replay_server: ReplayServer) -> None:
    client = client_for(replay_server)
    results = client.lookup_all([NOTICE, NOTICE.upper(), "10.1038/nbt.2816", NOTICE])
    assert list(results) == [NOTICE, "10.1038/nbt.2816"]
    (request,) = replay_server.requests  # one batched list request for both
    assert request.route == "list"
    assert request.filter_dois == (NOTICE, "10.1038/nbt.2816")
    assert request.query["rows"] == ["2"]


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
def test_retry_after_is_honoured_then_succeeds(replay_server: ReplayServer, status: int) -> None:
    # Every retried status, not only 429 and 503: a 500 with Retry-After was retried at once.
    replay_server.add_fault(Fault.http(status, retry_after="7", times=1))
    sleeps = Sleeps()
    lookup = client_for(replay_server, sleeps, clock=sleeps.clock).lookup(NOTICE)
    assert lookup.status is LookupStatus.FOUND
    assert any(6.5 < s <= 7.0 for s in sleeps)  # held by the limiter until Retry-After
    assert len(replay_server.requests) == 2


@pytest.mark.parametrize(
    ("fault", "cause"),
    [
        (Fault.http(429), "HTTP 429"),
        (Fault.http(500), "HTTP 500"),
        (Fault.http(503), "HTTP 503"),
        (Fault.reset(), "connection"),
        (Fault.truncated(), "connection closed mid-response"),
        (Fault.html(), "not JSON"),
        (Fault.json(b""), "not JSON"),
    ],
)
def test_persistent_fault_fails_the_lookup_after_retries(
    replay_server: ReplayServer, fault: Fault, cause: str
) -> None:
    replay_server.add_fault(fault)
    lookup = client_for(replay_server).lookup(NOTICE)
    assert lookup.status is LookupStatus.FAILED
    assert lookup.error is not None
    assert cause in lookup.error
    assert "after 3 attempts" in lookup.error
    assert len(replay_server.requests) == 3


@pytest.mark.parametrize(
    "fault",
    [
        Fault.http(429, times=1),
        Fault.http(500, times=1),
        Fault.http(503, times=1),
        Fault.reset(times=1),
        Fault.truncated(times=1),
        Fault.html(times=1),
        Fault.slow(1.0, times=1),
    ],
)
def test_fault_once_then_fine_recovers(replay_server: ReplayServer, fault: Fault) -> None:
    replay_server.add_fault(fault)
    lookup = client_for(replay_server, timeout=0.3).lookup(NOTICE)
    assert lookup.status is LookupStatus.FOUND


def test_slow_response_past_the_timeout_fails(replay_server: ReplayServer) -> None:
    replay_server.add_fault(Fault.slow(1.0))
    lookup = client_for(replay_server, timeout=0.2).lookup(NOTICE)
    assert lookup.status is LookupStatus.FAILED
    assert lookup.error is not None
    assert "timed out" in lookup.error


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (b'{"status":"ok","message-type":"work"}', "no `message`"),
        (b'{"status":"ok","message-type":"work","message":[]}', "no `message`"),
        (b'{"status":"failed","message-type":"work","message":{}}', "status"),
        (b"[1, 2]", "not an object"),
    ],
)
def test_wrong_shape_is_a_failed_lookup(
    replay_server: ReplayServer, body: bytes, problem: str
) -> None:
    replay_server.add_fault(Fault.json(body))
    lookup = client_for(replay_server).lookup(NOTICE)
    assert lookup.status is LookupStatus.FAILED
    assert problem in (lookup.error or "")


TITLE_FIELDS = ("title", "original-title", "subtitle", "container-title", "short-container-title")


@pytest.mark.parametrize("field", TITLE_FIELDS)
@pytest.mark.parametrize(
    "value", [{"0": "RETRACTED: A study"}, ["A study", {"0": "RETRACTED: A study"}], True]
)
def test_a_title_field_of_the_wrong_shape_is_a_failed_lookup_not_no_title(
    replay_server: ReplayServer, field: str, value: object
) -> None:
    """A title is where a retraction may be marked: one that cannot be read must not leave
    the work clean, as reading it as "no title" did."""
    message = {"DOI": NOTICE, "title": ["A study"], field: value}
    replay_server.add_fault(
        Fault.json(
            json.dumps({"status": "ok", "message-type": "work", "message": message}).encode()
        )
    )
    lookup = client_for(replay_server).lookup(NOTICE)
    assert lookup.status is LookupStatus.FAILED
    assert f"`{field}` is not a list of texts" in (lookup.error or "")


@pytest.mark.parametrize("field", TITLE_FIELDS)
def test_a_title_field_as_a_string_or_with_a_number_is_still_read(
    replay_server: ReplayServer, field: str
) -> None:
    message = {"DOI": NOTICE, "title": ["A study"], field: ["RETRACTED: A study", 1984]}
    replay_server.add_fault(
        Fault.json(
            json.dumps({"status": "ok", "message-type": "work", "message": message}).encode()
        )
    )
    lookup = client_for(replay_server).lookup(NOTICE)
    assert lookup.status is LookupStatus.FOUND


RETRACTION = '{"DOI": "10.5555/notice", "type": "retraction", "label": "Retraction"}'


@pytest.mark.parametrize("key", ["updated-by", "update-to"])
def test_an_update_key_named_twice_is_a_failed_lookup_not_no_updates(
    replay_server: ReplayServer, key: str
) -> None:
    """Python keeps the last of two equal keys: `"updated-by": [retraction], "updated-by": []`
    would read as a work never retracted."""
    message = f'{{"DOI": "{NOTICE}", "title": ["A"], "{key}": [{RETRACTION}], "{key}": []}}'
    body = '{"status": "ok", "message-type": "work", "message": ' + message + "}"
    replay_server.add_fault(Fault.json(body.encode()))
    lookup = client_for(replay_server).lookup(NOTICE)
    assert lookup.status is LookupStatus.FAILED
    assert f"names `{key}` twice in one record" in (lookup.error or "")


def test_a_list_naming_an_update_key_twice_in_one_item_is_not_read() -> None:
    from claimcheck.sources.crossref.records import MalformedRecord, decode_envelope

    once = f'{{"DOI": "10.5555/a", "updated-by": [{RETRACTION}]}}'
    twice = f'{{"DOI": "10.5555/b", "updated-by": [{RETRACTION}], "updated-by": []}}'

    def listing(*items: str) -> bytes:
        message = '{"items": [' + ", ".join(items) + "]}"
        envelope = '{"status": "ok", "message-type": "work-list", "message": ' + message + "}"
        return envelope.encode()

    assert len(decode_envelope(listing(once, once), "work-list")["items"]) == 2
    with pytest.raises(MalformedRecord, match="names `updated-by` twice"):
        decode_envelope(listing(once, twice), "work-list")


def test_a_record_for_another_doi_is_not_taken_as_the_answer(replay_server: ReplayServer) -> None:
    body = b'{"status":"ok","message-type":"work","message":{"DOI":"10.1038/nbt.2816"}}'
    replay_server.add_fault(Fault.json(body, match=NOTICE))
    lookup = client_for(replay_server).lookup(NOTICE)
    assert lookup.status is LookupStatus.FAILED
    assert "10.1038/nbt.2816" in (lookup.error or "")


def test_404_whose_agency_lookup_fails_is_unverified_not_missing(
    replay_server: ReplayServer,
) -> None:
    replay_server.add_fault(Fault.http(503, match="/agency"))
    lookup = client_for(replay_server).lookup("10.9999/nothing")
    assert lookup.status is LookupStatus.FAILED
    assert "registration agency could not be checked" in (lookup.error or "")


def test_410_is_a_failure_not_a_404(replay_server: ReplayServer) -> None:
    replay_server.add_fault(Fault.http(410))
    lookup = client_for(replay_server).lookup(NOTICE)
    assert lookup.status is LookupStatus.FAILED
    assert len(replay_server.requests) == 1  # not retried


def test_connection_refused_is_a_failed_lookup() -> None:
    server = ReplayServer()
    server.start()
    url = server.url
    server.stop()
    fetcher = HttpFetcher(url, retries=1, sleep=Sleeps(), timeout=2.0)
    with CrossrefClient(fetcher) as client:
        lookup = client.lookup(NOTICE)
    assert lookup.status is LookupStatus.FAILED
    assert "could not connect" in (lookup.error or "")


def test_metadata_plus_token_is_sent_as_a_bearer_header(replay_server: ReplayServer) -> None:
    client_for(replay_server, token="s3cret").lookup(NOTICE)
    assert replay_server.requests[0].headers["crossref-plus-api-token"] == "Bearer s3cret"


def test_rate_headers_set_the_pace() -> None:
    both = {"x-rate-limit-limit": "10", "x-rate-limit-interval": "1s", "x-concurrency-limit": "3"}
    assert advertised(both) == (10.0, 3)
    assert advertised({"x-rate-limit-limit": "50", "x-rate-limit-interval": "2s"}) == (25.0, None)
    assert advertised({"x-rate-limit-limit": "abc", "x-concurrency-limit": "0"}) == (None, None)
    assert advertised({}) == (None, None)


def test_retry_after_accepts_seconds_and_http_dates() -> None:
    assert retry_after_seconds("3", now=0.0) == 3.0
    assert retry_after_seconds("Thu, 01 Jan 1970 00:00:10 GMT", now=4.0) == 6.0
    assert retry_after_seconds("soon", now=0.0) is None
    # Returned as asked: the limiter, not the parser, refuses a wait past its bound.
    assert retry_after_seconds("100000", now=0.0) == 100000.0
    assert retry_after_seconds("9" * 40, now=0.0) is None  # not a plausible number
    assert retry_after_seconds("²", now=0.0) is None  # a Unicode digit, not ASCII
    assert retry_after_seconds("Thu, 01 Jan 99999 00:00:10 GMT", now=0.0) is None


@pytest.mark.parametrize(
    ("base_url", "verified"), [("https://registry.example", True), ("http://127.0.0.1:9", False)]
)
def test_certificates_are_verified_for_https_and_redirects_never_followed(
    base_url: str, verified: bool
) -> None:
    # A plain http:// base skips loading CA certificates (it never does TLS: every request
    # goes to the base URL and no redirect is followed); an https:// base always verifies.
    fetcher = HttpFetcher(base_url)
    try:
        context = fetcher._http()._transport._pool._ssl_context  # type: ignore[attr-defined]
        assert context.check_hostname is verified
        assert (context.verify_mode == ssl.CERT_REQUIRED) is verified
        assert fetcher._http().follow_redirects is False
    finally:
        fetcher.close()
