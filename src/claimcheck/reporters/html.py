"""`--format html`: the audit as one self-contained HTML page, for a person with a browser or
an e-mail attachment. Pure: the same result renders the same bytes.

Self-contained: the only style and script are the constants of html_assets.py, inline; the
page loads nothing (no font, image, stylesheet or script from anywhere), and its
Content-Security-Policy forbids every load, so a mistake here fails closed in the browser.
The only links out go to `https://doi.org/`, and only when a person clicks one.

Only the structure is ours. Every piece of text from the data (claim map and registry alike)
goes through `esc`: unsafe characters made visible (`sanitize`), then `html.escape` with
quotes, so it is inert in an element and in a quoted attribute. Data never goes into a
script, a style, an id or a URL, with one exception: a DOI in a doi.org link, percent-encoded
by `doi_href` so that it cannot leave the path. Ids and in-page links are made from indexes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from claimcheck import __version__
from claimcheck.model.claimmap import Claim, Reference
from claimcheck.model.errors import ExitCode
from claimcheck.model.events import Disagreement, UpdateEvent
from claimcheck.model.findings import Finding, Severity, applicable
from claimcheck.model.record import Lookup, Work
from claimcheck.model.results import (
    AuditResult,
    ClaimResult,
    MapResult,
    ReferenceResult,
    ReferenceStatus,
)
from claimcheck.reporters import html_assets as assets
from claimcheck.reporters.gate import gate_sentence
from claimcheck.reporters.html_overview import pictures
from claimcheck.reporters.html_text import badge, doi_link, esc
from claimcheck.reporters.words import counted

SEVERITIES = (Severity.ERROR, Severity.WARNING, Severity.INFO)
GATE = {ExitCode.OK: ("pass", "Gate passed"), ExitCode.GATE_FAILED: ("fail", "Gate failed")}
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*")
_FIELDS = ("title", "authors", "year", "journal", "volume", "issue", "pages")


def render(result: AuditResult) -> str:
    return "".join(chunks(result))


def chunks(result: AuditResult) -> Iterator[str]:
    """The page in pieces: the summary, pictures and filters, then one piece per finding
    table, claim and reference, each made only when it is written."""
    page = _Page.of(result)
    title = "claimcheck audit: " + ", ".join(result.files)
    yield (
        f'{assets.HEAD}<meta name="generator" content="claimcheck {esc(__version__)}">\n'
        f"<title>{esc(title)}</title>\n<style>{assets.CSS}</style>\n</head>\n<body>\n"
    )
    yield _summary(result, page.findings)
    yield pictures(result)
    yield _filters(page.findings)
    yield _findings_table(page.findings, page)
    for index, map_result in enumerate(result.maps):
        yield from _map_sections(map_result, index, page)
    yield f"</main>\n<script>{assets.JS}</script>\n</body>\n</html>\n"


def failure(code: int, message: str, problems: Sequence[Mapping[str, Any]], at: datetime) -> str:
    """The page a run that failed before its report leaves (failure.py, `render_failure`), so
    an uploaded `-o report.html` still says what went wrong, with the exit code."""
    lines = [f"{p['file']}:{p['line']}:{p['column']}: {p['message']}" for p in problems]
    items = "".join(f"<li>{esc(line)}</li>" for line in lines)
    return (
        f"{assets.HEAD}<title>claimcheck: exit {code}</title>\n<style>{assets.CSS}</style>\n"
        f"</head>\n<body>\n<main>\n<h1>claimcheck: exit {code}, nothing to report</h1>\n"
        f'<p class="gate fail" role="alert">{esc(message)}</p>\n'
        + (f"<ul>{items}</ul>\n" if items else "")
        + f'<p class="muted">{at.strftime("%Y-%m-%dT%H:%M:%SZ")}</p>\n</main>\n</body>\n</html>\n'
    )


@dataclass
class _Page:
    """In-page anchors, and each reference's and claim's findings, indexed in one pass."""

    findings: tuple[Finding, ...]
    claims: dict[tuple[str, str], str] = field(default_factory=dict)  # (file, id) -> anchor
    refs: dict[tuple[str, str], str] = field(default_factory=dict)
    by_ref: dict[tuple[int, str], list[Finding]] = field(default_factory=dict)  # (map, id)
    by_claim: dict[tuple[int, str], list[Finding]] = field(default_factory=dict)  # its own

    @classmethod
    def of(cls, result: AuditResult) -> _Page:
        page = cls(result.findings)  # a property that sorts every finding: read it once
        for m, map_result in enumerate(result.maps):
            path = map_result.claim_map.path
            for j, claim in enumerate(map_result.claims):
                page.claims.setdefault((path, claim.claim.id), f"m{m}-c{j}")
            for j, ref in enumerate(map_result.references):
                page.refs.setdefault((path, ref.reference.id), f"m{m}-r{j}")
            for finding in map_result.findings:
                if finding.reference is not None:
                    page.by_ref.setdefault((m, finding.reference), []).append(finding)
                elif finding.claim is not None:
                    page.by_claim.setdefault((m, finding.claim), []).append(finding)
        return page

    def link(self, kind: str, file: str, item: str | None) -> str:
        if item is None:
            return "—"
        anchor = (self.claims if kind == "claim" else self.refs).get((file, item))
        return f'<a href="#{anchor}">{esc(item)}</a>' if anchor else esc(item)


# --- pieces ----------------------------------------------------------------------------------


def _pairs(findings: Iterable[Finding]) -> str:
    """The filter key of an element (html_assets.JS): `severity:code` of each finding."""
    return esc(" ".join(dict.fromkeys(f"{f.severity.value}:{f.code.value}" for f in findings)))


def _where(file: str, line: int | None) -> str:
    return esc(f"{file}:{line}" if line else file)


def _lang(language: str | None) -> str:
    """A `lang` attribute for the article's own text, only for a well-formed language tag."""
    return f' lang="{esc(language)}"' if language and _LANGUAGE_TAG.fullmatch(language) else ""


