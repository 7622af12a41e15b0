"""The one list of output formats: each format's name, module, file extension and what it is
for. The CLI's choices, `--output PATH`'s inference from an extension and the failure
documents all read it; a new format is one module plus one entry here. Light: importing it
imports no reporter."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Format:
    name: str
    module: str
    # `--output PATH` with this extension means this format; None: only by name.
    extension: str | None
    # A failure still leaves one valid document of this format on stdout (failure.py); every
    # format has one for its `-o` files.
    machine: bool
    audience: str


FORMATS: tuple[Format, ...] = (
    Format("table", "claimcheck.reporters.table", None, False, "people at a terminal"),
    Format("json", "claimcheck.reporters.json_report", ".json", True, "other tools"),
    Format("markdown", "claimcheck.reporters.markdown", ".md", True, "a pull-request comment"),
    Format("sarif", "claimcheck.reporters.sarif", ".sarif", True, "code-scanning annotations"),
    Format("junit", "claimcheck.reporters.junit", ".xml", True, "CI test reports"),
    Format("html", "claimcheck.reporters.html", ".html", True, "an editor with a browser"),
    # A failure prints annotations too: in a workflow step, stdout is where they are read.
    Format(
        "github", "claimcheck.reporters.github", None, True, "annotations on a GitHub pull request"
    ),
)

NAMES: tuple[str, ...] = tuple(f.name for f in FORMATS)
MACHINE_FORMATS: tuple[str, ...] = tuple(f.name for f in FORMATS if f.machine)
EXTENSIONS: dict[str, str] = {f.extension: f.name for f in FORMATS if f.extension}
MODULES: dict[str, str] = {f.name: f.module for f in FORMATS}
