"""The partial fingerprints of SARIF results (SARIF 2.1.0 §3.27.17). Pure.

Code scanning matches a result to an alert of an earlier run by its partial fingerprint, so
the fingerprint is built from what identifies the finding (code, file, reference, claim, the
notice or original DOI), never its line, column or message: an alert survives edits
elsewhere in the claim map. Every result of a run needs its own: results that share one
would be taken for one alert.
"""

from __future__ import annotations

import hashlib
import json

from claimcheck.model.findings import Finding, FindingCode
from claimcheck.reporters.sarif_locations import posix_path

FINGERPRINT = "claimcheck/v1"
# One claim may acknowledge the same finding more than once (say, an old acknowledgement left
# beside its renewal); each gives its own result, told apart only by its `until` and reason.
_ACKNOWLEDGEMENTS = frozenset({FindingCode.ACKNOWLEDGED, FindingCode.ACKNOWLEDGEMENT_EXPIRED})


def fingerprint(finding: Finding) -> str:
    """sha256 of what identifies the finding: not its line, column or message."""
    evidence = finding.evidence
    key_doi = evidence.get("notice_doi") or evidence.get("original_doi") or ""
    identity = [
        finding.code.value,
        posix_path(finding.file),
        finding.reference or "",
        finding.claim or "",
        str(key_doi).lower(),
        str(evidence.get("finding") or ""),  # the original code of an acknowledged finding
    ]
    if finding.code in _ACKNOWLEDGEMENTS:
        # Not the acknowledgement's line: that moves with every edit above it.
        identity += [str(evidence.get("until") or ""), str(evidence.get("reason") or "")]
    return digest(identity)


def digest(identity: list[str]) -> str:
    """A partial fingerprint: the sha256 of the parts that identify a result."""
    data = json.dumps(identity, ensure_ascii=True, separators=(",", ":"))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()
