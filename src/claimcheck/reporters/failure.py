"""The document each machine format gets when a run fails before (or instead of) a report:
a usage error, an invalid claim map, a server that is not Crossref, an internal error.

A pipeline that reads stdout, or uploads `-o` files, always gets a valid document in the
format it asked for, saying what went wrong and the exit code, never an empty file. Pure.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from claimcheck import __version__
from claimcheck.model.errors import ClaimcheckError, ClaimMapError, ExitCode
from claimcheck.model.sanitize import visible
from claimcheck.reporters.json_report import dumps
from claimcheck.reporters.markdown import md_escape

ERROR_SCHEMA = "claimcheck.error/1"
# Every format has a failure document, for `-o FORMAT=PATH` files; stdout gets one only in
# the machine formats (registry.py): a table on a terminal is for people, who read stderr.


def failure_of(exc: Exception) -> tuple[int, str, list[dict[str, Any]]]:
    """(exit code, one-line message, located problems) of an error claimcheck reports; any
    other exception is an internal error (a bug), exit 70."""
    if isinstance(exc, ClaimMapError):
        problems = [
            {"file": e.path, "line": e.line, "column": e.column, "message": e.message}
            for e in exc.errors
        ]
        return int(exc.exit_code), f"{exc.args[0]}; nothing was checked", problems
    if isinstance(exc, ClaimcheckError):
        return int(exc.exit_code), str(exc), []
    return int(ExitCode.INTERNAL), f"internal error: {type(exc).__name__}: {exc}", []


def render_failure(
    output_format: str,
    code: int,
    message: str,
    problems: Sequence[dict[str, Any]] = (),
    *,
    at: datetime | None = None,
) -> str:
    """The failure document of `output_format` (any format of registry.py)."""
    moment = (at or datetime.now(UTC)).replace(microsecond=0)
    render = {
        "json": _json,
        "sarif": _sarif,
        "junit": _junit,
        "markdown": _markdown,
        "html": _html,
        "github": _github,
        "table": _table,
    }[output_format]
    return render(code, message, list(problems), moment)


def _html(code: int, message: str, problems: list[dict[str, Any]], at: datetime) -> str:
    from claimcheck.reporters.html import failure

    return failure(code, message, problems, at)


def _github(code: int, message: str, problems: list[dict[str, Any]], _at: datetime) -> str:
    # As the report orders it (reporters/github.py): the verdict first, so that it is among
    # the 10 error annotations GitHub shows for a step however many problems follow, then
    # each located problem at its place in the claim map.
    from claimcheck.reporters.github import command

    lines = [command("error", f"claimcheck: exit {code}: {message}")]
    lines += [
        command(
            "error",
            p["message"],
            {"file": p["file"], "line": p["line"], "col": p["column"], "title": "claimcheck"},
        )
        for p in problems
    ]
    return "\n".join(lines) + "\n"


def _table(code: int, message: str, problems: list[dict[str, Any]], _at: datetime) -> str:
    # Plain text, the lines stderr got: a `-o table=PATH` file is read by people.
    lines = [visible(line) for line in _lines(problems)]
    lines.append(visible(f"claimcheck: exit {code}: {message}"))
    return "\n".join(lines) + "\n"


def _lines(problems: list[dict[str, Any]]) -> list[str]:
    return [f"{p['file']}:{p['line']}:{p['column']}: {p['message']}" for p in problems]


def _json(code: int, message: str, problems: list[dict[str, Any]], _at: datetime) -> str:
    document = {
        "schema": ERROR_SCHEMA,
        "tool": {"name": "claimcheck", "version": __version__},
        "error": {"message": message, "problems": problems},
        "summary": {"exit_code": code},
    }
    return dumps(document)


def _sarif(code: int, message: str, problems: list[dict[str, Any]], at: datetime) -> str:
    # Each located problem is a result at its place in the claim map, as a finding would be.
    from claimcheck.reporters.sarif_failure import failure_document

    return dumps(failure_document(code, message, problems, at))


def _junit(code: int, message: str, problems: list[dict[str, Any]], at: datetime) -> str:
    from claimcheck.reporters.junit import HOSTNAME, text

    suite = ET.Element(
        "testsuite",
        {
            "name": "claimcheck",
            "timestamp": at.strftime("%Y-%m-%dT%H:%M:%S"),
            "hostname": HOSTNAME,
            "tests": "1",
            "failures": "0",
            "errors": "1",
            "time": "0",
            "package": "claimcheck",
            "id": "0",
        },
    )
    properties = ET.SubElement(suite, "properties")
    for name, value in (("claimcheck.version", __version__), ("exit-code", str(code))):
        ET.SubElement(properties, "property", {"name": name, "value": value})
    case = ET.SubElement(
        suite, "testcase", {"name": "claimcheck run", "classname": "claimcheck", "time": "0"}
    )
    error = ET.SubElement(case, "error", {"message": text(message), "type": f"exit-{code}"})
    error.text = text("\n".join(_lines(problems)))
    ET.SubElement(suite, "system-out").text = ""
    ET.SubElement(suite, "system-err").text = text(message)
    root = ET.Element("testsuites")
    root.append(suite)
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode", short_empty_elements=True)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"


def _markdown(code: int, message: str, problems: list[dict[str, Any]], _at: datetime) -> str:
    lines = [
        f"### claimcheck: exit {code}, nothing to report",
        "",
        md_escape(message),
        "",
    ]
    lines += [f"- {md_escape(line)}" for line in _lines(problems)]
    return "\n".join(lines).rstrip("\n") + "\n"
