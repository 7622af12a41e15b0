"""The replay server behaves like Crossref over real HTTP, and injects the faults it promises.

Data under tests/data/crossref/reconstructed was never recorded from Crossref: it is
reconstructed in Crossref's exact schema (see its INDEX.md). The recorded/ bodies are real.
"""

from __future__ import annotations

import hashlib
import json
import socket
import threading
from collections.abc import Iterator
from urllib.parse import quote

import httpx2
import pytest

from claimcheck.testing import Fault, ReplayServer
from tests.conftest import RECONSTRUCTED, RECORDED

CAN = "10.1158/0008-5472.can-10-2451"
NBT = "10.1038/nbt.2816"
SCIENCE = "10.1126/science.1099513"
PLOS = "10.1371/journal.pone.0033693"  # a real recorded envelope (habanero, 2026)
MISSING = "10.1371/notarealdoi"
SICI = "10.1002/(sici)1097-4636(199712)37:4<506::aid-jbm8>3.0.co;2-+"


def enc(doi: str) -> str:
    """Encode the whole DOI, "/" included, as claimcheck's client does."""
    return quote(doi, safe="")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def client(replay_server: ReplayServer) -> Iterator[httpx2.Client]:
    # trust_env=False: a proxy from the environment must never see loopback test traffic.
    with httpx2.Client(base_url=replay_server.url, timeout=5.0, trust_env=False) as c:
        yield c


def work_files() -> dict[str, bytes]:
    files = {}
    for path in sorted(RECONSTRUCTED.glob("*.json")):
        envelope = json.loads(path.read_bytes())
        if envelope.get("message-type") == "work":
            files[envelope["message"]["DOI"].lower()] = path.read_bytes()
    return files


# -- routes ---------------------------------------------------------------------------------


def test_every_reconstructed_work_is_served_byte_for_byte(
    replay_server: ReplayServer, client: httpx2.Client
) -> None:
    files = work_files()
    assert len(files) == 17  # provenance sidecars and INDEX.md must not be loaded as works
    assert replay_server.dois == frozenset(files)
    for doi, body in files.items():
        response = client.get(f"/works/{enc(doi)}")
        assert response.status_code == 200, doi
        assert response.headers["content-type"] == "application/json"
        assert response.headers["content-length"] == str(len(body))
        assert sha256(response.content) == sha256(body), doi


