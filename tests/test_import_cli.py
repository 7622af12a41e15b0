"""`claimcheck import` on the command line: where it refuses to write (`-o -`, a path
through a file, a map the loader would refuse), and input the parsers cannot hold, each a
usage error (exit 2) rather than an internal one."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tests.test_cli import run
from tests.test_cli_errors import assert_usage_error

LIST = "1. Smith J. A title. Nature. 2010;1:1-2.\n2. Doe A. Another. Cell. 2011;2:3-4.\n"


def _source(tmp_path: Path, text: str = LIST, name: str = "refs.txt") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("name", ["deep.json", "deep.txt"])
def test_deeply_nested_json_is_a_usage_error(tmp_path: Path, name: str) -> None:
    text = '[{"id": "a", "note": ' + "[" * 100_000 + "]" * 100_000 + "}]"
    result = run("import", _source(tmp_path, text, name), "-q")
    assert_usage_error(result, f"{name}:1:", "nested more than 100 levels deep")


def test_o_dash_is_refused_not_written_to_a_file_named_dash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("import", _source(tmp_path), "-o", "-")
    assert_usage_error(result, "-o -: to write the claim map to stdout, leave out -o")
    assert not (tmp_path / "-").exists()


@pytest.mark.parametrize("under", ["x.yaml", "a/b/x.yaml"])
def test_o_through_a_file_says_it_is_not_a_folder(tmp_path: Path, under: str) -> None:
    source = _source(tmp_path)
    target = source / under
    result = run("import", source, "-o", target, "-q")
    assert_usage_error(result, f"-o {target}: cannot write it: {source} is not a folder")
    assert "File exists" not in result.stderr


def test_a_map_over_the_loaders_limit_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The loader refuses a claim map over MAX_FILE_BYTES: import says so, and writes none.
    monkeypatch.setattr("claimcheck.app.importing.MAX_FILE_BYTES", 1000)
    target = tmp_path / "map.yaml"
    result = run("import", _source(tmp_path), "-o", target, "-q")
    assert_usage_error(result, "over the 1000 a claim map may have; import the bibliography")
    assert not target.exists()


def _occupied(path: Path) -> bytes:
    """An existing file the run must leave as it was."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b'{"keep": "me"}\n')
    return path.read_bytes()


@pytest.mark.parametrize("force", [True, False])
@pytest.mark.parametrize(
    ("options", "env", "inside"),
    [
        (["--match", "--replay", "{ev}"], {}, "ev/index.json"),
        (["--replay", "{ev}"], {}, "ev/index.json"),  # named, so not to be written into
        (["--match", "--offline", "--cache-dir", "{cache}"], {}, "cache/crossref.sqlite3"),
        (["--match", "--offline"], {"CLAIMCHECK_CACHE_DIR": "{cache}"}, "cache/x.sqlite3"),
        # No cache named: the default one, where XDG_CACHE_HOME puts it.
        (["--match", "--offline"], {"CLAIMCHECK_CACHE_DIR": ""}, "xdg/claimcheck/c.sqlite3"),
        (["--match", "--offline"], {"CLAIMCHECK_RECORD": "{ev}"}, "ev/index.json"),
    ],
)
def test_o_inside_a_folder_the_run_uses_is_refused_even_with_force(
    tmp_path: Path, options: list[str], env: dict[str, str], inside: str, force: bool
) -> None:
    # --force replaces an old claim map; it must not replace a snapshot's index.json or the
    # cache database with YAML. Refused before anything is looked up, as `audit` refuses.
    folders = {"ev": str(tmp_path / "ev"), "cache": str(tmp_path / "cache")}
    target = tmp_path / inside
    before = _occupied(target)
    env = {"XDG_CACHE_HOME": str(tmp_path / "xdg"), **env}
    argv = [o.format(**folders) for o in options] + (["--force"] if force else [])
    result = run(
        "import", _source(tmp_path), "-o", target, *argv, "-q",
        env={k: v.format(**folders) for k, v in env.items()},
    )  # fmt: skip
    assert_usage_error(result, f"{target} is inside", "put the claim map elsewhere")
    assert "--force" not in result.stderr  # not a hint that would overwrite it
    assert target.read_bytes() == before


def test_o_over_the_source_is_refused_with_force_and_a_replay(tmp_path: Path) -> None:
    source = _source(tmp_path)
    (tmp_path / "ev").mkdir()
    result = run("import", source, "--replay", tmp_path / "ev", "-o", source, "--force")
    assert_usage_error(result, "that is the file being imported")
    assert source.read_text(encoding="utf-8") == LIST


def test_o_beside_the_folders_the_run_uses_is_written(tmp_path: Path) -> None:
    # A sibling whose name starts like the cache folder's is not inside it.
    (tmp_path / "ev").mkdir()
    target = tmp_path / "ev-map.yaml"
    result = run(
        "import", _source(tmp_path), "--replay", tmp_path / "ev", "-o", target, "-q",
        env={"CLAIMCHECK_CACHE_DIR": str(tmp_path / "ev-map")},
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert target.read_text(encoding="utf-8").startswith("#")


@pytest.mark.parametrize("force", [True, False])
def test_o_a_fifo_is_refused_and_left_a_fifo(tmp_path: Path, force: bool) -> None:
    # As for `init`: a claim map is never written over a device, FIFO or socket, which a
    # rename would replace with a regular file; --force is no remedy, so not suggested.
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    result = run("import", _source(tmp_path), "-o", fifo, *(["--force"] if force else []))
    assert_usage_error(result, f"-o {fifo}: a FIFO, not a regular file")
    assert "--force" not in result.stderr
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_o_a_symlink_replaces_its_target_and_keeps_the_link(tmp_path: Path) -> None:
    target = tmp_path / "old" / "map.yaml"
    _occupied(target)
    link = tmp_path / "map.yaml"
    link.symlink_to(target)
    result = run("import", _source(tmp_path), "-o", link, "--force", "-q")
    assert result.exit_code == 0, result.stderr
    assert link.is_symlink()
    assert target.read_text(encoding="utf-8").startswith("# Claim map started by")
