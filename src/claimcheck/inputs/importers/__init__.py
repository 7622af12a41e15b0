"""Start a claim map from a bibliography: BibTeX, RIS, CSL-JSON or a pasted reference list.

`import_references` reads the file and returns what it holds as `ImportResult`;
`render_claim_map` writes that as a claim-map skeleton. Nothing here touches the network,
and the BibTeX and RIS parsers are imported only when such a file is read, so the CLI
starts fast.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

from claimcheck.inputs.importers.model import (
    ImportedReference,
    ImportFailed,
    ImportResult,
    mend_surrogates,
)
from claimcheck.inputs.importers.yaml_writer import render_claim_map

__all__ = [
    "IMPORT_FORMATS",
    "ImportFailed",
    "ImportResult",
    "ImportedReference",
    "import_references",
    "render_claim_map",
]

IMPORT_FORMATS = ("bibtex", "ris", "csl-json", "text")

_BY_EXTENSION = {".bib": "bibtex", ".bibtex": "bibtex", ".ris": "ris", ".json": "csl-json"}
_BIBTEX_ENTRY = re.compile(r"^[ \t]*@[ \t]*[A-Za-z]+[ \t]*[{(]", re.MULTILINE)
_RIS_START = re.compile(r"^TY  - ", re.MULTILINE)
_NEWLINES = re.compile(r"\r\n?")


def import_references(path: Path, *, format: str | None = None) -> ImportResult:
    """The references in the file at `path`, read as `format` (one of IMPORT_FORMATS), or
    as its extension says (.bib, .ris, .json), or, for any other file, as its content looks.

    Raises ImportFailed (a UsageError, exit 2) for a file that cannot be read or holds no
    reference, naming file:line:column where known and what was expected."""
    if format is not None and format not in IMPORT_FORMATS:
        expected = ", ".join(IMPORT_FORMATS)
        raise ImportFailed(str(path), f"unknown import format {format!r}; expected {expected}")
    text = _read(path)
    chosen = format or _BY_EXTENSION.get(path.suffix.lower()) or _sniff(text)
    try:
        result = mend_surrogates(_importer(chosen)(text, path))
    except RecursionError:
        # A parser that recurses on nesting (braces, brackets) ran out of stack: the file's
        # fault, not claimcheck's. The CSL-JSON reader locates its own; this is the rest.
        message = f"nested too deeply to read as {chosen}; expected a bibliography"
        raise ImportFailed(str(path), message) from None
    if format is None and path.suffix.lower() not in _BY_EXTENSION and chosen != "text":
        # Say how the file was read: a wrong guess shows in the notes, not in silence.
        notes = (f"read as {chosen} (from its content)", *result.notes)
        return ImportResult(result.path, result.format, result.references, notes)
    return result


def _read(path: Path) -> str:
    from claimcheck.inputs.discovery import MAX_FILE_BYTES, open_regular
    from claimcheck.inputs.yamlnodes import YamlProblem, decode

    shown = str(path)
    try:
        with open_regular(path) as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except (OSError, ValueError) as error:  # ValueError: a NUL in the path
        reason = getattr(error, "strerror", None) or str(error)
        raise ImportFailed(shown, f"cannot read the file: {reason}") from None
    if len(data) > MAX_FILE_BYTES:
        raise ImportFailed(
            shown, f"the file is over {MAX_FILE_BYTES} bytes; expected a bibliography"
        )
    try:
        text = decode(data)
    except YamlProblem as error:
        where = error.problem.location
        raise ImportFailed(shown, error.problem.message, where.line, where.column) from None
    text = _NEWLINES.sub("\n", text)
    nul = text.find("\x00")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        column = nul - (text.rfind("\n", 0, nul) + 1) + 1
        raise ImportFailed(shown, "found a NUL character; expected a text file", line, column)
    if not text.strip():
        expected = "expected BibTeX, RIS, CSL-JSON or a reference list"
        raise ImportFailed(shown, f"the file is empty; {expected}", 1)
    return text


def _sniff(text: str) -> str:
    """The format a file of unknown extension looks like; a reference list if none."""
    if _BIBTEX_ENTRY.search(text):
        return "bibtex"
    if _RIS_START.search(text):
        return "ris"
    if text.lstrip().startswith(("[", "{")):
        try:
            json.loads(text)
        except json.JSONDecodeError:
            return "text"  # "[1] Smith J. …": a numbered list, not JSON
        except (ValueError, RecursionError):
            # JSON so far, nested deeper than the parser goes or with a number longer than
            # int() converts: read as CSL-JSON, whose reader says where, as for a .json file.
            return "csl-json"
        return "csl-json"
    return "text"


def _importer(name: str) -> Callable[[str, Path], ImportResult]:
    if name == "bibtex":
        from claimcheck.inputs.importers.bibtex import read_bibtex

        return read_bibtex
    if name == "ris":
        from claimcheck.inputs.importers.ris import read_ris

        return read_ris
    if name == "csl-json":
        from claimcheck.inputs.importers.csljson import read_csl_json

        return read_csl_json
    from claimcheck.inputs.importers.text import read_text

    return read_text
