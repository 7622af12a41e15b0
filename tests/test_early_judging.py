"""References judged while other lookups are in flight: only once every record they read is
final, and then exactly as judging them all at the end would."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimcheck.audit import judge_while_waiting, run_audit, start_lookups
from claimcheck.cache.store import Cache
from claimcheck.checks.early import EarlyJudge
from claimcheck.checks.pipeline import Sources, consulted_sources, judge
from claimcheck.checks.update_links import linked_dois
from claimcheck.inputs.claimmap import load_claim_map
from claimcheck.model.claimmap import ClaimMap
from claimcheck.model.events import SourceEntries, UpdateEntry
from claimcheck.model.record import Lookup, LookupStatus, Work
from claimcheck.model.results import AuditResult
from claimcheck.sources.crossref.client import CrossrefClient
from claimcheck.testing import ReplayServer
from claimcheck.transport.fetch import HttpFetcher
from tests.factories import FIXED_OPTIONS, write_map
from tests.test_cli import SEED_MAP

ORIGINAL, NOTICE, OTHER = "10.1000/original", "10.1000/notice", "10.1000/other"
RETRACTED_ORIGINAL = Work(
    doi=ORIGINAL,
    title="A study of things",
    updated_by=(UpdateEntry(NOTICE, "retraction", date="2020-01-02"),),
)
THE_NOTICE = Work(
    doi=NOTICE,
    title="Retraction notice to: A study of things",
    update_to=(UpdateEntry(ORIGINAL, "retraction", date="2020-01-02"),),
)
PLAIN = Work(doi=OTHER, title="Another study")


def found(work: Work) -> Lookup:
    return Lookup(work.doi, LookupStatus.FOUND, work=work)


def linked(lookup: Lookup) -> list[str]:
    return linked_dois(lookup.work) if lookup.work is not None else []


def map_citing(tmp_path: Path, references: dict[str, str]) -> ClaimMap:
    """A claim map of these references (id: DOI) and one claim citing them all."""
    lines = "".join(f"  {ref}: {{doi: {doi}}}\n" for ref, doi in references.items())
    cites = ", ".join(references)
    body = f"claimcheck: 1\nreferences:\n{lines}claims:\n"
    body += f"  - {{id: C1, text: Things happen., cites: [{cites}]}}\n"
    return load_claim_map(write_map(tmp_path, body))


@pytest.fixture
def claim_map(tmp_path: Path) -> ClaimMap:
    return map_citing(tmp_path, {"A": ORIGINAL, "B": OTHER})


def early_judge(claim_map: ClaimMap, entries: dict[str, SourceEntries] | None = None) -> EarlyJudge:
    # The sources `judge` consults under FIXED_OPTIONS, as judge_while_waiting gives them.
    consulted = consulted_sources(FIXED_OPTIONS)
    return EarlyJudge([claim_map], Sources(entries or {}, consulted, {}, {}), linked)


def test_a_work_is_judged_only_once_the_records_it_links_to_are_in(claim_map: ClaimMap) -> None:
    early = early_judge(claim_map)
    early.add([found(RETRACTED_ORIGINAL), found(PLAIN)])
    assert set(early.judged) == {(claim_map.path, "B")}  # A waits for its notice
    early.add([found(THE_NOTICE)])
    assert set(early.judged) == {(claim_map.path, "A"), (claim_map.path, "B")}


def test_records_answered_before_the_work_count_when_the_work_comes(claim_map: ClaimMap) -> None:
    early = early_judge(claim_map)
    early.add([found(THE_NOTICE)])
    assert early.judged == {}
    early.add([found(RETRACTED_ORIGINAL)])
    assert set(early.judged) == {(claim_map.path, "A")}


@pytest.mark.parametrize(
    "answer",
    [
        Lookup(ORIGINAL, LookupStatus.FAILED, error="timed out"),
        Lookup(ORIGINAL, LookupStatus.OTHER_AGENCY, agency="datacite"),  # DataCite answers later
    ],
)
def test_a_work_not_found_at_crossref_waits_for_the_end(
    claim_map: ClaimMap, answer: Lookup
) -> None:
    early = early_judge(claim_map)
    early.add([answer, found(THE_NOTICE)])
    assert early.judged == {}


def test_a_judgement_that_reads_a_record_not_known_to_be_final_is_dropped(
    claim_map: ClaimMap,
) -> None:
    # Retraction Watch's CSV names a notice the registry's record does not link to: whether
    # the final judging reads that notice depends on the other works, so A waits.
    csv_notice = UpdateEntry("10.1000/csv-notice", "retraction", source="retraction-watch-csv")
    entries = {OTHER: SourceEntries(updated_by=(csv_notice,))}
    early = early_judge(claim_map, entries)
    early.add([found(PLAIN)])
    assert early.judged == {}


def test_judgements_made_early_are_the_ones_made_at_the_end(claim_map: ClaimMap) -> None:
    early = early_judge(claim_map)
    answers = [found(RETRACTED_ORIGINAL), found(THE_NOTICE), found(PLAIN)]
    for answer in answers:
        early.add([answer])
    lookups = {a.doi: a for a in answers}
    related = {NOTICE: lookups[NOTICE]}
    at_the_end = judge(claim_map, lookups, related, FIXED_OPTIONS)
    judged = early.judgements(lookups, related)
    assert len(judged) == 2
    assert judge(claim_map, lookups, related, FIXED_OPTIONS, judged=judged) == at_the_end
    assert at_the_end.exit_code == 1  # a retracted work, cited: not a vacuous comparison


def test_a_judgement_whose_answer_was_replaced_since_is_dropped(claim_map: ClaimMap) -> None:
    early = early_judge(claim_map)
    answers = {w.doi: found(w) for w in (RETRACTED_ORIGINAL, THE_NOTICE, PLAIN)}
    early.add(answers.values())
    # The same records answered again (a second read, from the cache): equal in value, but
    # not the answers the judgements read.
    again = {w.doi: found(w) for w in (RETRACTED_ORIGINAL, THE_NOTICE, PLAIN)}
    assert again == answers
    assert early.judgements(again, {NOTICE: again[NOTICE]}) == {}
    # Only the notice answered again: A, which read it, is dropped; B read nothing else.
    assert set(early.judgements(answers, {NOTICE: again[NOTICE]})) == {(claim_map.path, "B")}
    assert len(early.judgements(answers, {NOTICE: answers[NOTICE]})) == 2


# A small registry for the property below: a retracted original and its notice, linking to
# each other; a plain work that Retraction Watch's CSV gives a notice the registry does not
# link; works linking to a record whose lookup failed, and to one that does not exist; and
# a cited DOI whose own lookup failed.
FAILED_LINK, MISSING_LINK = "10.1000/failed-link", "10.1000/missing-link"
OWN = {
    "A": found(RETRACTED_ORIGINAL),
    "N": found(THE_NOTICE),
    "B": found(PLAIN),
    "C": found(
        Work(doi="10.1000/c", title="Corrected", updated_by=(UpdateEntry(FAILED_LINK, "erratum"),))
    ),
    "D": found(
        Work(doi="10.1000/d", title="Updated", updated_by=(UpdateEntry(MISSING_LINK, "erratum"),))
    ),
    "E": Lookup("10.1000/e", LookupStatus.FAILED, error="timed out"),
}
LINKED = {
    FAILED_LINK: Lookup(FAILED_LINK, LookupStatus.FAILED, error="HTTP 500"),
    MISSING_LINK: Lookup(MISSING_LINK, LookupStatus.NOT_FOUND),
}
CSV_ONLY = {OTHER: SourceEntries(updated_by=(UpdateEntry("10.1000/z", "retraction"),))}


@pytest.fixture
def registry_map(tmp_path: Path) -> ClaimMap:
    references = "".join(f"  {ref}: {{doi: {lookup.doi}}}\n" for ref, lookup in OWN.items())
    body = (
        f"claimcheck: 1\nreferences:\n{references}claims:\n"
        "  - {id: C1, text: One., cites: [A, B, C]}\n"
        "  - {id: C2, text: Two., cites: [{ref: N, role: discusses}, D, E]}\n"
    )
    return load_claim_map(write_map(tmp_path, body))


@pytest.mark.fuzz
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(order=st.permutations([*OWN.values(), *LINKED.values()]), cuts=st.sets(st.integers(1, 7)))
def test_in_any_order_and_grouping_of_answers_the_report_is_the_one_judged_at_the_end(
    registry_map: ClaimMap, order: list[Lookup], cuts: set[int]
) -> None:
    early = early_judge(registry_map, CSV_ONLY)
    bounds = [0, *sorted(cuts), len(order)]
    for start, end in pairwise(bounds):
        early.add(order[start:end])
    lookups = {lookup.doi: lookup for lookup in OWN.values()}
    related = {
        doi: answer
        for doi, answer in ({**LINKED, **lookups}).items()
        if doi in {d for lookup in lookups.values() for d in linked(lookup)}
    }
    judged = early.judgements(lookups, related)
    at_the_end = judge(registry_map, lookups, related, FIXED_OPTIONS, entries=CSV_ONLY)
    assert (
        judge(registry_map, lookups, related, FIXED_OPTIONS, entries=CSV_ONLY, judged=judged)
        == at_the_end
    )
    # Early: the notice and the original, the corrected work, and the work whose missing
    # link came in; never the plain work (the CSV names a record outside its links) or the
    # failed lookup.
    assert {ref for _path, ref in judged} == {"A", "N", "C", "D"}


def audit_and_judge_at_the_end(
    claim_map: ClaimMap, client: CrossrefClient
) -> tuple[AuditResult, AuditResult]:
    """`run_audit` (which judges references as their answers come), and `judge` over the
    final lookups of the same client, every reference at the end."""
    result = run_audit(claim_map, client, FIXED_OPTIONS)
    dois = [r.doi for r in claim_map.references if r.doi]
    lookups = client.lookup_all(dois)
    wanted = [d for lookup in lookups.values() for d in linked(lookup)]
    related = client.lookup_all(wanted, status_matters=False)
    return result, judge(claim_map, lookups, related, FIXED_OPTIONS)


def test_an_audit_judged_as_answers_came_equals_the_audit_judged_at_the_end(
    replay_server: ReplayServer,
) -> None:
    replay_server.latency = 0.05  # the seed's linked records come in one by one
    claim_map = load_claim_map(SEED_MAP)
    fetcher = HttpFetcher(replay_server.url, mailto="t@example.org", retries=0)
    with CrossrefClient(fetcher, base_url=replay_server.url) as client:
        result, at_the_end = audit_and_judge_at_the_end(claim_map, client)
    assert result == at_the_end
    assert at_the_end.exit_code == 1


def test_references_are_judged_while_the_lookups_go_on(replay_server: ReplayServer) -> None:
    replay_server.latency = 0.05
    claim_map = load_claim_map(SEED_MAP)
    dois = list(dict.fromkeys(r.doi for r in claim_map.references if r.doi))
    fetcher = HttpFetcher(replay_server.url, mailto="t@example.org", retries=0)
    with CrossrefClient(fetcher, base_url=replay_server.url) as client:
        start_lookups(client, dois)
        early = judge_while_waiting(client, [claim_map], {}, FIXED_OPTIONS)
        lookups = client.lookup_all(dois)
        wanted = [d for lookup in lookups.values() for d in linked(lookup)]
        related = client.lookup_all(wanted, status_matters=False)
    judged = early.judgements(lookups, related)
    at_the_end = judge(claim_map, lookups, related, FIXED_OPTIONS)
    assert judge(claim_map, lookups, related, FIXED_OPTIONS, judged=judged) == at_the_end
    # Every reference whose work was found (the seed's retraction notice among them) was
    # judged as its records came, and none of those judgements was dropped at the end.
    found_refs = {
        r.id for r in claim_map.references if r.doi and lookups[r.doi].status is LookupStatus.FOUND
    }
    assert {ref for _path, ref in judged} == found_refs
    assert "R20" in found_refs


def test_a_partly_cached_audit_reads_no_record_twice_and_judges_as_at_the_end(
    replay_server: ReplayServer, tmp_path: Path
) -> None:
    # The seed's ref 20 is the 2010 retraction notice of a Cancer Research paper. With the
    # paper cached and the notice not, the notice comes from the network and links back to
    # the paper: the paper must not be read from the cache a second time.
    notice = "10.1158/0008-5472.can-10-2451"
    fetcher = HttpFetcher(replay_server.url, mailto="t@example.org", retries=0)
    with CrossrefClient(fetcher, base_url=replay_server.url) as client:
        original = linked(client.lookup(notice))[0]
    cache_dir = tmp_path / "cache"
    with CrossrefClient(
        HttpFetcher(replay_server.url, mailto="t@example.org", retries=0),
        base_url=replay_server.url,
        cache=Cache(cache_dir),
    ) as client:
        assert client.lookup(original).status is LookupStatus.FOUND
    claim_map = map_citing(tmp_path, {"O": original, "N": notice})
    replay_server.latency = 0.05
    with CrossrefClient(
        HttpFetcher(replay_server.url, mailto="t@example.org", retries=0),
        base_url=replay_server.url,
        cache=Cache(cache_dir),
    ) as client:
        result, at_the_end = audit_and_judge_at_the_end(claim_map, client)
        answers, _ = client.answers_since(0)
    assert [a.doi for a in answers].count(original) == 1
    assert result == at_the_end
    assert result.maps[0].references[0].lookup.cache_age is not None  # O came from the cache


def test_answers_since_gives_a_not_found_once_the_server_has_answered_as_crossref(
    replay_server: ReplayServer,
) -> None:
    fetcher = HttpFetcher(replay_server.url, mailto="t@example.org", retries=0)
    with CrossrefClient(fetcher, base_url=replay_server.url, batch=False) as client:
        client.lookup_all(["10.1038/nbt.2816", "10.1000/no-such-work"])
        answers, answered = client.answers_since(0)
        assert client.answered_as_crossref
        assert [(a.doi, a.status) for a in answers] == [
            ("10.1038/nbt.2816", LookupStatus.FOUND),
            ("10.1000/no-such-work", LookupStatus.NOT_FOUND),
        ]
        assert client.answers_since(answered) == ([], 2)


def test_answers_since_never_gives_a_404_from_a_server_that_is_not_crossref(
    replay_server: ReplayServer,
) -> None:
    # A mistyped base URL answers 404 to everything, its probe included: the "not found" was
    # provisional, and became a failure, which is not given as an answer either.
    base = replay_server.url + "/typo"
    fetcher = HttpFetcher(base, mailto="t@example.org", retries=0)
    with CrossrefClient(fetcher, base_url=base, batch=False) as client:
        lookup = client.lookup("10.1038/nbt.2816")
        assert lookup.status is LookupStatus.FAILED
        assert client.answers_since(0) == ([], 1)
