"""The command line, run in-process: exit codes, JSON on stdout, errors on stderr."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import typer
from typer.testing import CliRunner, Result

from claimcheck.app.cli import MAX_WIDTH, app, terminal_style
from claimcheck.app.runner import execute
from claimcheck.inputs.claimmap import load_claim_map
from claimcheck.testing import Fault, ReplayServer
from tests.conftest import RECONSTRUCTED
from tests.factories import POLITE, fresh_cache_dir, write_map

ROOT = Path(__file__).resolve().parent.parent
SEED_MAP = ROOT / "claims" / "stem-cell-safety.yaml"
SEED_EVIDENCE = ROOT / "claims" / "stem-cell-safety.evidence"
TOP_KEYS = {"schema", "tool", "claim_map", "claim_maps", "checked_at", "source", "summary"}
TOP_KEYS |= {"references", "claims", "findings"}


def run(*args: str | Path, env: dict[str, str] | None = None) -> Result:
    # A run that forgets --crossref-url or --replay meets a closed loopback port, never the
    # real API (and pytest-socket refuses any other address anyway).
    env = {
        # Each run its own cache, so an answer cached by one run never masks another's fault.
        "CLAIMCHECK_CACHE_DIR": fresh_cache_dir(),
        "CLAIMCHECK_MAILTO": "",
        "CLAIMCHECK_CROSSREF_URL": "http://127.0.0.1:9",
        "CLAIMCHECK_DATACITE_URL": "http://127.0.0.1:9",
        "CLAIMCHECK_RETRACTION_WATCH": "",
        "NO_COLOR": "1",
        **(env or {}),
    }
    return CliRunner().invoke(app, [str(a) for a in args], env=env)


def seed_json(*args: str | Path) -> tuple[Result, dict[str, Any]]:
    result = run("audit", SEED_MAP, "--format", "json", *args)
    return result, json.loads(result.stdout)


@pytest.fixture(scope="module")
def seed() -> tuple[Result, dict[str, Any]]:
    return seed_json("--replay", SEED_EVIDENCE)


def test_seed_audit_document_follows_the_spec(seed: tuple[Result, dict[str, Any]]) -> None:
    result, doc = seed
    assert set(doc) == TOP_KEYS
    assert doc["schema"] == "claimcheck.audit/1"
    assert doc["source"] == {
        "crossref": str(SEED_EVIDENCE),
        "mode": "replay",
        "sources": [{"name": "crossref", "file": str(SEED_EVIDENCE)}],
    }
    assert doc["summary"]["references"] == 25
    assert doc["summary"]["exit_code"] == result.exit_code
    first = doc["references"][0]
    assert set(first) == {
        "id",
        "doi",
        "status",
        "verdict",
        "registry",
        "updates",
        "cache",
        "location",
        "file",
        "cited_as",
        "cited",
    }
    assert set(first["registry"]) == {"title", "authors", "year", "journal", "type"}
    finding = doc["findings"][0]
    assert set(finding) == {
        "code",
        "severity",
        "reference",
        "claim",
        "message",
        "evidence",
        "location",
        "file",
    }
    assert finding["file"] == str(SEED_MAP) == doc["claim_map"]


def test_seed_reference_20_is_a_cited_retraction_notice(
    seed: tuple[Result, dict[str, Any]],
) -> None:
    _, doc = seed
    (finding,) = [f for f in doc["findings"] if f["reference"] == "R20"]
    assert finding["code"] == "cites-retraction-notice"
    assert finding["severity"] == "info"  # role discusses
    assert finding["evidence"]["original_doi"] == "10.1158/0008-5472.can-04-4194"
    r20 = next(r for r in doc["references"] if r["id"] == "R20")
    assert r20["updates"] == [
        {
            "type": "retraction",
            "direction": "notice-of",
            "doi": "10.1158/0008-5472.can-04-4194",
            "date": "2010-08-15",
            "sources": ["publisher"],
            "kind": "retraction",
            "title": "Spontaneous Human Adult Stem Cell Transformation",
            # The notice's title is "Retraction: " and the original's own title.
            "basis": "title-names-the-other",
        }
    ]
    assert r20["verdict"] == "retraction-notice"


def test_seed_clinicaltrials_claim_is_uncited(seed: tuple[Result, dict[str, Any]]) -> None:
    _, doc = seed
    (trials,) = [c for c in load_claim_map(SEED_MAP).claims if "ClinicalTrials.gov" in c.text]
    assert "2745" in trials.text
    claim = next(c for c in doc["claims"] if c["id"] == trials.id)
    assert claim["status"] == "uncited"
    assert claim["cites"] == []
    codes = [f["code"] for f in doc["findings"] if f["claim"] == trials.id]
    assert codes == ["uncited-claim"]


def test_seed_refs_without_doi_are_matched_or_doi_missing(
    seed: tuple[Result, dict[str, Any]],
) -> None:
    """The article prints DOIs for refs 18-25 only. Refs 1-17 are searched by metadata: the
    snapshot holds reconstructed search answers for the five whose DOIs public records
    confirm; the other twelve find no answer in it, so their searches failed: doi-missing,
    saying so, and unverified, since what they cite was never checked."""
    _, doc = seed
    by_code: dict[str, set[str]] = {}
    for finding in doc["findings"]:
        by_code.setdefault(finding["code"], set()).add(finding["reference"])
    unanswered = {f"R{n}" for n in (2, 3, 4, 6, 7, 8, 9, 11, 12, 14, 15, 16)}
    assert by_code["doi-missing"] == unanswered
    assert by_code["unverified"] == unanswered
    assert doc["summary"]["unverified"] == len(unanswered)
    assert by_code["doi-suggested"] == {"R1", "R5", "R10", "R13", "R17"}
    suggested = {f["reference"]: f for f in doc["findings"] if f["code"] == "doi-suggested"}
    assert suggested["R1"]["evidence"]["doi"] == "10.1186/scrt90"
    # R5 cites pages 98-103, the record says 98-105: a weak match, never asserted.
    assert suggested["R5"]["evidence"]["confidence"] == "weak"
    r4 = {f["code"]: f for f in doc["findings"] if f["reference"] == "R4"}
    assert "could not be made" in r4["doi-missing"]["message"]  # not in the snapshot: said
    assert "not in the evidence snapshot" in r4["unverified"]["evidence"]["cause"]


def test_seed_exit_code_follows_the_findings(seed: tuple[Result, dict[str, Any]]) -> None:
    result, doc = seed
    has_error = doc["summary"]["errors"] > 0
    assert result.exit_code == (1 if has_error else 0)
    assert "gate " in result.stderr


def test_replay_server_gives_the_same_json_as_the_snapshot(
    seed: tuple[Result, dict[str, Any]],
) -> None:
    _, replayed = seed
    index = json.loads((SEED_EVIDENCE / "index.json").read_text())
    # A search the snapshot does not hold fails in replay; the server fails it too (400, never
    # retried), so both runs leave those references doi-missing and unverified.
    with ReplayServer(RECONSTRUCTED, unknown_search_status=400) as server:
        for entry in index["responses"]:
            if "query.bibliographic" in entry["request"]:
                query = parse_qs(urlsplit(entry["request"]).query)["query.bibliographic"][0]
                server.add_search((SEED_EVIDENCE / entry["file"]).read_bytes(), query)
        result, online = seed_json("--crossref-url", server.url, "--mailto", "t@example.org")
    assert result.exit_code == replayed["summary"]["exit_code"]
    for doc in (online, replayed):
        del doc["checked_at"], doc["source"]
        # Only the reason a failed search gives differs (HTTP 400, or not in the snapshot).
        for finding in doc["findings"]:
            if finding["code"] in ("doi-missing", "unverified"):
                finding["message"] = finding["message"].split(": ")[0].split("; ")[0]
                finding["evidence"].pop("cause", None)
    assert online == replayed


def test_record_then_replay_keeps_every_response(tmp_path: Path) -> None:
    evidence = tmp_path / "evidence"
    with ReplayServer(RECONSTRUCTED) as server:
        url = server.url
        recorded = run(
            "audit",
            SEED_MAP,
            "-f",
            "json",
            "--crossref-url",
            server.url,
            "--record",
            evidence,
            env=POLITE,
        )
        served = {r.raw_line.split()[1] for r in server.requests}
    index = json.loads((evidence / "index.json").read_text())
    assert {e["request"] for e in index["responses"]} == served
    for entry in index["responses"]:
        assert entry["url"] == url + entry["request"]
        assert entry["fetched_at"].endswith("Z")
        body = (evidence / entry["file"]).read_bytes()
        assert hashlib.sha256(body).hexdigest() == entry["sha256"]
        if entry["file"].startswith("works/"):  # a single work: the very bytes served
            assert body == (RECONSTRUCTED / Path(entry["file"]).name).read_bytes()
    assert any(e["file"].startswith("lists/") for e in index["responses"])
    replayed = run("audit", SEED_MAP, "-f", "json", "--replay", evidence)
    assert json.loads(replayed.stdout)["findings"] == json.loads(recorded.stdout)["findings"]


SMALL = """
claimcheck: 1
references:
  A: {doi: 10.1038/nbt.2816}
  B: {doi: 10.1634/stemcells.22-4-448, title: Human embryonic stem cells possess
      immune-privileged properties}
