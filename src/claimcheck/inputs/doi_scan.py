"""A quick first read of the DOIs a claim map prints, so the lookups can leave while the
map is still being located and validated.

It is only a head start, never a verdict: nothing read here is judged or reported. The full
loader (claimmap.py) still reads, locates and validates every node, and the audit looks up
exactly the DOIs it yields; a DOI this scan found and the loader refuses is never used, and
one this scan missed is looked up as usual. So any doubt here means "no head start": a file
too big, YAML the fast reader cannot take, an unexpected shape, all give an empty list.
"""

from __future__ import annotations

from pathlib import Path

from claimcheck.inputs.discovery import MAX_FILE_BYTES, open_regular
from claimcheck.model.doi import normalize_doi
from claimcheck.model.errors import DoiError


def printed_dois(path: Path) -> list[str]:
    """The normalised DOIs under `references:` in the claim map at `path`, in order, once
    each; empty when the file cannot be read quickly and plainly."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml where installed
    try:
        with open_regular(path) as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            return []
        document = yaml.load(data, Loader=loader)  # a safe loader: plain data only
    except Exception:  # the loader reports every problem, with its place; none here
        return []
    references = document.get("references") if isinstance(document, dict) else None
    if not isinstance(references, dict):
        return []
    found: dict[str, None] = {}
    for reference in references.values():
        raw = reference.get("doi") if isinstance(reference, dict) else None
        if isinstance(raw, str):
            try:
                found[normalize_doi(raw)] = None
            except DoiError:
                continue
    return list(found)
