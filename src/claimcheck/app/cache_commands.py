"""`claimcheck cache info` and `cache clear`: show or empty the cache the settings name."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from claimcheck.app.settings import Settings, notice
from claimcheck.model.errors import UsageError

if TYPE_CHECKING:
    from claimcheck.cache.store import Cache


@contextmanager
def _managed_cache(settings: Settings) -> Iterator[Cache]:
    """The cache that `cache info` and `cache clear` act on. They exist to show or empty it,
    so a cache that cannot be used is a usage error naming why, never "0 answers"; a warning
    that did not stop it (a damaged file moved aside) is still shown."""
    from claimcheck.app.services import open_cache

    warnings: list[str] = []
    with open_cache(settings, warn=warnings.append) as cache:
        yield cache
    if cache.problem is not None:
        raise UsageError(
            f"{cache.problem}; choose another with --cache-dir or CLAIMCHECK_CACHE_DIR"
        )
    for warning in warnings:
        notice(f"warning: {warning}", quiet=settings.quiet)


def cache_clear_text(settings: Settings) -> str:
    with _managed_cache(settings) as cache:
        removed = cache.clear()
    return f"removed {removed} cached answers from {cache.path}"


def cache_info_text(settings: Settings) -> str:
    with _managed_cache(settings) as cache:
        info = cache.info()
    lines = [
        f"cache: {info.path}",
        f"answers: {info.entries} ({info.works} Crossref works, {info.agencies} agency "
        f"answers, {info.datacite} DataCite records)",
        f"size: {info.size_bytes / 1024:.1f} KiB",
    ]
    if info.oldest is not None and info.newest is not None:
        oldest = datetime.fromtimestamp(info.oldest, UTC).strftime("%Y-%m-%d %H:%M:%SZ")
        newest = datetime.fromtimestamp(info.newest, UTC).strftime("%Y-%m-%d %H:%M:%SZ")
        lines.append(f"fetched: {oldest} to {newest}")
    lines.append(
        f"kept: update status and DataCite records {settings.status_ttl_hours:g} h, "
        f"metadata {settings.metadata_ttl_days:g} days"
    )
    return "\n".join(lines)
