"""Time judging and rendering alone: no server, no network, no cache.

Run from anywhere, in the project's venv:

    python bench/judge.py [--sizes 1000 4000] [--repeat 1] [--save DIR] [--check DIR]

For each N it builds a synthetic audit in memory: N references and about N claims, each claim
citing 1-3 references under mixed roles, some claims acknowledging findings (live and expired,
for one reference or for the claim). Most references resolve to a real record from
tests/data/crossref/recorded, parsed with `claimcheck.sources.crossref.records.parse_work`
and re-labelled to a made-up DOI; the rest are not found, failed, of another agency, invalid
or without a DOI. It then calls the pure `claimcheck.checks.pipeline.judge` and renders
table, JSON, Markdown, SARIF and JUnit, timing each stage with `time.perf_counter`, and
prints a Markdown table with the ratio of the largest N to the smallest per stage
(linear time gives largest/smallest).

`--save DIR` writes every rendered output to DIR/<format>-<N>.txt; `--check DIR` compares them
with the files there and exits 1 on any difference, so the output of a change can be checked
byte for byte against the output of the code before it.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from claimcheck.app.entry import tune_gc
from claimcheck.audit import AuditOptions
from claimcheck.checks.pipeline import judge
from claimcheck.model.claimmap import (
    Acknowledgement,
    Article,
    Citation,
    Claim,
    ClaimMap,
    Reference,
    Role,
)
from claimcheck.model.findings import FindingCode
from claimcheck.model.location import Location
from claimcheck.model.record import Lookup, LookupStatus, Work
from claimcheck.model.results import AuditResult, GatePolicy, Source
from claimcheck.reporters import json_report, junit, markdown, sarif, table
from claimcheck.sources.crossref.records import parse_work

ROOT = Path(__file__).resolve().parent.parent
RECORDED = ROOT / "tests" / "data" / "crossref" / "recorded"
# SYNTHETIC DOIs: made up for this benchmark and never registered anywhere. Each synthetic work
# is a recorded record with only its DOI replaced.
SYNTHETIC_DOI = "10.5555/judge.{i}"
OPTIONS = AuditOptions(
    GatePolicy(), date(2026, 1, 1), datetime(2026, 1, 1, tzinfo=UTC), Source("replay", "replay")
)
ROLES = (Role.SUPPORTS, Role.SUPPORTS, Role.DISCUSSES, Role.BACKGROUND, Role.CONTRASTS)
RENDERERS: dict[str, Callable[[AuditResult], str]] = {
    "table": table.render,
    "json": json_report.render,
    "markdown": markdown.render,
    "sarif": sarif.render,
    "junit": junit.render,
}
STAGES = ("judge", *RENDERERS)


# --- the records ---------------------------------------------------------------------------


def _messages(body: Any) -> Iterator[dict[str, Any]]:
    """Every work record in a recorded body: an envelope, a list of items, or a bare item."""
    if not isinstance(body, dict):
        return
    message = body.get("message")
    if body.get("message-type") == "work" and isinstance(message, dict):
        yield message
    elif body.get("message-type") == "work-list" and isinstance(message, dict):
        yield from (item for item in message.get("items", []) if isinstance(item, dict))
    elif "DOI" in body and "message-type" not in body:
        yield body


def recorded_works() -> tuple[list[Work], dict[str, Lookup]]:
    """(templates, related): the single-work records as templates, and every record under its
    own DOI, so that the notices an update entry names resolve as the registry would."""
    templates: list[Work] = []
    related: dict[str, Lookup] = {}
    for path in sorted(RECORDED.glob("*.json")):
        if path.name.endswith(".meta.json"):
            continue
        body = json.loads(path.read_text(encoding="utf-8"))
        for message in _messages(body):
            work = parse_work(message)
            related[work.doi] = Lookup(work.doi, LookupStatus.FOUND, work=work)
            if body.get("message-type") != "work-list":
                templates.append(work)
    if not templates:
        sys.exit(f"no work records found under {RECORDED}")
    return templates, related


# --- the synthetic claim map ----------------------------------------------------------------


def _cited_fields(i: int, work: Work) -> dict[str, Any]:
    """What reference i cites besides its DOI: agreeing, a different work, a few fields off,
    or nothing at all."""
    first = work.authors[0].family or work.authors[0].name if work.authors else "Nobody"
    variant = i % 4
    if variant == 0:
        return {
            "title": work.title or None,
            "authors": (f"{first} A", "et al."),
            "year": work.year,
            "journal": work.journal or None,
        }
    if variant == 1:
        return {"title": f"An unrelated synthetic study number {i}", "authors": ("Nobody Z",)}
    if variant == 2:
        year = work.year + 3 if work.year else None
        return {"authors": (first,), "year": year, "volume": "999", "pages": "e9999"}
    return {}


def _reference(i: int, templates: list[Work]) -> tuple[Reference, Lookup | None]:
    """Reference R{i} and the registry's answer for it (None: nothing to look up)."""
    location = Location(i + 4, 3)
    doi = SYNTHETIC_DOI.format(i=i)
    kind = i % 20
    if kind == 3:
        return Reference(f"R{i}", location, cited_as=f"Someone. Report {i}. 1999."), None
    if kind == 4:
        bad = f"10.12/not a doi {i}"
        return Reference(f"R{i}", location, doi_input=bad, doi_error="contains white space"), None
    reference = Reference(f"R{i}", location, doi=doi, doi_input=doi)
    if kind in (1, 2, 5):
        status = {1: LookupStatus.NOT_FOUND, 2: LookupStatus.FAILED}.get(kind)
        agency = "datacite" if status is None else None
        error = "HTTP 503 after retries" if status is LookupStatus.FAILED else None
        return reference, Lookup(doi, status or LookupStatus.OTHER_AGENCY, None, agency, error)
    work = replace(templates[i % len(templates)], doi=doi)
    reference = replace(reference, **_cited_fields(i, work))
    return reference, Lookup(doi, LookupStatus.FOUND, work=work)


