"""Where a SARIF result points: claim-map paths as artifact locations (SARIF 2.1.0 §3.4) and
physical locations with a region (§3.29, §3.30). Shared by the report and the failure
document, so a located problem is placed exactly as a finding is. Pure.
"""

from __future__ import annotations

import os
import re
import sys
from typing import Any
from urllib.parse import quote

from claimcheck.model.location import Location

SRCROOT = "%SRCROOT%"
_DRIVE = re.compile(r"^[A-Za-z]:/")
# How Python decoded file names it could not read as text: a byte that is not UTF-8 becomes a
# lone surrogate on POSIX (PEP 383, "surrogateescape"); Windows keeps unpaired UTF-16 halves.
_FS_ERRORS = sys.getfilesystemencodeerrors()


def posix_path(path: str) -> str:
    """The path with forward slashes and no leading `./`: the same file gives the same text."""
    posix = path.replace("\\", "/") if os.sep == "\\" or _DRIVE.match(path) else path
    while posix.startswith("./"):
        posix = posix[2:]
    return posix


def artifact_location(path: str) -> dict[str, str]:
    """A relative path as a URI relative to %SRCROOT%; an absolute one as a file: URI."""
    posix = posix_path(path)
    if _DRIVE.match(posix):
        return {"uri": "file:///" + _quoted(posix, safe="/:")}
    if posix.startswith("/"):
        return {"uri": "file://" + _quoted(posix, safe="/")}
    return {"uri": _quoted(posix, safe="/"), "uriBaseId": SRCROOT}


def _quoted(path: str, safe: str) -> str:
    """The path percent-encoded as UTF-8, as SARIF 2.1.0 §3.10.4 maps an IRI to a URI; a byte
    of a file name that is not UTF-8 (`bad\\xff.yaml`) is percent-encoded as that very byte
    (`bad%FF.yaml`), so the URI names the file on disk instead of failing to encode."""
    try:
        return quote(path, safe=safe, errors=_FS_ERRORS)
    except UnicodeEncodeError:  # a lone surrogate no file name decodes to: kept, never a crash
        return quote(path, safe=safe, errors="surrogatepass")


def physical_location(path: str, location: Location | None) -> dict[str, Any]:
    """The file, and the line and column in it when they are known."""
    physical: dict[str, Any] = {"artifactLocation": artifact_location(path)}
    if location is not None:
        physical["region"] = {"startLine": location.line, "startColumn": location.column}
    return physical