def test_encoded_unencoded_and_upper_case_doi_paths_find_the_same_record(
    client: httpx2.Client,
) -> None:
    expected = work_files()[CAN]
    for path in (
        f"/works/{enc(CAN)}",
        f"/works/{CAN}",
        f"/works/{enc(CAN.upper())}",
        f"/works/{CAN.upper()}",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.content == expected, path


def test_habanero_unencoded_requests_are_understood(replay_server: ReplayServer) -> None:
    from habanero import Crossref  # another real client: it sends DOIs unencoded

    crossref = Crossref(base_url=replay_server.url, mailto="a@example.org")
    assert crossref.works(ids=CAN.upper())["message"]["DOI"] == CAN
    listed = crossref.works(filter={"doi": [NBT, SCIENCE]})
    assert listed["message"]["total-results"] == 2
    assert replay_server.requests[0].raw_line == f"GET /works/{CAN.upper()} HTTP/1.1"


def test_unknown_doi_is_a_plain_text_404(client: httpx2.Client) -> None:
    for path in (f"/works/{enc(MISSING)}", "/works/10.5061%2Fdryad.example", "/nope", "/works/"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.headers["content-type"] == "text/plain"
        assert response.content == b"Resource not found."


def test_recorded_dir_loads_real_work_envelopes_only() -> None:
    server = ReplayServer(RECORDED)
    # Lists, validation failures, 404 bodies and .meta.json sidecars are all skipped.
    assert PLOS in server.dois
    assert all(doi.startswith("10.") for doi in server.dois)
    with server, httpx2.Client(base_url=server.url, trust_env=False) as client:
        response = client.get(f"/works/{PLOS}")
    [body_file] = [
        p
        for p in RECORDED.glob("works_10.1371_journal.pone.0033693__*.json")
        if not p.name.endswith(".meta.json")
    ]
    assert sha256(response.content) == sha256(body_file.read_bytes())


def test_missing_data_dir_is_an_error() -> None:
    with pytest.raises(FileNotFoundError):
        ReplayServer(RECONSTRUCTED / "no-such-dir")


def test_add_work_serves_a_doi_that_needs_escaping(
    replay_server: ReplayServer, client: httpx2.Client
) -> None:
    body = json.dumps(
        {
            "status": "ok",
            "message-type": "work",
            "message-version": "1.0.0",
            "message": {"DOI": SICI.upper(), "title": ["x"]},
        }
    ).encode()
    assert replay_server.add_work(body) == SICI
    response = client.get(f"/works/{enc(SICI)}")
    assert response.status_code == 200
    assert response.content == body
    with pytest.raises(ValueError, match="work envelope"):
        replay_server.add_work(b'{"status":"ok","message-type":"work-list","message":{}}')


@pytest.mark.parametrize(
    ("doi", "agency_id", "label"),
    [(CAN, "crossref", "Crossref"), ("10.5061/DRYAD.example", "datacite", "DataCite")],
)
def test_agency_route_names_the_registration_agency(
    client: httpx2.Client, doi: str, agency_id: str, label: str
) -> None:
    response = client.get(f"/works/{enc(doi)}/agency")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "message-type": "work-agency",
        "message-version": "1.0.0",
        "message": {"DOI": doi.lower(), "agency": {"id": agency_id, "label": label}},
    }


def test_agency_route_404s_for_an_unknown_doi(client: httpx2.Client) -> None:
    response = client.get(f"/works/{enc(MISSING)}/agency")
    assert response.status_code == 404
    assert response.content == b"Resource not found."


def test_filter_doi_returns_exactly_the_known_subset(client: httpx2.Client) -> None:
    wanted = [CAN.upper(), MISSING, NBT, SCIENCE]
    response = client.get(
        "/works", params={"filter": ",".join(f"doi:{d}" for d in wanted), "rows": "10"}
    )
    assert response.status_code == 200
    envelope = response.json()
    assert envelope["message-type"] == "work-list"
    message = envelope["message"]
    assert {item["DOI"].lower() for item in message["items"]} == {CAN, NBT, SCIENCE}
    assert message["total-results"] == 3
    assert message["items-per-page"] == 10
    files = work_files()
    assert message["items"][0] == json.loads(files[CAN])["message"]


def test_filter_rows_caps_the_page_but_not_the_total(client: httpx2.Client) -> None:
    response = client.get("/works", params={"filter": f"doi:{CAN},doi:{NBT}", "rows": "1"})
    message = response.json()["message"]
    assert (len(message["items"]), message["total-results"]) == (1, 2)


@pytest.mark.parametrize(
    "params",
    [
        {"filter": "updates:10.1038/nbt.2816"},
        {"filter": f"doi:{CAN},from-pub-date:2020"},
        {"filter": f"doi:{CAN}", "rows": "1001"},
    ],
)
def test_unsupported_list_queries_fail_validation_like_crossref(
    client: httpx2.Client, params: dict[str, str]
) -> None:
    response = client.get("/works", params=params)
    assert response.status_code == 400
    body = response.json()
    assert (body["status"], body["message-type"]) == ("failed", "validation-failure")
    assert set(body["message"][0]) == {"type", "value", "message"}


def test_singleton_route_refuses_field_queries(client: httpx2.Client) -> None:
    response = client.get(f"/works/{enc(CAN)}", params={"query.author": "x"})
    assert response.status_code == 400
    assert response.json()["message"][0]["type"] == "parameter-not-allowed"


def test_only_get_is_allowed(client: httpx2.Client) -> None:
    response = client.post(f"/works/{enc(CAN)}", content=b"{}")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET"


# -- rate-limit headers ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "user_agent", "pool", "limit", "concurrency"),
    [
        ({"mailto": "a@example.org"}, "claimcheck/0.1", "polite", "10", "3"),
        ({}, "claimcheck/0.1 (https://example.org; mailto:a@example.org)", "polite", "10", "3"),
        ({}, "claimcheck/0.1", "public", "5", "1"),
    ],
)
def test_rate_limit_headers_follow_the_pool(
    client: httpx2.Client,
    params: dict[str, str],
    user_agent: str,
    pool: str,
    limit: str,
    concurrency: str,
) -> None:
    for path in (f"/works/{enc(CAN)}", f"/works/{enc(MISSING)}"):  # on 404s too
        headers = client.get(path, params=params, headers={"user-agent": user_agent}).headers
        assert headers["x-api-pool"] == pool
        assert headers["x-rate-limit-limit"] == limit
        assert headers["x-rate-limit-interval"] == "1s"
        assert headers["x-concurrency-limit"] == concurrency


