"""What each CLI command does, given settings: load, look up, judge, render, exit code.

Machine output goes to stdout and stays valid whatever the exit code; notices, progress and
the one-sentence gate summary go to stderr.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from claimcheck.app.head_start import ProgressRelay, head_start, import_judging
from claimcheck.app.interrupts import REPORT, Document, writing
from claimcheck.app.services import open_client, open_datacite, open_event_sources, open_search
from claimcheck.app.settings import Settings, notice
from claimcheck.model.errors import ClaimMapError, ExitCode, UsageError
from claimcheck.model.findings import FindingCode
from claimcheck.model.record import Lookup

# What `resolve` writes on stdout, as an interrupt while it is written names it.
RECORD = Document("record")

if TYPE_CHECKING:
    from claimcheck.app.outputs import Output
    from claimcheck.model.claimmap import ClaimMap
    from claimcheck.model.results import AuditResult
    from claimcheck.sources.crossref.client import CrossrefClient


def _notice(settings: Settings, message: str) -> None:
    # Through the one stderr writer, which escapes what registry text may carry and
    # redacts the credentials in URLs (a password, a secret query value).
    notice(message, quiet=settings.quiet)


def _pool_notice(settings: Settings) -> None:
    if settings.mode == "offline" and settings.record:
        _notice(
            settings,
            "--record with --offline: the snapshot gets only what the cache answers; a DOI "
            "not in the cache is unverified and not recorded",
        )
    if settings.mode == "offline":
        # The cache keeps each answer under the server that gave it: say which one is read.
        _notice(settings, f"offline: answers come only from the cache of {settings.crossref_url}")
    if settings.mode == "online" and not settings.mailto:
        _notice(
            settings,
            "no --mailto given: lookups go to Crossref's slower public pool "
            "(set --mailto or CLAIMCHECK_MAILTO to join the polite pool)",
        )


PROGRESS_AFTER_SECONDS = 1.0


@contextmanager
def _progress(settings: Settings, total: int) -> Iterator[Callable[[Lookup], None]]:
    """A Rich progress bar on stderr, only on a terminal, without --quiet, and only once an
    audit has taken longer than about a second (a quick one would just flicker)."""
    # sys.stderr is None when fd 2 was closed at start (`2>&-`): no bar, and no failure.
    if settings.quiet or total < 2 or sys.stderr is None or not sys.stderr.isatty():
        yield lambda _lookup: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    columns = (TextColumn("looking up DOIs"), BarColumn(), MofNCompleteColumn())
    from claimcheck.app.runner import MAX_WIDTH

    # Rich would read COLUMNS and LINES itself, and int() refuses a value of thousands of
    # digits; shutil ignores one it cannot read. The width is capped as the table's is.
    size = shutil.get_terminal_size()
    console = Console(stderr=True, width=min(size.columns, MAX_WIDTH), height=size.lines)
    bar = Progress(*columns, console=console, transient=True)
    task = bar.add_task("lookups", total=total)
    started_at = time.monotonic()
    shown = False

    def advance(_lookup: Lookup) -> None:
        nonlocal shown
        bar.advance(task)
        if not shown and time.monotonic() - started_at > PROGRESS_AFTER_SECONDS:
            bar.start()
            shown = True

    try:
        yield advance
    finally:
        if shown:
            bar.stop()


def find_claim_maps(paths: Sequence[Path], settings: Settings) -> list[Path]:
    """The claim maps `discover_claim_maps` finds. Each file skipped in a directory gets one
    notice, so none is passed over in silence."""
    from claimcheck.inputs.discovery import discover_claim_maps

    files, skipped = discover_claim_maps(paths)
    for path, why in skipped:
        _notice(settings, f"skipped {path}: {why}")
    return list(files)


def load_claim_maps(files: Sequence[Path]) -> list[ClaimMap]:
    """Load every map; the errors of all of them are reported together."""
    from claimcheck.inputs.claimmap import load_claim_map

    maps, errors = [], []
    for path in files:
        try:
            maps.append(load_claim_map(path))
        except ClaimMapError as exc:
            errors.extend(exc.errors)
    if errors:
        raise ClaimMapError(errors)
    return maps


def run_audit_command(
    paths: Sequence[Path],
    output_format: str,
    options: Mapping[str, Any],
    stdout: tuple[int, bool],
    outputs: Sequence[str] = (),
) -> int:
    """`claimcheck audit`, from the command's option values (`settings_of`): read here, so
    that invalid settings, like every other failure before the reports are written, give
    each sound `-o` file its failure document."""
    from claimcheck.app.failure_outputs import (
        known_inputs,
        possible_inputs,
        write_failure_documents,
    )
    from claimcheck.app.options import settings_of
    from claimcheck.app.outputs import check_outputs, refuse_inputs
    from claimcheck.reporters import FORMATS

    files, problem = check_outputs(outputs, list(FORMATS))
    settings, inputs = None, None
    try:
        settings = settings_of(dict(options))
        if problem is not None:
            raise UsageError(problem)
        map_files = find_claim_maps(paths, settings)
        inputs = known_inputs(map_files, settings)
        refuse_inputs(files, inputs.files, inputs.folders)
        result = _audit(map_files, output_format, settings, files)
    except Exception as exc:
        # A CI step that uploads the -o files must find a valid file saying what went wrong,
        # not the report of an earlier run. An interruption (not an Exception) changes none.
        # Imported only here: the reporters would delay an audit's first request.
        from claimcheck.reporters.failure import failure_of

        inputs = inputs or possible_inputs(paths, options, os.environ)
        quiet = settings.quiet if settings else bool(options.get("quiet"))
        write_failure_documents(files, inputs, failure_of(exc), quiet)
        raise
    return _report(result, output_format, settings, stdout, files)


def _audit(
    map_files: Sequence[Path],
    output_format: str,
    settings: Settings,
    files: Sequence[Output],
) -> AuditResult:
    """Load the claim maps, look up every DOI and judge."""
    from claimcheck.audit import AuditOptions, planned_lookups, run_audit

    client, source = open_client(settings)
    progress = ProgressRelay()
    try:
        started = head_start(client, map_files, settings, progress)
        claim_maps = load_claim_maps(map_files)
        events = open_event_sources(settings)
        if started:
            import_judging(output_format, [f.format for f in files])
    except BaseException:
        # Requests not yet sent are not sent. Those on the wire finish within --timeout;
        # the client is not closed under them.
        client.cancel()
        raise
    # Crossref's fetcher: DataCite's lookups end by its deadline, and record beside it;
    # Crossref's cache: DataCite's answers are kept in it too.
    datacite, datacite_used = open_datacite(settings, client.fetcher, client.cache)
    used = (*source.used, datacite_used, *(e.used() for e in events))
    source = replace(source, used=tuple(used))
    _pool_notice(settings)
    checked_at = datetime.now(UTC).replace(microsecond=0)
    options = AuditOptions(
        policy=settings.policy,
        today=settings.as_of or checked_at.date(),
        checked_at=checked_at,
        source=source,
    )
    try:
        with client, _progress(settings, planned_lookups(claim_maps)) as on_lookup:
            progress.attach(on_lookup)
            result = run_audit(
                claim_maps,
                client,
                options,
                progress,
                events=events,
                datacite=datacite,
                search=open_search(settings, client),
            )
    finally:
        for event_source in events:
            event_source.close()
        datacite.close()
    _refuse_wrong_server(client)
    return result


def _report(
    result: AuditResult,
    output_format: str,
    settings: Settings,
    stdout: tuple[int, bool],
    files: Sequence[Output],
) -> int:
    """Write the reports (each `-o` file, then stdout) and the notices; the exit code.

    Stdout's report is made whole first (`_finished`), then written with the files as one
    step: an interrupt that comes once the first file is begun waits until the last byte is
    on stdout (`writing`), so the run never ends with a report cut off and a failure
    document after it, nor with a file replaced that stderr says was not."""
    pieces = _finished(lambda: render_audit(result, output_format, stdout))
    with writing(REPORT) as report:
        report.missing = unwritten = _write_outputs(result, files, settings)
        _write(pieces, for_people=output_format == "table")
    for finding in result.findings:
        if finding.code is FindingCode.UNVERIFIED:
            _notice(settings, f"unverified: {finding.message}")
    from claimcheck.reporters.gate import gate_sentence

    _notice(settings, gate_sentence(result))
    if unwritten:
        notice(  # even with --quiet, as each unwritten file is (_write_outputs)
            f"exit {int(ExitCode.OUTPUT_FAILED)}: {unwritten} report file(s) could not be "
            "written; the audit itself completed (its report is on stdout)",
        )
        return int(ExitCode.OUTPUT_FAILED)
    return result.exit_code


def _write_outputs(result: AuditResult, files: Sequence[Output], settings: Settings) -> int:
    """Write each `-o` report; a failure is named on stderr and counted, and never discards
    the audit (it still goes to stdout)."""
    from claimcheck.app.outputs import write_output

    failed = 0
    for output in files:
        try:
            pieces = render_audit(result, output.format, (120, False))
            write_output(output.path, (piece.encode() for piece in pieces))
        except OSError as exc:
            failed += 1
            # Shown even with --quiet: a lost report is lost data, and exit 74 alone does not
            # say which file (README, "-q": warnings that data was lost are still shown).
            notice(f"--output {output.spec}: cannot write it: {exc.strerror or exc}")
    return failed


def _refuse_wrong_server(client: CrossrefClient) -> None:
    """A server that never answered as Crossref checked nothing: exit 2, not a report of
    missing DOIs (README, "Exit codes": 2 is "nothing was checked")."""
    if client.server_problem and not client.answered_as_crossref:
        raise UsageError(client.server_problem)


def render_audit(
    result: AuditResult, output_format: str, stdout: tuple[int, bool]
) -> Iterable[str]:
    """The report in pieces, made as they are written (reporters, `chunks`)."""
    if output_format == "table":
        from claimcheck.reporters.table import render

        width, color = stdout
        return (render(result, width=width, color=color),)
    from claimcheck.reporters import chunker

    return chunker(output_format)(result)


def run_resolve_command(
    raw_doi: str, output_format: str, settings: Settings, stdout: tuple[int, bool]
) -> int:
    from claimcheck.app.runner import write_stdout_whole
    from claimcheck.model.doi import normalize_doi
    from claimcheck.model.errors import DoiError
    from claimcheck.reporters.resolve import render_json, render_table
    from claimcheck.resolve import resolve_doi

    try:
        doi = normalize_doi(raw_doi)
    except DoiError as exc:
        raise UsageError(f"{raw_doi!r} is not a DOI: it {exc}") from exc
    events = open_event_sources(settings)
    client, _source = open_client(settings)
    # As in an audit: DataCite is asked about a DataCite DOI (read from the snapshot when
    # replaying, recorded with --record, from the cache offline), by the same deadline.
    datacite, _used = open_datacite(settings, client.fetcher, client.cache)
    _pool_notice(settings)
    try:
        with client:
            resolution = resolve_doi(client, doi, events=events, datacite=datacite)
    finally:
        for event_source in events:
            event_source.close()
        datacite.close()
    _refuse_wrong_server(client)
    if output_format == "json":
        text = render_json(resolution)
    else:
        width, color = stdout
        text = render_table(resolution, width=width, color=color)
    # Rendered first: a failure while rendering leaves stdout to the failure document.
    write_stdout_whole(text, RECORD, for_people=output_format != "json")
    for problem in (resolution.lookup.error, resolution.datacite_problem):
        if problem:
            _notice(settings, f"{doi}: {problem}")
    return int(resolution.exit_code)


def _finished(render: Callable[[], Iterable[str]]) -> Iterable[str]:
    """The report made whole before its first byte goes to stdout: a failure while rendering
    must leave stdout empty, for the failure document, never half a report. It is spooled
    through an unnamed temporary file, so a report of 10,000 references is not held in memory
    a second time; in memory when no temporary file can be written."""
    import tempfile

    try:
        # Closed by _read_and_close once stdout has it, or below on failure.
        spool = tempfile.TemporaryFile("w+", encoding="utf-8", newline="")  # noqa: SIM115
    except OSError:
        return list(render())
    try:
        spool.writelines(render())
        spool.seek(0)
    except OSError:  # the temporary folder is full
        spool.close()
        return list(render())
    except BaseException:
        spool.close()
        raise
    return _read_and_close(spool)


def _read_and_close(spool: IO[str]) -> Iterator[str]:
    with spool:
        while block := spool.read(1 << 16):
            yield block


def _write(pieces: str | Iterable[str], for_people: bool) -> None:
    """The report on stdout: a closed pipe or a full disk ends the run with exit 74 and one
    line on stderr (`write_stdout`); the audit ran, its report could not be written. Every
    format but the table is a document, written in UTF-8 whatever stdout's encoding."""
    from claimcheck.app.runner import write_stdout

    write_stdout(pieces, "the report", for_people=for_people)
