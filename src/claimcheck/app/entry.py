"""The console entry point, kept light: `claimcheck --version` answers without importing the
CLI framework (about 80 ms of a 115 ms run); every other command line goes to cli.main."""

from __future__ import annotations

import sys


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        from claimcheck import __version__

        try:
            sys.stdout.write(f"claimcheck {__version__}\n")
            sys.stdout.flush()
            return
        except OSError:
            pass  # a closed or full stdout: the full CLI reports it its documented way
    from claimcheck.app.cli import main as cli_main

    cli_main()
