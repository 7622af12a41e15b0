"""The Metadata Plus token (CLAIMCHECK_CROSSREF_TOKEN) reaches Crossref and nowhere else.

It must be sent as `Crossref-Plus-API-Token: Bearer …` and never appear in what claimcheck
prints (every format, errors, --debug tracebacks), records (--record), caches or reports.
"""

from __future__ import annotations

import dataclasses
import json
import os
import pprint
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner, Result

from claimcheck.app.cli import app
from claimcheck.app.runner import execute
from claimcheck.app.settings import Settings, load_settings
from claimcheck.cache.store import CACHE_FILE, Cache, source_key
from claimcheck.testing import DataCiteReplayServer, Fault, ReplayServer
from tests.conftest import RECONSTRUCTED
from tests.factories import fresh_cache_dir, update, work_envelope, write_map

TOKEN = "sekrit-TOKEN-123"
# A leak of part of it counts too: "sekrit" appears nowhere else.
MARKERS = (TOKEN, "sekrit")
HEADER = "crossref-plus-api-token"
FORMATS = ["table", "json", "markdown", "sarif", "junit", "html"]
OUTPUT_SUFFIX = {"json": "json", "markdown": "md", "sarif": "sarif", "junit": "xml"}

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
ONE_REFERENCE = (
    "claimcheck: 1\n"
    "references: {{A: {{doi: {doi}}}}}\n"
    "claims: [{{id: C1, text: one, cites: [A]}}]\n"
)


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


