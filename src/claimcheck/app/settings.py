"""Frozen settings: command-line options win over CLAIMCHECK_* environment variables, which win
over the defaults. The services they ask for are opened in services.py, so the CLI only wires."""

from __future__ import annotations

import contextlib
import difflib
import math
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from claimcheck.model.audit_options import GatePolicy
from claimcheck.model.errors import UsageError
from claimcheck.model.findings import FindingCode, Severity
from claimcheck.model.sanitize import visible
from claimcheck.transport.fetch import DEFAULT_BASE_URL
from claimcheck.transport.urls import redact_url, redact_urls

if TYPE_CHECKING:
    pass

ENV_PREFIX = "CLAIMCHECK_"


@dataclass(frozen=True)
class Settings:
    crossref_url: str = DEFAULT_BASE_URL
    datacite_url: str | None = None  # None: DataCite's public REST API
    mailto: str | None = None
    crossref_token: str | None = None
    timeout: float = 20.0
    deadline: float | None = None  # seconds for the whole run's lookups
    retries: int = 4
    fail_on: str = "error"  # a severity, or a comma list of finding codes
    allow_incomplete: bool = False
    replay: Path | None = None
    record: Path | None = None
    retraction_watch: Path | None = None  # a local copy of the Retraction Watch CSV
    as_of: date | None = None
    cache_dir: Path | None = None
    fresh: bool = False  # do not read the cache (still write it)
    offline: bool = False  # only the cache: a miss is unverified
    status_ttl_hours: float = 24.0
    metadata_ttl_days: float = 30.0
    max_rps: float | None = None
    concurrency: int | None = None
    no_match: bool = False  # do not search for references that print no DOI
    quiet: bool = False
    debug: bool = False

    def __repr__(self) -> str:
        # A Metadata Plus token, or a password in the Crossref URL, must never reach a log or
        # a traceback.
        shown = {f.name: getattr(self, f.name) for f in fields(self)}
        if shown["crossref_token"]:
            shown["crossref_token"] = "***"
        shown["crossref_url"] = redact_url(self.crossref_url)
        return "Settings(" + ", ".join(f"{k}={v!r}" for k, v in shown.items()) + ")"

    @property
    def policy(self) -> GatePolicy:
        return parse_fail_on(self.fail_on, allow_incomplete=self.allow_incomplete)

    @property
    def mode(self) -> str:
        if self.replay:
            return "replay"
        return "offline" if self.offline else "online"


def _between(low: float, high: float) -> Callable[[str], float]:
    """A parser of a finite number in [low, high]: `inf`, `nan` and `1e300` are refused here,
    with exit 2, instead of overflowing a timer later."""

    def parse(text: str) -> float:
        value = float(text)
        if not math.isfinite(value) or not low <= value <= high:
            raise ValueError(f"must be a number from {low:g} to {high:g}")
        return value

    return parse


