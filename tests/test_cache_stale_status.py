"""A cached update status gone stale: read again when it matters, and named by its age offline."""

from __future__ import annotations

import json
import sqlite3
from datetime import timedelta
from pathlib import Path

from claimcheck.cache.store import CACHE_FILE, Cache
from claimcheck.model.record import LookupStatus
from claimcheck.sources.crossref.client import CrossrefClient
from claimcheck.testing import ReplayServer
from claimcheck.transport.fetch import HttpFetcher
from tests.conftest import RECONSTRUCTED
from tests.factories import POLITE, update, work_envelope, work_list, write_map
from tests.test_cache_client import Clock, client
from tests.test_cli import run

# --- a work first read as a linked record, then asked for its own update status ------------

THINGS = "10.5555/things.1"
THINGS_CORRECTION = "10.5555/things.corr"
THINGS_RETRACTION = "10.5555/things.retr"
THINGS_TITLE = "A long study of things in the laboratory mouse"
THINGS_FIELDS = {
    "authors": ("Rubio", "Garcia"),
    "year": 2018,
    "journal": "Journal of Tests",
    "volume": "12",
    "page": "100-110",
}
# R1 cites THINGS without a DOI (matched by a search); R2 prints its correction's DOI, which
# links to THINGS: THINGS is read as R2's linked record before the match asks for it.
THINGS_MAP = f"""
claimcheck: 1
references:
  R1: {{title: '{THINGS_TITLE}', authors: [Rubio A, Garcia B], journal: Journal of Tests,
        volume: '12', pages: 100-110, year: 2018}}
  R2: {{doi: {THINGS_CORRECTION}}}
claims:
  - {{id: C1, text: a claim, cites: [R1]}}
  - {{id: C2, text: another, cites: [R1, {{ref: R2, role: background}}]}}
"""


def things_server(server: ReplayServer) -> None:
    record = work_envelope(THINGS, title=THINGS_TITLE, **THINGS_FIELDS)  # type: ignore[arg-type]
    server.add_work(record)
    server.add_search(work_list(dict(json.loads(record)["message"], score=95.0)))
    add_notice(server, THINGS_CORRECTION, "correction", "2019-01-01")


def add_notice(server: ReplayServer, doi: str, kind: str, date: str) -> None:
    """A `kind` notice of THINGS, titled as publishers title them, updating it on `date`."""
    server.add_work(
        work_envelope(
            doi,
            title=f"{kind.capitalize()}: {THINGS_TITLE}",
            year=int(date[:4]),
            update_to=[update(THINGS, kind, date)],
        )
    )


def retract_things(server: ReplayServer) -> None:
    """THINGS is retracted after the first run cached it."""
    notice = [update(THINGS_RETRACTION, "retraction", "2020-01-01")]
    server.add_work(
        work_envelope(THINGS, title=THINGS_TITLE, updated_by=notice, **THINGS_FIELDS)  # type: ignore[arg-type]
    )
    add_notice(server, THINGS_RETRACTION, "retraction", "2020-01-01")


def verdict_of_r1(output: str) -> str:
    (r1,) = [r for r in json.loads(output)["references"] if r["id"] == "R1"]
    return str(r1["verdict"])


def asked_for(server: ReplayServer, doi: str, since: int) -> int:
    return sum(1 for r in server.requests[since:] if doi in (r.doi, *r.filter_dois))


def age_cache(directory: Path, seconds: float) -> None:
    with sqlite3.connect(directory / CACHE_FILE) as conn:
        conn.execute("UPDATE responses SET fetched_at = fetched_at - ?", (seconds,))
    conn.close()


def test_a_matched_work_first_read_as_a_linked_record_gets_a_fresh_update_status(
    tmp_path: Path,
) -> None:
    path = write_map(tmp_path, THINGS_MAP)
    env = {"CLAIMCHECK_CACHE_DIR": str(tmp_path / "cache"), **POLITE}
    with ReplayServer(RECONSTRUCTED) as server:
        things_server(server)
        first = run("audit", path, "-f", "json", "--crossref-url", server.url, env=env)
        assert (first.exit_code, verdict_of_r1(first.stdout)) == (0, "clean")
        age_cache(tmp_path / "cache", timedelta(hours=25).total_seconds())  # past the status TTL
        retract_things(server)
        before = len(server.requests)
        second = run("audit", path, "-f", "json", "--crossref-url", server.url, env=env)
        assert (second.exit_code, verdict_of_r1(second.stdout)) == (1, "retracted")
        # Its cached record (fresh for metadata only) named it; the match read it once more.
        assert asked_for(server, THINGS, before) == 1


