"""An imported bibliography as a claim-map skeleton: commented YAML that claimcheck loads.

Every text value is written as a double-quoted scalar, so no printed reference can change
the YAML's structure (a leading `-`, a `: `, a ` #`, quotes). Characters a reader would not
see, or that YAML reads as a line break, are written as escapes; so is the no-break space
that web pages put inside references (`\\u00a0`, as the hand-written example map does).
The output depends only on its inputs: the same file gives the same bytes.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence

from claimcheck.inputs.importers.model import ID_PATTERN, ImportedReference, ImportResult
from claimcheck.model.doi import is_doi
from claimcheck.model.sanitize import visible

__all__ = ["render_claim_map"]

_PLAIN_KEY = re.compile(r"[A-Za-z][A-Za-z0-9_.-]*")
# Plain scalars YAML 1.1 reads as booleans or null: such an id is quoted.
_YAML_WORDS = frozenset(["y", "n", "yes", "no", "on", "off", "true", "false", "null"])
_SURROGATE = re.compile("[\ud800-\udfff]")
_MATCHED_DOI = "filled in by --match, not printed in the source: check it"

_NEXT_STEPS = """\
# Next:
# 1. Check each reference against the source. Only what the source states plainly
#    was filled in; a field that was unclear is left out. `cited_as`, where present,
#    is the reference exactly as printed.
# 2. Add a DOI where you know one (`doi:` takes any common form).
# 3. Replace `claims: []` at the end with the article's statements and the
#    references each one cites (an example is commented there).
# 4. Check the map:  claimcheck audit <this file>
"""

_ARTICLE = """\
# article:                 # optional: shown in reports
#   title: The article's title
#   language: en           # a BCP 47 language tag: en, zh, de, ...
#   published: 2025-01-09  # YYYY-MM-DD; spots references cited after their retraction
"""

_CLAIMS = """\
claims: []
# Replace `[]` above with the article's statements, in order, for example:
# claims:
#   - id: C1               # a unique claim id
#     text: The statement, exactly as the article prints it.
#     cites:
#       - R1               # shorthand for {ref: R1, role: supports}
#       - ref: R2
#         role: background # supports (default) | contrasts | background | discusses
"""


def render_claim_map(
    result: ImportResult,
    *,
    source_name: str,
    match_comments: Mapping[str, str] | None = None,
    dois: Mapping[str, str] | None = None,
    warnings: Sequence[str] = (),
) -> str:
    """The claim-map skeleton for `result`, naming `source_name` (a file name) as its source.

    `match_comments` maps a reference id to a comment written above that reference;
    `dois` maps a reference id to a DOI found for it, written with a comment saying so
    (a printed DOI is kept, and a different one found is only mentioned); `warnings` are
    lines for the header, where a person reads first (failed searches). ValueError for
    an id that is not in `result` or a value in `dois` that is not a DOI: a caller's bug.
    """
    comments, found = dict(match_comments or {}), dict(dois or {})
    _check(result, comments, found)
    out = [_header(result, source_name, warnings), "claimcheck: 1\n\n", _ARTICLE, "\n"]
    out.append("references:\n" if result.references else "references: {}\n")
    for reference in result.references:
        out += _reference(
            reference, source_name, comments.get(reference.id), found.get(reference.id)
        )
    out += ["\n", _CLAIMS]
    return "".join(out)


def _check(result: ImportResult, comments: dict[str, str], found: dict[str, str]) -> None:
    ids = [reference.id for reference in result.references]
    bad = [i for i in ids if not ID_PATTERN.fullmatch(i)]
    if bad or len(set(ids)) != len(ids):
        raise ValueError(f"reference ids must be unique claim-map ids; got {ids!r}")
    unknown = sorted((set(comments) | set(found)) - set(ids))
    if unknown:
        raise ValueError(f"no imported reference has the id {unknown[0]!r}")
    not_dois = sorted(ref for ref, doi in found.items() if not is_doi(doi))
    if not_dois:
        raise ValueError(f"the DOI given for {not_dois[0]!r} is not a DOI: {found[not_dois[0]]!r}")


def _header(result: ImportResult, source_name: str, warnings: Sequence[str]) -> str:
    count = len(result.references)
    noun = "reference" if count == 1 else "references"
    lines = [
        f"# Claim map started by `claimcheck import` from {_comment(source_name)}",
        f"# ({result.format}, {count} {noun}).",
        "#",
    ]
    text = "\n".join(lines) + "\n"
    text += "".join(f"# WARNING: {_comment(warning)}\n#\n" for warning in warnings)
    text += _NEXT_STEPS
    if result.notes:
        text += "#\n# Notes from the import:\n"
        text += "".join(f"# - {_comment(note)}\n" for note in result.notes)
    return text + "\n"


def _reference(
    reference: ImportedReference, source_name: str, comment: str | None, found: str | None
) -> list[str]:
    out = []
    if comment is not None:
        out += [f"  # {_comment(line.lstrip('#').strip())}\n" for line in comment.splitlines()]
    where = f"line {reference.line} of {_comment(source_name)}" if reference.line > 0 else ""
    out.append(f"  {_key(reference.id)}:" + (f"  # {where}\n" if where else "\n"))
    doi = reference.doi
    if doi is not None:
        if found is not None and found.lower() != doi.lower():
            out.append(f"    # --match found {_comment(found)}, not the printed DOI: check both\n")
        out.append(f"    doi: {_quoted(doi)}\n")
    elif found is not None:
        out.append(f"    doi: {_quoted(found)}  # {_MATCHED_DOI}\n")
    for name in ("cited_as", "title"):
        value = getattr(reference, name)
        if value is not None:
            out.append(f"    {name}: {_quoted(value)}\n")
    if reference.authors:
        out.append(f"    authors: [{', '.join(_quoted(a) for a in reference.authors)}]\n")
    if reference.year is not None:
        out.append(f"    year: {reference.year}\n")
    for name in ("journal", "volume", "issue", "pages"):
        value = getattr(reference, name)
        if value is not None:
            out.append(f"    {name}: {_quoted(value)}\n")
    return out


def _key(ref_id: str) -> str:
    plain = _PLAIN_KEY.fullmatch(ref_id) and ref_id.lower() not in _YAML_WORDS
    return ref_id if plain else _quoted(ref_id)


def _quoted(text: str) -> str:
    """`text` as a YAML double-quoted scalar that reads back exactly as `text`, but for a
    lone surrogate: YAML has no escape for one (the loader refuses `\\ud83d`), so it is
    written as U+FFFD. `import_references` has already replaced each with a note; this
    keeps a caller's own references from making a map the loader refuses."""
    text = _SURROGATE.sub("\ufffd", text)
    escaped = visible(text.replace("\\", "\\\\").replace('"', '\\"'))
    # Spaces other than U+0020 (the no-break space above all) look like one and are not.
    return '"' + "".join(_space_escape(c) for c in escaped) + '"'


def _space_escape(char: str) -> str:
    if char != " " and unicodedata.category(char) == "Zs":
        return f"\\u{ord(char):04x}"
    return char


def _comment(text: str) -> str:
    """`text` on one comment line: a line break or a control would end or break it."""
    return visible(text)
