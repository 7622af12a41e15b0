"""Reading a claim-map file: encodings, bad paths, and the pure-Python loader without libyaml."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest
import yaml

from claimcheck.inputs.claimmap import MAX_DEPTH, load_claim_map, parse_claim_map
from claimcheck.model.errors import ClaimMapError
from claimcheck.model.location import Location
from tests.test_claimmap import BILLION_LAUGHS, DATA, MINIMAL, single_error

# --- reading the file ----------------------------------------------------------------------


def test_non_utf8_byte_is_located() -> None:
    data = "claimcheck: 1\nreferences:\n  R1: {title: 干细胞".encode() + b"\xff}\nclaims: []\n"
    assert single_error(data) == (
        "map.yaml:3:18: expected UTF-8 text, found the byte 0xff (invalid start byte)"
    )


def test_latin1_file_is_located(tmp_path: Path) -> None:
    target = tmp_path / "latin1.yaml"
    target.write_bytes("claimcheck: 1\nreferences:\n  R1: {title: Café}\n".encode("latin-1"))
    with pytest.raises(ClaimMapError) as raised:
        load_claim_map(target, display_path="latin1.yaml")
    assert str(raised.value).startswith(
        "latin1.yaml:3:18: expected UTF-8 text, found the byte 0xe9"
    )


def test_bom_is_accepted(tmp_path: Path) -> None:
    target = tmp_path / "bom.yaml"
    target.write_bytes(b"\xef\xbb\xbf" + dedent(MINIMAL).encode())
    claim_map = load_claim_map(target)
    assert claim_map.version == 1
    assert claim_map.reference("R1").location == Location(3, 3)
    assert parse_claim_map("\ufeff" + dedent(MINIMAL), "m").claims[0].id == "C1"


def test_bom_then_bad_byte_is_located_after_the_bom() -> None:
    assert single_error(b"\xef\xbb\xbfclaimcheck: \xc3").startswith("map.yaml:1:13: expected UTF-8")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ClaimMapError) as raised:
        load_claim_map(tmp_path / "nope.yaml", display_path="nope.yaml")
    (error,) = raised.value.errors
    assert (error.path, error.line, error.column) == ("nope.yaml", 1, 1)
    assert error.message.startswith("cannot read the claim map: ")
    assert "No such file" in error.message


def test_path_with_a_nul_byte() -> None:
    with pytest.raises(ClaimMapError) as raised:
        load_claim_map("map\0.yaml", display_path="map.yaml")
    assert str(raised.value) == "map.yaml:1:1: cannot read the claim map: embedded null byte"


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(ClaimMapError) as raised:
        load_claim_map(tmp_path)
    assert str(raised.value) == (
        f"{tmp_path}:1:1: cannot read the claim map: expected a file, found a directory"
    )


def test_str_and_bytes_parse_alike() -> None:
    text = dedent(MINIMAL)
    assert parse_claim_map(text, "m") == parse_claim_map(text.encode(), "m")


# --- the pure-Python loader, used when PyYAML lacks libyaml --------------------------------


@pytest.fixture
def python_loader(monkeypatch: pytest.MonkeyPatch) -> None:
    import claimcheck.inputs.yamlnodes

    monkeypatch.setattr(claimcheck.inputs.yamlnodes, "Loader", yaml.SafeLoader)


@pytest.mark.usefixtures("python_loader")
def test_python_loader_reads_the_spec_example_alike() -> None:
    text = (DATA / "spec_example.yaml").read_text(encoding="utf-8")
    assert parse_claim_map(text, "m") == load_claim_map(
        DATA / "spec_example.yaml", display_path="m"
    )


@pytest.mark.usefixtures("python_loader")
def test_python_loader_locates_errors_alike() -> None:
    control = "claimcheck: 1\nreferences:\n  R1: {title: 干细胞\x07}\nclaims: []\n"
    assert single_error(control).startswith("map.yaml:3:18: invalid YAML: expected printable")
    surrogate = "claimcheck: 1\nreferences: {R1: {title: \ud800}}\n"
    assert single_error(surrogate).startswith("map.yaml:2:26: invalid YAML: expected printable")
    tab = "claimcheck: 1\nreferences:\n\tR1: {title: x}\nclaims: []\n"
    assert single_error(tab).startswith("map.yaml:3:1: invalid YAML:")
    assert single_error(BILLION_LAUGHS).endswith("YAML aliases expand past 10000 nodes")


@pytest.mark.usefixtures("python_loader")
def test_python_loader_survives_nesting_past_the_recursion_limit() -> None:
    # Composed without recursion: refused at the first list too deep, located as with libyaml.
    line = single_error("x: " + "[" * 5_000 + "]" * 5_000)
    assert line == f"map.yaml:1:{3 + MAX_DEPTH + 1}: YAML nesting deeper than {MAX_DEPTH} levels"
