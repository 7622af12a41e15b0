"""Pure DOI normalisation, validation and URL encoding.

A DOI is `10.<registrant>/<suffix>`. The suffix may hold almost anything, including the
`<>;()[]#?/` and commas of SICI DOIs, so a DOI is always percent-encoded as one path segment.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote, unquote

from claimcheck.errors import DoiError

# Registrant codes are 4 to 9 digits, optionally subdivided (10.1000.10/...). The suffix is
# any run of printable, non-space characters.
_DOI = re.compile(r"10\.\d{4,9}(?:\.\d+)*/\S+")
_PREFIXES = re.compile(
    r"""^(?:
        (?:https?://)?(?:(?:dx|www)\.)?doi\.org/   # resolver URLs
      | doi\s*:\s*                                 # doi:10.x, DOI: 10.x
      | doi\s+                                     # DOI 10.x
    )""",
    re.IGNORECASE | re.VERBOSE,
)
_URL_FORM = re.compile(r"^(?:https?://)?(?:(?:dx|www)\.)?doi\.org/", re.IGNORECASE)
_TRAILING_PUNCTUATION = ".,;"
# Unicode categories no DOI contains: controls (C0 and C1), format characters (bidi marks,
# zero-width, soft hyphen), surrogates, private use, unassigned, line/paragraph separators.
_INVISIBLE = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]")


def normalize_doi(raw: str) -> str:
    """Return the DOI in `raw` in canonical form: bare, lower-cased, without trailing punctuation.

    Accepts `10.x/y`, `doi:10.x/y`, `DOI 10.x/y` and resolver URLs, with copy-paste
    punctuation (`.`, `,`, `;`) after it. Raises DoiError when `raw` is not a DOI.
    """
    text = raw.strip()
    if _CONTROL.search(text) or any(unicodedata.category(c) in _INVISIBLE for c in text):
        raise DoiError("contains control or invisible characters")
    was_url = bool(_URL_FORM.match(text))
    text = _PREFIXES.sub("", text, count=1).strip()
    if was_url:
        # A resolver URL carries the DOI percent-encoded; the DOI itself is the decoded text.
        text = unquote(text)
    text = text.rstrip(_TRAILING_PUNCTUATION)
    if not text:
        raise DoiError("is empty")
    if not text.startswith("10."):
        raise DoiError("does not start with the DOI prefix `10.`")
    if "/" not in text:
        raise DoiError("has no `/` between the prefix and the suffix")
    if not _DOI.fullmatch(text):
        prefix, _, suffix = text.partition("/")
        if not suffix:
            raise DoiError("has an empty suffix after `/`")
        if re.search(r"\s", suffix):
            raise DoiError("contains white space")
        raise DoiError(f"has a malformed prefix `{prefix}` (expected `10.` and 4 to 9 digits)")
    return text.lower()


def is_doi(raw: str) -> bool:
    try:
        normalize_doi(raw)
    except DoiError:
        return False
    return True


def doi_path_segment(doi: str) -> str:
    """Percent-encode a DOI as a single URL path segment.

    Crossref's API overview asks clients to "always url-encode DOIs", since DOIs hold
    characters that break URLs (`;#?&/`); see also rcrossref issue #239. Encoding `/` too
    means that no suffix can add path segments (`/../`) or a query (`?`) to the request.
    """
    return quote(doi, safe="")


def doi_filename(doi: str) -> str:
    """A file name for a DOI: lower-cased, `/` as `_`, anything unsafe percent-encoded.

    Matches the naming of tests/data/crossref/reconstructed (`10.1158_0008-5472.can-10-2451`).
    """
    # Percent-encode first (so a `_` in the DOI becomes %5F), then write `/` as `_`: the
    # mapping stays one-to-one, and `10.1000/a/b` and `10.1000/a_b` get different files.
    encoded = quote(doi.lower(), safe="/.-()").replace("_", "%5F")
    return encoded.replace("/", "_")
