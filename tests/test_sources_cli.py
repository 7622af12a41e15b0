"""The second sources through the command line, over real HTTP to the replay servers: the
Retraction Watch CSV (`--retraction-watch`), online and offline, and DataCite for DOIs that
Crossref names as DataCite's (`--datacite-url`)."""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from claimcheck.testing import DataCiteReplayServer, Fault, ReplayServer
from tests.conftest import DATA, RECONSTRUCTED, RECORDED
from tests.factories import (
    POLITE,
    search_item,
    work_envelope,
    work_list,
    write_datacite_record,
    write_map,
)
from tests.test_cli import run

ROOT = Path(__file__).resolve().parent.parent
CSV = DATA / "retraction_watch" / "derived.csv"
DATACITE = DATA / "datacite" / "recorded"
SCHEMA = json.loads((ROOT / "schema" / "audit.schema.json").read_text())
WAKEFIELD = "10.1016/s0140-6736(97)11096-0"  # real: retracted 2010, in Crossref and the CSV
WAKEFIELD_NOTICE = "10.1016/s0140-6736(10)60175-4"
CSV_ONLY = "10.5555/claimcheck.rw.csv-only"  # synthetic: retracted only in the CSV
ZENODO = "10.5281/zenodo.48440"  # real DataCite record: "Analysis Tools for Crossover …"


@pytest.fixture
def crossref() -> Iterator[ReplayServer]:
    agencies = {ZENODO: "datacite", "10.5555/hidden-at-datacite": "datacite"}
    with ReplayServer(RECONSTRUCTED, RECORDED, agencies=agencies) as server:
        # Crossref knows the synthetic paper, with no retraction: the CSV alone lists one.
        server.add_work(work_envelope(CSV_ONLY, title="A paper only the CSV retracts"))
        yield server


def one_reference(doi: str, *fields: str) -> str:
    extra = "".join(f", {f}" for f in fields)
    return (
        "claimcheck: 1\n"
        f"references:\n  R1: {{doi: '{doi}'{extra}}}\n"
        "claims:\n  - {id: C1, text: a claim, cites: [R1]}\n"
    )


def audit(
    tmp_path: Path, body: str, *args: str | Path, env: dict[str, str] | None = None
) -> tuple[int, dict[str, Any], str]:
    path = write_map(tmp_path, body)
    # The polite pool (factories.POLITE): the pool is not what these tests check.
    result = run("audit", path, "-f", "json", *args, env={**POLITE, **(env or {})})
    document = json.loads(result.stdout)
    jsonschema.validate(document, SCHEMA)
    return result.exit_code, document, result.stderr


def findings(document: dict[str, Any], code: str) -> list[dict[str, Any]]:
    return [f for f in document["findings"] if f["code"] == code]


def test_a_retraction_only_the_csv_lists_is_reported_with_the_csv_as_its_source(
    crossref: ReplayServer, tmp_path: Path
) -> None:
    code, doc, _ = audit(
        tmp_path, one_reference(CSV_ONLY), "--crossref-url", crossref.url, "--retraction-watch", CSV
    )
    (retracted,) = findings(doc, "retracted")
    (notice,) = retracted["evidence"]["notices"]
    assert notice["sources"] == ["retraction-watch-csv"]
    assert (
        "sources disagree: retraction-watch-csv lists it; crossref does not" in retracted["message"]
    )
    disagreement = {
        "kind": "retraction",
        "doi": "10.5555/claimcheck.rw.csv-only-notice",
        "listed_by": ["retraction-watch-csv"],
        "not_listed_by": ["crossref"],
    }
    assert retracted["evidence"]["disagreement"] == [disagreement]
    (reference,) = doc["references"]
    assert reference["disagreement"] == [disagreement]
    assert reference["verdict"] == "retracted"
    assert code == 1


def test_without_the_csv_the_same_paper_is_clean_and_nothing_disagrees(
    crossref: ReplayServer, tmp_path: Path
) -> None:
    code, doc, _ = audit(tmp_path, one_reference(CSV_ONLY), "--crossref-url", crossref.url)
    assert findings(doc, "retracted") == []
    assert "disagreement" not in doc["references"][0]
    # DataCite was asked nothing, so it is not named as a source.
    assert [s["name"] for s in doc["source"]["sources"]] == ["crossref"]
    assert code == 0


