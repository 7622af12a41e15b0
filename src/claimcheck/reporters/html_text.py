"""Text made inert for the HTML report, and the small pieces every part of it uses: DOI
links and status badges."""

from __future__ import annotations

import html
from urllib.parse import quote

from claimcheck.model.results import (
    ClaimStatus,
    ReferenceStatus,
)
from claimcheck.model.sanitize import visible

DOI_RESOLVER = "https://doi.org/"


# A glyph beside each colour, so that a status reads without colour vision too.
GLYPH = {
    **{s.value: g for s, g in zip(ReferenceStatus, "✓i!✕?", strict=True)},
    **{s.value: g for s, g in zip(ClaimStatus, "✓!✕–?", strict=True)},
}


def esc(text: str | None) -> str:
    """`text` as inert HTML, fit for an element or a quoted attribute: `& < > " '` become
    entities, and control, bidi and invisible formatting characters show as `\\uXXXX`, so a
    registry title can neither add markup nor reorder or hide the text around it."""
    return html.escape(visible(text or "", keep="\n"), quote=True)


def doi_href(doi: str) -> str:
    """The escaped doi.org URL of `doi`. Everything but `/` and RFC 3986's unreserved
    characters is percent-encoded, so no character of a hostile DOI can end the attribute,
    start a query or fragment, or change the scheme or host."""
    return esc(DOI_RESOLVER + quote(doi, safe="/", errors="surrogatepass"))


def doi_link(doi: str) -> str:
    return f'<a href="{doi_href(doi)}" rel="noopener noreferrer">{esc(doi)}</a>'


def badge(status: str, label: str | None = None) -> str:
    glyph = GLYPH.get(status)
    text = f"{glyph} {label or status}" if glyph else label or status
    return f'<span class="badge {esc(status)}">{esc(text)}</span>'