def _whole(low: int, high: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        value = int(text)
        if not low <= value <= high:
            raise ValueError(f"must be a whole number from {low} to {high}")
        return value

    return parse


def _token(text: str) -> str:
    # A secret stored with a trailing newline is the common case: strip it. A header value
    # must be visible ASCII; the error never repeats the token.
    token = text.strip()
    if not token or not all(33 <= ord(c) < 127 for c in token):
        raise ValueError("must be visible ASCII characters")
    return token


def _mailto(text: str) -> str:
    # Sent in the User-Agent (Crossref's etiquette: `mailto:address`), a header value: a
    # line break would end the header (refused by httpx, and retried as a network error) and
    # a non-ASCII character cannot be sent (an internal error). Surrounding whitespace, a
    # secret's trailing newline, is stripped; a domain is sent in its ASCII (IDNA) form; a
    # local part has no ASCII form, so is refused.
    address = text.strip()
    if _blank_or_hidden(address):
        raise ValueError("must not hold a space, control or invisible character")
    local, at, domain = address.rpartition("@") if "@" in address else (address, "", "")
    if not local.isascii():
        raise ValueError("the part before @ must be ASCII to be sent in a header")
    if not domain.isascii():
        try:
            domain = domain.encode("idna").decode("ascii")
        except UnicodeError:
            raise ValueError("the domain is not a valid internationalized name") from None
    return f"{local}{at}{domain}"


def _blank_or_hidden(text: str) -> bool:
    """Whether `text` holds white space, a control or an invisible character: what a header
    value, or a URL the HTTP client takes, cannot carry."""
    return any(c.isspace() or not c.isprintable() for c in text)


def _url(text: str) -> str:
    # Surrounding whitespace is stripped: a URL kept as a CI secret often ends in a newline.
    # What the HTTP client would refuse later, as an internal error or as a lookup failing
    # over and over (a control character, no host), is refused here.
    url = text.strip()
    if _blank_or_hidden(url):
        raise ValueError("it holds a space, control or invisible character")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (read for its check: a port that is not a number up to 65535)
    except ValueError as exc:
        # `http://[::1` or `http://h:99999`: refused here, not as an internal error later.
        raise ValueError(f"not a valid URL: {exc}") from None
    if not url.startswith(("http://", "https://")):
        raise ValueError("the URL must start with http:// or https://")
    if not parts.hostname:
        raise ValueError("the URL names no host")
    if parts.query or "#" in url:
        raise ValueError("the URL must not have a query or fragment")
    return url


_ON, _OFF = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


def _flag(text: str) -> bool:
    # A word that is neither on nor off is refused, as a bad number is: read as off, a typo
    # in CLAIMCHECK_OFFLINE=ture would silently send the run online.
    word = text.strip().lower()
    if word not in _ON + _OFF:
        raise ValueError(f"must be one of {', '.join(_ON)} or {', '.join(_OFF)}")
    return word in _ON


def debug_wanted(env: Mapping[str, str]) -> bool:
    """CLAIMCHECK_DEBUG read as the other boolean variables are, for the one place that reads
    it without settings (an internal error): `0` or `false` is off. A word that is neither is
    off here; settings refuse it."""
    return env.get(ENV_PREFIX + "DEBUG", "").strip().lower() in _ON


_PARSERS: dict[str, Callable[[str], Any]] = {
    "crossref_url": _url,
    "datacite_url": _url,
    "mailto": _mailto,
    "crossref_token": _token,
    "timeout": _between(0.1, 3600),
    "deadline": _between(1, 7 * 24 * 3600),
    "retries": _whole(0, 20),
    "fail_on": lambda t: parse_fail_on(t).describe(),
    "replay": Path,
    "record": Path,
    "retraction_watch": Path,
    "as_of": date.fromisoformat,
    "cache_dir": Path,
    "fresh": _flag,
    "offline": _flag,
    "status_ttl_hours": _between(0.001, 24 * 365 * 10),
    "metadata_ttl_days": _between(0.001, 365 * 10),
    "max_rps": _between(0.01, 1000),
    "concurrency": _whole(1, 16),
    "allow_incomplete": _flag,
    "no_match": _flag,
    "quiet": _flag,
    "debug": _flag,
}


def load_settings(cli: Mapping[str, Any], env: Mapping[str, str] | None = None) -> Settings:
    """`cli` holds option values (None = not given); `env` defaults to os.environ."""
    env = os.environ if env is None else env
    values: dict[str, Any] = {}
    for name, parse in _PARSERS.items():
        given = cli.get(name)
        if given is not None:
            values[name] = _parse(f"--{name.replace('_', '-')}", given, parse)
            continue
        raw = env.get(ENV_PREFIX + name.upper())
        if raw not in (None, ""):
            values[name] = _parse(ENV_PREFIX + name.upper(), raw, parse)
    settings = Settings(**values)
    if settings.allow_incomplete and FindingCode.UNVERIFIED in settings.policy.codes:
        raise UsageError("--fail-on unverified contradicts --allow-incomplete")
    if settings.record and settings.record.exists() and not settings.record.is_dir():
        raise UsageError(f"--record: {settings.record} exists and is not a directory")
    if settings.replay and (settings.offline or settings.record):
        raise UsageError("--replay cannot be combined with --offline or --record")
    if settings.offline and settings.fresh:
        raise UsageError("--offline reads only the cache, and --fresh skips reading it")
    return settings


def parse_fail_on(text: str, *, allow_incomplete: bool = False) -> GatePolicy:
    """`error`, `warning`, `info`, or a comma list of finding codes (`retracted,unverified`).

    Raises ValueError naming the unknown code and the closest known one.
    """
    text = text.strip().lower()
    if text in {s.value for s in Severity}:
        return GatePolicy(Severity(text), allow_incomplete=allow_incomplete)
    known = [c.value for c in FindingCode]
    codes = []
    for item in filter(None, (part.strip() for part in text.split(","))):
        if item in {s.value for s in Severity}:
            raise ValueError(
                f"{item!r} is a severity: give one severity alone, or a comma list of "
                "finding codes, not both"
            )
        if item not in known:
            close = difflib.get_close_matches(item, known, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise ValueError(f"{item!r} is neither a severity nor a finding code{hint}")
        codes.append(FindingCode(item))
    if not codes:
        raise ValueError("expected a severity (error, warning, info) or finding codes")
    return GatePolicy(codes=frozenset(codes), allow_incomplete=allow_incomplete)


def _parse(where: str, value: Any, parse: Callable[[str], Any]) -> Any:
    # Typed CLI values are validated like environment text, so --timeout -1 is refused too.
    text = value if isinstance(value, str) else str(value)
    try:
        return parse(text)
    except ValueError as exc:
        # A password in a URL is redacted; these errors reach stderr and stdout JSON.
        shown = "(not shown)" if parse is _token else repr(value)
        if parse is _url:
            # redact_url cannot find the credentials in a URL it cannot parse (a space in the
            # password): such a value is not echoed at all.
            shown = "(not shown)" if _blank_or_hidden(text.strip()) else repr(redact_url(text))
        raise UsageError(f"{where}: invalid value {shown} ({exc})") from None


def notice(message: str, *, quiet: bool = False) -> None:
    """Write `claimcheck: message` as one line on stderr, unless `quiet`: the only way a
    notice or warning reaches stderr.

    Messages carry registry text (a server's Content-Type, a DOI, an error body), so every
    control, bidi or invisible formatting character is shown as `\\uXXXX` (a line break too,
    so that data cannot start a line of its own), and the credentials in any URL (a password,
    a secret query value) are redacted.
    """
    # sys.stderr is None when fd 2 was closed at start (`2>&-`), and print(file=None) would
    # write to stdout, into the report. A notice that cannot be written (stderr closed or
    # full) is dropped: it must not turn a finished run into a failure with another code.
    if not quiet and sys.stderr is not None:
        with contextlib.suppress(OSError, ValueError):
            print(f"claimcheck: {visible(redact_urls(message))}", file=sys.stderr)