def test_a_retraction_both_sources_list_is_joined_and_named_by_both(
    crossref: ReplayServer, tmp_path: Path
) -> None:
    _code, doc, _ = audit(
        tmp_path,
        one_reference(WAKEFIELD),
        "--crossref-url",
        crossref.url,
        "--retraction-watch",
        CSV,
    )
    (retracted,) = findings(doc, "retracted")
    (notice,) = retracted["evidence"]["notices"]
    assert notice["doi"] == WAKEFIELD_NOTICE
    assert notice["sources"] == ["retraction-watch", "retraction-watch-csv"]
    assert "disagree" not in retracted["message"]
    assert "disagreement" not in doc["references"][0]


def test_rows_the_csv_index_could_not_read_are_warned_of_on_every_run(
    crossref: ReplayServer, tmp_path: Path
) -> None:
    # The CSV's only row retracts the cited paper; a field too many hides it. The run cannot
    # see that retraction, so it must say a row was lost, not pass in silence.
    header, row = CSV.read_text(encoding="utf-8").splitlines()[:2]
    broken = tmp_path / "broken.csv"
    broken.write_text(f"{header}\n{row},extra\n", encoding="utf-8")
    args = ("--crossref-url", crossref.url, "--retraction-watch", broken)
    for _run in range(2):  # indexing, then the index already built
        _code, _doc, stderr = audit(tmp_path, one_reference(CSV_ONLY), *args)
        assert f"--retraction-watch {broken}: 1 row(s) could not be read" in stderr
        assert "line 2): a retraction they record is not seen" in stderr
        assert "it holds no record" in stderr


def test_a_notice_whose_paper_has_no_doi_is_still_named_a_notice(
    crossref: ReplayServer, tmp_path: Path
) -> None:
    # Retraction Watch gives the paper's DOI as "unavailable" and the cited DOI as the
    # notice's: the citation is of a retraction notice, never clean.
    rows = list(csv.DictReader(CSV.open(encoding="utf-8", newline="")))
    row = {**rows[0], "OriginalPaperDOI": "unavailable", "RetractionDOI": CSV_ONLY}
    notice_only = tmp_path / "notice-only.csv"
    with notice_only.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(row))
        writer.writeheader()
        writer.writerow(row)
    args = ("--crossref-url", crossref.url, "--retraction-watch", notice_only)
    _code, doc, _ = audit(tmp_path, one_reference(CSV_ONLY), *args)
    (finding,) = findings(doc, "cites-retraction-notice")
    assert finding["message"].startswith(
        "R1 is the retraction notice of a work its sources give no DOI for, not the work itself"
    )


def test_the_report_names_the_csv_by_its_sha256_and_rows(
    crossref: ReplayServer, tmp_path: Path
) -> None:
    _code, doc, _ = audit(
        tmp_path,
        one_reference(WAKEFIELD),
        "--crossref-url",
        crossref.url,
        "--retraction-watch",
        CSV,
    )
    (csv_source,) = [s for s in doc["source"]["sources"] if s["name"] == "retraction-watch-csv"]
    assert csv_source["sha256"] == hashlib.sha256(CSV.read_bytes()).hexdigest()
    assert csv_source["rows"] == sum(1 for _ in CSV.open(encoding="utf-8")) - 1
    assert csv_source["file"] == str(CSV)


def test_offline_with_the_csv_retraction_status_is_still_checked(tmp_path: Path) -> None:
    # An empty cache and no network: Crossref answers nothing, the CSV still does.
    code, doc, stderr = audit(
        tmp_path, one_reference(WAKEFIELD), "--offline", "--retraction-watch", CSV
    )
    (retracted,) = findings(doc, "cited-after-retraction") + findings(doc, "retracted")
    assert retracted["evidence"]["notices"][0]["sources"] == ["retraction-watch-csv"]
    assert findings(doc, "unverified"), "the metadata was not checked, and it says so"
    assert doc["source"]["mode"] == "offline"
    assert [s["name"] for s in doc["source"]["sources"]] == ["crossref", "retraction-watch-csv"]
    assert code == 1  # a known retraction fails the gate even though lookups failed
    assert "indexing the Retraction Watch data" in stderr


