"""Why an offline run could not check a DOI: the words of its `unverified` finding.

"Not in the cache" is said only of a DOI the cache holds nothing for. A cache warmed on a
connected machine and copied to an offline runner serves for the status TTL (24 hours by
default), and its answers are kept for the metadata TTL (30 days): a message that called an
aged answer missing would send the user looking for a cache they have.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from claimcheck.cache.entries import CacheEntry, age_text

if TYPE_CHECKING:
    from claimcheck.cache.store import Cache


def why_not_served(entry: CacheEntry | None, cache: Cache, base_url: str, recording: bool) -> str:
    """Why `entry`, the DOI's cached `/works` answer from `base_url` (None: no row at all,
    at any age), did not answer an offline lookup."""
    if cache.problem is not None:
        return f"offline, and the cache cannot be used: {cache.problem}"
    if entry is None:
        return f"not in the cache for {base_url}"
    now = cache.clock()
    cached = f"offline, and the cached answer from {base_url}"
    if not entry.fresh_for_metadata(now, cache.metadata_ttl):
        days = cache.metadata_ttl.total_seconds() / 86400
        return (
            f"{cached} is {age_text(entry.age(now))} old, past the {days:g} days within which a"
            " cached answer is trusted at all (CLAIMCHECK_METADATA_TTL_DAYS)"
        )
    if entry.fresh_for_status(now, cache.status_ttl):
        # A fresh answer left unused: --record needs the answer as sent, which the cache does
        # not keep for a found work (answers.CachedAnswers._chunk); or the row cannot be read
        # (a 404 without its agency answer, a body that no longer parses).
        if recording:
            return (
                f"{cached} cannot be recorded: the cache keeps claimcheck's own form of it,"
                " not the answer as sent"
            )
        return f"{cached} cannot be read or is incomplete"
    hours = cache.status_ttl.total_seconds() / 3600
    since = "the DOI" if entry.status == 404 else "a retraction"
    return (
        f"{cached} is {age_text(entry.age(now))} old, past the {hours:g} h within which a"
        " cached answer is trusted for update status (CLAIMCHECK_STATUS_TTL_HOURS);"
        f" {since} may have been registered since"
    )