def _facts(rows: Sequence[tuple[str, str]]) -> str:
    """A definition list; the values are HTML, escaped already."""
    items = "".join(f"<dt>{esc(k)}</dt><dd>{v}</dd>" for k, v in rows)
    return f'<dl class="facts">{items}</dl>\n'


def _table(caption: str, columns: Sequence[str], rows: Sequence[str]) -> str:
    head = "".join(f'<th scope="col">{esc(c)}</th>' for c in columns)
    return (
        f'<table><caption class="sr">{esc(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>\n"
    )


# --- summary and pictures --------------------------------------------------------------------


def _summary(result: AuditResult, findings: Sequence[Finding]) -> str:
    kind, word = GATE.get(ExitCode(result.exit_code), ("incomplete", "Incomplete"))
    severities = [f.severity for f in findings]
    counts = " ".join(badge(s.value, counted(severities.count(s), s.value)) for s in SEVERITIES)
    references = result.references
    unverified = sum(1 for r in references if r.status is ReferenceStatus.UNVERIFIED)
    articles = [m.claim_map.article for m in result.maps if m.claim_map.article]
    rows = [
        ("Exit code", esc(str(result.exit_code))),
        ("Findings", counts),
        ("References", esc(f"{len(references)} ({unverified} unverified)")),
        ("Claims", esc(str(len(result.claims)))),
        ("Checked at", esc(result.checked_at.strftime("%Y-%m-%dT%H:%M:%SZ"))),
        ("Claim maps", esc(", ".join(result.files))),
        *[("Article", esc(a.title or a.url)) for a in articles if a.title or a.url],
        ("Mode", esc(result.source.mode)),
        ("Crossref", esc(result.source.crossref)),
        ("Sources used", esc("; ".join(u.describe() for u in result.source.used)) or "—"),
    ]
    return (
        "<header>\n<h1>claimcheck audit</h1>\n"
        f'<p class="gate {kind}" role="status"><span>{esc(word)}:</span> '
        f"{esc(gate_sentence(result))}</p>\n{_facts(rows)}</header>\n<main>\n"
    )


# --- filters and findings --------------------------------------------------------------------


def _filters(findings: Sequence[Finding]) -> str:
    codes: dict[str, int] = {}
    for finding in findings:
        codes[finding.code.value] = codes.get(finding.code.value, 0) + 1
    options = "".join(
        f'<option value="{esc(code)}">{esc(f"{code} ({n})")}</option>'
        for code, n in sorted(codes.items())
    )
    return assets.FILTERS_START + options + assets.FILTERS_END


