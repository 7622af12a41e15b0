"""The token never shows when a run fails: errors, broken snapshots, --debug tracebacks.

Also the bugs found on the way: a token that cannot be sent as it is, an absurd update date
and an unwritable output, none of them an internal error.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from claimcheck.app.runner import execute
from claimcheck.app.settings import Settings
from claimcheck.testing import ReplayServer
from tests.conftest import RECONSTRUCTED
from tests.factories import update, work_envelope, write_map

# Helpers and fixtures of test_secrets.py. pytest finds a fixture here by its name, so the
# autouse `datacite` gives these runs a loopback DataCite too (see pyproject.toml for ruff).
from tests.test_secrets import HEADER, TOKEN, claim_map, cli, datacite, no_secret, server

ONE_REFERENCE = (
    "claimcheck: 1\n"
    "references: {{A: {{doi: {doi}}}}}\n"
    "claims: [{{id: C1, text: one, cites: [A]}}]\n"
)


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


def refused_url() -> str:
    """A loopback port nothing listens on (bound, then closed)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


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