def test_rate_limit_headers_are_overridable(
    replay_server: ReplayServer, client: httpx2.Client
) -> None:
    replay_server.rate_headers["public"]["x-rate-limit-limit"] = "1"
    assert client.get(f"/works/{enc(CAN)}").headers["x-rate-limit-limit"] == "1"


# -- faults ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("status", "retry_after"), [(429, "1"), (500, None), (503, None)])
def test_status_fault(
    replay_server: ReplayServer, client: httpx2.Client, status: int, retry_after: str | None
) -> None:
    replay_server.add_fault(Fault.http(status, retry_after=retry_after))
    response = client.get(f"/works/{enc(CAN)}")
    assert response.status_code == status
    assert response.headers["content-type"] == "text/plain"
    assert response.headers.get("retry-after") == retry_after
    assert "x-api-pool" in response.headers  # Crossref sends its limits on errors as well


def test_reset_fault_aborts_the_connection_without_a_response(
    replay_server: ReplayServer, client: httpx2.Client, capfd: pytest.CaptureFixture[str]
) -> None:
    replay_server.add_fault(Fault.reset(times=1))
    with pytest.raises((httpx2.RemoteProtocolError, httpx2.ReadError, httpx2.ConnectError)):
        client.get(f"/works/{enc(CAN)}")
    assert client.get(f"/works/{enc(CAN)}").status_code == 200
    assert capfd.readouterr().err == ""