def test_a_linked_records_answer_fresh_for_status_is_not_asked_again(tmp_path: Path) -> None:
    path = write_map(tmp_path, THINGS_MAP)
    env = {"CLAIMCHECK_CACHE_DIR": str(tmp_path / "cache"), **POLITE}
    with ReplayServer(RECONSTRUCTED) as server:
        things_server(server)
        first = run("audit", path, "-f", "json", "--crossref-url", server.url, env=env)
        assert (first.exit_code, verdict_of_r1(first.stdout)) == (0, "clean")
        assert asked_for(server, THINGS, 0) == 1  # read as a linked record, not again
        age_cache(tmp_path / "cache", timedelta(hours=1).total_seconds())  # within the TTL
        before = len(server.requests)
        second = run("audit", path, "-f", "json", "--crossref-url", server.url, env=env)
        assert (second.exit_code, verdict_of_r1(second.stdout)) == (0, "clean")
        assert len(server.requests) == before  # the cache answered every lookup


def cache_things(server: ReplayServer, directory: Path, clock: Clock) -> None:
    """The server holds THINGS, not yet retracted, and a first client caches its answer."""
    things_server(server)
    with client(server, directory, clock) as first:
        first.lookup(THINGS)


def test_a_work_named_from_the_cache_is_read_again_when_its_status_matters(
    tmp_path: Path,
) -> None:
    clock = Clock()
    with ReplayServer(RECONSTRUCTED) as server:
        cache_things(server, tmp_path, clock)
        clock.now += timedelta(hours=25).total_seconds()
        retract_things(server)
        with client(server, tmp_path, clock) as second:
            named = second.lookup_all([THINGS], status_matters=False)[THINGS]
            assert named.cache_age == timedelta(hours=25).total_seconds()
            assert second.lookup_all([THINGS], status_matters=False)[THINGS] is named
            cited = second.lookup(THINGS)
            assert cited.cache_age is None  # asked again: the cached status was too old
            assert cited.work is not None
            assert cited.work.updated_by
            assert second.lookup(THINGS) is cited  # and a fresh answer is not asked again
            assert second.lookup_all([THINGS], status_matters=False)[THINGS] is cited
        assert asked_for(server, THINGS, 0) == 2


def offline_after(tmp_path: Path, hours: float) -> tuple[CrossrefClient, str]:
    """An offline client over the cache `cache_things` filled, `hours` later; and the URL
    of the server (gone by then) that filled it."""
    clock = Clock()
    with ReplayServer(RECONSTRUCTED) as server:
        cache_things(server, tmp_path, clock)
        url = server.url
    clock.now += timedelta(hours=hours).total_seconds()
    cache = Cache(tmp_path, clock=clock)
    fetcher = HttpFetcher(url, retries=0)
    return CrossrefClient(fetcher, base_url=url, cache=cache, clock=clock, offline=True), url


def test_a_stale_status_is_not_used_offline_whichever_way_it_was_first_read(
    tmp_path: Path,
) -> None:
    offline, _url = offline_after(tmp_path, 25)
    with offline:
        assert offline.lookup_all([THINGS], status_matters=False)[THINGS].status is (
            LookupStatus.FOUND
        )
        assert offline.lookup(THINGS).status is LookupStatus.FAILED


def test_offline_a_cached_answer_past_the_status_ttl_is_named_as_too_old_not_missing(
    tmp_path: Path,
) -> None:
    offline, url = offline_after(tmp_path, 50)
    with offline:
        stale = offline.lookup(THINGS)
        never = offline.lookup("10.5555/never.cached")
    assert stale.status is LookupStatus.FAILED
    assert stale.error is not None
    assert f"the cached answer from {url} is 50 h old, past the 24 h" in stale.error
    assert "not in the cache" not in stale.error
    assert never.error == f"not in the cache for {url}"


def test_offline_a_cached_answer_past_the_metadata_ttl_is_named_by_its_age(
    tmp_path: Path,
) -> None:
    # A cache copied 45 days ago still holds the row: "not in the cache" would be untrue.
    offline, url = offline_after(tmp_path, 45 * 24)
    with offline:
        stale = offline.lookup(THINGS)
    assert stale.status is LookupStatus.FAILED
    assert stale.error == (
        f"offline, and the cached answer from {url} is 45 days old, past the 30 days within"
        " which a cached answer is trusted at all (CLAIMCHECK_METADATA_TTL_DAYS)"
    )
