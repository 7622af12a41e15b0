"""What each CLI command does, given settings: load, look up, judge, render, exit code.

Machine output goes to stdout and stays valid whatever the exit code; notices, progress and
the one-sentence gate summary go to stderr.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from claimcheck.errors import ClaimMapError, ExitCode, UsageError
from claimcheck.evidence import write_atomic
from claimcheck.models import AuditResult, ClaimMap, FindingCode, Lookup
from claimcheck.settings import Settings, open_client

if TYPE_CHECKING:
    from claimcheck.crossref import CrossrefClient


def _notice(settings: Settings, message: str) -> None:
    if not settings.quiet:
        print(f"claimcheck: {message}", file=sys.stderr)


def _pool_notice(settings: Settings) -> None:
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
    if settings.quiet or total < 2 or not sys.stderr.isatty():
        yield lambda _lookup: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    columns = (TextColumn("looking up DOIs"), BarColumn(), MofNCompleteColumn())
    bar = Progress(*columns, console=Console(stderr=True), transient=True)
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


def discover_claim_maps(paths: Sequence[Path]) -> list[Path]:
    """The claim maps named: files as given, and every `*.yaml` / `*.yml` in a directory
    (not descending into subdirectories), each once, in a stable order."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            inside = sorted(p for p in path.iterdir() if p.suffix in {".yaml", ".yml"})
            if not inside:
                raise UsageError(f"{path}: no *.yaml claim maps in this directory")
            found.extend(p for p in inside if p.is_file())
        elif path.exists():
            found.append(path)
        else:
            raise UsageError(f"{path}: no such file or directory")
    unique = dict.fromkeys(found)
    return list(unique)


def load_claim_maps(paths: Sequence[Path]) -> list[ClaimMap]:
    """Load every map; the errors of all of them are reported together."""
    from claimcheck.claimmap import load_claim_map

    maps, errors = [], []
    for path in discover_claim_maps(paths):
        try:
            maps.append(load_claim_map(path))
        except ClaimMapError as exc:
            errors.extend(exc.errors)
    if errors:
        raise ClaimMapError(errors)
    return maps


# A bare `--output PATH` takes its format from the file's extension.
_EXTENSIONS = {".json": "json", ".sarif": "sarif", ".xml": "junit", ".md": "markdown"}


def parse_outputs(specs: Sequence[str]) -> list[tuple[str, Path]]:
    """`--output FORMAT=PATH` or `--output PATH`, checked before anything is looked up."""
    from claimcheck.reporters import FORMATS

    outputs = []
    for spec in specs:
        name, sep, target = spec.partition("=")
        if not sep:
            name, target = _EXTENSIONS.get(Path(spec).suffix.lower(), ""), spec
            if not name:
                raise UsageError(
                    f"--output {spec!r}: expected FORMAT=PATH (e.g. sarif=report.sarif), or a "
                    f"path ending in {', '.join(_EXTENSIONS)}"
                )
        if target and Path(target).is_dir():
            raise UsageError(f"--output {spec!r}: {target} is a directory, not a file")
        if name not in FORMATS or not target:
            raise UsageError(
                f"--output {spec!r}: expected FORMAT=PATH, FORMAT one of {', '.join(FORMATS)}"
            )
        outputs.append((name, Path(target)))
    return outputs


def run_audit_command(
    paths: Sequence[Path],
    output_format: str,
    settings: Settings,
    stdout: tuple[int, bool],
    outputs: Sequence[str] = (),
) -> int:
    from claimcheck.audit import AuditOptions, planned_lookups, run_audit

    files = parse_outputs(outputs)
    claim_maps = load_claim_maps(paths)
    client, source = open_client(settings)
    _pool_notice(settings)
    checked_at = datetime.now(UTC).replace(microsecond=0)
    options = AuditOptions(
        policy=settings.policy,
        today=settings.as_of or checked_at.date(),
        checked_at=checked_at,
        source=source,
    )
    with client, _progress(settings, planned_lookups(claim_maps)) as on_lookup:
        result = run_audit(claim_maps, client, options, on_lookup)
    _refuse_wrong_server(client)
    for name, target in files:
        try:
            write_atomic(target, render_audit(result, name, (120, False)).encode("utf-8"))
        except OSError as exc:
            raise UsageError(f"--output {name}={target}: cannot write it: {exc.strerror}") from None
    _write(render_audit(result, output_format, stdout))
    for finding in result.findings:
        if finding.code is FindingCode.UNVERIFIED:
            _notice(settings, f"unverified: {finding.message}")
    _notice(settings, gate_sentence(result))
    return result.exit_code


def _refuse_wrong_server(client: CrossrefClient) -> None:
    """A server that never answered as Crossref checked nothing: exit 2, not a report of
    missing DOIs (README, "Exit codes": 2 is "nothing was checked")."""
    if client.server_problem and not client.answered_as_crossref:
        raise UsageError(client.server_problem)


def render_audit(result: AuditResult, output_format: str, stdout: tuple[int, bool]) -> str:
    if output_format == "table":
        from claimcheck.reporters.table import render

        width, color = stdout
        return render(result, width=width, color=color)
    from claimcheck.reporters import renderer

    return renderer(output_format)(result)


def gate_sentence(result: AuditResult) -> str:
    """One sentence saying why the gate passed or failed."""
    policy = result.policy
    rule = f"--fail-on {policy.describe()}"
    failing = [f for f in result.findings if policy.fails(f)]
    unverified = [f for f in result.findings if f.code is FindingCode.UNVERIFIED]
    if result.exit_code == ExitCode.GATE_FAILED:
        codes = ", ".join(sorted({f.code.value for f in failing}))
        return f"gate failed (exit 1): {len(failing)} finding(s) match {rule} ({codes})."
    if result.exit_code == ExitCode.INCOMPLETE:
        return (
            f"incomplete (exit 3): {len(unverified)} lookup(s) failed, so those references are "
            f"unverified; nothing matches {rule}. Use --allow-incomplete to pass anyway."
        )
    allowed = f"; {len(unverified)} unverified allowed by --allow-incomplete" if unverified else ""
    return f"gate passed (exit 0): nothing matches {rule}{allowed}."


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
    with client:
        resolution = resolve_doi(client, doi)
    _refuse_wrong_server(client)
    if output_format == "json":
        _write(render_json(resolution))
    else:
        width, color = stdout
        _write(render_table(resolution, width=width, color=color))
    if resolution.lookup.error:
        _notice(settings, f"{doi}: {resolution.lookup.error}")
    return int(resolution.exit_code)


def cache_info_text(settings: Settings) -> str:
    from claimcheck.settings import open_cache

    with open_cache(settings) as cache:
        info = cache.info()
    lines = [
        f"cache: {info.path}",
        f"answers: {info.entries} ({info.works} works, {info.agencies} agency answers)",
        f"size: {info.size_bytes / 1024:.1f} KiB",
    ]
    if info.oldest is not None and info.newest is not None:
        oldest = datetime.fromtimestamp(info.oldest, UTC).strftime("%Y-%m-%d %H:%M:%SZ")
        newest = datetime.fromtimestamp(info.newest, UTC).strftime("%Y-%m-%d %H:%M:%SZ")
        lines.append(f"fetched: {oldest} to {newest}")
    lines.append(
        f"kept: update status {settings.status_ttl_hours:g} h, "
        f"metadata {settings.metadata_ttl_days:g} days"
    )
    return "\n".join(lines)


def _write(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()
