"""The cache in real runs: offline, --fresh, two audits at once, bad caches, the cache commands."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from claimcheck.cache.store import CACHE_FILE, Cache
from claimcheck.testing import ReplayServer
from tests.conftest import RECONSTRUCTED, ColdSeedRun
from tests.factories import POLITE, write_map
from tests.test_cache_client import ARTICLE
from tests.test_cli import SEED_MAP, SMALL, run

OTHER = "http://127.0.0.1:1/another-registry"


def test_offline_uses_only_the_cache_and_fresh_skips_it(
    cold_seed_run: ColdSeedRun, tmp_path: Path
) -> None:
    # The cold run filled this cache (a copy of it) from `server`.
    cache_dir = str(cold_seed_run.copy_cache(tmp_path / "cache"))
    env = {"CLAIMCHECK_CACHE_DIR": cache_dir, **POLITE}
    server, cold, cold_requests = cold_seed_run.server, cold_seed_run.result, cold_seed_run.requests
    before = len(server.requests)
    offline = run(
        "audit", SEED_MAP, "-f", "json", "--offline", "--crossref-url", server.url, env=env
    )
    # The cache answers only for the server that gave each answer.
    elsewhere = run("audit", SEED_MAP, "-f", "json", "--offline", "--crossref-url", OTHER, env=env)
    fresh = run("audit", SEED_MAP, "-f", "json", "--crossref-url", server.url, "--fresh", env=env)
    fresh_requests = len(server.requests) - before  # the offline runs' requests count too
    url = server.url
    cold_doc, offline_doc = json.loads(cold.stdout), json.loads(offline.stdout)
    assert offline_doc["source"]["mode"] == "offline"
    assert offline_doc["findings"] == cold_doc["findings"]
    hits = [r["cache"] for r in offline_doc["references"] if r["cache"]]
    assert hits
    assert all(c["hit"] and c["age_seconds"] >= 0 for c in hits)
    assert {c["source"] for c in hits} == {url}
    statuses = {r["status"] for r in json.loads(elsewhere.stdout)["references"] if r["doi"]}
    assert statuses == {"unverified"}
    assert f"not in the cache for {OTHER}" in elsewhere.stderr
    assert f"offline: answers come only from the cache of {url}" in offline.stderr
    assert fresh_requests == cold_requests
    assert all(not r["cache"]["hit"] for r in json.loads(fresh.stdout)["references"] if r["cache"])


def test_offline_miss_is_unverified(tmp_path: Path) -> None:
    result = run(
        "audit", SEED_MAP, "-f", "json", "--offline", env={"CLAIMCHECK_CACHE_DIR": str(tmp_path)}
    )
    assert result.exit_code == 1  # three unsupported claims fail the gate before exit 3
    statuses = {r["status"] for r in json.loads(result.stdout)["references"] if r["doi"]}
    assert statuses == {"unverified"}


def test_an_unusable_cache_is_named_offline_and_refused_by_cache_info_and_clear(
    tmp_path: Path,
) -> None:
    (tmp_path / "a-file").write_text("not a directory")
    env = {"CLAIMCHECK_CACHE_DIR": str(tmp_path / "a-file" / "cache")}
    claim_map = write_map(tmp_path, SMALL)
    audit = run("audit", claim_map, "-f", "json", "--offline", env=env)
    messages = [f["message"] for f in json.loads(audit.stdout)["findings"]]
    why = f"cache file {tmp_path}/a-file/cache/{CACHE_FILE} cannot be read (Not a directory)"
    assert messages == [
        f"{ref}: lookup of {doi} failed: offline, and the cache cannot be used: {why}"
        for ref, doi in (("A", "10.1038/nbt.2816"), ("B", "10.1634/stemcells.22-4-448"))
    ]
    for command in ("info", "clear"):
        result = run("cache", command, env=env)
        assert (result.exit_code, result.stdout) == (2, "")
        assert "cannot be read (Not a directory); choose another with --cache-dir" in result.stderr


def test_two_concurrent_audits_share_one_cache(tmp_path: Path) -> None:
    exe = shutil.which("claimcheck") or str(Path(sys.executable).with_name("claimcheck"))
    env = {**os.environ, "CLAIMCHECK_CACHE_DIR": str(tmp_path), "NO_COLOR": "1", **POLITE}
    with ReplayServer(RECONSTRUCTED) as server:
        args = [exe, "audit", str(SEED_MAP), "-f", "json", "-q", "--crossref-url", server.url]
        procs = [
            subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            for _ in range(2)
        ]
        outputs = [p.communicate(timeout=120) for p in procs]
    for proc, (out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 1, err
        assert err == b""
        assert json.loads(out)["summary"]["unverified"] == 0
    with Cache(tmp_path) as cache:
        # The 8 printed DOIs and the original R20 names; and one search per reference that
        # prints no DOI.
        assert (cache.info().works, cache.info().entries) == (9, 9 + 17)


def test_a_corrupt_cache_file_is_moved_aside(replay_server: ReplayServer, tmp_path: Path) -> None:
    (tmp_path / CACHE_FILE).write_bytes(b"this is not a database" * 100)
    # A map of DOIs only: the seed map's 17 metadata searches would add 6 s and nothing more.
    (tmp_path / "map").mkdir()
    claim_map = write_map(tmp_path / "map", SMALL)
    result = run(
        "audit",
        claim_map,
        "-f",
        "json",
        "--crossref-url",
        replay_server.url,
        env={"CLAIMCHECK_CACHE_DIR": str(tmp_path), **POLITE},
    )
    assert json.loads(result.stdout)["summary"]["unverified"] == 0
    assert "corrupt" in result.stderr
    assert list(tmp_path.glob(f"{CACHE_FILE}.corrupt-*"))


def test_cache_info_and_clear(replay_server: ReplayServer, tmp_path: Path) -> None:
    env = {"CLAIMCHECK_CACHE_DIR": str(tmp_path)}
    run("resolve", ARTICLE, "--crossref-url", replay_server.url, env=env)
    info = run("cache", "info", env=env)
    assert info.exit_code == 0
    assert "answers: 1 (1 Crossref works, 0 agency answers, 0 DataCite records)" in info.stdout
    cleared = run("cache", "clear", env=env)
    assert "removed 1 cached answers" in cleared.stdout
    assert "answers: 0" in run("cache", "info", env=env).stdout


def test_a_run_the_cache_answers_whole_never_loads_the_http_client(
    cold_seed_run: ColdSeedRun, tmp_path: Path
) -> None:
    # The cold run filled this cache (a copy of it) from `server`.
    cache_dir = cold_seed_run.copy_cache(tmp_path / "cache")
    env = {**os.environ, "CLAIMCHECK_CACHE_DIR": str(cache_dir), **POLITE}
    server, cold = cold_seed_run.server, cold_seed_run.result
    asked = len(server.requests)
    warm = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys\n"
            "from claimcheck.app.cli import main\n"
            "try:\n"
            "    main()\n"
            "finally:\n"
            "    print('httpx2' in sys.modules, file=sys.stderr)\n",
            *("audit", str(SEED_MAP), "-f", "json", "-q", "--crossref-url", server.url),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert len(server.requests) == asked  # every answer came from the cache
    assert json.loads(warm.stdout)["findings"] == json.loads(cold.stdout)["findings"]
    assert warm.stderr.strip().splitlines()[-1] == "False"


def test_a_directory_no_cache_file_can_be_made_in_is_named_not_read_as_empty(
    tmp_path: Path,
) -> None:
    # No cache file is there to open, so nothing failed: the directory itself is tried, as
    # /proc takes no file even from root (whom every permission check passes).
    env = {"CLAIMCHECK_CACHE_DIR": "/proc"}
    why = "cache directory /proc cannot hold a cache file"
    for command in ("info", "clear"):
        result = run("cache", command, env=env)
        assert (result.exit_code, result.stdout) == (2, ""), result.stderr
        assert f"{why}: " in result.stderr
        assert "choose another with --cache-dir" in result.stderr
    audit = run("audit", write_map(tmp_path, SMALL), "-f", "json", "--offline", env=env)
    messages = [f["message"] for f in json.loads(audit.stdout)["findings"]]
    assert len(messages) == 2
    assert all(f"offline, and the cache cannot be used: {why}" in m for m in messages)


def test_an_absent_cache_is_empty_and_not_created(tmp_path: Path) -> None:
    # A folder that exists, or one that can be made: an honest empty cache, left unmade.
    for where in (tmp_path, tmp_path / "new" / "deeper"):
        result = run("cache", "info", env={"CLAIMCHECK_CACHE_DIR": str(where)})
        assert result.exit_code == 0, result.stderr
        assert (
            "answers: 0 (0 Crossref works, 0 agency answers, 0 DataCite records)" in result.stdout
        )
    assert list(tmp_path.iterdir()) == []  # no cache file, folder or probe left behind
