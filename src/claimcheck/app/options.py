"""The options `audit`, `resolve` and `cache` share, declared once for Typer."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

CrossrefUrl = Annotated[
    str | None,
    typer.Option(
        "--crossref-url",
        help="Base URL of the Crossref REST API (env CLAIMCHECK_CROSSREF_URL).",
        show_default="https://api.crossref.org",
    ),
]
DataCiteUrl = Annotated[
    str | None,
    typer.Option(
        "--datacite-url",
        help="Base URL of the DataCite REST API, asked about DOIs Crossref names as "
        "DataCite's, online only (env CLAIMCHECK_DATACITE_URL).",
        show_default="DataCite's public REST API",
    ),
]
Mailto = Annotated[
    str | None,
    typer.Option(
        "--mailto",
        help="Your e-mail, sent in the User-Agent so Crossref serves you from its faster "
        "polite pool (env CLAIMCHECK_MAILTO).",
    ),
]
Timeout = Annotated[
    float | None,
    typer.Option(
        "--timeout",
        help="Seconds one whole response (headers and body) may take (env "
        "CLAIMCHECK_TIMEOUT). [default: 20]",
    ),
]
Deadline = Annotated[
    float | None,
    typer.Option(
        "--deadline",
        help="Seconds the whole run may spend on lookups; what is left after it is "
        "`unverified` (exit 3) (env CLAIMCHECK_DEADLINE). [default: none]",
        show_default=False,
    ),
]
Retries = Annotated[
    int | None,
    typer.Option("--retries", help="Retries after a timeout, reset, 429 or 5xx. [default: 4]"),
]
Replay = Annotated[
    Path | None,
    typer.Option(
        "--replay",
        help="Answer every lookup from an evidence snapshot folder; never use the network. "
        "A DOI missing from it is `unverified`.",
    ),
]
RetractionWatch = Annotated[
    Path | None,
    typer.Option(
        "--retraction-watch",
        metavar="CSV",
        help="Also check retractions against a local copy of the Retraction Watch data "
        "(the CSV Crossref publishes in its GitLab repository crossref/retraction-watch-data); "
        "indexed once into the cache folder. Works with --offline "
        "(env CLAIMCHECK_RETRACTION_WATCH).",
        show_default=False,
    ),
]
Record = Annotated[
    Path | None,
    typer.Option(
        "--record",
        help="Save every Crossref response the run used into this folder, byte for byte, "
        "with index.json (URL and time of each).",
    ),
]
CacheDir = Annotated[
    Path | None,
    typer.Option(
        "--cache-dir",
        help="Where the SQLite cache of Crossref answers lives (env CLAIMCHECK_CACHE_DIR). "
        "[default: the user cache directory]",
        show_default=False,
    ),
]
Fresh = Annotated[
    bool, typer.Option("--fresh", help="Do not read the cache (answers are still stored).")
]
Offline = Annotated[
    bool,
    typer.Option("--offline", help="Use only the cache; a DOI not in it is `unverified`."),
]
MaxRps = Annotated[
    float | None,
    typer.Option(
        "--max-rps",
        help="Lower the request rate (per second) below what Crossref advertises; "
        "it is never raised above it.",
        show_default=False,
    ),
]
Concurrency = Annotated[
    int | None,
    typer.Option(
        "--concurrency",
        help="Lower the requests in flight below Crossref's x-concurrency-limit. [default: 3]",
        show_default=False,
    ),
]
Debug = Annotated[bool, typer.Option("--debug", help="Show a traceback on internal errors.")]
