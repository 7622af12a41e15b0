"""The Metadata Plus token (CLAIMCHECK_CROSSREF_TOKEN) reaches Crossref and nowhere else.

It must be sent as `Crossref-Plus-API-Token: Bearer …` (checked here, where the helpers and
fixtures of every test_secrets*.py file are) and never appear in what claimcheck prints or
writes (test_secrets_outputs.py), nor when a run fails (test_secrets_failures.py).
"""

from __future__ import annotations

import dataclasses
import json
import pprint
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from claimcheck.app.cli import app
from claimcheck.app.settings import load_settings
from claimcheck.testing import DataCiteReplayServer, Fault, ReplayServer
from tests.factories import fresh_cache_dir, write_map

TOKEN = "sekrit-TOKEN-123"
# A leak of part of it counts too: "sekrit" appears nowhere else.
MARKERS = (TOKEN, "sekrit")
HEADER = "crossref-plus-api-token"

MAP = """
claimcheck: 1
references:
  A: {doi: 10.1038/nbt.2816}
  B: {doi: 10.1634/stemcells.22-4-448, title: Human embryonic stem cells possess
      immune-privileged properties}
  R: {doi: 10.1158/0008-5472.can-04-4194}
  D: {doi: 10.5061/dryad.example}
  N: {doi: 10.9999/none}
  F: {doi: 10.5555/fails}
claims:
  - {id: C1, text: one, cites: [A, R]}
  - {id: C2, text: two, cites: [B, D, N, F]}
"""
# A found work, a retracted one (so its notice is fetched too), another agency's DOI, a DOI
# Crossref does not know, and a lookup that fails: every kind of message the audit prints.
FAILING = Fault.http(503, match="/works/10.5555%2Ffails")


def no_secret(*texts: str | bytes, where: str = "output") -> None:
    for text in texts:
        data = text if isinstance(text, bytes) else text.encode("utf-8", "surrogateescape")
        for marker in MARKERS:
            assert marker.encode() not in data, f"the token leaked into {where}"


def cli(*args: str | Path, env: dict[str, str] | None = None) -> Result:
    """claimcheck in-process, with the token set (and a cache of its own per run)."""
    env = {
        "CLAIMCHECK_CACHE_DIR": fresh_cache_dir(),
        "CLAIMCHECK_MAILTO": "me@example.org",  # the polite pool: the faster pace
        "CLAIMCHECK_RETRIES": "0",  # a failed lookup fails at once, without backoff
        "CLAIMCHECK_CROSSREF_URL": "http://127.0.0.1:9",
        "CLAIMCHECK_CROSSREF_TOKEN": TOKEN,
        "NO_COLOR": "1",
        **(env or {}),
    }
    return CliRunner().invoke(app, [str(a) for a in args], env=env)


@pytest.fixture(scope="module", autouse=True)
def datacite() -> Iterator[DataCiteReplayServer]:
    """A loopback DataCite for the map's DataCite DOI (D), so no run asks the real one: there
    it waited out four retries with backoff, and DataCite must never see the token either."""
    with DataCiteReplayServer() as local, pytest.MonkeyPatch.context() as patch:
        patch.setenv("CLAIMCHECK_DATACITE_URL", local.url)
        yield local
    assert not local.errors, f"DataCite replay server raised: {local.errors!r}"


@pytest.fixture
def server(replay_server: ReplayServer) -> ReplayServer:
    replay_server.add_fault(FAILING)
    return replay_server


@pytest.fixture
def claim_map(tmp_path: Path) -> Path:
    return write_map(tmp_path, MAP)


# --- the feature works ---------------------------------------------------------------------


def test_the_server_receives_the_token_as_a_metadata_plus_header(
    server: ReplayServer, claim_map: Path, datacite: DataCiteReplayServer
) -> None:
    before = len(datacite.requests)
    result = cli("audit", claim_map, "--crossref-url", server.url, "--mailto", "me@example.org")
    assert "public pool" not in result.stderr
    assert result.exit_code in (1, 3), result.output  # a missing DOI, a failed lookup
    routes = {r.route for r in server.requests}
    assert {"list", "work", "agency"} <= routes  # every kind of request carries it
    for request in server.requests:
        assert request.headers[HEADER] == f"Bearer {TOKEN}"
        user_agent = request.headers["user-agent"]
        assert "mailto:me@example.org" in user_agent  # the contact goes where it belongs
        no_secret(user_agent, where="the User-Agent")
        no_secret(request.raw_line, where="the request line (URL or query)")
        others = {k: v for k, v in request.headers.items() if k != HEADER}
        no_secret(json.dumps(others), where="another request header")
    # D is DataCite's: DataCite is asked about it, and never sent the token.
    asked_datacite = datacite.requests[before:]
    assert asked_datacite
    for request in asked_datacite:
        assert HEADER not in request.headers
        no_secret(request.raw_line, json.dumps(request.headers), where="a request to DataCite")


def test_no_token_no_header(replay_server: ReplayServer) -> None:
    result = cli(
        "resolve",
        "10.1038/nbt.2816",
        "--crossref-url",
        replay_server.url,
        env={"CLAIMCHECK_CROSSREF_TOKEN": ""},
    )
    assert result.exit_code == 0, result.output
    assert all(HEADER not in r.headers for r in replay_server.requests)


def test_settings_take_the_token_from_the_environment_and_mask_it() -> None:
    settings = load_settings({}, env={"CLAIMCHECK_CROSSREF_TOKEN": TOKEN})
    assert settings.crossref_token == TOKEN
    shown = [
        repr(settings),
        str(settings),
        f"{settings}",
        f"{settings!r}",
        repr([settings]),
        repr({"settings": settings}),
        pprint.pformat(settings),
        repr(dataclasses.replace(settings, quiet=True)),
    ]
    from rich.pretty import pretty_repr

    shown.append(pretty_repr(settings))  # how rich (and typer's tracebacks) would show it
    for text in shown:
        no_secret(text, where="a rendering of Settings")
        assert "crossref_token='***'" in text or "crossref_token=" not in text
    assert "crossref_token='***'" in repr(settings)