def _findings_list(findings: Sequence[Finding]) -> str:
    items = "".join(
        f'<li data-f="{_pairs([f])}">{badge(f.severity.value)} '
        f'<span class="code">{esc(f.code.value)}</span> {esc(f.message)}</li>'
        for f in findings
    )
    return f'<ul class="findings">{items}</ul>' if items else '<p class="muted">No findings.</p>'


def _finding_row(finding: Finding, page: _Page) -> str:
    line = finding.location.line if finding.location else None
    return (
        f'<tr class="searchable" data-kind="finding" data-f="{_pairs([finding])}">'
        f"<td>{badge(finding.severity.value)}</td>"
        f'<td class="code">{esc(finding.code.value)}</td>'
        f"<td>{page.link('reference', finding.file, finding.reference)}</td>"
        f"<td>{page.link('claim', finding.file, finding.claim)}</td>"
        f'<td>{esc(finding.message)}</td><td class="code">{_where(finding.file, line)}</td></tr>'
    )


def _findings_table(findings: Sequence[Finding], page: _Page) -> str:
    heading = f'<section id="findings">\n<h2>Findings ({len(findings)})</h2>\n'
    if not findings:
        return heading + "<p>No findings.</p>\n</section>\n"
    columns = ("severity", "code", "reference", "claim", "message", "where")
    rows = [_finding_row(f, page) for f in findings]
    return heading + _table("Every finding, most severe first", columns, rows) + "</section>\n"


# --- claims and references -------------------------------------------------------------------


def _map_sections(map_result: MapResult, m: int, page: _Page) -> Iterator[str]:
    path, claims, refs = map_result.claim_map.path, map_result.claims, map_result.references
    article = map_result.claim_map.article
    where = (m, path, _lang(article.language if article else None))
    status = {r.reference.id: r.status.value for r in refs}
    yield f'<section class="claims">\n<h2>Claims in {esc(path)} ({len(claims)})</h2>\n'
    yield from (_claim_item(c, f"m{m}-c{j}", where, status, page) for j, c in enumerate(claims))
    yield f'</section>\n<section class="references">\n<h2>References in {esc(path)} '
    yield f"({len(refs)})</h2>\n"
    for j, ref in enumerate(refs):
        yield _reference_item(ref, f"m{m}-r{j}", path, page.by_ref.get((m, ref.reference.id), []))
    yield "</section>\n"


def _claim_findings(claim: Claim, m: int, page: _Page) -> list[Finding]:
    """The findings that bear on a claim: its own, and each citation's (`applicable`)."""
    own = page.by_claim.get((m, claim.id), [])
    cited = [
        f
        for citation in claim.cites
        for f in applicable(page.by_ref.get((m, citation.ref), ()), citation.ref, claim.id)
    ]
    return list({id(f): f for f in own + cited}.values())  # once each, in order


def _claim_item(
    result: ClaimResult,
    anchor: str,
    where: tuple[int, str, str],
    status: dict[str, str],
    page: _Page,
) -> str:
    m, path, language = where
    claim = result.claim
    findings = _claim_findings(claim, m, page)
    parts = [
        f'<article class="item claim searchable" id="{anchor}" data-kind="claim" '
        f'data-f="{_pairs(findings)}">',
        f"<h3>{esc(claim.id)} {badge(result.status.value)}</h3>",
        f'<p class="text"{language}>{esc(claim.text)}</p>',
    ]
    if claim.translation:
        parts.append(
            '<p class="translation"><span class="muted">Translation:</span> '
            f"{esc(claim.translation)}</p>"
        )
    parts.append(f'<p><span class="muted">Why:</span> {esc(result.reason)}</p>')
    if claim.cites:
        rows = [
            f"<tr><td>{page.link('reference', path, c.ref)}</td><td>{esc(c.role.value)}</td>"
            f"<td>{badge(status.get(c.ref, 'unverified'))}</td></tr>"
            for c in claim.cites
        ]
        columns = ("reference", "role", "reference status")
        parts.append(_table(f"Citations of {claim.id}", columns, rows))
    parts.append(_findings_list(findings))
    parts.append(f'<p class="muted code">{_where(path, claim.location.line)}</p></article>\n')
    return "\n".join(parts)


