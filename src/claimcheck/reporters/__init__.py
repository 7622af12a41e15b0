"""Reporters: each module has a pure `render(result) -> str`, and may have `chunks(result)`,
the same text in pieces made as they are written. The registry maps a format name to its
module, imported only when that format is asked for (so `--help` stays fast)."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from claimcheck.models import AuditResult

# The formats whose failures are documents too (reporters/failure.py): a run that fails still
# leaves one valid document of them on stdout.
MACHINE_FORMATS = ("json", "sarif", "junit", "markdown")

FORMATS: dict[str, str] = {
    "table": "claimcheck.reporters.table",
    "json": "claimcheck.reporters.json_report",
    "markdown": "claimcheck.reporters.markdown",
    "sarif": "claimcheck.reporters.sarif",
    "junit": "claimcheck.reporters.junit",
}


def renderer(name: str) -> Callable[[AuditResult], str]:
    """The render function of format `name`; KeyError for an unknown format."""
    module = importlib.import_module(FORMATS[name])
    return cast("Callable[[AuditResult], str]", module.render)


def chunker(name: str) -> Callable[[AuditResult], Iterable[str]]:
    """The `chunks` function of format `name`, or its `render` as one piece."""
    module = importlib.import_module(FORMATS[name])
    if hasattr(module, "chunks"):
        return cast("Callable[[AuditResult], Iterable[str]]", module.chunks)
    render = renderer(name)
    return lambda result: (render(result),)