def test_reset_fault_is_a_tcp_rst_not_a_clean_close(replay_server: ReplayServer) -> None:
    replay_server.add_fault(Fault.reset())
    with socket.create_connection(("127.0.0.1", replay_server.port), timeout=5) as sock:
        sock.sendall(f"GET /works/{enc(CAN)} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        with pytest.raises(ConnectionResetError):  # a FIN would read as b"" instead
            sock.recv(1024)


def test_slow_fault_makes_a_short_client_timeout_fire(
    replay_server: ReplayServer, client: httpx2.Client, capfd: pytest.CaptureFixture[str]
) -> None:
    replay_server.add_fault(Fault.slow(0.5, times=1))
    with pytest.raises(httpx2.ReadTimeout):
        client.get(f"/works/{enc(CAN)}", timeout=0.1)
    assert client.get(f"/works/{enc(CAN)}").status_code == 200
    assert capfd.readouterr().err == ""


def test_slow_fault_then_the_normal_response(
    replay_server: ReplayServer, client: httpx2.Client
) -> None:
    replay_server.add_fault(Fault.slow(0.2))
    assert client.get(f"/works/{enc(CAN)}").content == work_files()[CAN]


def test_truncated_fault_fails_while_reading_the_body(
    replay_server: ReplayServer, client: httpx2.Client, capfd: pytest.CaptureFixture[str]
) -> None:
    replay_server.add_fault(Fault.truncated(times=1))
    with pytest.raises(httpx2.RemoteProtocolError):
        client.get(f"/works/{enc(CAN)}")
    assert client.get(f"/works/{enc(CAN)}").status_code == 200
    assert capfd.readouterr().err == ""


@pytest.mark.parametrize(
    ("fault", "content_type"),
    [
        (Fault.html(), "text/html"),
        (Fault.json(b""), "application/json"),
        (Fault.json(b'{"status":"ok"}'), "application/json"),
    ],
)
def test_body_fault_is_served_as_200(
    replay_server: ReplayServer, client: httpx2.Client, fault: Fault, content_type: str
) -> None:
    replay_server.add_fault(fault)
    response = client.get(f"/works/{enc(CAN)}")
    assert response.status_code == 200
    assert response.headers["content-type"] == content_type
    assert response.content == fault.body


def test_times_one_is_once_then_fine(replay_server: ReplayServer, client: httpx2.Client) -> None:
    replay_server.add_fault(Fault.http(503, times=1))
    statuses = [client.get(f"/works/{enc(CAN)}").status_code for _ in range(3)]
    assert statuses == [503, 200, 200]


def test_match_limits_a_fault_to_one_doi(
    replay_server: ReplayServer, client: httpx2.Client
) -> None:
    replay_server.add_fault(Fault.http(500, match=NBT.upper()))
    assert client.get(f"/works/{enc(CAN)}").status_code == 200
    assert client.get(f"/works/{enc(NBT)}").status_code == 500
    assert client.get(f"/works/{NBT}").status_code == 500  # unencoded path, same DOI
    listed = client.get("/works", params={"filter": f"doi:{CAN},doi:{NBT}"})
    assert listed.status_code == 500  # a list request naming the DOI is hit as well
    replay_server.clear_faults()
    assert client.get(f"/works/{enc(NBT)}").status_code == 200


def test_match_as_a_raw_path_substring(replay_server: ReplayServer, client: httpx2.Client) -> None:
    replay_server.add_fault(Fault.http(502, match="/agency"))
    assert client.get(f"/works/{enc(CAN)}/agency").status_code == 502
    assert client.get(f"/works/{enc(CAN)}").status_code == 200


def test_latency_delays_every_response() -> None:
    with (
        ReplayServer(RECONSTRUCTED, latency=0.3) as server,
        httpx2.Client(base_url=server.url, trust_env=False, timeout=0.1) as client,
        pytest.raises(httpx2.ReadTimeout),
    ):
        client.get(f"/works/{enc(CAN)}")


def test_stop_returns_promptly_while_a_slow_fault_sleeps(replay_server: ReplayServer) -> None:
    replay_server.add_fault(Fault.slow(60.0))
    url = f"{replay_server.url}/works/{enc(CAN)}"

    def fetch() -> None:
        with httpx2.Client(trust_env=False, timeout=30.0) as c, pytest.raises(httpx2.HTTPError):
            c.get(url)

    fetcher = threading.Thread(target=fetch, daemon=True)
    fetcher.start()
    while not replay_server.requests:  # wait until the handler is asleep in the fault
        threading.Event().wait(0.01)
    stopper = threading.Thread(target=replay_server.stop, daemon=True)
    stopper.start()
    stopper.join(timeout=10)
    assert not stopper.is_alive()
    fetcher.join(timeout=10)
    assert not fetcher.is_alive()  # the sleeping request was cut short, not left hanging


def test_kept_alive_connections_are_closed_by_stop() -> None:
    server = ReplayServer(RECONSTRUCTED)
    with server, httpx2.Client(base_url=server.url, trust_env=False) as client:
        assert client.get(f"/works/{enc(CAN)}").status_code == 200
        server.stop()
        with pytest.raises(httpx2.TransportError):
            client.get(f"/works/{enc(CAN)}")


# -- request log and socket ---------------------------------------------------------------


def test_request_log_keeps_the_raw_request_line(
    replay_server: ReplayServer, client: httpx2.Client
) -> None:
    raw_path = "/works/10.1002%2Fabc%3Cdef%3E"
    client.get(raw_path, params={"mailto": "a@example.org"}, headers={"X-Probe": "1"})
    [request] = replay_server.requests
    assert request.raw_line == f"GET {raw_path}?mailto=a%40example.org HTTP/1.1"
    assert request.path == raw_path
    assert request.doi == "10.1002/abc<def>"
    assert request.query == {"mailto": ["a@example.org"]}
    assert request.headers["x-probe"] == "1"
    assert replay_server.requests_for("10.1002/ABC<def>") == [request]


def test_list_requests_record_their_filter_dois(
    replay_server: ReplayServer, client: httpx2.Client
) -> None:
    client.get("/works", params={"filter": f"doi:{CAN.upper()},doi:{NBT}"})
    [request] = replay_server.requests
    assert (request.route, request.doi, request.filter_dois) == ("list", None, (CAN, NBT))


def test_pooled_client_reuses_one_connection(
    replay_server: ReplayServer, client: httpx2.Client
) -> None:
    for _ in range(3):
        client.get(f"/works/{enc(CAN)}")
    assert len({r.client_port for r in replay_server.requests}) == 1


def test_server_binds_loopback_only(replay_server: ReplayServer) -> None:
    assert replay_server.url == f"http://127.0.0.1:{replay_server.port}"
    with socket.create_connection(("127.0.0.1", replay_server.port), timeout=5) as sock:
        assert sock.getpeername() == ("127.0.0.1", replay_server.port)
    assert replay_server._server is not None
    assert replay_server._server.server_address[0] == "127.0.0.1"


def test_fault_rejects_an_unknown_kind() -> None:
    with pytest.raises(ValueError, match="unknown fault kind"):
        Fault("timeout")
