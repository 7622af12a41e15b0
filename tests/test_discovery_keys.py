"""A directory search skips a file only when it is certainly not a claim map: a map whose key
the quick byte check cannot see (indented, behind `---` or a comment line, UTF-16) is read
from its parse events, or loaded so that its problem is reported, never passed over."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from claimcheck.inputs.claimmap import MAX_FILE_BYTES
from claimcheck.inputs.discovery import discover_claim_maps
from claimcheck.inputs.topkeys import may_be_claim_map
from claimcheck.testing import ReplayServer
from tests.factories import work_envelope
from tests.test_cli import run

FINE = "claimcheck: 1\nreferences:\n  R1: {doi: 10.5555/good1, title: Good study one, "
FINE += "authors: [Smith], year: 2015}\nclaims:\n  - {id: C1, text: x, cites: [R1]}\n"
# One map, cites a DOI no agency registers (doi-not-found, an error), in each form the quick
# check misses: each was skipped, and the directory's audit passed on the fine map alone.
FLOW = "{claimcheck: 1, references: {R1: {doi: 10.5555/bad}}, "
FLOW += "claims: [{id: C1, text: x, cites: [R1]}]}\n"
INDENTED = "  claimcheck: 1\n  references:\n    R1: {doi: 10.5555/bad}\n"
INDENTED += "  claims:\n    - {id: C1, text: x, cites: [R1]}\n"
HIDDEN = {
    "flow-after-comment.yaml": "# yaml-language-server: $schema=../schema/x.json\n" + FLOW,
    "flow-on-document-start.yaml": "--- " + FLOW,
    "flow-after-document-start.yaml": "---\n" + FLOW,
    "indented.yaml": INDENTED,
}
BLOG = "title: My blog\n"
NOT_A_MAP = "not a claim map (no `claimcheck:` key)"
WORKFLOW = "name: audit\non: push\njobs:\n  claimcheck:\n    runs-on: ubuntu-latest\n"
COMPOSE = "x-base: &base\n  image: app\nservices:\n  web:\n    <<: *base\n"
COMPOSE += "  claimcheck: {<<: *base, command: audit}\n"


def write(path: Path, body: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(body.encode() if isinstance(body, str) else body)
    return path


# --- the decision, from the first document's top-level keys --------------------------------


@pytest.mark.parametrize("body", [*HIDDEN.values(), "---\n  references: {}\n  claims: []\n"])
def test_a_map_the_quick_check_misses_is_a_map(body: str) -> None:
    assert may_be_claim_map(body.encode())


@pytest.mark.parametrize(
    "data",
    [
        # Not a claim map's keys, but not UTF-8 either: the loader refuses the file as it is.
        b"\xff\xfe" + BLOG.encode("utf-16-le"),  # PowerShell 5.1's `>`: UTF-16LE with a BOM
        b"\xfe\xff" + BLOG.encode("utf-16-be"),
        BLOG.encode("utf-16-be"),  # no BOM: a NUL beside each ASCII letter
        b"\xff\xfe\x00\x00" + BLOG.encode("utf-32-le"),
        b"\x00\x00\xfe\xff" + BLOG.encode("utf-32-be"),
        "title: Caf\u00e9\n".encode("latin-1"),  # not UTF-8
        b"title: x\x00\n",  # a NUL in UTF-8 text
        b"  title: [x\n  claimcheck: 1\n",  # broken before the key could be read
        b"base: &b {claimcheck: 1}\n<<: *b\n",  # a merge: its keys come from elsewhere
        b"list: [&k claimcheck]\n*k : 1\n",  # an alias as a key: `claimcheck` to the loader
    ],
)
def test_what_cannot_be_read_or_decided_is_not_skipped(data: bytes) -> None:
    # The loader reports each at its place (not UTF-8, a syntax error, a missing key).
    assert may_be_claim_map(data)


@pytest.mark.parametrize(
    "body",
    [
        "",
        "# only a comment\n",
        "---\n...\n",
        "just text\n",
        "- id: claimcheck\n  entry: claimcheck audit\n",  # a list: .pre-commit-hooks.yaml
        WORKFLOW,  # `claimcheck` is a job, not a top-level key
        COMPOSE,  # merges below the top level are not followed
        "  title: My blog\n  claims: 3\n",  # indented, but neither key set of a claim map
        "{title: x, nested: {claimcheck: 1}}\n",
        "'<<': 1\n",  # quoted: a plain key, not a merge
        "kind: List\n---\nclaimcheck: 1\n",  # only the first document is a claim map's
        "? [claimcheck]\n: 1\n",  # a list as a key
    ],
)
def test_other_yaml_is_certainly_not_a_map(body: str) -> None:
    assert not may_be_claim_map(body.encode())


def test_discovery_finds_every_hidden_map_and_still_skips_other_yaml(tmp_path: Path) -> None:
    hidden = [write(tmp_path / name, body) for name, body in HIDDEN.items()]
    utf16 = write(tmp_path / "utf16.yaml", FINE.encode("utf-16"))
    others = [
        write(tmp_path / ".github" / "workflows" / "audit.yml", WORKFLOW),
        write(tmp_path / "compose.yaml", COMPOSE),
        write(tmp_path / "empty.yaml", ""),
    ]
    files, skipped = discover_claim_maps([tmp_path])
    assert files == sorted([*hidden, utf16])
    assert skipped == [(path, NOT_A_MAP) for path in sorted(others)]


# --- the audit of the directory ------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(HIDDEN))
def test_a_hidden_map_fails_the_directory_audit(tmp_path: Path, name: str) -> None:
    write(tmp_path / "claims" / "a-fine.yaml", FINE)
    hidden = write(tmp_path / "claims" / name, HIDDEN[name])
    with ReplayServer() as server:  # registers 10.5555/good1 only
        server.add_work(work_envelope("10.5555/good1", title="Good study one"))
        result = run("audit", tmp_path / "claims", "-f", "json", "--crossref-url", server.url)
    assert result.exit_code == 1, result.stderr
    assert "skipped" not in result.stderr
    document = json.loads(result.stdout)
    assert str(hidden) in document["claim_maps"]
    assert "doi-not-found" in {finding["code"] for finding in document["findings"]}


def test_a_utf16_map_in_a_directory_is_refused_not_skipped(tmp_path: Path) -> None:
    write(tmp_path / "a-fine.yaml", FINE)
    utf16 = write(tmp_path / "b-utf16.yaml", b"\xff\xfe" + FINE.encode("utf-16-le"))
    result = run("audit", tmp_path, "--offline")
    assert result.exit_code == 2
    assert f"{utf16}:1:1: expected UTF-8 text, found the byte 0xff" in result.stderr
    assert "skipped" not in result.stderr


def test_yaml_that_does_not_parse_is_reported_not_skipped(tmp_path: Path) -> None:
    write(tmp_path / "a-fine.yaml", FINE)
    broken = write(tmp_path / "b-broken.yaml", "  references: {R1: {doi: 10.5555/x}\n  x: 1\n")
    result = run("audit", tmp_path, "--offline")
    assert result.exit_code == 2
    assert re.search(rf"^{re.escape(str(broken))}:\d+:\d+: ", result.stderr, re.MULTILINE)
    assert "skipped" not in result.stderr


def test_a_file_too_big_to_read_is_refused_not_skipped(tmp_path: Path) -> None:
    write(tmp_path / "a-fine.yaml", FINE)
    # Past the limit the keys cannot be read in bounds, so the file goes to the loader.
    big = write(tmp_path / "b-big.yaml", b"  claimcheck: 1\n" + b"#" * MAX_FILE_BYTES)
    result = run("audit", tmp_path, "--offline")
    assert result.exit_code == 2
    assert f"{big}:1:1: the file is over {MAX_FILE_BYTES} bytes" in result.stderr
    assert "skipped" not in result.stderr