def subprocess_cli(*args: str | Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """claimcheck as a real process: real stderr, real interpreter shutdown."""
    beside = Path(sys.executable).with_name("claimcheck")
    command = [str(beside)] if beside.is_file() else [sys.executable, "-m", "claimcheck"]
    base = {k: v for k, v in os.environ.items() if not k.startswith("CLAIMCHECK_")}
    full_env = {**base, "CLAIMCHECK_CROSSREF_TOKEN": TOKEN, "CLAIMCHECK_RETRIES": "0", **env}
    return subprocess.run(
        [*command, *map(str, args)],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=120,
        check=False,
    )


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


def refused_url() -> str:
    """A loopback port nothing listens on (bound, then closed)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


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


# --- what claimcheck prints ----------------------------------------------------------------


@pytest.mark.parametrize("output_format", FORMATS)
def test_audit_output_never_shows_the_token(
    server: ReplayServer, claim_map: Path, output_format: str
) -> None:
    result = cli("audit", claim_map, "-f", output_format, "--crossref-url", server.url, "--debug")
    assert result.exit_code in (1, 3), result.output
    assert result.stdout.strip(), "the report should not be empty"
    assert "unverified: F" in result.stderr  # the failed lookup's message was printed
    no_secret(result.stdout, result.stderr, where=f"audit -f {output_format}")
    assert all(r.headers[HEADER] == f"Bearer {TOKEN}" for r in server.requests)


@pytest.mark.parametrize("output_format", ["table", "json"])
@pytest.mark.parametrize("doi", ["10.1158/0008-5472.can-04-4194", "10.9999/none"])
def test_resolve_output_never_shows_the_token(
    replay_server: ReplayServer, output_format: str, doi: str
) -> None:
    result = cli("resolve", doi, "-f", output_format, "--crossref-url", replay_server.url)
    assert result.exit_code in (0, 1), result.output
    assert doi in result.stdout.lower()
    no_secret(result.stdout, result.stderr, where=f"resolve -f {output_format}")
    assert replay_server.requests
    assert all(r.headers[HEADER] == f"Bearer {TOKEN}" for r in replay_server.requests)


# --- what claimcheck writes ----------------------------------------------------------------


@pytest.fixture
def held_cache(tmp_path: Path) -> Iterator[Path]:
    """A cache directory with an open reader, so SQLite keeps the write-ahead log on disk
    (the last connection to close would checkpoint it into the file and delete it)."""
    directory = tmp_path / "cache"
    with Cache(directory) as cache:
        cache.put(
            source_key("crossref", "http://127.0.0.1:9"), "work", "10.0/placeholder", 404, b""
        )
    reader = sqlite3.connect(directory / CACHE_FILE)
    reader.execute("SELECT count(*) FROM responses").fetchall()
    try:
        yield directory
    finally:
        reader.close()


def files_under(directory: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(directory)): p.read_bytes() for p in directory.rglob("*") if p.is_file()
    }


def test_record_reports_and_cache_files_never_hold_the_token(
    server: ReplayServer, claim_map: Path, tmp_path: Path, held_cache: Path
) -> None:
    evidence, reports = tmp_path / "evidence", tmp_path / "reports"
    outputs = [f"{name}={reports / f'report.{ext}'}" for name, ext in OUTPUT_SUFFIX.items()]
    args = ["audit", claim_map, "--crossref-url", server.url, "--record", evidence]
    args += [item for spec in outputs for item in ("-o", spec)]
    result = cli(*args, env={"CLAIMCHECK_CACHE_DIR": str(held_cache)})
    assert result.exit_code in (1, 3), result.output
    no_secret(result.stdout, result.stderr, where="audit --record")

    recorded = files_under(evidence)
    assert "index.json" in recorded
    assert any(b"nbt.2816" in body for body in recorded.values())  # the search has a target
    for name, body in recorded.items():
        no_secret(body, where=f"the evidence file {name}")

    written = files_under(reports)
    assert len(written) == len(OUTPUT_SUFFIX)
    for name, body in written.items():
        assert body.strip(), f"the report {name} is empty"
        no_secret(body, where=f"the report {name}")

    cached = files_under(held_cache)
    wal = cached.get(f"{CACHE_FILE}-wal", b"")
    assert b"nbt.2816" in wal, "the run's cache writes should still be in the -wal"
    assert CACHE_FILE in cached
    for name, body in cached.items():
        no_secret(body, where=f"the cache file {name}")


def test_cache_commands_never_show_the_token(server: ReplayServer, claim_map: Path) -> None:
    cache_dir = fresh_cache_dir()
    env = {"CLAIMCHECK_CACHE_DIR": cache_dir}
    assert cli("audit", claim_map, "--crossref-url", server.url, env=env).exit_code in (1, 3)
    info = cli("cache", "info", env=env)
    assert info.exit_code == 0, info.output
    assert "answers: " in info.stdout
    assert "answers: 0 " not in info.stdout
    cleared = cli("cache", "clear", env=env)
    assert cleared.exit_code == 0, cleared.output
    no_secret(info.stdout, info.stderr, cleared.stdout, cleared.stderr, where="cache commands")


# --- failures --------------------------------------------------------------------------------


@pytest.mark.parametrize("output_format", ["table", "json"])
def test_a_failed_run_never_shows_the_token(claim_map: Path, output_format: str) -> None:
    url = refused_url()
    audit = cli("audit", claim_map, "-f", output_format, "--crossref-url", url, "--retries", "0")
    assert audit.exit_code == 3, audit.output
    assert "could not connect" in audit.stderr
    resolve = cli("resolve", "10.1038/nbt.2816", "-f", output_format, "--crossref-url", url)
    assert resolve.exit_code == 3, resolve.output
    for result in (audit, resolve):
        no_secret(result.stdout, result.stderr, where="a failed run")


@pytest.mark.parametrize(
    "args",
    [
        ("audit", "no-such-map.yaml", "-f", "json"),
        ("audit", "MAP", "--timeout", "-1", "-f", "json"),
        ("audit", "MAP", "--crossref-url", "ftp://example.org"),
        ("audit", "MAP", "--replay", "no-such-dir", "--debug"),
        ("resolve", "not a doi", "-f", "json"),
    ],
)
def test_usage_errors_never_show_the_token(claim_map: Path, args: tuple[str, ...]) -> None:
    result = cli(*(str(claim_map) if a == "MAP" else a for a in args))
    assert result.exit_code == 2, result.output
    no_secret(result.stdout, result.stderr, where="a usage error")


def write_snapshot(directory: Path, entry: dict[str, object]) -> Path:
    (directory / "works").mkdir(parents=True)
    (directory / "works" / "10.1038_nbt.2816.json").write_bytes(
        (RECONSTRUCTED / "10.1038_nbt.2816.json").read_bytes()
    )
    base = {
        "request": "/works/10.1038%2Fnbt.2816",
        "status": 200,
        "content_type": "application/json",
        "file": "works/10.1038_nbt.2816.json",
    }
    index = {"format": "claimcheck.evidence/1", "responses": [{**base, **entry}]}
    (directory / "index.json").write_text(json.dumps(index))
    return directory


@pytest.mark.parametrize(
    "entry", [{"status": "abc"}, {"file": "works"}, {"sha256": 123}, {"file": None}]
)
def test_a_broken_snapshot_entry_is_a_clean_failure_without_the_token(
    tmp_path: Path, entry: dict[str, object]
) -> None:
    # Looked for as a way to an internal error: every one is handled (the lookup fails).
    snapshot = write_snapshot(tmp_path / "snap", entry)
    path = write_map(tmp_path, ONE_REFERENCE.format(doi="10.1038/nbt.2816"))
    result = cli("audit", path, "-f", "json", "--replay", snapshot, "--debug")
    assert result.exit_code == 3, result.output
    assert "Traceback" not in result.stderr
    no_secret(result.stdout, result.stderr, where="a broken snapshot's error")


# --- internal errors and --debug tracebacks --------------------------------------------------


def absurd_update_date() -> bytes:
    """A work whose retraction notice is dated in the year 10**20 (the record parser cannot)."""
    notice = update("10.5555/notice", "retraction")
    notice["updated"] = {"date-parts": [[10**20, 1, 1]]}
    return work_envelope("10.5555/absurd", updated_by=[notice])


ABSURD_MAP = ONE_REFERENCE.format(doi="10.5555/absurd")


def test_a_debug_traceback_of_a_real_internal_error_never_shows_the_token(
    tmp_path: Path,
) -> None:
    """Real internal errors in a real process, the token live in the HTTP client.

    Both cases below once ended in exit 70 (fixed: an absurd date and an unwritable output);
    they are ordinary runs now, and the token must stay out of those too.
    """
    path = write_map(tmp_path, ABSURD_MAP)
    a_directory = tmp_path / "a-directory"
    a_directory.mkdir()
    with ReplayServer() as server:
        server.add_work(absurd_update_date())
        server.add_work(work_envelope("10.5555/fine"))
        fine = write_map(tmp_path, ONE_REFERENCE.format(doi="10.5555/fine"), "f.yaml")
        runs = {
            "absurd date, --debug": subprocess_cli(
                "audit",
                path,
                "--crossref-url",
                server.url,
                "--debug",
                "-f",
                "json",
                env={"CLAIMCHECK_CACHE_DIR": str(tmp_path / "c1")},
            ),
            "absurd date, CLAIMCHECK_DEBUG": subprocess_cli(
                "audit",
                path,
                "--crossref-url",
                server.url,
                env={"CLAIMCHECK_CACHE_DIR": str(tmp_path / "c2"), "CLAIMCHECK_DEBUG": "1"},
            ),
            "-o to a directory, --debug": subprocess_cli(
                "audit",
                fine,
                "--crossref-url",
                server.url,
                "--debug",
                "-o",
                f"json={a_directory}",
                env={"CLAIMCHECK_CACHE_DIR": str(tmp_path / "c3")},
            ),
        }
        assert server.requests
        assert all(r.headers[HEADER] == f"Bearer {TOKEN}" for r in server.requests)
    for name, run in runs.items():
        no_secret(run.stdout, run.stderr, where=name)
        if run.returncode == 70:
            assert "Traceback (most recent call last)" in run.stderr, name
            assert "internal error" in run.stderr, name


def test_a_debug_traceback_from_inside_the_http_client_never_shows_the_token(
    server: ReplayServer, claim_map: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An internal error raised where the token is in hand: the HTTP call that carries it."""
    import httpx2

    seen: list[object] = []

    def exploding_stream(_self: object, _method: str, url: str, **kwargs: object) -> None:
        seen.append(kwargs.get("headers"))
        raise RuntimeError(f"the transport exploded on {url}")

    monkeypatch.setattr(httpx2.Client, "stream", exploding_stream)
    result = cli("audit", claim_map, "-f", "json", "--crossref-url", server.url, "--debug")
    assert result.exit_code == 70, result.output
    assert "Traceback (most recent call last)" in result.stderr
    assert "RuntimeError: the transport exploded" in result.stderr
    assert seen
    assert all(h["Crossref-Plus-API-Token"] == f"Bearer {TOKEN}" for h in seen)  # type: ignore[index]
    no_secret(result.stdout, result.stderr, where="a --debug traceback from the HTTP client")
    assert json.loads(result.stdout)["summary"]["exit_code"] == 70


@pytest.mark.parametrize("build", [repr, str, lambda s: f"bad settings {s}", lambda s: s])
def test_execute_debug_traceback_masks_settings_in_the_message(
    capsys: pytest.CaptureFixture[str], build: object
) -> None:
    settings = Settings(crossref_token=TOKEN, mailto="me@example.org")

    def broken() -> int:
        raise RuntimeError(build(settings))  # type: ignore[operator]

    with pytest.raises(typer.Exit) as exit_info:
        execute(broken, debug=True, machine_format="json")
    assert exit_info.value.exit_code == 70
    out, err = capsys.readouterr()
    assert "Traceback (most recent call last)" in err
    assert "crossref_token='***'" in err  # the message was built from the settings
    assert "crossref_token='***'" in out  # and the JSON error document repeats it
    no_secret(out, err, where="execute(debug=True)")


# --- bugs found on the way -------------------------------------------------------------------


def test_a_non_ascii_token_is_a_usage_error(replay_server: ReplayServer) -> None:
    result = cli(
        "resolve",
        "10.1038/nbt.2816",
        "--crossref-url",
        replay_server.url,
        env={"CLAIMCHECK_CROSSREF_TOKEN": TOKEN + "\u00e9"},
    )
    no_secret(result.stdout, result.stderr, where="a bad token's error")
    assert result.exit_code == 2, result.output


def test_a_token_with_a_trailing_newline_is_stripped_or_refused(
    replay_server: ReplayServer,
) -> None:
    result = cli(
        "resolve",
        "10.1038/nbt.2816",
        "--crossref-url",
        replay_server.url,
        env={"CLAIMCHECK_CROSSREF_TOKEN": TOKEN + "\n"},
    )
    no_secret(result.stdout, result.stderr, where="a bad token's error")
    assert result.exit_code in (0, 2), result.output
    if result.exit_code == 0:
        assert replay_server.requests[-1].headers[HEADER] == f"Bearer {TOKEN}"


def test_an_absurd_update_date_is_not_an_internal_error(tmp_path: Path) -> None:
    path = write_map(tmp_path, ABSURD_MAP)
    with ReplayServer() as server:
        server.add_work(absurd_update_date())
        result = cli("audit", path, "-f", "json", "--crossref-url", server.url)
    assert result.exit_code in (0, 1, 3), result.output


@pytest.mark.parametrize("option", ["-o", "--record"])
def test_an_unwritable_output_is_not_an_internal_error(
    replay_server: ReplayServer, tmp_path: Path, option: str
) -> None:
    path = write_map(tmp_path, ONE_REFERENCE.format(doi="10.1038/nbt.2816"))
    if option == "-o":
        (tmp_path / "out").mkdir()
        target = f"json={tmp_path / 'out'}"
    else:
        (tmp_path / "out").write_text("a file, not a folder")
        target = str(tmp_path / "out")
    result = cli("audit", path, "--crossref-url", replay_server.url, option, target)
    assert result.exit_code != 70, result.output
    assert "internal error" not in result.stderr
