"""The options `audit`, `resolve`, `import` and `cache` share, declared once for Typer.

Each option names its metavar (what to type, not Typer's `<str>` or `<float>`), and each one
that has a CLAIMCHECK_* variable names it in its help as `(env CLAIMCHECK_X)`. The variables
are read by `settings.load_settings`, not by click, so click's `show_envvar` cannot list them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer


def path_value(text: str) -> Path:
    """A path given on the command line. An empty one is refused: pathlib reads `""` as `.`,
    so `claimcheck audit "$UNSET"` would audit the current folder, and `--record ""` write
    into it."""
    if isinstance(text, Path):  # a default, already a path
        return text
    if not text:
        raise typer.BadParameter("the path is empty (an unset shell variable?)")
    return Path(text)


CrossrefUrl = Annotated[
    str | None,
    typer.Option(
        "--crossref-url",
        metavar="URL",
        help="Base URL of the Crossref REST API (env CLAIMCHECK_CROSSREF_URL). A Metadata "
        "Plus token is read only from CLAIMCHECK_CROSSREF_TOKEN, never from the command line.",
        show_default="https://api.crossref.org",
    ),
]
DataCiteUrl = Annotated[
    str | None,
    typer.Option(
        "--datacite-url",
        metavar="URL",
        help="Base URL of the DataCite REST API, asked about DOIs Crossref names as "
        "DataCite's, online only (env CLAIMCHECK_DATACITE_URL).",
        show_default="DataCite's public REST API",
    ),
]
Mailto = Annotated[
    str | None,
    typer.Option(
        "--mailto",
        metavar="EMAIL",
        help="Your e-mail, sent in the User-Agent so Crossref serves you from its faster "
        "polite pool (env CLAIMCHECK_MAILTO).",
    ),
]
Timeout = Annotated[
    float | None,
    typer.Option(
        "--timeout",
        metavar="SECONDS",
        help="Seconds one whole response (headers and body) may take (env "
        "CLAIMCHECK_TIMEOUT). [default: 20]",
    ),
]
Deadline = Annotated[
    float | None,
    typer.Option(
        "--deadline",
        metavar="SECONDS",
        help="Seconds the whole run may spend on lookups; what is left after it is "
        "`unverified` (exit 3) (env CLAIMCHECK_DEADLINE). [default: none]",
        show_default=False,
    ),
]
Retries = Annotated[
    int | None,
    typer.Option(
        "--retries",
        metavar="N",
        help="Retries after a timeout, reset, 429 or 5xx (env CLAIMCHECK_RETRIES). [default: 4]",
    ),
]
Replay = Annotated[
    Path | None,
    typer.Option(
        "--replay",
        parser=path_value,
        metavar="DIR",
        help="Answer every lookup from an evidence snapshot folder; never use the network. "
        "An answer missing from it is a failed lookup (env CLAIMCHECK_REPLAY).",
    ),
]
RetractionWatch = Annotated[
    Path | None,
    typer.Option(
        "--retraction-watch",
        parser=path_value,
        metavar="CSV",
        help="Also check retractions against a local copy of the Retraction Watch data, "
        "the CSV that Crossref publishes in the GitLab repository "
        "crossref/retraction-watch-data; indexed once into the cache folder. Works with "
        "--offline (env CLAIMCHECK_RETRACTION_WATCH).",
        show_default=False,
    ),
]
Record = Annotated[
    Path | None,
    typer.Option(
        "--record",
        parser=path_value,
        metavar="DIR",
        help="Save every response the run used (Crossref's and DataCite's) into this folder, "
        "byte for byte, with index.json (URL and time of each) (env CLAIMCHECK_RECORD).",
    ),
]
# The two cache lifetimes are set only through the environment: they are named here, with the
# cache, so that every CLAIMCHECK_* variable can be found in `--help`.
CacheDir = Annotated[
    Path | None,
    typer.Option(
        "--cache-dir",
        parser=path_value,
        metavar="DIR",
        help="Where the SQLite cache of Crossref's and DataCite's answers lives (env "
        "CLAIMCHECK_CACHE_DIR). A cached update status, and DataCite's answer, is used for "
        "CLAIMCHECK_STATUS_TTL_HOURS (default 24), the rest of a Crossref record for "
        "CLAIMCHECK_METADATA_TTL_DAYS (default 30). "
        "[default: the user cache directory]",
        show_default=False,
    ),
]
Fresh = Annotated[
    bool,
    typer.Option(
        "--fresh",
        help="Do not read the cache (answers are still stored) (env CLAIMCHECK_FRESH).",
    ),
]
Offline = Annotated[
    bool,
    typer.Option(
        "--offline",
        help="Use only the cache; a DOI not in it is `unverified` (env CLAIMCHECK_OFFLINE).",
    ),
]
MaxRps = Annotated[
    float | None,
    typer.Option(
        "--max-rps",
        metavar="N",
        help="Lower the request rate (per second) below what Crossref advertises; "
        "it is never raised above it (env CLAIMCHECK_MAX_RPS).",
        show_default=False,
    ),
]
Concurrency = Annotated[
    int | None,
    typer.Option(
        "--concurrency",
        metavar="N",
        help="Lower the requests in flight below Crossref's x-concurrency-limit "
        "(env CLAIMCHECK_CONCURRENCY). [default: what Crossref advertises: 3 with --mailto, "
        "1 without]",
        show_default=False,
    ),
]
Debug = Annotated[
    bool,
    typer.Option("--debug", help="Show a traceback on internal errors (env CLAIMCHECK_DEBUG)."),
]
NoMatch = Annotated[
    bool,
    typer.Option(
        "--no-match",
        help="Do not search Crossref for references that print no DOI; they stay "
        "doi-missing (env CLAIMCHECK_NO_MATCH).",
    ),
]

Quiet = Annotated[
    bool,
    typer.Option(
        "--quiet",
        "-q",
        help=(
            "No progress or notices on stderr; a warning that input data was lost (unreadable "
            "rows of the Retraction Watch CSV) is still shown (env CLAIMCHECK_QUIET)."
        ),
    ),
]
# `import` reads no Retraction Watch CSV: what -q leaves is its own warning.
ImportQuiet = Annotated[
    bool,
    typer.Option(
        "--quiet",
        "-q",
        help=(
            "No notices on stderr (what was read, what was written); a warning that a search "
            "by metadata failed is still shown (env CLAIMCHECK_QUIET)."
        ),
    ),
]


def settings_of(options: dict[str, Any]) -> Any:
    """Settings from a command's option values (None: not given), its environment and the
    defaults; the command's own arguments are left out."""
    from claimcheck.app.settings import load_settings

    skip = {"paths", "doi", "output_format", "output", "source", "input_format", "match", "force"}
    cli = {k: v for k, v in options.items() if k not in skip}
    for flag in ("allow_incomplete", "fresh", "offline", "no_match"):
        cli[flag] = cli.get(flag) or None
    cli["quiet"] = cli.get("quiet") or None
    cli["debug"] = cli.get("debug") or None
    return load_settings(cli)
