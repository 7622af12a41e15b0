"""stdout in an encoding that is not UTF-8 (`PYTHONIOENCODING=cp1252`, a Windows runner's
pipe): every document is still UTF-8, as it says it is, and the table does not crash."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import xmlschema

from tests.conftest import DATA
from tests.test_cli import SEED_EVIDENCE, SEED_MAP

SARIF_SCHEMA = json.loads((DATA / "schemas" / "sarif-schema-2.1.0.json").read_text())
JUNIT_SCHEMA = xmlschema.XMLSchema(DATA / "schemas" / "junit-windyroad.xsd")
SEED = ("audit", str(SEED_MAP), "--replay", str(SEED_EVIDENCE))
# In the seed's report: in cp1252 (as byte 0x92) and in UTF-8, so its bytes tell which was
# written; and Chinese claim text, which cp1252 cannot write at all.
APOSTROPHE = "Dell\u2019Accio"
CHINESE = "\u7684"


def claimcheck(*args: str, encoding: str = "cp1252") -> subprocess.CompletedProcess[bytes]:
    """The installed command in its own process, its stdout in `encoding`, as bytes."""
    exe = str(Path(sys.executable).with_name("claimcheck"))
    env = {
        **os.environ,
        "NO_COLOR": "1",
        "CLAIMCHECK_CROSSREF_URL": "http://127.0.0.1:9",
        "PYTHONIOENCODING": encoding,
    }
    return subprocess.run([exe, *args], capture_output=True, env=env, timeout=120, check=False)


def parse(output_format: str, text: str) -> None:
    """`text` is a document of `output_format`."""
    if output_format == "json":
        assert json.loads(text)["summary"]["exit_code"] == 1
    elif output_format == "sarif":
        jsonschema.validate(json.loads(text), SARIF_SCHEMA)
    elif output_format == "junit":
        assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
        JUNIT_SCHEMA.validate(text)
    elif output_format == "html":
        assert text.startswith("<!DOCTYPE html>")
        assert '<meta charset="utf-8">' in text
    elif output_format == "markdown":
        assert text.startswith("## claimcheck audit\n")
    else:
        assert all(line.startswith("::") for line in text.splitlines())


@pytest.mark.parametrize("output_format", ["json", "sarif", "junit", "html", "markdown", "github"])
def test_a_document_is_utf8_whatever_the_encoding_of_stdout(output_format: str) -> None:
    result = claimcheck(*SEED, "-f", output_format)
    assert result.returncode == 1, result.stderr.decode(errors="replace")
    text = result.stdout.decode("utf-8")  # strict: cp1252's 0x92 would not decode
    parse(output_format, text)
    assert APOSTROPHE in text
    if output_format in ("json", "html", "junit", "markdown"):  # they show the claims' text
        assert CHINESE in text


def test_the_table_shows_what_stdout_cannot_encode_as_escapes() -> None:
    result = claimcheck(*SEED, "-f", "table")
    assert result.returncode == 1, result.stderr.decode(errors="replace")
    text = result.stdout.decode("cp1252")  # the terminal's own encoding
    assert APOSTROPHE in text
    assert "\\u" in text  # the claims' Chinese text, which cp1252 lacks, as escapes
    # The frame, which cp1252 lacks too, is drawn in ASCII, not as a line of escapes.
    assert "\\u25" not in text  # U+2500-U+257F, the box-drawing block
    assert "+-----+" in text
    assert "| R20 |" in text
    assert "internal error" not in result.stderr.decode("utf-8", errors="replace")


def test_a_table_on_stdout_beside_a_junit_file(tmp_path: Path) -> None:
    report = tmp_path / "report.xml"
    result = claimcheck(*SEED, "-f", "table", "-o", f"junit={report}")
    assert result.returncode == 1, result.stderr.decode(errors="replace")
    JUNIT_SCHEMA.validate(report.read_text(encoding="utf-8"))


def test_a_failure_document_is_utf8_too(tmp_path: Path) -> None:
    missing = tmp_path / f"{CHINESE}.yaml"
    result = claimcheck("audit", str(missing), "-f", "json")
    assert result.returncode == 2
    document = json.loads(result.stdout.decode("utf-8"))
    assert document["summary"]["exit_code"] == 2
    assert CHINESE in document["error"]["message"]
    assert b"Traceback" not in result.stderr


def test_an_imported_claim_map_is_the_utf8_its_file_would_be(tmp_path: Path) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text(f"@article{{a, title = {{Caf\u00e9 {CHINESE}}}, year = 2001}}\n", "utf-8")
    result = claimcheck("import", str(bib))
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    assert result.stdout == claimcheck("import", str(bib), encoding="utf-8").stdout
    assert f"Caf\u00e9 {CHINESE}" in result.stdout.decode("utf-8")