def _reference_item(
    result: ReferenceResult, anchor: str, path: str, findings: list[Finding]
) -> str:
    ref = result.reference
    verdict = result.editorial.verdict.value if result.editorial else "not read"
    parts = [
        f'<article class="item ref searchable" id="{anchor}" data-kind="reference" '
        f'data-f="{_pairs(findings)}">',
        f"<h3>{esc(ref.id)} {badge(result.status.value)} "
        f'<span class="muted">editorial verdict: {esc(verdict)}</span></h3>',
        _facts(_identity(ref, result.lookup)),
        _comparison(ref, result.work),
        _events(result.updates),
        _disagreements(result.disagreements),
        _findings_list(findings),
        f'<p class="muted code">{_where(path, ref.location.line)}</p></article>\n',
    ]
    return "\n".join(p for p in parts if p)


def _identity(ref: Reference, lookup: Lookup | None) -> list[tuple[str, str]]:
    if ref.doi:
        doi = doi_link(ref.doi)
    elif ref.doi_input:
        doi = f'{esc(ref.doi_input)} <span class="muted">(not a DOI: {esc(ref.doi_error)})</span>'
    else:
        doi = "none given"
    rows = [("DOI", doi)]
    if ref.cited_as:
        rows.append(("Cited as", esc(ref.cited_as)))
    if lookup is not None:
        found = lookup.status.value + (f", {lookup.agency}" if lookup.agency else "")
        found += f": {lookup.error}" if lookup.error else ""
        found += f" (cached {round(lookup.cache_age)} s)" if lookup.cache_age is not None else ""
        rows.append(("Lookup", esc(found)))
    return rows


def _comparison(ref: Reference, work: Work | None) -> str:
    """The reference as cited beside the registry's record, field by field."""
    authors = "; ".join(ref.authors) + (" et al." if ref.authors_truncated else "")
    cited = [ref.title, authors, ref.year, ref.journal, ref.volume, ref.issue, ref.pages]
    registry: list[str | int | None] = [None] * len(cited)
    if work is not None:
        title = f"{work.title}: {work.subtitle}" if work.subtitle else work.title
        names = "; ".join(a.display for a in work.authors)
        pages = work.page or work.article_number
        registry = [title, names, work.year, work.journal, work.volume, work.issue, pages]
    rows = [
        f'<tr><th scope="row">{name}</th><td>{_cell(mine)}</td><td>{_cell(theirs)}</td></tr>'
        for name, mine, theirs in zip(_FIELDS, cited, registry, strict=True)
    ]
    columns = ("field", "cited", "registry record" if work else "registry record (none read)")
    return _table(f"{ref.id} as cited and as registered", columns, rows)


def _cell(value: str | int | None) -> str:
    return esc(str(value)) if value not in (None, "") else "—"


def _events(events: Sequence[UpdateEvent]) -> str:
    if not events:
        return ""
    rows = [
        f"<tr><td>{esc(e.kind.value)} ({esc(e.type)})</td><td>{esc(e.direction.value)}</td>"
        f"<td>{_cell(e.date)}</td><td>{esc(', '.join(e.sources))}</td>"
        f"<td>{doi_link(e.doi) if e.doi else '—'}"
        f"{'<br>' + esc(e.title) if e.title else ''}</td></tr>"
        for e in events
    ]
    columns = ("kind (type)", "direction", "date", "sources", "notice")
    return "<h4>Editorial events</h4>\n" + _table("Editorial events", columns, rows)


def _disagreements(disagreements: Sequence[Disagreement]) -> str:
    if not disagreements:
        return ""
    items = "".join(
        f"<li>{esc(d.kind.value)} {doi_link(d.doi) if d.doi else '(in place)'}: listed by "
        f"{esc(', '.join(d.listed_by))}, not by {esc(', '.join(d.not_listed_by))}</li>"
        for d in disagreements
    )
    return f"<h4>Sources disagree</h4>\n<ul>{items}</ul>\n"
