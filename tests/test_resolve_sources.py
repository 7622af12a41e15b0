"""`claimcheck resolve` with the Retraction Watch CSV, over real HTTP to the replay server:
the CSV's entries join Crossref's in one editorial status, as in an audit, online, offline
and named by the environment."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from claimcheck.testing import ReplayServer
from tests.conftest import RECONSTRUCTED, RECORDED
from tests.factories import POLITE, work_envelope
from tests.test_cli import run
from tests.test_sources_cli import CSV, CSV_ONLY, WAKEFIELD, WAKEFIELD_NOTICE

NOTICE_OF_CSV_ONLY = "10.5555/claimcheck.rw.csv-only-notice"


@pytest.fixture
def crossref() -> Iterator[ReplayServer]:
    with ReplayServer(RECONSTRUCTED, RECORDED) as server:
        # Crossref knows the synthetic paper, with no retraction: the CSV alone lists one.
        server.add_work(work_envelope(CSV_ONLY, title="A paper only the CSV retracts"))
        yield server


def resolve(*args: str, env: dict[str, str] | None = None) -> tuple[int, dict[str, Any], str]:
    # The polite pool (factories.POLITE): the pool is not what these tests check.
    result = run("resolve", *args, "-f", "json", env={**POLITE, **(env or {})})
    return result.exit_code, json.loads(result.stdout), result.stderr


def retractions(document: dict[str, Any]) -> list[tuple[str, list[str]]]:
    return [(u["doi"], u["sources"]) for u in document["updates"] if u["kind"] == "retraction"]


def test_a_retraction_only_the_csv_lists_is_resolved_as_retracted(
    crossref: ReplayServer,
) -> None:
    code, doc, _ = resolve(CSV_ONLY, "--crossref-url", crossref.url, "--retraction-watch", str(CSV))
    assert doc["verdict"] == "retracted"
    assert retractions(doc) == [(NOTICE_OF_CSV_ONLY, ["retraction-watch-csv"])]
    assert "retraction-watch-csv" in doc["verdict_text"]
    assert doc["registry"]["title"] == "A paper only the CSV retracts"  # Crossref's record
    assert code == 0


def test_without_the_csv_the_same_paper_resolves_clean(crossref: ReplayServer) -> None:
    code, doc, _ = resolve(CSV_ONLY, "--crossref-url", crossref.url)
    assert doc["verdict"] == "clean"
    assert doc["updates"] == []
    assert code == 0


def test_the_environment_variable_names_the_csv_for_resolve_too(crossref: ReplayServer) -> None:
    env = {"CLAIMCHECK_RETRACTION_WATCH": str(CSV)}
    _code, doc, _ = resolve(CSV_ONLY, "--crossref-url", crossref.url, env=env)
    assert doc["verdict"] == "retracted"


def test_a_retraction_both_sources_list_is_one_event_named_by_both(
    crossref: ReplayServer,
) -> None:
    _code, doc, _ = resolve(
        WAKEFIELD, "--crossref-url", crossref.url, "--retraction-watch", str(CSV)
    )
    ((doi, sources),) = retractions(doc)
    assert doi == WAKEFIELD_NOTICE
    assert "retraction-watch-csv" in sources
    assert len(sources) > 1  # Crossref's own entry too, joined into the same event


def test_offline_the_csv_still_answers_and_the_failed_lookup_exits_3() -> None:
    # An empty cache and no network: Crossref answers nothing, the CSV still does.
    code, doc, stderr = resolve(WAKEFIELD, "--offline", "--retraction-watch", str(CSV))
    assert doc["status"] == "unverified"
    assert doc["verdict"] == "retracted"
    assert retractions(doc) == [(WAKEFIELD_NOTICE, ["retraction-watch-csv"])]
    assert "not in the cache" in stderr
    assert code == 3  # never clean, and never a silent success: the record was not read


def test_offline_without_the_csv_resolve_says_it_could_not_check() -> None:
    code, doc, _ = resolve(WAKEFIELD, "--offline")
    assert doc["verdict"] is None
    assert doc["verdict_text"] == "could not check"
    assert code == 3


def test_the_table_names_the_csv_as_the_source(crossref: ReplayServer) -> None:
    result = run(
        "resolve", CSV_ONLY, "--crossref-url", crossref.url, "--retraction-watch", str(CSV)
    )
    assert result.exit_code == 0, result.output
    assert "retraction-watch-csv" in result.stdout
    assert "retracted" in result.stdout
