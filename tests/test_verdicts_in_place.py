"""`claimcheck resolve` on the real records retracted in place (README, role table row 1),
over real HTTP to the replay server: what the one-line verdict says of each."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from claimcheck.testing import ReplayServer
from tests.conftest import RECORDED
from tests.factories import POLITE
from tests.test_cli import run


@pytest.fixture(scope="module")
def server() -> Iterator[ReplayServer]:
    with ReplayServer(RECORDED) as replay:
        yield replay


def resolve(server: ReplayServer, doi: str) -> dict[str, object]:
    result = run("resolve", doi, "-f", "json", "--crossref-url", server.url, env=POLITE)
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert isinstance(document, dict)
    return document


def test_a_deposit_naming_every_type_of_itself_is_unclear_not_retracted(
    server: ReplayServer,
) -> None:
    # 10.33552/ojdoh.2018.01.000503: 25 publisher entries naming its own DOI, typed every
    # type at once, on an ordinary title with no Retraction Watch entry (checks/in_place.py).
    doc = resolve(server, "10.33552/ojdoh.2018.01.000503")
    assert doc["verdict"] == "unclear"
    assert doc["verdict_text"] == (
        "unclear: its own updates contradict one another (correction, expression of concern, "
        "retraction) with no title marker or Retraction Watch entry behind them: in place "
        "(2018-09-06, publisher); in place (2018-09-06, publisher); in place (2018-09-06, "
        "publisher)"
    )
    updates = doc["updates"]
    assert isinstance(updates, list)
    assert {u["basis"] for u in updates} == {"in-place-contradictory"}
    assert {u["direction"] for u in updates} == {"unclear"}
