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
# Only on Windows is `\` a separator and `C:/…` a drive. Elsewhere `\` is a character of a
# name, and `c:/map.yaml` a map in a folder named `c:`: a relative path.
WINDOWS = os.sep == "\\"
_DRIVE = re.compile(r"^[A-Za-z]:/")
# How Python decoded file names it could not read as text: a byte that is not UTF-8 becomes a
# lone surrogate on POSIX (PEP 383, "surrogateescape"); Windows keeps unpaired UTF-16 halves.
_FS_ERRORS = sys.getfilesystemencodeerrors()


def posix_path(path: str) -> str:
    """The path with forward slashes and without `.` or empty segments, as SARIF 2.1.0
    §3.10.2 (steps 2 and 3) has them removed: the same file gives the same text.

    `..` segments stay. Dropping `a/..` is right only when `a` is no symbolic link (if `a`
    links to `x/y`, `a/../b` is `x/b`), so §3.10.2 (step 4) resolves them against the file
    system, which a pure reporter does not read; and SARIF consumers must not drop them
    either, so a URI that keeps them still names the right file."""
    posix = path.replace("\\", "/") if WINDOWS else path
    root = ""
    if posix.startswith("/"):
        root = "//" if WINDOWS and posix.startswith("//") else "/"  # a UNC path keeps `//`
    segments = [part for part in posix.split("/") if part not in ("", ".")]
    return root + "/".join(segments) or posix


def artifact_location(path: str) -> dict[str, str]:
    """A relative path as a URI relative to %SRCROOT%; an absolute one as a file: URI."""
    posix = posix_path(path)
    if WINDOWS and _DRIVE.match(posix):
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
