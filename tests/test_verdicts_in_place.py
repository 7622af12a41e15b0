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


@pytest.mark.parametrize(
    ("doi", "said"),
    [
        # Elsevier's "Withdrawal notice to '…'" and "REMOVED: …", each retracted in place, and
        # a partial retraction in place (README: partial_retraction is "shown as partial").
        ("10.1016/j.crad.2024.02.007", "withdrawn: in place (2024-07-01, publisher)"),
        ("10.1016/j.asr.2025.03.045", "removed: in place (2025-06-01, publisher)"),
        ("10.29328/journal.jcmhs.1001023", "partially retracted: in place (2022-12-01, publisher)"),
        # A Cochrane review updated-by its withdrawal (a notice of another record).
        (
            "10.1002/14651858.cd009522",
            "withdrawn: 10.1002/14651858.cd009522.pub2 (2021-11-02, publisher)",
        ),
        # IEEE's in-place retraction keeps its word.
        ("10.1109/icetce.2011.5774727", "retracted: in place (2011-05-27, retraction-watch)"),
    ],
)
def test_a_retraction_is_worded_by_its_type(server: ReplayServer, doi: str, said: str) -> None:
    doc = resolve(server, doi)
    assert doc["verdict"] == "retracted"  # the verdict stays one word for every type
    assert doc["verdict_text"] == said


def test_each_source_is_credited_with_its_own_type(server: ReplayServer) -> None:
    # 10.1016/j.apsusc.2007.01.131 is updated-by one notice that the publisher types an
    # erratum and Retraction Watch a retraction: the retraction is Retraction Watch's alone,
    # as the audit's finding says ("publisher: erratum, retraction-watch: retraction").
    doc = resolve(server, "10.1016/j.apsusc.2007.01.131")
    assert doc["verdict"] == "retracted"
    assert doc["verdict_text"] == (
        "retracted: 10.1016/j.apsusc.2017.07.145 (2017-07-24, publisher: erratum, "
        "retraction-watch: retraction)"
    )