def test_offline_without_the_csv_nothing_is_clean(tmp_path: Path) -> None:
    code, doc, _ = audit(tmp_path, one_reference(WAKEFIELD), "--offline")
    assert findings(doc, "retracted") == []
    assert doc["references"][0]["status"] == "unverified"
    assert code == 3


def test_the_environment_variable_names_the_csv(crossref: ReplayServer, tmp_path: Path) -> None:
    env = {"CLAIMCHECK_RETRACTION_WATCH": str(CSV)}
    _code, doc, _ = audit(
        tmp_path, one_reference(CSV_ONLY), "--crossref-url", crossref.url, env=env
    )
    assert findings(doc, "retracted")


def test_a_reinstatement_after_the_retraction_takes_precedence(
    crossref: ReplayServer, tmp_path: Path
) -> None:
    _code, doc, _ = audit(
        tmp_path,
        one_reference("10.5555/claimcheck.rw.reinstated"),
        "--offline",
        "--retraction-watch",
        CSV,
    )
    assert findings(doc, "retracted") == []
    (reinstated,) = findings(doc, "reinstated")
    assert "10.5555/claimcheck.rw.reinstatement-notice" in reinstated["message"]


def test_a_notice_without_a_doi_still_retracts_the_paper(tmp_path: Path) -> None:
    _code, doc, _ = audit(
        tmp_path,
        one_reference("10.5555/claimcheck.rw.notice-unavailable"),
        "--offline",
        "--retraction-watch",
        CSV,
    )
    (retracted,) = findings(doc, "retracted")
    assert "a notice with no DOI" in retracted["message"]
    assert findings(doc, "update-role-unclear") == []


def test_a_cited_notice_is_named_as_such_with_the_papers_it_retracts(tmp_path: Path) -> None:
    _code, doc, _ = audit(
        tmp_path,
        one_reference("10.5555/claimcheck.rw.list-notice"),
        "--offline",
        "--retraction-watch",
        CSV,
    )
    (notice,) = findings(doc, "cites-retraction-notice")
    assert "10.5555/claimcheck.rw.list-a" in notice["message"]
    assert "10.5555/claimcheck.rw.list-b" in notice["message"]
    assert findings(doc, "retracted") == []


# The CSV-only paper cited with no DOI, in enough detail to match its Crossref record
# confidently (a year two off makes the match weak).
CSV_ONLY_CITED = (
    "title: 'Synthetic test record for claimcheck, not a real article', "
    "authors: [Rubio A, Garcia B], journal: Synthetic Journal of Test Records, "
    "volume: '12', pages: 100-110, year: {year}"
)


def matchable(crossref: ReplayServer) -> None:
    """Crossref's record of the CSV-only paper, full enough to match, and a search that
    finds it (the score is chosen, not Crossref's)."""
    record = work_envelope(
        CSV_ONLY,
        title="Synthetic test record for claimcheck, not a real article",
        authors=("Rubio", "Garcia"),
        year=2016,
        journal="Synthetic Journal of Test Records",
        volume="12",
        page="100-110",
    )
    crossref.add_work(record)
    crossref.add_search(work_list(search_item(record, 95.0)))


def audit_matched(
    crossref: ReplayServer, tmp_path: Path, *, year: int
) -> tuple[int, dict[str, Any], str]:
    """An audit, with the CSV, of the CSV-only paper cited without its DOI as of `year`: its
    own year (2016) makes the match confident, another year weak."""
    matchable(crossref)
    body = one_reference(CSV_ONLY).replace(f"doi: '{CSV_ONLY}'", CSV_ONLY_CITED.format(year=year))
    return audit(tmp_path, body, "--crossref-url", crossref.url, "--retraction-watch", CSV)


def test_a_confident_match_is_checked_against_the_csv_like_a_printed_doi(
    crossref: ReplayServer, tmp_path: Path
) -> None:
    code, doc, _ = audit_matched(crossref, tmp_path, year=2016)
    (suggested,) = findings(doc, "doi-suggested")
    assert suggested["evidence"]["confidence"] == "confident"
    (retracted,) = findings(doc, "retracted")
    assert retracted["evidence"]["matched"]["doi"] == CSV_ONLY
    (notice,) = retracted["evidence"]["notices"]
    assert notice["sources"] == ["retraction-watch-csv"]
    assert (
        "sources disagree: retraction-watch-csv lists it; crossref does not"
        in (retracted["message"])
    )
    assert doc["references"][0]["verdict"] == "retracted"
    assert doc["references"][0]["disagreement"][0]["listed_by"] == ["retraction-watch-csv"]
    assert doc["claims"][0]["status"] != "supported"
    assert code == 1


