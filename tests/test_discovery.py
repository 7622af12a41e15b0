"""Which files `claimcheck audit PATH...` reads: directories searched recursively, other YAML,
FIFOs, sockets, devices and broken symlinks skipped with a notice there and refused when named,
and never a pass when nothing was checked."""

from __future__ import annotations

import errno
import io
import json
import os
import re
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml

from claimcheck.inputs.claimmap import MAX_FILE_BYTES, load_claim_map
from claimcheck.inputs.discovery import CLAIM_MAP_PATH, discover_claim_maps, looks_like_claim_map
from claimcheck.model.errors import ClaimMapError, UsageError
from tests.test_cli import ROOT, run

pytestmark = pytest.mark.skipif(os.name != "posix", reason="FIFOs, sockets and /dev/null")

# Valid, with nothing to look up: an audit of it needs no network and exits 0.
EMPTY_MAP = "claimcheck: 1\nreferences: {}\nclaims: []\n"
WORKFLOW = "name: audit\non: push\njobs:\n  claimcheck:\n    runs-on: ubuntu-latest\n"
NOT_A_MAP = "not a claim map (no `claimcheck:` key)"


def write(path: Path, text: str = EMPTY_MAP) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@contextmanager
def fed_fifo(path: Path, text: str = EMPTY_MAP) -> Iterator[Path]:
    """A FIFO with a writer waiting to give it `text`. Code that wrongly opens it reads a
    valid map and so fails the test's assertions instead of hanging the suite."""
    os.mkfifo(path)

    def feed() -> None:
        with path.open("w", encoding="utf-8") as writer:
            writer.write(text)

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    try:
        yield path
    finally:
        # If nothing opened the FIFO (the behaviour under test), the writer still waits in
        # open(): a non-blocking reader releases it.
        reader = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        writer.join()
        os.close(reader)


def audited(result_stdout: str) -> list[str]:
    return list(json.loads(result_stdout)["claim_maps"])


def notices(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("claimcheck: skipped ")]


# --- the pre-commit hook and the directory search agree ------------------------------------

SAMPLE_PATHS = [
    "a.yaml",
    "b.yml",
    "nested/deep/c.yaml",
    ".hidden/d.yml",
    "dir.yaml/e.yaml",  # a directory named like a map is searched, not read
    ".yaml",
    "j.yml.yaml",
    "trailing-newline.yaml\n",  # `$` allows one trailing newline, in both
    "new\nline/m.yaml",  # `.` never crosses a newline, in both
    "F.YAML",
    "g.yaml.bak",
    "h.yamlx",
    "k.xyaml",
    "yaml",
    "i.json",
    "notes.txt",
]


def test_the_hook_pattern_and_directory_discovery_agree(tmp_path: Path) -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    (hook,) = [h for h in hooks if h["id"] == "claimcheck"]
    pattern = re.compile(hook["files"])
    assert hook["files"] == "^claims/" + CLAIM_MAP_PATH.pattern
    for relative in SAMPLE_PATHS:
        write(tmp_path / "claims" / relative)
    files, skipped = discover_claim_maps([tmp_path / "claims"])
    found = {path.relative_to(tmp_path / "claims").as_posix() for path in files}
    # pre-commit applies `files` with re.search to the path from the repository root.
    expected = {p for p in SAMPLE_PATHS if pattern.search("claims/" + p)}
    assert found == expected
    assert {"nested/deep/c.yaml", "dir.yaml/e.yaml", ".yaml"} <= found
    assert not {"F.YAML", "g.yaml.bak", "new\nline/m.yaml"} & found
    # Neither takes a path with a line break; the walk says so instead of losing it unseen.
    assert skipped == [
        (
            tmp_path / "claims" / "new\nline/m.yaml",
            "a line break in its path: not read (name the file itself)",
        )
    ]


# --- a directory ---------------------------------------------------------------------------