def _acknowledgements(j: int, cites: list[Citation], line: int) -> tuple[Acknowledgement, ...]:
    """Some claims acknowledge a finding of a reference they cite (live or expired), and some
    their own verdict; most acknowledge nothing."""
    where = Location(line + 3, 7)
    first = cites[0].ref if cites else None
    if j % 10 == 0 and first:
        return (Acknowledgement(FindingCode.METADATA_MISMATCH, "registry is wrong", where, first),)
    if j % 10 == 5 and first:
        expired = date(2020, 1, 1)
        return (Acknowledgement(FindingCode.RETRACTED, "reviewed", where, first, expired),)
    if j % 25 == 7:
        return (
            Acknowledgement(FindingCode.DOI_MISMATCH, "known DOI slip", where, first),
            Acknowledgement(FindingCode.UNSUPPORTED_CLAIM, "the author's own view", where),
        )
    return ()


def _claim(j: int, n: int, line: int) -> Claim:
    """Claim C{j} citing 1-3 references near R{j}; every 97th cites nothing, and the every
    50th reference is left for no claim to cite (unused)."""
    count = 0 if j % 97 == 0 else 1 + j % 3
    refs = [1 + (j - 1 + step * 7) % n for step in range(count)]
    refs = list(dict.fromkeys(r if r % 50 else 1 + r % n for r in refs))
    cites = [
        Citation(f"R{r}", ROLES[(j + k) % len(ROLES)], Location(line + 2, 9 + 4 * k))
        for k, r in enumerate(refs)
    ]
    return Claim(
        f"C{j}",
        f"Synthetic claim {j}, resting on {len(cites)} of the article's references.",
        Location(line, 5),
        cites=tuple(cites),
        acknowledge=_acknowledgements(j, cites, line),
    )