def test_a_weak_match_the_csv_retracts_is_a_possible_retraction(
    crossref: ReplayServer, tmp_path: Path
) -> None:
    _code, doc, _ = audit_matched(crossref, tmp_path, year=2019)
    (suggested,) = findings(doc, "doi-suggested")
    assert suggested["evidence"]["confidence"] == "weak"
    assert findings(doc, "retracted") == []
    (possible,) = findings(doc, "possibly-retracted")
    assert possible["evidence"]["doi"] == CSV_ONLY


def test_a_missing_csv_is_a_usage_error(tmp_path: Path) -> None:
    path = write_map(tmp_path, one_reference(WAKEFIELD))
    result = run("audit", path, "--offline", "--retraction-watch", tmp_path / "absent.csv")
    assert result.exit_code == 2
    assert "--retraction-watch" in result.stderr
    assert "absent.csv is not a file" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_csv_without_the_header_is_a_located_usage_error(tmp_path: Path) -> None:
    bad = tmp_path / "rw.csv"
    bad.write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    path = write_map(tmp_path, one_reference(WAKEFIELD))
    result = run("audit", path, "--offline", "--retraction-watch", bad)
    assert result.exit_code == 2
    assert f"{bad}:1" in result.stderr


def test_a_report_is_never_written_over_the_csv(tmp_path: Path) -> None:
    copy = tmp_path / "rw.csv"
    copy.write_bytes(CSV.read_bytes())
    path = write_map(tmp_path, one_reference(WAKEFIELD))
    result = run("audit", path, "--offline", "--retraction-watch", copy, "-o", f"json={copy}")
    assert result.exit_code == 2
    assert copy.read_bytes() == CSV.read_bytes()


# --- DataCite --------------------------------------------------------------------------------


def test_a_datacite_dois_metadata_mismatch_is_reported(
    crossref: ReplayServer, tmp_path: Path
) -> None:
    body = one_reference(ZENODO, "title: A wrong title entirely")
    with DataCiteReplayServer(DATACITE) as datacite:
        _code, doc, _ = audit(
            tmp_path, body, "--crossref-url", crossref.url, "--datacite-url", datacite.url
        )
        assert [r.path for r in datacite.requests] == ["/dois/10.5281%2Fzenodo.48440"]
        datacite_url = datacite.url
    (mismatch,) = findings(doc, "metadata-mismatch")
    assert (
        "Analysis Tools for Crossover Experiment of UI using Choice Architecture"
        in (mismatch["message"])
    )
    (registered,) = findings(doc, "non-crossref-doi")
    assert "compared with DataCite's record" in registered["message"]
    assert "DataCite has no retraction field" in registered["message"]
    assert doc["references"][0]["registry"]["title"].startswith("Analysis Tools")
    (used,) = [s for s in doc["source"]["sources"] if s["name"] == "datacite"]
    assert used["url"] == datacite_url


def test_a_doi_datacite_does_not_show_is_unverified_not_missing(
    crossref: ReplayServer, tmp_path: Path
) -> None:
    with DataCiteReplayServer(DATACITE) as datacite:
        code, doc, _ = audit(
            tmp_path,
            one_reference("10.5555/hidden-at-datacite"),
            "--crossref-url",
            crossref.url,
            "--datacite-url",
            datacite.url,
        )
    (unverified,) = findings(doc, "unverified")
    assert "registered" in unverified["message"]
    assert findings(doc, "doi-not-found") == []
    assert code == 3