claims:
  - {id: C1, text: one, cites: [A]}
  - {id: C2, text: two, cites: [B]}
"""


def test_doi_missing_from_the_snapshot_is_unverified(tmp_path: Path) -> None:
    snapshot = tmp_path / "snap"
    snapshot.mkdir()
    (snapshot / "index.json").write_text('{"format": "claimcheck.evidence/1", "responses": []}')
    result = run("audit", write_map(tmp_path, SMALL), "-f", "json", "--replay", snapshot)
    assert result.exit_code == 3
    statuses = {r["id"]: r["status"] for r in json.loads(result.stdout)["references"]}
    assert statuses == {"A": "unverified", "B": "unverified"}


FAULTS = [
    Fault.http(410),
    Fault.http(429, retry_after="0"),
    Fault.http(500),
    Fault.http(503),
    Fault.reset(),
    Fault.slow(1.0),
    Fault.truncated(),
    Fault.html(),
    Fault.json(b'{"status":"ok","message-type":"work","message":[]}'),
]


@pytest.mark.parametrize("fault", FAULTS, ids=lambda f: f"{f.kind}-{f.status}")
def test_a_fault_makes_the_reference_unverified_and_exits_3(tmp_path: Path, fault: Fault) -> None:
    path = write_map(tmp_path, SMALL)
    with ReplayServer(RECONSTRUCTED) as server:
        server.add_fault(dataclasses.replace(fault, match="10.1038/nbt.2816"))
        result = run(
            "audit",
            path,
            "-f",
            "json",
            "--crossref-url",
            server.url,
            "--retries",
            "1",
            "--timeout",
            "0.3",
        )
    doc = json.loads(result.stdout)
    statuses = {r["id"]: r["status"] for r in doc["references"]}
    assert statuses["A"] == "unverified"
    assert statuses["B"] == "ok"
    assert result.exit_code == 3
    assert doc["summary"]["unverified"] == 1
    assert "unverified: A: lookup of 10.1038/nbt.2816 failed" in result.stderr


def test_a_404_is_an_answer_doi_not_found_not_a_fault(tmp_path: Path) -> None:
    path = write_map(tmp_path, SMALL)
    with ReplayServer(RECONSTRUCTED) as server:
        server.add_fault(Fault.http(404, match="10.1038/nbt.2816"))
        result = run("audit", path, "-f", "json", "--crossref-url", server.url)
    doc = json.loads(result.stdout)
    assert [f["code"] for f in doc["findings"] if f["reference"] == "A"] == ["doi-not-found"]
    assert result.exit_code == 1


def test_claim_map_errors_are_located_and_exit_2(tmp_path: Path) -> None:
    path = write_map(tmp_path, "claimcheck: 1\nreferences: {R1: {cited_ass: x}}\nclaims: []\n")
    result = run("audit", path, "-f", "json")
    assert result.exit_code == 2
    # stdout stays one valid JSON document, naming the located problem.
    error = json.loads(result.stdout)
    assert error["schema"] == "claimcheck.error/1"
    assert error["summary"] == {"exit_code": 2}
    assert error["error"]["problems"][0]["file"] == str(path)
    assert error["error"]["problems"][0]["line"] == 2
    assert f"{path}:2:" in result.stderr
    assert "cited_as" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("audit", "no-such-file.yaml"),
        ("audit", str(SEED_MAP), "--replay", "no-such-dir"),
        ("audit", str(SEED_MAP), "--replay", str(SEED_EVIDENCE), "--record", "x"),
        ("audit", str(SEED_MAP), "--fail-on", "fatal"),
        ("audit", str(SEED_MAP), "--timeout", "-1"),
        ("resolve", "not a doi"),
    ],
)
def test_usage_errors_exit_2_without_a_traceback(args: tuple[str, ...]) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr + result.stdout


def test_internal_errors_exit_70_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    def broken() -> int:
        raise RuntimeError("boom")

    with pytest.raises(typer.Exit) as exit_info:
        execute(broken, debug=False)
    assert exit_info.value.exit_code == 70
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "RuntimeError: boom" in err
    assert "--debug" in err


def test_resolve_shows_the_notice_and_its_original(tmp_path: Path) -> None:
    result = run(
        "resolve",
        "https://doi.org/10.1158/0008-5472.CAN-10-2451",
        "-f",
        "json",
        "--replay",
        SEED_EVIDENCE,
    )
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert doc["registry"]["title"].startswith("Retraction:")
    assert doc["updates"][0]["direction"] == "notice-of"
    assert doc["updates"][0]["title"] == "Spontaneous Human Adult Stem Cell Transformation"
    table = run("resolve", "10.1158/0008-5472.can-04-4194", "--replay", SEED_EVIDENCE)
    assert "updated-by" in table.stdout
    assert "10.1158/0008-5472.can-10-2451" in table.stdout


def test_resolve_not_found_exits_1(replay_server: ReplayServer) -> None:
    result = run("resolve", "10.9999/none", "--crossref-url", replay_server.url, "-f", "json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["status"] == "not-found"


def test_without_mailto_a_notice_names_the_public_pool(replay_server: ReplayServer) -> None:
    result = run("resolve", "10.1038/nbt.2816", "--crossref-url", replay_server.url)
    assert "public pool" in result.stderr
    quiet = run("resolve", "10.1038/nbt.2816", "--crossref-url", replay_server.url, "-q")
    assert quiet.stderr == ""


def test_version_and_help() -> None:
    assert run("--version").stdout.strip() == "claimcheck 0.1.0"
    help_text = run("audit", "--help").stdout
    for option in ("--format", "--fail-on", "--crossref-url", "--mailto", "--replay", "--record"):
        assert option in help_text


def test_colour_only_on_a_terminal_without_no_color() -> None:
    assert terminal_style(True, {})[1] is True
    assert terminal_style(True, {"NO_COLOR": "1"})[1] is False
    assert terminal_style(True, {"TERM": "dumb"})[1] is False
    assert terminal_style(False, {})[1] is False


def test_the_table_width_is_capped() -> None:
    # COLUMNS=3000000 took 18 s and 1.1 GB (rich pads each line to the width); a 5,000-digit
    # one is past what int() reads.
    assert terminal_style(False, {"COLUMNS": "80"})[0] == 80
    assert terminal_style(False, {"COLUMNS": "3000000"})[0] == MAX_WIDTH
    assert terminal_style(False, {"COLUMNS": "9" * 5000})[0] == MAX_WIDTH
    assert terminal_style(False, {"COLUMNS": "0"})[0] == 120
    result = run("audit", SEED_MAP, "--replay", SEED_EVIDENCE, "-q", env={"COLUMNS": "1500"})
    assert max(map(len, result.stdout.splitlines())) == MAX_WIDTH


def test_a_columns_or_lines_of_thousands_of_digits_is_no_internal_error() -> None:
    # Rich reads COLUMNS and LINES itself unless given both a width and a height.
    huge = {"COLUMNS": "9" * 5000, "LINES": "9" * 5000}
    audited = run("audit", SEED_MAP, "--replay", SEED_EVIDENCE, "-q", env=huge)
    assert audited.exit_code == 1, audited.output  # the seed's gate, not 70
    assert max(map(len, audited.stdout.splitlines())) == MAX_WIDTH
    resolved = run("resolve", "10.1158/0008-5472.can-10-2451", "--replay", SEED_EVIDENCE, env=huge)
    assert resolved.exit_code == 0, resolved.output
    assert "retraction notice of 10.1158/0008-5472.can-04-4194" in resolved.stdout


def test_record_forgets_an_old_answer_when_the_lookup_now_fails(tmp_path: Path) -> None:
    evidence = tmp_path / "evidence"
    path = write_map(tmp_path, SMALL)
    with ReplayServer(RECONSTRUCTED) as server:
        first = run("audit", path, "--crossref-url", server.url, "--record", evidence)
        server.add_fault(Fault.http(503, match="10.1038/nbt.2816"))
        second = run(
            "audit", path, "--crossref-url", server.url, "--record", evidence, "--retries", "0"
        )
    assert (first.exit_code, second.exit_code) == (0, 3)
    replayed = run("audit", path, "-f", "json", "--replay", evidence)
    statuses = {r["id"]: r["status"] for r in json.loads(replayed.stdout)["references"]}
    assert statuses == {"A": "unverified", "B": "ok"}


def test_schema_command_prints_the_shipped_schema() -> None:
    result = run("schema")
    assert result.exit_code == 0
    shipped = json.loads((ROOT / "schema" / "claim-map.schema.json").read_text())
    assert json.loads(result.stdout) == shipped


def test_init_writes_a_starter_that_audits_and_refuses_to_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "claims" / "new.yaml"
    assert run("init", target).exit_code == 0
    audited = run("audit", target, "--replay", SEED_EVIDENCE, "-f", "json")
    report = json.loads(audited.stdout)
    assert report["summary"]["references"] >= 2
    # R1's DOI is in the seed's snapshot; R2's search is not, so R2 is unverified (exit 3).
    statuses = {r["id"]: r["status"] for r in report["references"]}
    assert (statuses["R1"], statuses["R2"], audited.exit_code) == ("ok", "unverified", 3)
    target.write_text("mine")
    again = run("init", target)
    assert again.exit_code == 2
    assert "--force" in again.stderr
    assert target.read_text() == "mine"
    assert run("init", target, "--force").exit_code == 0
