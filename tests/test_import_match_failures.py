"""`claimcheck import --match` when searches fail, over real HTTP to the replay server: the
map is still written, but the run says how many searches failed (stderr, even under -q and
without -o, and the map's header) and exits 3, as an audit with failed lookups does."""

from __future__ import annotations

from pathlib import Path

from claimcheck.testing import Fault, ReplayServer
from tests.conftest import RECONSTRUCTED, RECORDED
from tests.test_cli import run
from tests.test_matching_cli import WAKEFIELD, wakefield_search

BIB = (
    "@article{wakefield1998,\n"
    "  title = {Ileal-lymphoid-nodular hyperplasia, non-specific colitis, and pervasive"
    " developmental disorder in children},\n"
    "  author = {Wakefield, A. J. and Murch, S. H.},\n"
    "  journal = {Lancet}, year = {1998}, volume = {351}, pages = {637--641}\n}\n"
    "@article{other,\n"
    "  title = {A completely different study of bird migration patterns},\n"
    "  author = {Jones, B.},\n"
    "  journal = {Ibis}, year = {2005}, volume = {12}, pages = {1--9}\n}\n"
)


def _bib(tmp_path: Path) -> Path:
    path = tmp_path / "refs.bib"
    path.write_text(BIB, encoding="utf-8")
    return path


def test_one_failed_search_is_warned_of_and_exits_3(tmp_path: Path) -> None:
    out = tmp_path / "map.yaml"
    with ReplayServer(RECONSTRUCTED, RECORDED) as server:
        server.add_search(wakefield_search())
        # Only the second reference's search fails; the first still matches.
        server.add_fault(Fault.http(500, match="migration"))
        result = run(
            "import", _bib(tmp_path), "-o", out, "--match",
            "--crossref-url", server.url, "--retries", "0",
        )  # fmt: skip
    assert result.exit_code == 3, result.stderr
    assert "warning: 1 of 2 searches by metadata failed (HTTP 500)" in result.stderr
    assert "that reference was not matched" in result.stderr
    assert "1 matched by metadata, 1 not matched: the search failed" in result.stderr
    text = out.read_text(encoding="utf-8")
    header = text.split("claimcheck: 1", 1)[0]
    assert "# WARNING: 1 of 2 searches by metadata failed (HTTP 500)" in header
    assert f'doi: "{WAKEFIELD}"' in text  # what did not fail is still written


def test_failed_searches_without_o_are_said_on_stderr_even_under_q(tmp_path: Path) -> None:
    with ReplayServer(RECONSTRUCTED, RECORDED, unknown_search_status=500) as server:
        result = run(
            "import", _bib(tmp_path), "--match", "-q",
            "--crossref-url", server.url, "--retries", "0",
        )  # fmt: skip
    assert result.exit_code == 3, result.stderr
    assert "warning: 2 of 2 searches by metadata failed (HTTP 500)" in result.stderr
    assert "those references were not matched" in result.stderr
    # The map itself is still the whole of stdout, its header saying the same.
    assert result.stdout.startswith("# Claim map started by `claimcheck import`")
    assert "# WARNING: 2 of 2 searches by metadata failed" in result.stdout


def test_offline_with_a_cold_cache_is_incomplete(tmp_path: Path) -> None:
    out = tmp_path / "map.yaml"
    result = run("import", _bib(tmp_path), "-o", out, "--match", "--offline")
    assert result.exit_code == 3, result.stderr
    assert "2 of 2 searches by metadata failed (not in the cache (offline))" in result.stderr
    assert "# WARNING: 2 of 2 searches" in out.read_text(encoding="utf-8")


def test_searches_that_answer_exit_0_without_a_warning(tmp_path: Path) -> None:
    out = tmp_path / "map.yaml"
    with ReplayServer(RECONSTRUCTED, RECORDED) as server:
        server.add_search(wakefield_search())
        result = run("import", _bib(tmp_path), "-o", out, "--match", "--crossref-url", server.url)
    assert result.exit_code == 0, result.stderr
    assert "warning" not in result.stderr
    assert "not matched: the search failed" not in result.stderr
    assert "WARNING" not in out.read_text(encoding="utf-8")
