"""The HTML report's pictures: a bar of claim and reference statuses, and the claim x
reference matrix coloured by the cited reference's status."""

from __future__ import annotations

from collections.abc import Sequence

from claimcheck.model.claimmap import Role
from claimcheck.model.results import (
    AuditResult,
    ClaimResult,
    ClaimStatus,
    MapResult,
    ReferenceResult,
    ReferenceStatus,
)
from claimcheck.reporters import html_assets as assets
from claimcheck.reporters.html_text import GLYPH, badge, esc

# Past this many claim x reference cells the matrix stops being a picture and is left out.
MATRIX_MAX_CELLS = 4000


def pictures(result: AuditResult) -> str:
    claims = [c.status for c in result.claims]
    refs = [r.status for r in result.references]
    parts = [
        _bar("Claims by status", [(s.value, claims.count(s)) for s in ClaimStatus]),
        _bar("References by status", [(s.value, refs.count(s)) for s in ReferenceStatus]),
        *[_matrix(m, index) for index, m in enumerate(result.maps)],
    ]
    return '<section id="overview">\n<h2>Overview</h2>\n' + "".join(parts) + "</section>\n"


def _bar(label: str, counts: Sequence[tuple[str, int]]) -> str:
    """A stacked bar (inline SVG) of statuses, and a legend that says the same in text."""
    shown = [(status, n) for status, n in counts if n]
    total = sum(n for _, n in shown)
    if not total:
        return ""
    rects, x = [], 0
    for index, (status, n) in enumerate(shown):
        # Integer widths, the last taking the rounding remainder: the same bytes every run.
        width = 1000 - x if index == len(shown) - 1 else n * 1000 // total
        rects.append(
            f'<rect class="{status}" x="{x}" y="0" width="{width}" height="20">'
            f"<title>{status}: {n}</title></rect>"
        )
        x += width
    words = ", ".join(f"{n} {status}" for status, n in shown)
    legend = "".join(f"<li>{badge(status, f'{status} {n}')}</li>" for status, n in shown)
    return (
        f"<h3>{esc(label)}</h3>\n"
        f'<svg class="bar" viewBox="0 0 1000 20" preserveAspectRatio="none" role="img" '
        f'aria-label="{esc(f"{label}: {words}")}">{"".join(rects)}</svg>\n'
        f'<ul class="legend">{legend}</ul>\n'
    )


def _matrix(map_result: MapResult, m: int) -> str:
    """Claims (rows) by references (columns): each cell a citation, coloured and marked by
    the cited reference's status."""
    refs, claims = map_result.references, map_result.claims
    if not refs or not claims:
        return ""
    title = f"<h3>Citations in {esc(map_result.claim_map.path)}</h3>\n"
    if len(refs) * len(claims) > MATRIX_MAX_CELLS:
        size = f"{len(claims)} claims × {len(refs)} references"
        return f'{title}<p class="muted">{size}: too many to draw.</p>\n'
    head = "".join(
        f'<th scope="col"><a href="#m{m}-r{j}">{esc(r.reference.id)}</a></th>'
        for j, r in enumerate(refs)
    )
    rows = "".join(_matrix_row(c, j, m, refs) for j, c in enumerate(claims))
    return (
        f'{title}<div class="matrix"><table><caption class="sr">Which claim cites which '
        "reference, by the reference's status</caption><thead><tr><td></td>"
        f'<th scope="col">claim status</th>{head}</tr></thead><tbody>{rows}</tbody></table>'
        f"</div>\n{assets.MATRIX_LEGEND}"
    )


def _matrix_row(claim: ClaimResult, j: int, m: int, refs: Sequence[ReferenceResult]) -> str:
    roles: dict[str, Role] = {}
    for citation in claim.claim.cites:
        roles.setdefault(citation.ref, citation.role)
    cells = []
    for ref in refs:
        role = roles.get(ref.reference.id)
        if role is None:
            cells.append('<td class="empty"></td>')
            continue
        status, weak = ref.status.value, "" if role.is_evidence else " weak"
        note = f"{claim.claim.id} cites {ref.reference.id} as {role.value}; it is {status}"
        cells.append(
            f'<td class="cite {status}{weak}" title="{esc(note)}">{GLYPH[status]}'
            f'<span class="sr"> {esc(f"{role.value}, {status}")}</span></td>'
        )
    return (
        f'<tr><th scope="row"><a href="#m{m}-c{j}">{esc(claim.claim.id)}</a></th>'
        f"<td>{badge(claim.status.value)}</td>{''.join(cells)}</tr>"
    )
