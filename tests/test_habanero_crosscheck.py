"""claimcheck reads a record as habanero, the reference Python Crossref client, does.

Both clients fetch the same envelope from the local replay server (never Crossref itself) and
must agree on the title and on every `update-to` / `updated-by` entry. If claimcheck's parser
dropped, mangled or invented an update, a retraction could be missed: habanero hands back
the raw JSON, so it is the independent reading to check against.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from habanero import Crossref

from claimcheck.model.events import UpdateEntry
from claimcheck.model.record import LookupStatus, Work
from claimcheck.sources.crossref.client import CrossrefClient
from claimcheck.testing import ReplayServer
from claimcheck.transport.fetch import HttpFetcher
from tests.conftest import RECONSTRUCTED, RECORDED

MAILTO = "t@example.org"
NOTICE = "10.1158/0008-5472.can-10-2451"  # a retraction notice: update-to its original
RETRACTED = "10.1158/0008-5472.can-04-4194"  # the retracted original: updated-by the notice
PLOS = "10.1371/journal.pone.0033693"  # real recorded envelope: updated-by a correction
ORDINARY = "10.1038/nbt.2816"  # no updates at all

# (doi, field, expected entries as (doi, type, date, source)). Spelt out so that the two
# clients cannot agree by both reading nothing.
CASES = [
    pytest.param(
        NOTICE, "update-to", [(RETRACTED, "retraction", "2010-08-15", "publisher")], id="notice"
    ),
    pytest.param(
        RETRACTED,
        "updated-by",
        [(NOTICE, "retraction", "2010-08-15", "publisher")],
        id="retracted",
    ),
    pytest.param(
        PLOS,
        "updated-by",
        [
            (
                "10.1371/annotation/c76da2c1-ccb8-4797-94c1-359d3ceceeda",
                "correction",
                "2012-05-08",
                "publisher",
            )
        ],
        id="plos-correction",
    ),
    pytest.param(ORDINARY, None, [], id="ordinary"),
]

PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[ReplayServer]:
    # habanero calls httpx2.get() with the default trust_env=True and offers no way to turn
    # it off, so a proxy in the environment would receive its loopback request (and
    # pytest-socket would then refuse the connection). Clear the proxy variables instead.
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    # recorded/ holds the real PLOS envelope; reconstructed/ holds the others.
    replay = ReplayServer(RECONSTRUCTED, RECORDED)
    with replay:
        yield replay
    assert not replay.errors, f"replay server raised: {replay.errors!r}"


def claimcheck_work(server: ReplayServer, doi: str) -> Work:
    client = CrossrefClient(HttpFetcher(server.url, mailto=MAILTO, retries=0))
    try:
        lookup = client.lookup(doi)
    finally:
        client.close()
    assert lookup.status is LookupStatus.FOUND, lookup.error
    assert lookup.work is not None
    return lookup.work


def habanero_message(server: ReplayServer, doi: str) -> dict[str, Any]:
    # Quirks: a str `ids` is split on whitespace into several DOIs, and a single id returns
    # the bare envelope (a list only for several). Any warning is turned into an error so
    # that a habanero change of behaviour shows up here rather than scrolling past.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        envelope = Crossref(base_url=server.url, mailto=MAILTO).works(ids=doi)
    assert isinstance(envelope, dict)
    assert envelope["status"] == "ok"
    assert envelope["message-type"] == "work"
    message: dict[str, Any] = envelope["message"]
    return message


def iso_date(updated: dict[str, Any]) -> str:
    year, month, day = updated["date-parts"][0]
    return f"{year:04d}-{month:02d}-{day:02d}"


def habanero_entries(message: dict[str, Any], field: str) -> list[tuple[str, str, str, str]]:
    # An entry without `source` predates Retraction Watch data joining the API (2025) and
    # came from the publisher's own deposit: claimcheck records that as "publisher".
    return [
        (e["DOI"].lower(), e["type"], iso_date(e["updated"]), e.get("source", "publisher"))
        for e in message.get(field, [])
    ]


def claimcheck_entries(entries: tuple[UpdateEntry, ...]) -> list[tuple[str, str, str, str]]:
    return [(e.doi, e.type, e.date or "", e.source) for e in entries]


@pytest.mark.parametrize(("doi", "field", "expected"), CASES)
def test_claimcheck_reads_title_and_updates_as_habanero_does(
    server: ReplayServer, doi: str, field: str | None, expected: list[tuple[str, ...]]
) -> None:
    work = claimcheck_work(server, doi)
    message = habanero_message(server, doi)

    assert work.doi == message["DOI"].lower() == doi
    assert work.title == message["title"][0]

    mine = {
        "update-to": claimcheck_entries(work.update_to),
        "updated-by": claimcheck_entries(work.updated_by),
    }
    theirs = {name: habanero_entries(message, name) for name in mine}
    assert mine == theirs
    for name in mine:
        assert theirs[name] == (expected if name == field else [])
    labels = {name: [e["label"] for e in message.get(name, [])] for name in mine}
    assert labels == {
        "update-to": [e.label for e in work.update_to],
        "updated-by": [e.label for e in work.updated_by],
    }


@pytest.mark.parametrize(("doi", "field", "expected"), CASES)
def test_claimcheck_encodes_the_doi_in_the_path_and_habanero_does_not(
    server: ReplayServer, doi: str, field: str | None, expected: list[tuple[str, ...]]
) -> None:
    claimcheck_work(server, doi)
    habanero_message(server, doi)

    # One request each (the record exists, so claimcheck asks no /agency question).
    assert len(server.requests) == 2
    ours, habaneros = server.requests
    # claimcheck percent-encodes the whole DOI, "/" included: SICI DOIs such as
    # 10.1002/(sici)...<506::aid-jbm8>3.0.co;2-+ hold `#?<>;`, which in a bare path would end
    # the path (`?`, `#`) or be mangled, and Crossref's REST API overview asks clients to
    # URL-encode DOIs. habanero pastes the DOI into the URL as it is.
    assert ours.raw_line.split(" ")[1] == f"/works/{quote(doi, safe='')}"
    assert habaneros.raw_line.split(" ")[1] == f"/works/{doi}"
    assert ours.raw_line != habaneros.raw_line
    # The server decodes both to the same DOI, so the comparison above was like for like.
    assert ours.doi == habaneros.doi == doi
    # Both identified themselves for the polite pool: claimcheck and habanero alike put the
    # mailto address in the User-Agent, not in a query parameter.
    for request in (ours, habaneros):
        assert f"mailto:{MAILTO}" in request.headers["user-agent"]
        assert request.query == {}