def test_subdirectories_are_audited(tmp_path: Path) -> None:
    top = write(tmp_path / "a.yaml")
    deep = write(tmp_path / "part" / "two" / "b.yml")
    result = run("audit", tmp_path, "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert audited(result.stdout) == [str(top), str(deep)]


def test_a_directory_of_only_non_files_exits_2_naming_each(tmp_path: Path) -> None:
    (tmp_path / "dangling.yaml").symlink_to(tmp_path / "gone.yaml")
    (tmp_path / "empty.yaml").mkdir()
    with fed_fifo(tmp_path / "pipe.yaml"):
        result = run("audit", tmp_path, "-f", "json")
    assert result.exit_code == 2
    assert "gate passed" not in result.stderr
    assert f"no claim map to audit in {tmp_path}" in result.stderr
    assert f"{tmp_path / 'dangling.yaml'}: a dangling symlink" in result.stderr
    assert f"{tmp_path / 'pipe.yaml'}: a FIFO, not a regular file" in result.stderr
    assert json.loads(result.stdout)["summary"] == {"exit_code": 2}


def test_an_empty_directory_exits_2(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    write(tmp_path / "notes.txt", "no map here")
    result = run("audit", tmp_path)
    assert result.exit_code == 2
    assert f"no claim map to audit in {tmp_path}: no *.yaml claim maps" in result.stderr


def test_a_directory_whose_yaml_is_all_unrelated_exits_2(tmp_path: Path) -> None:
    write(tmp_path / "_config.yaml", "title: My blog\n")
    result = run("audit", tmp_path, "--quiet")
    assert result.exit_code == 2
    # The reason is in the error itself, so --quiet does not hide why nothing was audited.
    assert f"{tmp_path / '_config.yaml'}: {NOT_A_MAP}" in result.stderr


def test_non_files_beside_a_real_map_are_skipped_with_a_notice_each(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = write(tmp_path / "map.yaml")
    (tmp_path / "dangling.yml").symlink_to("nowhere.yml")
    (tmp_path / "loop.yaml").symlink_to("loop.yaml")  # unreadable: stat fails with ELOOP
    (tmp_path / "null.yaml").symlink_to(os.devnull)
    (tmp_path / "linked").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path)  # a relative name: socket paths are limited to ~100 bytes
    bound = socket.socket(socket.AF_UNIX)
    try:
        bound.bind("sock.yaml")
        with fed_fifo(tmp_path / "pipe.yaml"):
            result = run("audit", tmp_path, "-f", "json")
    finally:
        bound.close()
    assert result.exit_code == 0, result.stderr
    assert audited(result.stdout) == [str(real)]
    assert notices(result.stderr) == [
        f"claimcheck: skipped {tmp_path / 'dangling.yml'}: a dangling symlink "
        "(to nowhere.yml, which does not exist)",
        f"claimcheck: skipped {tmp_path / 'linked'}: a symlink to a directory (not followed)",
        f"claimcheck: skipped {tmp_path / 'loop.yaml'}: cannot read it: {os.strerror(errno.ELOOP)}",
        f"claimcheck: skipped {tmp_path / 'null.yaml'}: a character device, not a regular file",
        f"claimcheck: skipped {tmp_path / 'pipe.yaml'}: a FIFO, not a regular file",
        f"claimcheck: skipped {tmp_path / 'sock.yaml'}: a socket, not a regular file",
    ]


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_file_in_a_directory_is_skipped(tmp_path: Path) -> None:
    write(tmp_path / "map.yaml")
    locked = write(tmp_path / "locked.yaml")
    locked.chmod(0)
    result = run("audit", tmp_path)
    assert result.exit_code == 0, result.stderr
    assert f"skipped {locked}: cannot read it: Permission denied" in result.stderr


def test_unrelated_yaml_is_skipped_with_one_notice_each(tmp_path: Path) -> None:
    real = write(tmp_path / "map.yaml")
    write(tmp_path / "_config.yaml", "title: My blog\ntheme: minima\n")
    write(tmp_path / ".github" / "workflows" / "audit.yml", WORKFLOW)
    result = run("audit", tmp_path, "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert audited(result.stdout) == [str(real)]
    assert notices(result.stderr) == [
        f"claimcheck: skipped {tmp_path / '.github' / 'workflows' / 'audit.yml'}: {NOT_A_MAP}",
        f"claimcheck: skipped {tmp_path / '_config.yaml'}: {NOT_A_MAP}",
    ]
    assert notices(run("audit", tmp_path, "--quiet").stderr) == []


@pytest.mark.parametrize(
    "body",
    [
        "claimcheck: 1\nreferences: {R1: {titel: x}}\nclaims: []\n",  # a wrong key
        "claimcheck: 1\nreferences: {R1: {title: x}\nclaims: []\n",  # a YAML syntax error
        "claimchek: 1\nreferences: {}\nclaims: []\n",  # the version key misspelt
        "references: {}\nclaims: []\n",  # the version key missing
        '{"claimcheck": 2, "references": {}, "claims": []}\n',  # JSON, a wrong version
    ],
)
def test_a_claim_map_with_an_error_in_a_directory_is_reported_not_skipped(
    tmp_path: Path, body: str
) -> None:
    write(tmp_path / "fine.yaml")
    broken = write(tmp_path / "sub" / "broken.yaml", body)
    result = run("audit", tmp_path)
    assert result.exit_code == 2
    assert re.search(rf"^{re.escape(str(broken))}:\d+:\d+: ", result.stderr, re.MULTILINE)
    assert "skipped" not in result.stderr


# --- a path named on the command line ------------------------------------------------------


def test_unrelated_yaml_named_explicitly_is_loaded_and_reported(tmp_path: Path) -> None:
    config = write(tmp_path / "_config.yaml", "title: My blog\n")
    result = run("audit", config)
    assert result.exit_code == 2
    assert f"{config}:1:1: missing required key 'claimcheck'" in result.stderr
    assert "skipped" not in result.stderr


def test_a_file_named_and_also_in_a_named_directory_is_still_not_skipped(tmp_path: Path) -> None:
    write(tmp_path / "map.yaml")
    config = write(tmp_path / "_config.yaml", "title: My blog\n")
    result = run("audit", tmp_path, config)
    assert result.exit_code == 2
    assert f"{config}:1:1: missing required key 'claimcheck'" in result.stderr
    assert "skipped" not in result.stderr


def test_a_fifo_named_explicitly_is_a_usage_error_not_a_hang(tmp_path: Path) -> None:
    with fed_fifo(tmp_path / "map.yaml") as fifo:
        result = run("audit", fifo)
    assert result.exit_code == 2
    assert f"claimcheck: error: {fifo}: a FIFO, not a regular file" in result.stderr


def test_a_device_named_explicitly_is_a_usage_error() -> None:
    result = run("audit", os.devnull)
    assert result.exit_code == 2
    assert f"{os.devnull}: a character device, not a regular file" in result.stderr


def test_named_paths_that_cannot_be_read_are_all_named(tmp_path: Path) -> None:
    (tmp_path / "dangling.yaml").symlink_to("gone.yaml")
    result = run("audit", tmp_path / "dangling.yaml", tmp_path / "missing.yaml")
    assert result.exit_code == 2
    assert (
        f"{tmp_path / 'dangling.yaml'}: a dangling symlink (to gone.yaml, which does not "
        f"exist); {tmp_path / 'missing.yaml'}: no such file or directory"
    ) in result.stderr


def test_the_loader_refuses_a_fifo_without_blocking(tmp_path: Path) -> None:
    with fed_fifo(tmp_path / "map.yaml") as fifo, pytest.raises(ClaimMapError) as raised:
        load_claim_map(fifo, display_path="map.yaml")
    assert str(raised.value) == "map.yaml:1:1: cannot read the claim map: expected a file, " + (
        "found a FIFO"
    )


# --- each file once, in a stable order -----------------------------------------------------


def test_each_file_once_in_sorted_order_whatever_the_arguments(tmp_path: Path) -> None:
    b = write(tmp_path / "b.yaml")
    a = write(tmp_path / "a.yaml")
    deep = write(tmp_path / "sub" / "c.yaml")
    (tmp_path / "0-alias.yaml").symlink_to(deep)  # sorts first, but is the symlink
    forward = discover_claim_maps([tmp_path, b, tmp_path / "sub"])
    backward = discover_claim_maps([tmp_path / "sub", b, tmp_path, tmp_path])
    assert forward == backward
    assert forward.files == [a, b, deep]
    result = run("audit", tmp_path / "sub", tmp_path, a, "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert audited(result.stdout) == [str(a), str(b), str(deep)]


def test_a_symlink_named_explicitly_keeps_its_name(tmp_path: Path) -> None:
    real = write(tmp_path / "maps" / "real.yaml")
    alias = tmp_path / "alias.yaml"
    alias.symlink_to(real)
    assert discover_claim_maps([tmp_path / "maps", alias]).files == [alias]


def test_a_directory_with_no_map_left_fails_even_beside_other_maps(tmp_path: Path) -> None:
    real = write(tmp_path / "map.yaml")
    (tmp_path / "empty").mkdir()
    with pytest.raises(
        UsageError, match=re.escape(f"no claim map to audit in {tmp_path / 'empty'}")
    ):
        discover_claim_maps([real, tmp_path / "empty"])


# --- telling a claim map from other YAML, cheaply ------------------------------------------


@pytest.mark.parametrize(
    ("text", "is_map"),
    [
        (b"claimcheck: 1\n", True),
        (b"# a comment\n---\nclaimcheck: 1\n", True),
        (b'"claimcheck": 1\n', True),
        (b"\xef\xbb\xbfclaimcheck: 1\n", True),  # after a BOM
        (b"claimcheck: 1\r\nreferences: {}\r\n", True),
        (b"claims: []\nreferences: {}\n", True),  # the version key missing: reported
        (b'{\n  "references": {},\n  "claimcheck": 1\n}\n', True),
        (b"{claims: [], claimcheck: 1}\n", True),
        (b"claims: []\n", False),  # an OIDC config, say
        (WORKFLOW.encode(), False),  # a nested `claimcheck:` job
        (b"text: |\n  claimcheck: 1\n", False),
        (b"claimchecks: 1\n", False),
        (b"", False),
        (b"\x00\xff\xfe binary", False),  # none seen: a search reads on (test_discovery_keys)
    ],
)
def test_top_level_claimcheck_key(text: bytes, is_map: bool) -> None:
    assert looks_like_claim_map(io.BytesIO(text), MAX_FILE_BYTES) is is_map


def test_the_key_is_found_past_the_first_megabyte_and_not_past_the_limit() -> None:
    late = b"# padding\n" * 300_000 + b"claimcheck: 1\n"  # 3 MB in
    assert looks_like_claim_map(io.BytesIO(late), MAX_FILE_BYTES)
    assert not looks_like_claim_map(io.BytesIO(late), 1024 * 1024)


def test_a_map_whose_path_holds_a_line_break_is_named_not_lost(tmp_path: Path) -> None:
    # The hook's pattern cannot take such a path, so neither does the walk; it was left out
    # without a word, and a directory of only it was "no *.yaml claim maps".
    real = tmp_path / "real.yaml"
    real.write_text(
        "claimcheck: 1\nreferences: {R1: {cited_as: A ref}}\nclaims:\n"
        "  - {id: C1, text: t, cites: [{ref: R1, role: background}]}\n"
    )
    odd = tmp_path / "a\nb.yaml"
    odd.write_text(real.read_text())
    result = run("audit", tmp_path, "-f", "json", "--offline")
    assert audited(result.stdout) == [str(real)]
    shown = str(odd).replace("\n", "\\u000a")  # escaped on stderr, as every name is
    assert notices(result.stderr) == [
        f"claimcheck: skipped {shown}: a line break in its path: not read (name the file itself)"
    ]
