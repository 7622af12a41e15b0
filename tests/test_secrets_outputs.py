"""The token is in nothing claimcheck prints (every format) or writes (records, reports, caches)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from claimcheck.cache.store import CACHE_FILE, Cache, source_key
from claimcheck.testing import ReplayServer
from tests.factories import fresh_cache_dir

# Helpers and fixtures of test_secrets.py. pytest finds a fixture here by its name, so the
# autouse `datacite` gives these runs a loopback DataCite too (see pyproject.toml for ruff).
from tests.test_secrets import HEADER, TOKEN, claim_map, cli, datacite, no_secret, server

FORMATS = ["table", "json", "markdown", "sarif", "junit", "html"]
OUTPUT_SUFFIX = {"json": "json", "markdown": "md", "sarif": "sarif", "junit": "xml"}


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
