"""Many DOIs per request: `/works?filter=doi:A,doi:B,…&rows=N`. Pure planning and parsing.

Crossref documents no maximum number of `doi:` filters, only URL length: a repeated filter
means OR, and `rows` defaults to 20 (max 1000), so it is always set (https://api.crossref.org/swagger-ui/index.html,
the `/works` filters). Items come back in any order with lower-cased DOIs. A DOI with a comma
cannot go in the filter (the comma separates filters), so it is looked up on its own.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

from claimcheck.sources.crossref.records import MalformedRecord, decode_envelope

MAX_BATCH = 50
# RFC 9110 §4.1 recommends that servers accept request lines of at least 8000 octets; some
# proxies cut at 4096, so a batch stops growing before its URL would pass that.
MAX_URL_LENGTH = 4096


LIST_PREFIX = "/works?filter="  # how every list request starts


def list_request(dois: Sequence[str]) -> str:
    """The request path for one batch. Every DOI character but `:/` is percent-encoded."""
    value = ",".join(f"doi:{doi}" for doi in dois)
    return f"{LIST_PREFIX}{quote(value, safe=':/,')}&rows={len(dois)}"


def plan(
    dois: Sequence[str], base_url: str, *, max_batch: int = MAX_BATCH
) -> tuple[list[list[str]], list[str]]:
    """Split DOIs into batches (by URL length, at most `max_batch`) and DOIs to fetch alone.

    Each DOI's encoded length is computed once and summed, instead of rebuilding the URL for
    every DOI added (`list_request` gives exactly the URL those lengths add up to).
    """
    batches: list[list[str]] = []
    singles = [d for d in dois if "," in d]
    current: list[str] = []
    length = 0
    fixed = len(base_url) + len("/works?filter=&rows=")
    for doi in (d for d in dois if "," not in d):
        size = len(quote(f"doi:{doi}", safe=":/,"))
        grown = length + size + (1 if current else 0)  # a comma between filters
        rows = len(str(len(current) + 1))
        too_long = fixed + grown + rows > MAX_URL_LENGTH
        if current and (len(current) + 1 > max_batch or too_long):
            batches.append(current)
            current, length = [], 0
            grown = size
        current.append(doi)
        length = grown
    if current:
        batches.append(current)
    # A batch of one is a plain /works/{doi}: cheaper on the list rate, and it gets 404s right.
    singles.extend(b[0] for b in batches if len(b) == 1)
    return [b for b in batches if len(b) > 1], singles


def envelope(item: Mapping[str, Any]) -> bytes:
    """A `/works/{doi}` envelope for one list item, as the cache stores a work."""
    document = {"status": "ok", "message-type": "work", "message-version": "1.0.0"}
    return json.dumps({**document, "message": item}, ensure_ascii=True).encode("ascii")


def list_items(body: bytes, document: Any = None) -> dict[str, Mapping[str, Any]]:
    """The items of a work-list response, keyed by lower-cased DOI (`document`: the body
    already parsed)."""
    message = decode_envelope(body, "work-list", document)
    items = message.get("items")
    if not isinstance(items, list):
        raise MalformedRecord("work-list response has no `items` list")
    found: dict[str, Mapping[str, Any]] = {}
    repeated: set[str] = set()
    for item in items:
        if isinstance(item, dict) and isinstance(item.get("DOI"), str):
            doi = item["DOI"].strip().lower()
            if doi in found and found[doi] != item:
                repeated.add(doi)  # two different records for one DOI: neither is the answer
            found[doi] = item
    # Left out, a DOI is asked for on its own (client.py), as one the list missed.
    return {doi: item for doi, item in found.items() if doi not in repeated}
