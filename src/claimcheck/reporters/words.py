"""Words every human format writes the same way: counted nouns ("1 error", "2 errors",
"3 info"), and a reference named as the article printed it. Pure: the text returned is raw,
and each format sanitises it as it sanitises everything else."""

from __future__ import annotations

from collections.abc import Mapping

from claimcheck.model.claimmap import Reference
from claimcheck.model.findings import Finding
from claimcheck.model.results import AuditResult

# Nouns whose plural is the noun itself ("3 info findings" reads as "3 info").
_UNCOUNTED = frozenset({"info"})
ET_AL = "et al."
CITED_CHARS = 120  # a printed reference beyond this is cut, with an ellipsis
# Every reference's `cited_label` by (claim map path, reference id), as `cited_labels` gives.
Labels = Mapping[tuple[str, str], str]


def counted(n: int, noun: str) -> str:
    if n == 1 or noun in _UNCOUNTED:
        return f"{n} {noun}"
    return f"{n} {noun}s"


def one_line(text: str) -> str:
    """`text` with every run of white space, line breaks included, as one space."""
    return " ".join(text.split())


def shortened(text: str, chars: int) -> str:
    """`text` on one line, cut to at most `chars` characters with an ellipsis."""
    line = one_line(text)
    if len(line) > chars:
        return line[: chars - 1].rstrip() + "…"
    return line


def cited_authors(reference: Reference) -> list[str]:
    """The authors as the article printed them: a truncated list ends in "et al." again (the
    claim map loader strips it into `authors_truncated`)."""
    return [*reference.authors, ET_AL] if reference.authors_truncated else list(reference.authors)


def cited_label(reference: Reference) -> str:
    """The reference as the article printed it, on one line: its `cited_as`, or else its cited
    authors and title ("Smith J, Li X. A study of things"); "" when the map gives none of
    them. A reader recognises the printed reference; the map's id ("R4") is only ours."""
    if reference.cited_as and reference.cited_as.strip():
        return one_line(reference.cited_as)
    authors = ", ".join(one_line(a) for a in reference.authors if a.strip())
    if authors and reference.authors_truncated:
        authors += f" {ET_AL}"
    title = one_line(reference.title or "")
    if authors and title:
        # "Russell B." and "et al." end in a full stop already: no "B.. Title".
        return f"{authors}{' ' if authors.endswith('.') else '. '}{title}"
    return authors or title


def cited_labels(result: AuditResult) -> dict[tuple[str, str], str]:
    """Every reference's `cited_label` by (claim map path, reference id), as a finding names
    its reference: several maps may each have an R1."""
    return {
        (part.claim_map.path, reference.id): cited_label(reference)
        for part in result.maps
        for reference in part.claim_map.references
    }


def cited_suffix(finding: Finding, labels: Labels) -> str:
    """` — cited as: "Smith J. A study of things"` for a finding about a reference the map
    describes (`labels` from `cited_labels`), cut to CITED_CHARS; "" otherwise."""
    label = labels.get((finding.file, finding.reference), "") if finding.reference else ""
    return f' — cited as: "{shortened(label, CITED_CHARS)}"' if label else ""
