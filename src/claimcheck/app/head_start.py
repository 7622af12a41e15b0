"""A head start for online audits: the lookups leave before the claim maps are validated,
and the modules judging needs are imported while they are in flight. Used by commands.py."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from claimcheck.app.settings import Settings
from claimcheck.model.record import Lookup

if TYPE_CHECKING:
    from claimcheck.sources.crossref.client import CrossrefClient


# Long enough for a first request to leave (tens of milliseconds, a new connection included);
# short enough that a slow cache or server costs a run little.
FIRST_REQUEST_WAIT = 0.25


class ProgressRelay:
    """Passes each finished lookup on to the progress bar, once there is one: lookups begun
    before the claim maps are validated (`head_start`) finish before the bar exists, and are
    handed to it when it is attached."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._target: Callable[[Lookup], None] | None = None
        self._waiting: list[Lookup] = []

    def __call__(self, lookup: Lookup) -> None:
        with self._lock:
            target = self._target
            if target is None:
                self._waiting.append(lookup)
                return
        target(lookup)

    def attach(self, target: Callable[[Lookup], None]) -> None:
        with self._lock:
            waiting, self._waiting, self._target = self._waiting, [], target
        for lookup in waiting:
            target(lookup)


def head_start(
    client: CrossrefClient, map_files: Sequence[Path], settings: Settings, progress: ProgressRelay
) -> bool:
    """Online, start looking up the DOIs the maps print before validating the maps: at
    1,000 references validation takes longer than the first request needs to leave. Only
    lookups start early; every verdict still waits for the validated map (audit.py).
    Whether any lookup was started."""
    if settings.mode != "online":
        return False
    from claimcheck.audit import start_lookups
    from claimcheck.inputs.doi_scan import printed_dois

    dois = [doi for path in map_files for doi in printed_dois(path)]
    start_lookups(client, dois, progress)
    # Validating the maps next would hold the interpreter while the first request is being
    # sent; it waits (at most FIRST_REQUEST_WAIT) until that request is written. The run
    # ends no later for it: the answers it waits for come after the request.
    client.wait_first_request(FIRST_REQUEST_WAIT)
    return bool(dois)


def import_judging(output_format: str, file_formats: Sequence[str]) -> None:
    """Import the checks and the reporters asked for while the lookups started early are in
    flight, instead of after the last answer (about 50 ms at the end of every online run).
    Without a head start they stay where they were: after the first request."""
    import importlib

    from claimcheck.reporters import FORMATS

    importlib.import_module("claimcheck.checks.pipeline")
    for name in dict.fromkeys([output_format, *file_formats]):
        importlib.import_module(FORMATS[name])
