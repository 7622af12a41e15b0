"""`claimcheck init`: a commented starter claim map (README, "The claim map"), written safely."""

from __future__ import annotations

from pathlib import Path

from claimcheck.app.outputs import special_kind, write_claim_map
from claimcheck.model.errors import UsageError

__all__ = ["STARTER_MAP", "write_starter"]

STARTER_MAP = """\
# yaml-language-server: $schema=../schema/claim-map.schema.json
#
# A claimcheck claim map: what an article states and which references each
# statement cites. Check it with:  claimcheck audit <this file>
#
# The first line lets a YAML language server (such as the YAML extension of
# VS Code) check this file as you type. The path is relative to this file: it
# expects this map in claims/ and a copy of claimcheck's
# schema/claim-map.schema.json in schema/ at the top of your repository.
# Change the path if yours differ, or delete the line.

claimcheck: 1              # required: the claim-map format version

article:                   # optional: shown in reports
  title: An example article             # the article's title
  url: https://example.org/article      # where it is published (any text)
  language: en             # a BCP 47 language tag: en, zh, de, ...
  published: 2025-01-09    # YYYY-MM-DD; spots references cited after their retraction

references:                # required: reference id -> the reference as the article cites it
  R1:                      # an id: letters, digits, '-', '_' and '.'
    doi: 10.1038/nbt.2816  # any common form: doi:..., https://doi.org/...
    cited_as: >-           # the reference exactly as the article prints it
      Ankrum JA, Ong JF, Karp JM. Mesenchymal stem cells: immune evasive,
      not immune privileged. Nat Biotechnol. 2014;32(3):252-260.
    # Structured fields, as cited (not corrected); each one is optional and
    # claimcheck compares it with the registry's record.
    title: "Mesenchymal stem cells: immune evasive, not immune privileged"
    authors: ["Ankrum JA", "Ong JF", "Karp JM"]   # as printed; a final "et al." means truncated
    year: 2014             # an integer
    journal: Nat Biotechnol
    volume: "32"           # volume, issue and pages are text; quotes are optional
    issue: "3"
    pages: "252-260"       # 98-103, 98–103, 1568-71 or e33438
  R2:                      # any field may be left out: cited_as alone is enough
    cited_as: Doe J. An example book without a DOI. Example Press; 2020.

claims:                    # required: the article's statements, in order
  - id: C1                 # required: a unique claim id
    text: Mesenchymal stem cells are not invisible to the immune system.   # exactly as printed
    translation: >-        # optional: a translation of the text
      An English translation, when the article is in another language.
    cites:                 # the references the statement relies on
      - R1                 # shorthand for {ref: R1, role: supports}

  - id: C2
    text: A 2014 review called these cells immune evasive, not immune privileged.
    cites:
      - ref: R1
        role: discusses    # supports (default) | contrasts | background | discusses
      - ref: R2
        role: background   # context only, not evidence

  - id: C3
    text: A statement the article makes without a reference.
    cites: []              # cites nothing: reported as uncited-claim
    # acknowledge:         # findings a person reviewed and accepted
    #   - finding: uncited-claim   # a finding code, as shown in the report
    #     reason: The clinic's own observation; no published source exists.
    #     until: 2026-12-31        # optional expiry; after it the finding is back
"""


def write_starter(path: Path, *, force: bool = False) -> None:
    """Write STARTER_MAP to `path` atomically; refuse to replace a file unless `force`, and
    a device, FIFO or socket even with it. A symlink is kept and its target replaced."""
    if path.is_dir():
        raise UsageError(f"{path} is a directory; give the path of the claim map to create")
    kind = special_kind(path)
    if kind is not None:  # before --force is looked at: it never replaces one
        raise UsageError(f"{path} is {kind}, not a regular file; give the path of a file")
    if (path.exists() or path.is_symlink()) and not force:
        raise UsageError(f"{path} already exists; use --force to overwrite it")
    try:
        write_claim_map(path, STARTER_MAP.encode("utf-8"))
    except OSError as error:
        raise UsageError(f"cannot write {path}: {error.strerror or error}") from None