def synthetic_audit(n: int, templates: list[Work]) -> tuple[ClaimMap, dict[str, Lookup]]:
    """A claim map of N references and N claims, and the lookups a registry would answer."""
    references, lookups = [], {}
    for i in range(1, n + 1):
        reference, lookup = _reference(i, templates)
        references.append(reference)
        if lookup is not None:
            lookups[lookup.doi] = lookup
    claims = tuple(_claim(j, n, n + 10 + 5 * j) for j in range(1, n + 1))
    article = Article(title=f"Synthetic article citing {n} works", published=date(2020, 6, 1))
    claim_map = ClaimMap(f"claims/judge-{n}.yaml", 1, tuple(references), claims, article)
    return claim_map, lookups


# --- timing ----------------------------------------------------------------------------------


def measure(
    n: int, templates: list[Work], related: dict[str, Lookup]
) -> tuple[dict[str, float], dict[str, str]]:
    """Seconds per stage, and the rendered outputs."""
    claim_map, lookups = synthetic_audit(n, templates)
    seconds: dict[str, float] = {}
    start = time.perf_counter()
    result = judge(claim_map, lookups, related, OPTIONS)
    seconds["judge"] = time.perf_counter() - start
    outputs: dict[str, str] = {}
    for name, render in RENDERERS.items():
        start = time.perf_counter()
        outputs[name] = render(result)
        seconds[name] = time.perf_counter() - start
    return seconds, outputs


def best_of(
    repeat: int, n: int, templates: list[Work], related: dict[str, Lookup]
) -> tuple[dict[str, float], dict[str, str]]:
    """The fastest of `repeat` runs per stage: the least disturbed by other processes."""
    best, outputs = measure(n, templates, related)
    for _ in range(repeat - 1):
        seconds, outputs = measure(n, templates, related)
        best = {stage: min(best[stage], seconds[stage]) for stage in best}
    return best, outputs


def markdown_table(sizes: list[int], times: dict[int, dict[str, float]]) -> str:
    small, large = min(sizes), max(sizes)
    header = ["stage", *(f"N={n:,} s" for n in sizes), f"{large:,}/{small:,}"]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    rows = {stage: {n: times[n][stage] for n in sizes} for stage in STAGES}
    rows["judge+table"] = {n: times[n]["judge"] + times[n]["table"] for n in sizes}
    rows["total"] = {n: sum(times[n].values()) for n in sizes}
    for stage, by_size in rows.items():
        ratio = by_size[large] / by_size[small] if by_size[small] else float("nan")
        cells = [stage, *(f"{by_size[n]:.3f}" for n in sizes), f"{ratio:.2f}×"]
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    lines.append(
        f"Linear time gives {large / small:.1f}× (target: judge+table ≤ 4.5× at 4,000/1,000)."
    )
    return "\n".join(lines)


def compare_outputs(directory: Path, n: int, outputs: dict[str, str]) -> list[str]:
    """The formats whose output differs from the one saved in `directory`."""
    differ = []
    for name, text in outputs.items():
        saved = directory / f"{name}-{n}.txt"
        if not saved.exists() or saved.read_bytes() != text.encode("utf-8"):
            differ.append(f"{name} (N={n})")
    return differ


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 4000])
    parser.add_argument("--repeat", type=int, default=1, help="runs per size; the best counts")
    parser.add_argument("--save", type=Path, help="write each rendered output into this folder")
    parser.add_argument("--check", type=Path, help="compare the outputs with those saved here")
    args = parser.parse_args(argv)
    # The collector's thresholds the command line runs with (app/entry.py): with CPython's
    # defaults, full collections re-scan every record and finding held so far, which grows
    # with N, and the ratios then measure the collector rather than the code.
    tune_gc()
    templates, related = recorded_works()
    times: dict[int, dict[str, float]] = {}
    differ: list[str] = []
    for n in args.sizes:
        times[n], outputs = best_of(max(args.repeat, 1), n, templates, related)
        if args.save:
            args.save.mkdir(parents=True, exist_ok=True)
            for name, text in outputs.items():
                (args.save / f"{name}-{n}.txt").write_bytes(text.encode("utf-8"))
        if args.check:
            differ += compare_outputs(args.check, n, outputs)
    print(markdown_table(args.sizes, times))
    if args.check:
        print("outputs differ: " + ", ".join(differ) if differ else "outputs identical")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
