"""The least work any audit must do before its first request, with none of claimcheck's code:
a floor for `bench/first_request.py`.

    python bench/least_work.py URL MAP CACHE_DIR [--with-typer]

It reads the DOIs the claim map MAP prints (libyaml's parse events, as claimcheck's quick
scan does, without building the document), looks them up in an SQLite table in CACHE_DIR
(an empty cache answers none of them), and sends one list query for the first 50 to the
server at URL, with a client that loads no CA certificates (the server is plain http). With
`--with-typer` it imports the CLI framework first, as any command line built on it must
before it knows what to do.

Nothing here is judged, validated or kept: it is the part of an audit's start that no
design can skip, so `claimcheck audit`'s CPU at its first request can be read against it.
"""

from __future__ import annotations

import sys

if "--with-typer" in sys.argv:
    import typer  # noqa: F401  (imported for its cost)

import sqlite3

import httpx2
import yaml

BATCH = 50  # DOIs per list query, as claimcheck sends them
SQLITE_PARAMETERS = 900  # under SQLite's default limit of host parameters per statement


def printed_dois(path: str) -> list[str]:
    """The text of every scalar under the map that looks like a DOI, lower-cased, once each."""
    with open(path, "rb") as handle:
        events = yaml.parse(handle.read(), Loader=yaml.CSafeLoader)
        found = {
            event.value.lower(): None
            for event in events
            if type(event) is yaml.ScalarEvent and event.value.startswith("10.")
        }
    return list(found)


def not_cached(dois: list[str], cache_dir: str) -> list[str]:
    db = sqlite3.connect(f"{cache_dir}/least-work.sqlite")
    db.execute("CREATE TABLE IF NOT EXISTS answers (doi TEXT PRIMARY KEY, body BLOB)")
    cached: set[str] = set()
    for start in range(0, len(dois), SQLITE_PARAMETERS):
        chunk = dois[start : start + SQLITE_PARAMETERS]
        marks = ",".join("?" * len(chunk))
        query = f"SELECT doi FROM answers WHERE doi IN ({marks})"
        cached.update(row[0] for row in db.execute(query, chunk))
    db.close()
    return [doi for doi in dois if doi not in cached]


def main() -> None:
    url, map_path, cache_dir = sys.argv[1:4]
    wanted = not_cached(printed_dois(map_path), cache_dir)[:BATCH]
    query = ",".join(f"doi:{doi}" for doi in wanted)
    with httpx2.Client(verify=False) as client:
        client.get(f"{url}/works", params={"filter": query, "rows": str(BATCH)})


if __name__ == "__main__":
    main()
