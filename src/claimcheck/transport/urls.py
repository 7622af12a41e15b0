"""Credentials in a `--crossref-url` (`https://user:secret@host/`) are for the request only.

httpx sends them as Basic auth; everything claimcheck prints, reports or records names the
server as `https://***@host/` instead. Standard library only, so settings, evidence and the
stderr notice helper can import it without pulling in anything heavy.
"""

from __future__ import annotations

import re

REDACTED = "***"
# A scheme, `://`, then the userinfo: everything up to the authority's last `@` (RFC 3986
# §3.2; a password may hold a raw `@`), never past the `/`, `?` or `#` that ends the
# authority, nor past white space when the URL sits inside a sentence.
_USERINFO = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*://)[^\s/?#]*@")


def redact_url(url: str) -> str:
    """`url` with any userinfo replaced by `***`; a URL without one is returned as is."""
    return redact_urls(url)


def redact_urls(text: str) -> str:
    """Free text (an error message, a notice) with the userinfo of every URL in it redacted."""
    return _USERINFO.sub(rf"\g<1>{REDACTED}@", text)
