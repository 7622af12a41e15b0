"""What each CLI command does, given settings: load, look up, judge, render, exit code.

Machine output goes to stdout and stays valid whatever the exit code; notices, progress and
the one-sentence gate summary go to stderr.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from claimcheck.errors import ExitCode, UsageError
from claimcheck.models import AuditResult, FindingCode, Lookup
from claimcheck.settings import Settings, open_client


def _notice(settings: Settings, message: str) -> None:
    if not settings.quiet:
        print(f"claimcheck: {message}", file=sys.stderr)


def _pool_notice(settings: Settings) -> None:
    if settings.mode == "online" and not settings.mailto:
        _notice(
            settings,
            "no --mailto given: lookups go to Crossref's slower public pool "
            "(set --mailto or CLAIMCHECK_MAILTO to join the polite pool)",
        )


@contextmanager
def _progress(settings: Settings, total: int) -> Iterator[Callable[[Lookup], None]]:
    """A Rich progress bar on stderr, only on a terminal and without --quiet."""
    if settings.quiet or total < 2 or not sys.stderr.isatty():
        yield lambda _lookup: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    columns = (TextColumn("looking up DOIs"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("lookups", total=total)
        yield lambda _lookup: bar.advance(task)


def run_audit_command(
    path: Path, output_format: str, settings: Settings, stdout: tuple[int, bool]
) -> int:
    from claimcheck.audit import AuditOptions, planned_lookups, run_audit
    from claimcheck.claimmap import load_claim_map

    claim_map = load_claim_map(path)
    client, source = open_client(settings)
    _pool_notice(settings)
    checked_at = datetime.now(UTC).replace(microsecond=0)
    options = AuditOptions(
        fail_on=settings.fail_on,
        today=settings.as_of or checked_at.date(),
        checked_at=checked_at,
        source=source,
    )
    try:
        with _progress(settings, planned_lookups(claim_map)) as on_lookup:
            result = run_audit(claim_map, client, options, on_lookup)
    finally:
        client.close()
    _write(render_audit(result, output_format, stdout))
    for finding in result.findings:
        if finding.code is FindingCode.UNVERIFIED:
            _notice(settings, f"unverified: {finding.message}")
    _notice(settings, gate_sentence(result))
    return result.exit_code


def render_audit(result: AuditResult, output_format: str, stdout: tuple[int, bool]) -> str:
    if output_format == "table":
        from claimcheck.reporters.table import render

        width, color = stdout
        return render(result, width=width, color=color)
    from claimcheck.reporters import renderer

    return renderer(output_format)(result)


def gate_sentence(result: AuditResult) -> str:
    """One sentence saying why the gate passed or failed."""
    threshold = result.fail_on
    failing = [
        f
        for f in result.findings
        if f.severity.rank >= threshold.rank and f.code is not FindingCode.UNVERIFIED
    ]
    unverified = [f for f in result.findings if f.code is FindingCode.UNVERIFIED]
    if result.exit_code == ExitCode.GATE_FAILED:
        codes = ", ".join(sorted({f.code.value for f in failing}))
        return (
            f"gate failed (exit 1): {len(failing)} finding(s) at or above {threshold.value} "
            f"({codes})."
        )
    if result.exit_code == ExitCode.INCOMPLETE:
        return (
            f"incomplete (exit 3): {len(unverified)} lookup(s) failed, so those references are "
            "unverified; nothing else fails the gate."
        )
    return f"gate passed (exit 0): no finding at or above {threshold.value}."


def run_resolve_command(
    raw_doi: str, output_format: str, settings: Settings, stdout: tuple[int, bool]
) -> int:
    from claimcheck.doi import normalize_doi
    from claimcheck.errors import DoiError
    from claimcheck.reporters.resolve import render_json, render_table
    from claimcheck.resolve import resolve_doi

    try:
        doi = normalize_doi(raw_doi)
    except DoiError as exc:
        raise UsageError(f"{raw_doi!r} is not a DOI: it {exc}") from exc
    client, _source = open_client(settings)
    _pool_notice(settings)
    try:
        resolution = resolve_doi(client, doi)
    finally:
        client.close()
    if output_format == "json":
        _write(render_json(resolution))
    else:
        width, color = stdout
        _write(render_table(resolution, width=width, color=color))
    if resolution.lookup.error:
        _notice(settings, f"{doi}: {resolution.lookup.error}")
    return int(resolution.exit_code)


def _write(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()
