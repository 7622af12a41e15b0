"""Credentials in a URL are for the request only, never for what claimcheck shows.

Credentials in a `--crossref-url` (`https://user:secret@host/`) are sent by httpx as Basic
auth; everything claimcheck prints, reports or records names the server as
`https://***@host/` instead. The value of a query parameter that carries a secret
(`?token=…`, `&api_key=…`, `&X-Amz-Signature=…`: SECRET_NAMES, SECRET_SUFFIXES) is shown as
`***` too, the parameter's name and the rest of the URL kept, so a message still says which
URL it means. Standard library only, so settings, evidence and the stderr notice helper can
import it without pulling in anything heavy.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

REDACTED = "***"
# A scheme, `://`, then the userinfo: everything up to the authority's last `@` (RFC 3986
# §3.2; a password may hold a raw `@`), never past the `/`, `?` or `#` that ends the
# authority, nor past white space when the URL sits inside a sentence.
_USERINFO = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*://)[^\s/?#]*@")
# A URL in free text runs to the next white space; its parameters are `name=value` after a
# `?`, `&` or `;` (matrix parameters, `;jsessionid=`), the value ending at the next of them
# or at the fragment.
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://\S*")
_PARAM = re.compile(r"([?&;])([^=?&;#\s]+)=([^?&;#\s]*)")
# Parameter names (lower case, `-` read as `_`, percent-decoded) whose value is a secret:
# these names, and every name ending in one of the suffixes (`access_token`, `accessToken`,
# `client_secret`, `x-api-key`, `X-Amz-Signature`, `X-Amz-Credential`, `jsessionid`). `key`,
# `sig` and `pwd` end a secret's name only after `_`: `monkey` is not one. A harmless value
# hidden by a name that only looks secret costs a little help; a secret shown is out.
SECRET_NAMES = frozenset(
    {"apikey", "auth", "authorization", "jwt", "key", "passwd", "pwd", "session", "sig"}
)
SECRET_SUFFIXES = (
    "token",
    "secret",
    "password",
    "signature",
    "credential",
    "credentials",
    "sessionid",
    "session_id",
    "_key",
    "_sig",
    "_pwd",
)
# Characters a URL quoted in a message is often followed by (`'http://h/?token=x'`,
# `…?key=x: refused`): kept after the `***`, so the message around the URL stays readable.
_CLOSERS = "'\")]}>,.:;!?"


def redact_url(url: str) -> str:
    """`url` with its userinfo, and the value of each secret query parameter, replaced by
    `***`; a URL without either is returned as is."""
    return redact_urls(url)


def redact_urls(text: str) -> str:
    """Free text (an error message, a notice) with every URL in it redacted as `redact_url`
    redacts one."""
    text = _USERINFO.sub(rf"\g<1>{REDACTED}@", text)
    return _URL.sub(lambda url: _PARAM.sub(_mask, url[0]), text)


def is_secret_name(name: str) -> bool:
    """Whether a query parameter of this name carries a secret (SECRET_NAMES, SECRET_SUFFIXES),
    in any case, with `-` or `_`, percent-encoded or not."""
    plain = unquote(name).strip().lower().replace("-", "_")
    return plain in SECRET_NAMES or plain.endswith(SECRET_SUFFIXES)


def _mask(param: re.Match[str]) -> str:
    separator, name, value = param.groups()
    if not value or not is_secret_name(name):
        return param[0]
    shown_tail = value[len(value.rstrip(_CLOSERS)) :]
    return f"{separator}{name}={REDACTED}{shown_tail}"
