"""Precision and recall of `claimcheck.checks.matching.validate` on recorded Crossref answers.

Run from the repository root, in the project's venv (no network):

    python bench/matching_eval.py

Every case is a real `/works?query.bibliographic=` answer under tests/data/crossref/recorded,
parsed with the project's own parser, and a label that its origin gives:

- the four answers from Crossref's own matcher tests (`*__crossref-sbmv-tests_2018.json`),
  whose references and expected DOIs are those of ReferenceMatcherTest.java in
  https://github.com/CrossRef/search-based-reference-matcher (their sidecars carry no label,
  so the labels are quoted in tests/sbmv.py);
- every other `works_query.bibliographic__*.meta.json` sidecar with an `expected` key, read
  from the sidecar (`reference`, `expected`, `expected_doi`, `evaluable`).

A case counts as a true positive when the expected DOI is asserted (confident or weak), a
false positive when any other DOI is asserted, a false negative when a labelled match is not
asserted, a true negative when nothing is asserted for a labelled non-match. Precision and
recall are printed twice: asserting confident and weak outcomes, and confident only. A case
whose sidecar says `"evaluable": false` is listed but kept out of the counts.

This is a handful of cases, not Crossref's 2,000: it shows that Crossref's labels are
reproduced, not how often matching is right in general.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from tests.sbmv import HERE, LABELLED, RECORDED, recorded_candidates  # noqa: E402

from claimcheck.checks.matching import MatchOutcome, MatchStatus, validate  # noqa: E402
from claimcheck.model.claimmap import Reference  # noqa: E402


@dataclass(frozen=True)
class Case:
    body: str  # file name under RECORDED
    reference: Reference
    expected_doi: str | None  # None: a labelled non-match
    evaluable: bool = True


# Crossref's own matcher tests: the labels tests/sbmv.py quotes from ReferenceMatcherTest.java.
CASES = [Case(body, reference, expected) for body, reference, expected in LABELLED]


def sidecar_cases() -> list[Case]:
    """The cases whose sidecar labels them (`expected`: match or no-match)."""
    cases = []
    for meta_path in sorted(RECORDED.glob("works_query.bibliographic__*.meta.json")):
        meta: dict[str, Any] = json.loads(meta_path.read_text(encoding="utf-8"))
        if meta.get("expected") not in ("match", "no-match"):
            continue
        body = meta_path.name.removesuffix(".meta.json") + ".json"
        reference = Reference(meta_path.stem, HERE, **meta["reference"])
        expected = meta["expected_doi"] if meta["expected"] == "match" else None
        cases.append(Case(body, reference, expected, bool(meta.get("evaluable", True))))
    return cases


def run(case: Case) -> MatchOutcome:
    return validate(case.reference, recorded_candidates(case.body))


def asserted(outcome: MatchOutcome, confident_only: bool) -> str | None:
    accept = (
        {MatchStatus.CONFIDENT} if confident_only else {MatchStatus.CONFIDENT, MatchStatus.WEAK}
    )
    return outcome.best.doi if outcome.best and outcome.status in accept else None


def confusion(results: list[tuple[Case, MatchOutcome]], confident_only: bool) -> dict[str, int]:
    """Counted over links, as Crossref's evaluation does: a wrong DOI asserted for a reference
    that has a right one is a false positive and a false negative."""
    counts = dict.fromkeys(("TP", "FP", "FN", "TN"), 0)
    for case, outcome in results:
        doi = asserted(outcome, confident_only)
        if doi is None:
            counts["FN" if case.expected_doi else "TN"] += 1
        elif doi == case.expected_doi:
            counts["TP"] += 1
        else:
            counts["FP"] += 1
            counts["FN"] += 1 if case.expected_doi else 0
    return counts


def ratio(numerator: int, denominator: int) -> str:
    return f"{numerator / denominator:.3f}" if denominator else "n/a"


def main() -> None:
    results = [(case, run(case)) for case in [*CASES, *sidecar_cases()]]
    print("| case | label | outcome | asserted DOI | similarity |")
    print("|---|---|---|---|---|")
    for case, outcome in results:
        label = case.expected_doi or "no match"
        label += "" if case.evaluable else " (not evaluable)"
        top = outcome.best or (outcome.candidates[0] if outcome.candidates else None)
        similarity = f"{top.similarity:.3f}" if top else "-"
        doi = outcome.best.doi if outcome.best else "-"
        name = case.body.removeprefix("works_query.bibliographic__").removesuffix(".json")
        print(f"| {name} | {label} | {outcome.status} | {doi} | {similarity} |")
    evaluable = [(c, o) for c, o in results if c.evaluable]
    print()
    print("| asserting | TP | FP | FN | TN | precision | recall |")
    print("|---|---|---|---|---|---|---|")
    for confident_only, name in ((False, "confident + weak"), (True, "confident only")):
        n = confusion(evaluable, confident_only)
        precision = ratio(n["TP"], n["TP"] + n["FP"])
        recall = ratio(n["TP"], n["TP"] + n["FN"])
        print(
            f"| {name} | {n['TP']} | {n['FP']} | {n['FN']} | {n['TN']} | {precision} | {recall} |"
        )
    print()
    print(f"{len(evaluable)} evaluable cases of {len(results)} recorded and labelled.")


if __name__ == "__main__":
    main()
