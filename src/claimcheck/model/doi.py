"""Pure DOI normalisation, validation and URL encoding.

A DOI is `10.<registrant>/<suffix>`. The suffix may hold almost anything, including the
`<>;()[]#?/` and commas of SICI DOIs, so a DOI is always percent-encoded as one path segment.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote, unquote, urlsplit

from claimcheck.model.errors import DoiError

# Registrant codes are 4 to 9 digits, optionally subdivided (10.1000.10/...). The suffix is
# any run of printable, non-space characters.
_DOI = re.compile(r"10\.\d{4,9}(?:\.\d+)*/\S+")
# Labels written before a bare DOI: `doi:10.x`, `DOI: 10.x`, `DOI 10.x`, and the URI forms
# `info:doi/10.x` (RFC 4452) and `urn:doi:10.x`. Matched after NFKC, so `doi：` counts too.
_LABEL = re.compile(r"^(?:doi\s*:\s*|doi\s+|info:doi/|urn:doi:)", re.IGNORECASE)
# Text that is a URL: any http(s) URL, or a resolver host written without its scheme.
_URL = re.compile(r"^(?:https?://|(?:(?:dx|www)\.)?doi\.org/|hdl\.handle\.net/)", re.IGNORECASE)
_SCHEME = re.compile(r"^https?://", re.IGNORECASE)
# Hosts whose whole path is the DOI (the DOI Handbook's resolvers; a DOI is a Handle).
_RESOLVERS = frozenset({"doi.org", "dx.doi.org", "www.doi.org", "hdl.handle.net"})
# Publisher landing pages put the DOI after a `/doi/` segment and up to two view segments:
# Wiley `/doi/10.1002/job.1858`, PNAS `/doi/full/10.1073/…`, ACS, SAGE, T&F `/doi/abs/…`.
_DOI_PATH = re.compile(r"/doi/(?:[a-z]+/){0,2}(10\..*)", re.IGNORECASE)
# Query parameters that carry a DOI: PLOS `article?id=10.1371/…`, and `?doi=10.x`.
_DOI_PARAMETERS = frozenset({"id", "doi"})
_DOI_START = re.compile(r"10\.")
# The end of a SICI DOI: its control segment (`3.0.CO`), version `;2-`, and a check character,
# which may be `#` (`…<2174::AID-ANIE2174>3.0.CO;2-#`). Such a `#` ending a URL is the DOI's.
_SICI_BEFORE_CHECK = re.compile(r"\.[A-Z]{2};2-$", re.IGNORECASE)
# Copy-paste punctuation after a DOI, ASCII and the full-width forms of Chinese and Japanese
# text ("10.1000/xyz。"). A DOI ending in one of these is not worth the false refusals.
_TRAILING_PUNCTUATION = ".,;。．，；"
# A closing bracket is stripped only when it has no partner in the DOI: SICI DOIs hold
# balanced pairs (`10.1016/S0140-6736(97)11096-0`), "(doi:10.1000/xyz)" does not.
_CLOSERS = {")": "(", "）": "（"}
# Unicode categories no DOI contains: controls (C0 and C1), format characters (bidi marks,
# zero-width, soft hyphen), surrogates, private use, unassigned, line/paragraph separators.
_INVISIBLE = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]")
# A DOI already bare: printable ASCII, no space, not ending in punctuation that would be
# stripped. Every step of the general path leaves it as it is, so only its case changes.
_BARE = re.compile(r"10\.[0-9]{4,9}(?:\.[0-9]+)*/[!-~]*[!-(*+\-/-:<-~]")


def normalize_doi(raw: str) -> str:
    """Return the DOI in `raw` in canonical form: bare, lower-cased, without trailing punctuation.

    Accepts `10.x/y`; the labels `doi:`, `DOI `, `info:doi/`, `urn:doi:` (full-width `doi：`
    too); resolver URLs (doi.org, dx.doi.org, hdl.handle.net) and publisher `/doi/` or `?id=`
    URLs, whose query and fragment are dropped; copy-paste punctuation (`.`, `,`, `;`, an
    unbalanced `)`) around it. Raises DoiError when `raw` is not a DOI: it never picks a DOI
    out of prose.
    """
    if _BARE.fullmatch(raw):  # most DOIs in a claim map: one match, not the whole normalisation
        return raw.lower()
    return _normalize(raw)


def _normalize(raw: str) -> str:
    text = raw.strip()
    _refuse_invisible(text)
    text = _nfkc_before_doi(text).lstrip("(").strip()
    if _URL.match(text):
        # A URL carries the DOI percent-encoded; the DOI itself is the decoded text, which
        # must be checked again (`%00`, `%E2%80%AE` decode to characters no DOI holds).
        text = _doi_in_url(text)
        _refuse_invisible(text)
    else:
        text = _LABEL.sub("", text, count=1).strip()
    return _validated(_strip_trailing(text)).lower()


_ESCAPE = re.compile(r"%[0-9a-f]{2}", re.IGNORECASE)


def decoded_if_escaped(doi: str) -> str | None:
    """The DOI `doi` would be if its `%XX` were URL escapes (`…%3C1019::AID…` -> `…<1019…`),
    or None when it holds none, or decodes to no DOI. Outside a URL a DOI is read as written
    (a `%` may belong to it), so this is only ever offered as a hint."""
    if not _ESCAPE.search(doi):
        return None
    try:
        decoded = _validated(unquote(doi, errors="strict")).lower()
        _refuse_invisible(decoded)
    except (DoiError, UnicodeDecodeError):
        return None
    return decoded if decoded != doi else None


def _refuse_invisible(text: str) -> None:
    # The only invisible ASCII characters are controls, which _CONTROL finds: the walk over
    # every character's category is needed only beyond ASCII (most DOIs never go there).
    if _CONTROL.search(text) or (
        not text.isascii() and any(unicodedata.category(c) in _INVISIBLE for c in text)
    ):
        raise DoiError("contains control or invisible characters")


def _nfkc_before_doi(text: str) -> str:
    """NFKC-normalise the text before the first `10.`, so `doi：`, `ＤＯＩ` and U+3000 read as
    ASCII; the DOI itself is left as written, since NFKC would change a suffix's characters.
    """
    start = _DOI_START.search(text)
    if start is None:
        return text
    return unicodedata.normalize("NFKC", text[: start.start()]) + text[start.start() :]


def _doi_in_url(url: str) -> str:
    """The DOI in a resolver or publisher URL; a `?` starts the query and `#` the fragment,
    except the `#` that ends a SICI DOI as its check character (`…3.0.CO;2-#`)."""
    try:
        parts = urlsplit(url if _SCHEME.match(url) else f"https://{url}")
    except ValueError as exc:  # e.g. an unclosed `[` in the host
        raise DoiError("is a URL that cannot be read") from exc
    in_path = None
    if (parts.hostname or "") in _RESOLVERS:
        in_path = unquote(parts.path.removeprefix("/"))
    elif found := _DOI_PATH.search(unquote(parts.path)):
        in_path = found.group(1)
    if in_path is not None:
        # `#` then nothing, or only the punctuation after a link (`…2-#.`), is no fragment.
        ends = "#" in url and not parts.fragment.strip(_TRAILING_PUNCTUATION)
        checked = ends and not parts.query and _SICI_BEFORE_CHECK.search(in_path)
        return in_path + "#" if checked else in_path
    for parameter in parts.query.split("&"):
        name, _, value = parameter.partition("=")
        # unquote, not unquote_plus: `+` is a legal DOI character (10.5555/a+b).
        if name.lower() in _DOI_PARAMETERS and unquote(value).startswith("10."):
            return unquote(value)
    raise DoiError("is a URL with no DOI in it (expected doi.org/10.… or a /doi/10.… path)")


def _strip_trailing(text: str) -> str:
    """Drop copy-paste punctuation: `10.1000/xyz).` and `(doi:10.1000/xyz)` end in `xyz`."""
    while text and (text[-1] in _TRAILING_PUNCTUATION or _unbalanced_closer(text)):
        text = text[:-1]
    return text


def _unbalanced_closer(text: str) -> bool:
    last = text[-1]
    return last in _CLOSERS and text.count(last) > text.count(_CLOSERS[last])


def _validated(text: str) -> str:
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
    return text


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
