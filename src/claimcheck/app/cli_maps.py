"""The commands that make or describe claim maps: `import`, `init` and `schema`. Declared
here, registered on the app in cli.py; like every command, they import their work lazily."""

from pathlib import Path
from typing import Annotated

import typer

from claimcheck.app.interrupts import Document
from claimcheck.app.options import (
    CacheDir,
    CrossrefUrl,
    Debug,
    ImportQuiet,
    Mailto,
    Offline,
    Replay,
    Retries,
    Timeout,
    path_value,
    settings_of,
)
from claimcheck.app.runner import execute, write_stdout_whole
from claimcheck.model.errors import ExitCode


def schema() -> None:
    """Print the JSON Schema of the claim map (the repository keeps a copy in schema/).

    Point your editor's YAML language server at it with a first line like this one:

    \b
      # yaml-language-server: $schema=../schema/claim-map.schema.json
    """

    def run() -> int:
        import json

        from claimcheck.inputs.schema import claim_map_json_schema

        text = json.dumps(claim_map_json_schema(), indent=2) + "\n"
        write_stdout_whole(text, Document("JSON Schema"), for_people=False)
        return ExitCode.OK

    execute(run, debug=False)


def import_(
    source: Annotated[
        Path,
        typer.Argument(
            metavar="FILE",
            parser=path_value,
            help="A bibliography: BibTeX (.bib), RIS (.ris), CSL-JSON (.json), or a "
            "numbered or line-separated reference list pasted from an article.",
            show_default=False,
        ),
    ],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="PATH",
            parser=path_value,
            help="Write the claim map here (atomically) instead of stdout.",
            show_default=False,
        ),
    ] = None,
    input_format: Annotated[
        str | None,
        typer.Option(
            "--from",
            metavar="bibtex|ris|csl-json|text",
            help="Read the file as this format. [default: by extension, else by content]",
            show_default=False,
        ),
    ] = None,
    match: Annotated[
        bool,
        typer.Option(
            "--match",
            help="Search Crossref for references that print no DOI: confident matches are "
            "filled in with a comment, weak ones left as comments to confirm. A failed "
            "search is warned of and exits 3; the map is still written.",
        ),
    ] = False,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing -o file.")] = False,
    crossref_url: CrossrefUrl = None,
    mailto: Mailto = None,
    timeout: Timeout = None,
    retries: Retries = None,
    replay: Replay = None,
    cache_dir: CacheDir = None,
    offline: Offline = False,
    quiet: ImportQuiet = False,
    debug: Debug = False,
) -> None:
    """Start a claim map from a bibliography: every reference with its fields, cited_as
    verbatim, printed DOIs, and an empty claims list to fill in.

    \b
    Example:
      claimcheck import refs.bib -o claims/article.yaml --match
    """
    options = locals()

    def run() -> int:
        from claimcheck.app.importing import run_import_command

        settings = settings_of(options)
        return run_import_command(
            source, output, settings, input_format=input_format, match=match, force=force
        )

    execute(run, debug)


def init(
    path: Annotated[
        Path,
        typer.Argument(
            metavar="PATH", parser=path_value, help="Where to write the starter claim map."
        ),
    ] = Path("claims/article.yaml"),
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write a commented starter claim map to fill in, instead of a blank page."""

    def run() -> int:
        from claimcheck.app.starter import write_starter

        write_starter(path, force=force)
        typer.echo(f"wrote {path}; fill it in, then run: claimcheck audit {path}", err=True)
        return ExitCode.OK

    execute(run, debug=False)
