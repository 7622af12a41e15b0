"""`claimcheck import FILE`: a claim-map skeleton from a bibliography, written safely, with
`--match` filling in the DOIs a search by metadata finds confidently (README, "Starting a
claim map from a bibliography")."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from claimcheck.app.interrupts import Document
from claimcheck.app.services import open_client, open_search
from claimcheck.app.settings import Settings, notice
from claimcheck.inputs.discovery import MAX_FILE_BYTES
from claimcheck.inputs.importers import ImportResult, import_references, render_claim_map
from claimcheck.model.claimmap import ClaimMap, Reference
from claimcheck.model.doi import normalize_doi
from claimcheck.model.errors import DoiError, ExitCode, UsageError
from claimcheck.model.location import Location

# What `import` writes on stdout, as an interrupt while it is written names it (for -o's
# file: outputs.write_claim_map).
CLAIM_MAP = Document("claim map")


def run_import_command(
    source: Path,
    output: Path | None,
    settings: Settings,
    *,
    input_format: str | None = None,
    match: bool = False,
    force: bool = False,
) -> int:
    if output is not None:
        _refuse_output(source, output, settings, force=force, match=match)
    result = import_references(source, format=input_format)
    for note in result.notes:
        notice(f"{source}: {note}", quiet=settings.quiet)
    comments: dict[str, str] = {}
    dois: dict[str, str] = {}
    failed: list[str] = []
    searched = 0
    if match:
        comments, dois, failed, searched = _matched(result, settings)
    warnings = [_failed_searches(failed, searched)] if failed else []
    text = render_claim_map(
        result, source_name=source.name, match_comments=comments, dois=dois, warnings=warnings
    )
    data = text.encode("utf-8")
    if len(data) > MAX_FILE_BYTES:
        # The loader refuses such a map: writing one would only defer the error to `audit`.
        raise UsageError(
            f"{source}: the claim map would be {len(data)} bytes, over the {MAX_FILE_BYTES} "
            "a claim map may have; import the bibliography in parts"
        )
    # Like audit's failed lookups: the map is written, and the run is incomplete (exit 3).
    # Said on stderr even under -q, as the code alone would not say why.
    code = ExitCode.INCOMPLETE if failed else ExitCode.OK
    for warning in warnings:
        notice(f"warning: {warning}")
    if output is None:
        from claimcheck.app.runner import write_stdout_whole

        write_stdout_whole(text, CLAIM_MAP, for_people=False)
        return int(code)
    matched = (f", {len(dois)} matched by metadata" if match else "") + (
        f", {len(failed)} not matched: the search failed" if failed else ""
    )
    _write_file(output, data, result, matched, settings)
    return int(code)


def _write_file(
    output: Path, data: bytes, result: ImportResult, matched: str, settings: Settings
) -> None:
    """The map at `output`, atomically, and a line saying what it holds (`matched`: what
    the search found, or "")."""
    from claimcheck.app.outputs import write_claim_map

    try:
        write_claim_map(output, data)
    except OSError as exc:
        # A read-only place, a file used as a folder: the path's fault, as `init` says.
        raise UsageError(f"-o {output}: cannot write it: {exc.strerror or exc}") from None
    printed = sum(1 for r in result.references if r.doi)
    notice(
        f"wrote {output}: {len(result.references)} references, {printed} with a printed DOI"
        + matched
        + f"; add the claims, then run: claimcheck audit {output}",
        quiet=settings.quiet,
    )


def _failed_searches(failed: Sequence[str], searched: int) -> str:
    """The warning for searches that failed, naming how many and the first reason."""
    return (
        f"{len(failed)} of {searched} searches by metadata failed ({failed[0]}), so "
        f"{'that reference was' if len(failed) == 1 else 'those references were'} not "
        "matched; run the import with --match again when the search can be reached"
    )


def _refuse_output(
    source: Path, output: Path, settings: Settings, *, force: bool, match: bool
) -> None:
    """Never over the input or into a folder the run uses, and never over an existing file
    without --force; `-o -` is not stdout, which is where the map goes without -o, and is
    refused rather than written to a file named "-"."""
    if str(output) == "-":
        raise UsageError("-o -: to write the claim map to stdout, leave out -o")
    from claimcheck.app.outputs import special_kind
    from claimcheck.transport.files import blocking_parent

    # `-o refs.bib/map.yaml`: said before the import, in words (the OS says "File exists").
    blocked = blocking_parent(output)
    if blocked is not None:
        raise UsageError(f"-o {output}: cannot write it: {blocked} is not a folder")
    if output.exists() and os.path.samefile(output, source):
        raise UsageError(f"-o {output}: that is the file being imported; choose another path")
    # Before --force is looked at: it overwrites an old claim map, never what the run reads
    # or writes (a snapshot's index.json, the cache database).
    _refuse_inputs(source, output, settings, match=match)
    if output.is_dir():
        raise UsageError(f"-o {output}: a directory, not a file")
    kind = special_kind(output)
    if kind is not None:  # never replaced, so --force is no remedy
        raise UsageError(f"-o {output}: {kind}, not a regular file; give the path of a file")
    if output.exists() and not force:
        raise UsageError(f"-o {output}: the file exists; use --force to overwrite it")


def _refuse_inputs(source: Path, output: Path, settings: Settings, *, match: bool) -> None:
    """Exit 2, as `audit` does, when `output` is the source or inside a folder the run
    reads or writes: --replay, --record, the cache (the default one too when matching)."""
    from claimcheck.app.outputs import Output, refuse_inputs
    from claimcheck.cache.store import default_cache_dir

    folders = [p for p in (settings.replay, settings.record, settings.cache_dir) if p]
    if match and settings.cache_dir is None:
        folders.append(default_cache_dir())
    refuse_inputs([Output("yaml", output, str(output))], [source], folders, "the claim map")


def _references(result: ImportResult) -> tuple[Reference, ...]:
    """The imported references as the loader would make them, for the matcher."""
    references = []
    for imported in result.references:
        try:
            doi = normalize_doi(imported.doi) if imported.doi else None
        except DoiError:
            doi = None
        references.append(
            Reference(
                id=imported.id,
                location=Location(imported.line, 1),
                doi=doi,
                cited_as=imported.cited_as,
                title=imported.title,
                authors=imported.authors,
                year=imported.year,
                journal=imported.journal,
                volume=imported.volume,
                issue=imported.issue,
                pages=imported.pages,
            )
        )
    return tuple(references)


def _matched(
    result: ImportResult, settings: Settings
) -> tuple[dict[str, str], dict[str, str], list[str], int]:
    """Search Crossref for every reference without a printed DOI: confident matches are
    filled in (with a comment saying so), weak and ambiguous ones are left as comments for a
    person to confirm. Also why each failed search failed, and how many searches there were."""
    from claimcheck.audit import search_matches

    claim_map = ClaimMap(str(result.path), 1, _references(result), ())
    client, _source = open_client(settings)
    with client:
        search = open_search(settings, client)
        matches = search_matches([claim_map], search)
    comments, dois = _comments({ref_id: m for (_path, ref_id), m in matches.items()})
    failed = [m.error for m in matches.values() if m.error is not None]
    return comments, dois, failed, len(matches)


def _comments(matches: Mapping[str, object]) -> tuple[dict[str, str], dict[str, str]]:
    from claimcheck.checks.matched import Match
    from claimcheck.checks.matching import MatchStatus

    comments: dict[str, str] = {}
    dois: dict[str, str] = {}
    for ref_id, match in matches.items():
        assert isinstance(match, Match)
        outcome, best = match.outcome, match.outcome.best
        if match.error is not None:
            comments[ref_id] = f"searched by metadata, but the search failed: {match.error}"
        elif best is not None and outcome.status is MatchStatus.CONFIDENT:
            dois[ref_id] = best.doi
            comments[ref_id] = (
                f"matched by metadata: {best.doi} ({best.label}), similarity "
                f"{best.similarity:.2f}, Crossref score {best.score:g}"
            )
        elif best is not None and outcome.status is MatchStatus.WEAK:
            comments[ref_id] = (
                f"possible match, not filled in (weak, similarity {best.similarity:.2f}): "
                f"{best.doi} ({best.label}); confirm it by hand"
            )
        elif outcome.status is MatchStatus.AMBIGUOUS:
            named = ", ".join(c.doi for c in outcome.candidates[:3])
            comments[ref_id] = f"several works match; pick one by hand: {named}"
        elif outcome.status is MatchStatus.NONE:
            comments[ref_id] = "searched by metadata: no work matched well enough"
    return comments, dois