def test_offline_datacite_is_not_asked_and_its_cached_answer_judges_as_online(
    crossref: ReplayServer, tmp_path: Path
) -> None:
    # Warm the cache online, then audit offline: DataCite is not asked, and its cached answer
    # judges the DOI as the online run did (its wrong title is found offline too).
    cache = tmp_path / "cache"
    body = one_reference(ZENODO, "title: A wrong title entirely")
    with DataCiteReplayServer(DATACITE) as datacite:
        args = ("--crossref-url", crossref.url, "--datacite-url", datacite.url)
        online_code, online, _ = audit(tmp_path, body, *args, "--cache-dir", cache)
        asked = len(datacite.requests)
        code, doc, _ = audit(tmp_path, body, *args, "--cache-dir", cache, "--offline")
        assert len(datacite.requests) == asked == 1
    assert findings(doc, "unverified") == []
    assert findings(doc, "metadata-mismatch")
    assert [f["code"] for f in doc["findings"]] == [f["code"] for f in online["findings"]]
    assert code == online_code


def test_datacite_keeps_to_the_runs_retries(crossref: ReplayServer, tmp_path: Path) -> None:
    # --retries bounds DataCite's attempts as it bounds Crossref's: a DataCite that always
    # answers 503 is asked once with --retries 0 (with the default, five times, with backoff).
    body = one_reference(ZENODO, "title: A wrong title entirely")
    with DataCiteReplayServer(DATACITE) as datacite:
        datacite.add_fault(Fault.http(503))
        args = ("--crossref-url", crossref.url, "--datacite-url", datacite.url)
        code, doc, _ = audit(tmp_path, body, *args, "--retries", "0")
        assert [r.path for r in datacite.requests] == ["/dois/10.5281%2Fzenodo.48440"]
    (unverified,) = findings(doc, "unverified")
    assert unverified["reference"] == "R1"
    assert code == 3


@pytest.mark.parametrize("recording", [False, True], ids=["plain", "record"])
def test_datacite_is_not_asked_past_the_runs_deadline(
    crossref: ReplayServer, tmp_path: Path, recording: bool
) -> None:
    # --deadline ends the whole run's lookups, DataCite's too: a DataCite that answers only
    # after the deadline leaves the reference unverified, not a run that waits for it. With
    # --record the Crossref fetcher is wrapped, and the deadline must still reach DataCite.
    body = one_reference(ZENODO, "title: A wrong title entirely")
    record = ("--record", str(tmp_path / "evidence")) if recording else ()
    with DataCiteReplayServer(DATACITE) as datacite:
        datacite.add_fault(Fault.slow(30.0))
        args = ("--crossref-url", crossref.url, "--datacite-url", datacite.url, *record)
        code, doc, _ = audit(tmp_path, body, *args, "--deadline", "2", "--timeout", "60")
        assert len(datacite.requests) <= 1
    (unverified,) = findings(doc, "unverified")
    assert unverified["reference"] == "R1"
    assert code == 3


def test_a_datacite_record_titled_retracted_fails_the_claim_that_rests_on_it(
    tmp_path: Path,
) -> None:
    # DataCite has no retraction field, but its record's own title can carry the marker a
    # Crossref title would: the citation is `retracted`, `--fail-on retracted` fails the run,
    # and the JSON verdict says so.
    doi = "10.5061/dryad.claimcheck-marked"  # made up, served by the loopback DataCite only
    title = "Data from: Mesenchymal stem cells promote tumour growth in mice"
    records = write_datacite_record(tmp_path / "datacite", doi, f"RETRACTED: {title}")
    body = one_reference(doi, f"title: '{title}'", "authors: [Smith A]", "year: 2019")
    with (
        ReplayServer(agencies={doi: "datacite"}) as crossref,
        DataCiteReplayServer(records) as datacite,
    ):
        args = ("--crossref-url", crossref.url, "--datacite-url", datacite.url)
        code, doc, _ = audit(tmp_path, body, *args, "--fail-on", "retracted")
    (retracted,) = findings(doc, "retracted")
    assert (retracted["severity"], retracted["claim"]) == ("error", "C1")
    assert (
        retracted["evidence"]["basis"] == "title marker of DataCite's record; no notice registered"
    )
    assert "the title of DataCite's record" in retracted["message"]
    (registered,) = findings(doc, "non-crossref-doi")
    assert registered["severity"] == "info"
    (reference,) = doc["references"]
    assert reference["verdict"] == "retracted"
    assert reference["registry"]["title"] == f"RETRACTED: {title}"
    (claim,) = doc["claims"]
    assert claim["status"] == "unsupported"
    assert code == 1
