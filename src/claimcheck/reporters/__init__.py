"""Reporters: each module has a pure `render(result) -> str`, and may have `chunks(result)`,
the same text in pieces made as they are written. registry.py lists the formats; a module is
imported only when its format is asked for (so `--help` stays fast)."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from claimcheck.model.results import AuditResult

from claimcheck.reporters.registry import MACHINE_FORMATS, MODULES

__all__ = ["FORMATS", "MACHINE_FORMATS", "chunker", "renderer"]

# Format name -> its module (registry.py is the one list).
FORMATS: dict[str, str] = MODULES


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
