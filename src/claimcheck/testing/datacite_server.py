"""A loopback DataCite: `GET /dois/{doi}` answered from files of DataCite REST API records.

The same server machinery as the Crossref replay server (faults, recorded requests, limits),
on a route of its own: a DOI it holds answers its record; any other DOI answers DataCite's
JSON:API 404 document; any other path a plain-text 404, as a server that is not DataCite
would. DataCite sends no rate-limit headers, so none are sent here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from claimcheck.testing.faults import _Response
from claimcheck.testing.replay_server import RecordedRequest, ReplayServer

# DataCite's 404 for an unknown DOI, as its server renders it (datacite/lupo,
# app/controllers/application_controller.rb).
NOT_FOUND_BODY = (
    b'{"errors":[{"status":"404","title":"The resource you are looking for doesn\'t exist."}]}'
)
_JSON = ("Content-Type", "application/json; charset=utf-8")


def _record_doi(document: object) -> str | None:
    """The DOI of a `/dois/{doi}` JSON:API document; None for anything else (sidecars)."""
    if not isinstance(document, Mapping):
        return None
    data = document.get("data")
    if not isinstance(data, Mapping) or data.get("type") != "dois":
        return None
    attributes = data.get("attributes")
    doi = attributes.get("doi") if isinstance(attributes, Mapping) else None
    return str(doi or data.get("id") or "").lower() or None


class DataCiteReplayServer(ReplayServer):
    def __init__(self, *data_dirs: str | Path, **options: Any) -> None:
        options.setdefault("rate_headers", {})
        super().__init__(**options)
        self.records: dict[str, bytes] = {}
        for directory in map(Path, data_dirs):
            if not directory.is_dir():
                raise FileNotFoundError(f"replay data directory not found: {directory}")
            for path in sorted(directory.rglob("*.json")):
                body = path.read_bytes()
                doi = _record_doi(json.loads(body))
                if doi is not None:
                    self.records[doi] = body

    def _classify(self, path: str) -> tuple[str, str | None]:
        if path.startswith("/dois/") and len(path) > len("/dois/"):
            return "work", unquote(path[len("/dois/") :]).lower()
        return "other", None

    def _route(self, request: RecordedRequest) -> _Response:
        if request.route != "work":
            return _Response(404, [("Content-Type", "text/plain")], b"Not Found")
        body = self.records.get(request.doi or "")
        return _Response(200 if body else 404, [_JSON], body or NOT_FOUND_BODY)
