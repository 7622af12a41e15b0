"""`claimcheck init`'s starter map: a valid claim map, written without clobbering a file."""

from __future__ import annotations

import os
import stat
from datetime import date
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator

from claimcheck.app.outputs import special_kind, write_claim_map
from claimcheck.app.starter import STARTER_MAP, write_starter
from claimcheck.inputs.claimmap import load_claim_map, parse_claim_map
from claimcheck.inputs.schema import claim_map_json_schema
from claimcheck.model.claimmap import Role
from claimcheck.model.errors import ExitCode, UsageError

ROOT = Path(__file__).parent.parent


def test_starter_loads_and_shows_every_form() -> None:
    claim_map = parse_claim_map(STARTER_MAP, "starter.yaml")

    assert claim_map.version == 1
    assert claim_map.article is not None
    assert claim_map.article.published == date(2025, 1, 9)
    r1, r2 = claim_map.references
    assert (r1.doi, r1.year, r1.volume, r1.pages) == ("10.1038/nbt.2816", 2014, "32", "252-260")
    assert r2.doi is None
    assert r2.cited_as is not None
    c1, c2, c3 = claim_map.claims
    assert [(c.ref, c.role) for c in c1.cites] == [("R1", Role.SUPPORTS)]
    assert [(c.ref, c.role) for c in c2.cites] == [("R1", Role.DISCUSSES), ("R2", Role.BACKGROUND)]
    assert c3.cites == ()
    assert "# acknowledge:" in STARTER_MAP


def test_starter_validates_against_the_schema() -> None:
    data = yaml.safe_load(STARTER_MAP)
    data["article"]["published"] = data["article"]["published"].isoformat()  # as an editor sees it
    validator = Draft202012Validator(
        claim_map_json_schema(), format_checker=Draft202012Validator.FORMAT_CHECKER
    )
    assert [error.message for error in validator.iter_errors(data)] == []


def test_starter_points_at_the_shipped_schema() -> None:
    first = STARTER_MAP.splitlines()[0]
    assert first == "# yaml-language-server: $schema=../schema/claim-map.schema.json"
    # From claims/<map>.yaml, the relative path reaches the schema shipped in this repository.
    assert (ROOT / "claims" / "../schema/claim-map.schema.json").is_file()


def test_write_starter_creates_the_file(tmp_path: Path) -> None:
    target = tmp_path / "claims" / "article.yaml"
    write_starter(target)
    assert target.read_text(encoding="utf-8") == STARTER_MAP
    assert load_claim_map(target).claims[0].id == "C1"
    assert [p.name for p in target.parent.iterdir()] == ["article.yaml"]  # no temporary left


def test_write_starter_refuses_to_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "article.yaml"
    target.write_text("mine\n", encoding="utf-8")
    with pytest.raises(UsageError) as raised:
        write_starter(target)
    assert str(target) in str(raised.value)
    assert "--force" in str(raised.value)
    assert raised.value.exit_code == ExitCode.USAGE
    assert target.read_text(encoding="utf-8") == "mine\n"


def test_write_starter_overwrites_with_force(tmp_path: Path) -> None:
    target = tmp_path / "article.yaml"
    target.write_text("mine\n", encoding="utf-8")
    write_starter(target, force=True)
    assert target.read_text(encoding="utf-8") == STARTER_MAP


def test_write_starter_refuses_a_directory(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="is a directory"):
        write_starter(tmp_path, force=True)


@pytest.mark.parametrize("force", [True, False])
def test_write_starter_never_replaces_a_fifo(tmp_path: Path, force: bool) -> None:
    # A rename over a device node, FIFO or socket puts a regular file in its place (as root,
    # `init /dev/null --force` replaced the system's /dev/null); a FIFO stands in for them.
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(UsageError, match=f"{fifo} is a FIFO, not a regular file"):
        write_starter(fifo, force=force)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_write_starter_through_a_symlink_keeps_the_link(tmp_path: Path) -> None:
    # As `-o` does for a report: the link stays, and the file it points to is replaced.
    target = tmp_path / "real.yaml"
    target.write_text("mine\n", encoding="utf-8")
    link = tmp_path / "article.yaml"
    link.symlink_to(target)
    write_starter(link, force=True)
    assert link.is_symlink()
    assert target.read_text(encoding="utf-8") == STARTER_MAP


def test_write_claim_map_refuses_a_fifo_swapped_in_after_the_check(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(OSError, match="a FIFO, not a regular file"):
        write_claim_map(fifo, b"claimcheck: 1\n")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["pipe"]  # no temporary left


def test_a_character_device_is_named_as_one() -> None:
    # Only stat'ed: nothing here can write to /dev/null, let alone replace it.
    assert special_kind(Path("/dev/null")) == "a character device"
    assert special_kind(Path(os.devnull).parent) is None  # a directory
